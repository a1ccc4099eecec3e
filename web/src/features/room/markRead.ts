// Read receipts: the newest message on screen is marked read shortly after a burst of messages,
// when the page becomes visible again, and when leaving the room with a mark still pending.
import { onCleanup } from 'solid-js'
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { mutate } from '../../lib/client'
import { markRoomNotificationsRead } from '../notifications/store'
import { markedRead } from '../shell/conversations'
import type { Feed } from './feed'

const MarkRead = graphql(`
  mutation MarkRead($roomId: ID!, $messageId: ID!) { markRead(roomId: $roomId, messageId: $messageId) { id unreadCount } }
`)

/** Returns scheduleMarkRead: a burst of messages marks once, shortly after the last one. */
export function createMarkRead(room: () => RoomViewFieldsFragment, feed: Feed) {
  let markTimer: ReturnType<typeof setTimeout> | undefined
  let markPending = false
  let markedId: string | null = null
  function markNow() {
    clearTimeout(markTimer)
    markPending = false
    if (!room().viewerIsMember || document.visibilityState !== 'visible') return
    const last = [...feed.state.list].reverse().find((m) => !m.local)
    if (!last || last.id === markedId) return
    markedId = last.id
    const roomId = room().id
    mutate(MarkRead, { roomId, messageId: last.id }).then((d) => { markedRead(roomId, d.markRead.unreadCount); return markRoomNotificationsRead(roomId) }, () => { markedId = null })
  }
  /** a burst of messages marks once, shortly after the last one */
  function scheduleMarkRead() {
    clearTimeout(markTimer)
    markPending = true
    markTimer = setTimeout(markNow, 400)
  }
  const onVisible = () => { if (document.visibilityState === 'visible') scheduleMarkRead() }
  document.addEventListener('visibilitychange', onVisible)
  onCleanup(() => {
    document.removeEventListener('visibilitychange', onVisible)
    // leaving right after a message arrived: what was on screen still counts as read
    if (markPending) markNow()
  })
  return scheduleMarkRead
}
