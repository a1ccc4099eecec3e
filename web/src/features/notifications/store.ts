import { createSignal } from 'solid-js'
import { graphql } from '../../gql'
import type { NotificationFieldsFragment } from '../../gql/graphql'
import { live, mutate, query } from '../../lib/client'
import { navigate } from '../../lib/router'
import { dismissToasts, toast } from '../../components/ui'
import { desktopAlert } from '../shell/alerts'
import { levelOf, refreshSoon } from '../shell/conversations'
import { nameWithHandle, previewOf } from '../../lib/users'

graphql(`
  fragment NotificationFields on Notification {
    id
    kind
    createdAt
    readAt
    actor { id displayName username }
    room { id name kind }
    message { id body roomId }
    friendRequest { id status }
  }
`)

const UnreadCount = graphql(`
  query UnreadNotificationCount { unreadNotificationCount }
`)

const NotificationsLive = graphql(`
  subscription NotificationsLive {
    notifications { ...NotificationFields }
  }
`)

// a friend request answered or withdrawn (here, on another device, or by its sender), or a block
const FriendRequestsLive = graphql(`
  subscription FriendRequestsLive {
    friendshipChanged { friendship user { id } request { id status } }
  }
`)

/** the key of a notice about a pending friend request: its id and its sender's */
const requestKey = (requestId: string, fromId: string) => `friend-request:${requestId}:${fromId}`

const [unread, setUnread] = createSignal(0)
const [lastArrived, setLastArrived] = createSignal<NotificationFieldsFragment | null>(null)
export { unread, setUnread, lastArrived }

const quote = (n: NotificationFieldsFragment) => (n.message?.body ? `: ${previewOf(n.message)}` : n.message ? ' (the message was deleted)' : '')

export function describe(n: NotificationFieldsFragment): string {
  const who = n.actor?.displayName ?? 'Someone'
  // a message's sender is shown with their @username: display names may repeat (contract part 2)
  const sender = n.actor ? nameWithHandle(n.actor) : 'Someone'
  switch (n.kind) {
    // the request may have been answered since: say what became of it
    case 'FRIEND_REQUEST_RECEIVED':
      switch (n.friendRequest?.status) {
        case 'ACCEPTED': return `You and ${who} are now friends`
        case 'DECLINED': return `You declined ${who}'s friend request`
        case 'CANCELLED': return `${who} withdrew a friend request`
        default: return `${who} sent you a friend request`
      }
    case 'FRIEND_REQUEST_ACCEPTED': return `${who} accepted your friend request`
    case 'DIRECT_MESSAGE': return `${sender}: ${n.message ? previewOf(n.message) : 'sent you a message'}`
    // a deleted message has no words left to quote (it read "... in Room:" with nothing after)
    case 'MENTION': return `${sender} mentioned you in ${n.room?.name ?? 'a room'}${quote(n)}`
    case 'REPLY': return `${sender} replied to you in ${n.room?.name ?? 'a room'}${quote(n)}`
    default: return 'New notification'
  }
}

export function targetOf(n: NotificationFieldsFragment): string {
  if (n.kind === 'FRIEND_REQUEST_RECEIVED' || n.kind === 'FRIEND_REQUEST_ACCEPTED') return '/friends'
  if (n.room) return `/rooms/${n.room.id}`
  return '/notifications'
}

const UnreadInRooms = graphql(`
  query UnreadNotifications { notificationsList(unreadOnly: true, first: 100) { id kind room { id } } }
`)

const MarkRead = graphql(`
  mutation MarkRoomNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }
`)

/**
 * The room's messages were read on screen: its direct-message and mention notifications are read
 * too, so the badge and the "(n)" in the title do not keep counting what the user just saw.
 * `mayNotify`: what was read may have notified the viewer; one held while they focus is not in
 * the badge (it arrives at the break), so a badge of 0 does not mean there is nothing to mark.
 */
export async function markRoomNotificationsRead(roomId: string, mayNotify = false) {
  if (unread() === 0 && !mayNotify) return
  try {
    const list = (await query(UnreadInRooms, {})).notificationsList
    const ids = list.filter((n) => (n.kind === 'DIRECT_MESSAGE' || n.kind === 'MENTION' || n.kind === 'REPLY') && n.room?.id === roomId).map((n) => n.id)
    if (!ids.length) return
    await mutate(MarkRead, { ids })
    await refreshUnread()
  } catch {
    /* the badge is a nicety */
  }
}

export async function refreshUnread() {
  try {
    setUnread((await query(UnreadCount, {})).unreadNotificationCount)
  } catch {
    /* the badge is a nicety; the list page shows errors */
  }
}

export function startNotifications(): () => void {
  void refreshUnread()
  // notifications read in another window send no event: the count is read again when this window
  // comes back to the front, as the sidebar's counts are (conversations.ts)
  const again = () => { if (document.visibilityState === 'visible') void refreshUnread() }
  window.addEventListener('focus', again)
  document.addEventListener('visibilitychange', again)
  const stop = live(NotificationsLive, () => ({}), {
    next: (d) => {
      const n = d.notifications
      setLastArrived(n)
      refreshSoon(0)
      // one held while focusing arrives at the break, already read if its room was opened
      // meanwhile: it is in the list, and counts, alerts and shows nothing again
      if (n.readAt) return
      setUnread((c) => c + 1)
      // the browser's own notification (and sound) while the tab is hidden; the server already
      // leaves out rooms at NONE, and the client checks too (the level may have just changed)
      if ((n.kind === 'DIRECT_MESSAGE' || n.kind === 'MENTION' || n.kind === 'REPLY') && !(n.room && levelOf(n.room.id) === 'NONE')) {
        const title = n.kind === 'MENTION' ? `Mention in ${n.room?.name ?? 'a room'}` : n.kind === 'REPLY' ? `Reply in ${n.room?.name ?? 'a room'}` : n.actor ? nameWithHandle(n.actor) : 'Someone'
        desktopAlert({ key: n.message?.id ?? n.id, title, body: describe(n), roomId: n.room?.id })
      }
      // a message in the room on screen needs no toast
      const target = targetOf(n)
      if (n.room && location.pathname === target) return
      // nor a friend request answered or withdrawn before it arrived; a pending one's notice
      // goes when it no longer is (below)
      const request = n.kind === 'FRIEND_REQUEST_RECEIVED' ? n.friendRequest : null
      if (request && request.status !== 'PENDING') return
      toast(describe(n), { action: { label: 'Open', run: () => navigate(target) }, key: request && n.actor ? requestKey(request.id, n.actor.id) : undefined })
    },
    error: (e) => console.warn('notifications refused', e),
  })
  // "X sent you a friend request [Open]" goes once the request is declined, withdrawn, accepted,
  // or ended by a block: by the request's own status, or the relation with its sender now
  const stopRequests = live(FriendRequestsLive, () => ({}), {
    next: (d) => {
      const e = d.friendshipChanged
      const over = e.request && e.request.status !== 'PENDING' ? `friend-request:${e.request.id}:` : null
      const noneFrom = e.friendship !== 'REQUEST_RECEIVED' ? `:${e.user.id}` : null
      dismissToasts((k) => k.startsWith('friend-request:') && ((!!over && k.startsWith(over)) || (!!noneFrom && k.endsWith(noneFrom))))
    },
    error: (e) => console.warn('friend requests refused', e),
  })
  return () => {
    stop()
    stopRequests()
    window.removeEventListener('focus', again)
    document.removeEventListener('visibilitychange', again)
  }
}
