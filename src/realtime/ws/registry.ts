// Which sockets are open on this instance: by session, by user and by IP (the per-IP caps).
import type { Viewer } from '../../graphql/context.js'
import type { ClientSocket } from './client-socket.js'

export class SocketRegistry {
  readonly all = new Set<ClientSocket>()
  private bySession = new Map<string, Set<ClientSocket>>()
  private byUser = new Map<string, Set<ClientSocket>>()
  private byIp = new Map<string, number>()
  /** sockets per IP not signed in yet (no connection_init, or anonymous) */
  private unauthByIp = new Map<string, number>()

  get size() { return this.all.size }

  socketsOfIp(ip: string): number { return this.byIp.get(ip) ?? 0 }
  unauthenticatedOfIp(ip: string): number { return this.unauthByIp.get(ip) ?? 0 }
  /** the user's sockets here, those still closing included (the per-user cap counts them) */
  socketsOfUser(userId: string): number { return this.byUser.get(userId)?.size ?? 0 }
  /** the user's sockets here that are open, not closing */
  openSocketsOfUser(userId: string): number {
    let n = 0
    for (const c of this.byUser.get(userId) ?? []) if (!c.closed) n++
    return n
  }
  socketsOfSession(sessionId: string): ReadonlySet<ClientSocket> | undefined { return this.bySession.get(sessionId) }
  sessionIds(): string[] { return [...this.bySession.keys()] }
  userIds(): string[] { return [...this.byUser.keys()] }

  /** a new socket: counted in its IP's sockets, and in those not signed in */
  add(conn: ClientSocket) {
    this.all.add(conn)
    this.byIp.set(conn.ip, (this.byIp.get(conn.ip) ?? 0) + 1)
    this.unauthByIp.set(conn.ip, (this.unauthByIp.get(conn.ip) ?? 0) + 1)
  }

  /** the socket signed in as this viewer */
  signedIn(conn: ClientSocket, viewer: Viewer) {
    addTo(this.bySession, viewer.sessionId, conn)
    addTo(this.byUser, viewer.userId, conn)
    this.leaveUnauthenticated(conn)
  }

  remove(conn: ClientSocket) {
    this.all.delete(conn)
    const n = (this.byIp.get(conn.ip) ?? 1) - 1
    if (n <= 0) this.byIp.delete(conn.ip); else this.byIp.set(conn.ip, n)
    this.leaveUnauthenticated(conn)
    if (conn.viewer) {
      removeFrom(this.bySession, conn.viewer.sessionId, conn)
      removeFrom(this.byUser, conn.viewer.userId, conn)
    }
  }

  /** the socket leaves its IP's count of sockets not signed in (signed in, or closed) */
  private leaveUnauthenticated(conn: ClientSocket) {
    if (!conn.unauthenticated) return
    conn.unauthenticated = false
    const n = (this.unauthByIp.get(conn.ip) ?? 1) - 1
    if (n <= 0) this.unauthByIp.delete(conn.ip); else this.unauthByIp.set(conn.ip, n)
  }
}

function addTo(map: Map<string, Set<ClientSocket>>, key: string, conn: ClientSocket) {
  let s = map.get(key)
  if (!s) map.set(key, (s = new Set()))
  s.add(conn)
}

function removeFrom(map: Map<string, Set<ClientSocket>>, key: string, conn: ClientSocket) {
  const s = map.get(key)
  if (!s) return
  s.delete(conn)
  if (s.size === 0) map.delete(key)
}
