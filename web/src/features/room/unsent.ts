// Messages the server refused to send (FORBIDDEN: a block in a direct room, a ban, a removal),
// per user and room, for the life of the tab (sessionStorage: a reload keeps them, closing the tab
// does not, and nothing is written to disk for longer). The room shows them again as "Not sent"
// when it is opened, so their text is never lost silently: it can be copied, or discarded.
interface Unsent { clientId: string; body: string; createdAt: string; error?: string }

const MAX_PER_ROOM = 20
const keyOf = (userId: string, roomId: string) => `hearth.unsent.${userId}.${roomId}`

export function unsentOf(userId: string, roomId: string): Unsent[] {
  try {
    const v: unknown = JSON.parse(sessionStorage.getItem(keyOf(userId, roomId)) ?? '[]')
    return Array.isArray(v) ? v.filter((x): x is Unsent => !!x && typeof x.clientId === 'string' && typeof x.body === 'string' && typeof x.createdAt === 'string') : []
  } catch {
    return []
  }
}

function write(userId: string, roomId: string, list: Unsent[]) {
  try {
    if (list.length) sessionStorage.setItem(keyOf(userId, roomId), JSON.stringify(list.slice(-MAX_PER_ROOM)))
    else sessionStorage.removeItem(keyOf(userId, roomId))
  } catch { /* storage full or off: the message stays on screen for this visit */ }
}

export function keepUnsent(userId: string, roomId: string, m: Unsent) {
  write(userId, roomId, [...unsentOf(userId, roomId).filter((x) => x.clientId !== m.clientId), m])
}

export function dropUnsent(userId: string, roomId: string, clientId: string) {
  write(userId, roomId, unsentOf(userId, roomId).filter((x) => x.clientId !== clientId))
}
