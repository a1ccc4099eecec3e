// The signed-in user's rooms and direct messages, kept live for the sidebar, the quick switcher
// and the tab title: unread counts, mention counts, last message, notification level. One
// roomActivity subscription moves them as messages arrive, and roomListChanged as rooms are
// joined, left (on any device), removed, deleted or renamed; the list is read again (a burst of
// events once) after those, navigation, a reconnect, a notification and window focus.
import { createMemo, createRoot, createSignal } from 'solid-js'
import { createStore, produce, reconcile } from 'solid-js/store'
import { graphql } from '../../gql'
import type { NotificationLevel, SidebarRoomFieldsFragment } from '../../gql/graphql'
import { live, mutate, query } from '../../lib/client'
import { match, navigate, pathname } from '../../lib/router'
import { toast } from '../../components/ui'
import { me } from '../../lib/session'
import { nameOf, nameWithHandle, previewOf, roomTitle } from '../../lib/users'
import { holdingNotifications } from '../focus/store'
import { desktopAlert } from './alerts'

graphql(`
  fragment SidebarRoomFields on Room {
    id
    name
    kind
    createdAt
    unreadCount
    viewerNotificationLevel
    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }
    members(first: 2) { edges { node { user { id username displayName } } } }
  }
`)

const SidebarRooms = graphql(`
  query SidebarRooms {
    myRooms { ...SidebarRoomFields }
    notificationsList(unreadOnly: true, first: 100) { id kind room { id } }
  }
`)

const SidebarActivity = graphql(`
  subscription SidebarActivity {
    roomActivity { room { id } message { id body createdAt deletedAt sender { id username displayName } attachments { id } } }
  }
`)

const SidebarListChanged = graphql(`
  subscription SidebarListChanged {
    roomListChanged { kind roomId }
  }
`)

const SetLevel = graphql(`
  mutation SetRoomNotificationLevel($roomId: ID!, $level: NotificationLevel!) {
    setRoomNotificationLevel(roomId: $roomId, level: $level) { id viewerNotificationLevel }
  }
`)

export type SidebarRoom = SidebarRoomFieldsFragment
interface State { loaded: boolean; rooms: SidebarRoom[]; mentions: Record<string, number> }
const [state, setState] = createStore<State>({ loaded: false, rooms: [], mentions: {} })
const [error, setError] = createSignal<unknown>(null)
export { state as conversations, error as conversationsError }

/** the room on screen, when the page shows one */
export const currentRoomId = createRoot(() => createMemo(() => match('/rooms/:id', pathname())?.id ?? null))
const [visible, setVisible] = createSignal(typeof document === 'undefined' || document.visibilityState === 'visible')
if (typeof document !== 'undefined') document.addEventListener('visibilitychange', () => setVisible(document.visibilityState === 'visible'))
export { visible as pageVisible }

const activityAt = (r: SidebarRoom) => Date.parse(r.lastMessage?.createdAt ?? r.createdAt)
const byActivity = (a: SidebarRoom, b: SidebarRoom) => activityAt(b) - activityAt(a) || a.name.localeCompare(b.name)

/** unread as the user should see it: the room on screen while the page is visible counts as read */
export function unreadOf(r: SidebarRoom): number {
  return r.id === currentRoomId() && visible() ? 0 : r.unreadCount
}
export function mentionsOf(r: SidebarRoom): number {
  return r.id === currentRoomId() && visible() ? 0 : state.mentions[r.id] ?? 0
}
/** a direct room reads as the other person: their name (live), else the room's name */
export const peerOf = (r: { kind: string; members?: { edges: { node: { user: { id: string; username: string; displayName: string } } }[] } }) =>
  r.kind === 'DIRECT' ? r.members?.edges.map((e) => e.node.user).find((u) => u.id !== me()?.id) ?? null : null
export const titleOf = (r: { name: string; kind: string; members?: { edges: { node: { user: { id: string; username: string; displayName: string } } }[] } }) => {
  const p = peerOf(r)
  return p ? nameOf(p) : roomTitle(r, me()?.username)
}

// memos for the page's lifetime (the store is module-wide)
const memos = createRoot(() => {
  const sorted = createMemo(() => [...state.rooms].sort(byActivity))
  return {
    sorted,
    group: createMemo(() => sorted().filter((r) => r.kind !== 'DIRECT')),
    direct: createMemo(() => sorted().filter((r) => r.kind === 'DIRECT')),
    total: createMemo(() => state.rooms.reduce((n, r) => n + (r.viewerNotificationLevel === 'NONE' ? 0 : unreadOf(r)), 0)),
  }
})
export const sortedRooms = memos.sorted
export const groupRooms = memos.group
export const directRooms = memos.direct
/** unread messages in rooms that are not muted: the count in the tab title */
export const totalUnread = memos.total
export const roomById = (id: string | null | undefined) => state.rooms.find((r) => r.id === id)

