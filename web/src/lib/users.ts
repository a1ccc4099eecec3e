// Live facts about other users (names, presence) arrive as events; views render people through
// these helpers so that one event updates every place the person appears.
import { createStore } from 'solid-js/store'
import type { Presence } from '../components/ui'
import { plainText } from './markdown'

interface Patch { displayName?: string; username?: string; status?: Presence; focusUntil?: string | null; avatarUrl?: string | null }
const [patches, setPatches] = createStore<Record<string, Patch>>({})

export function applyUser(u: { id: string; displayName?: string; username?: string; status?: Presence; focusUntil?: string | null; avatarUrl?: string | null }) {
  const p: Patch = {}
  if (u.displayName !== undefined) p.displayName = u.displayName
  if (u.username !== undefined) p.username = u.username
  if (u.status !== undefined) p.status = u.status
  if (u.focusUntil !== undefined) p.focusUntil = u.focusUntil
  if (u.avatarUrl !== undefined) p.avatarUrl = u.avatarUrl
  setPatches(u.id, (old) => ({ ...old, ...p }))
}

export function nameOf(u: { id: string; displayName: string }): string {
  return patches[u.id]?.displayName ?? u.displayName
}

/** a deleted account's placeholder username: it has no handle to show */
export const DELETED_USERNAME = '[deleted]'

/** the @username to show (live: a deleted account's freed name goes at once), or null for a deleted account */
export function handleOf(u: { id: string; username: string }): string | null {
  const name = patches[u.id]?.username ?? u.username
  return name === DELETED_USERNAME ? null : name
}

/** "Name @username", or just the name when there is no handle (a deleted account) */
export function nameWithHandle(u: { id: string; displayName: string; username: string }): string {
  const h = handleOf(u)
  return h ? `${nameOf(u)} @${h}` : nameOf(u)
}

/**
 * a message in one line for lists: its text as the message shows it (plain, without the
 * Markdown), or what it carries when it is only files
 */
export function previewOf(m: { body: string; attachments?: readonly unknown[] | null }): string {
  const text = plainText(m.body)
  if (text) return text
  const n = m.attachments?.length ?? 0
  return n ? `📎 ${n} ${n === 1 ? 'file' : 'files'}` : m.body.trim()
}

/** the picture's URL (thumbnail size), or null: draw initials */
export function avatarOf(u: { id: string; avatarUrl?: string | null }): string | null {
  const p = patches[u.id]
  return p && p.avatarUrl !== undefined ? p.avatarUrl : u.avatarUrl ?? null
}

export function statusOf(u: { id: string; status?: Presence | null }): Presence {
  return patches[u.id]?.status ?? u.status ?? 'OFFLINE'
}

export function focusOf(u: { id: string; focusUntil?: string | null }): string | null {
  const f = patches[u.id]?.focusUntil !== undefined ? patches[u.id]?.focusUntil : u.focusUntil
  return f && new Date(f).getTime() > Date.now() ? f : null
}

/** A direct room is named after both usernames; show the other person's. */
export function roomTitle(room: { name: string; kind: string }, myUsername: string | undefined): string {
  if (room.kind !== 'DIRECT') return room.name
  const others = room.name.split(', ').filter((n) => n.toLowerCase() !== (myUsername ?? '').toLowerCase())
  return others.length ? `@${others.join(', @')}` : room.name
}