let inflight: Promise<void> | null = null
let again = false
/** reads the list again; calls during a read are folded into one more read after it */
export function refreshConversations(): Promise<void> {
  if (inflight) { again = true; return inflight }
  inflight = (async () => {
    try {
      const d = await query(SidebarRooms, {})
      const mentions: Record<string, number> = {}
      for (const n of d.notificationsList) if ((n.kind === 'MENTION' || n.kind === 'REPLY') && n.room) mentions[n.room.id] = (mentions[n.room.id] ?? 0) + 1
      setState('rooms', reconcile(d.myRooms, { key: 'id' }))
      setState({ loaded: true, mentions })
      setError(null)
    } catch (e) {
      setError(e)
    } finally {
      inflight = null
      if (again) { again = false; void refreshConversations() }
    }
  })()
  return inflight
}

let soonTimer: ReturnType<typeof setTimeout> | undefined
export function refreshSoon(ms = 300) {
  clearTimeout(soonTimer)
  soonTimer = setTimeout(() => void refreshConversations(), ms)
}

/**
 * A message of a room on screen was edited or deleted: the sidebar's preview of the room's last
 * message follows at once (it kept the old text, a deleted message's too, until a refresh)
 */
export function messageChanged(roomId: string, m: { id: string; body: string; deletedAt?: string | null; attachments?: readonly { id: string }[] | null }) {
  setState('rooms', (r) => r.id === roomId && r.lastMessage?.id === m.id, produce((r) => {
    if (!r.lastMessage) return
    r.lastMessage.body = m.body
    r.lastMessage.deletedAt = m.deletedAt ?? null
    if (m.attachments) r.lastMessage.attachments = m.attachments.map((a) => ({ id: a.id }))
  }))
}

/** rooms this window is leaving or deleting itself (roomActions): their LEFT needs no notice here */
const leavingHere = new Set<string>()
export function leavingFromHere(roomId: string) {
  leavingHere.add(roomId)
  setTimeout(() => leavingHere.delete(roomId), 30_000)
}

/** the room view marked its messages read: the sidebar follows at once */
export function markedRead(roomId: string, unreadCount: number) {
  setState('rooms', (r) => r.id === roomId, 'unreadCount', unreadCount)
  setState('mentions', roomId, 0)
}

export async function setNotificationLevel(roomId: string, level: NotificationLevel): Promise<void> {
  const d = await mutate(SetLevel, { roomId, level })
  setState('rooms', (r) => r.id === roomId, 'viewerNotificationLevel', d.setRoomNotificationLevel.viewerNotificationLevel)
}
export const levelOf = (roomId: string): NotificationLevel | undefined => roomById(roomId)?.viewerNotificationLevel

/** starts the live list for the session; returns its stop */
export function startConversations(): () => void {
  void refreshConversations()
  const stop = live(SidebarActivity, () => ({}), {
    next: (d) => {
      const { room, message } = d.roomActivity
      const known = roomById(room.id)
      if (!known) { refreshSoon(0); return }
      const mine = message.sender.id === me()?.id
      setState('rooms', (r) => r.id === room.id, produce((r) => {
        r.lastMessage = message
        if (!mine) r.unreadCount += 1
      }))
      // a room at ALL alerts for every message. Mentions also come through the notifications
      // feed, and so do direct messages unless the room is open in some window (the server then
      // makes none): the alert is keyed by message, so either feed may be first.
      // While the user focuses with notifications held, the server holds the notification of a
      // direct message or mention until the break, and alerts then come from the notifications
      // feed: this one stays quiet (no desktop alert, no chime) like the list.
      if (!mine && known.viewerNotificationLevel === 'ALL' && !holdingNotifications(currentRoomId())) {
        const title = known.kind === 'DIRECT' ? nameWithHandle(message.sender) : titleOf(known)
        desktopAlert({ key: message.id, title, body: known.kind === 'DIRECT' ? previewOf(message) : `${message.sender.displayName}: ${previewOf(message)}`, roomId: room.id })
      }
      refreshSoon(600)
    },
    error: (e) => console.warn('roomActivity refused', e),
  })
  const stopList = live(SidebarListChanged, () => ({}), {
    next: (d) => {
      const { kind, roomId } = d.roomListChanged
      if (kind === 'LEFT') {
        const known = roomById(roomId)
        setState('rooms', (rooms) => rooms.filter((r) => r.id !== roomId))
        // left on another device (or the room deleted) while this window shows it: out of it, told why.
        // A removal is told by the room itself (roomChanged, which may come a moment after this on
        // its own stream), and a leave from this window has moved on already
        if (currentRoomId() === roomId && known && !leavingHere.has(roomId)) {
          setTimeout(() => {
            if (currentRoomId() !== roomId) return
            toast(`You are no longer in ${titleOf(known)}.`, { ms: 8000 })
            navigate('/', { force: true })
          }, 1500)
        }
      }
      refreshSoon(0)
    },
    error: (e) => console.warn('roomListChanged refused', e),
  })
  const onFocus = () => refreshSoon(0)
  window.addEventListener('focus', onFocus)
  return () => { stop(); stopList(); clearTimeout(soonTimer); window.removeEventListener('focus', onFocus); setState({ loaded: false, rooms: [], mentions: {} }) }
}
