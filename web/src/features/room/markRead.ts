// Read receipts: the newest message on screen is marked read shortly after a message arrives
// (400 ms, so a burst marks once), at most once every 5 s while messages keep coming, when the
// page becomes visible again, and when leaving the room with a mark still pending.
//
// Every open page sends its own receipts, and one costs the server about as much as a send
// (docs/PERFORMANCE.md, "Eighth pass": 378 against 400 µs of CPU): in a room of 1000 open pages, a receipt
// per message per page was ~0.38 s of server CPU for each message. The 5 s bound caps a page at
// 0.2 receipts a second however busy the room is; a quiet room still marks each message.
import { onCleanup } from 'solid-js'
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { mutate } from '../../lib/client'
import { me } from '../../lib/session'
import { markRoomNotificationsRead } from '../notifications/store'
import { markedRead } from '../shell/conversations'
import type { Feed } from './feed'

const MarkRead = graphql(`
  mutation MarkRead($roomId: ID!, $messageId: ID!) { markRead(roomId: $roomId, messageId: $messageId) { id unreadCount } }
`)

/** the first receipt after a quiet spell waits this long for the rest of a burst */
const SETTLE_MS = 400
/** receipts of one page for one room are at least this far apart */
const MIN_GAP_MS = 5000

/** Returns scheduleMarkRead: marks the newest message soon, at most once every MIN_GAP_MS. */
export function createMarkRead(room: () => RoomViewFieldsFragment, feed: Feed) {
  let markTimer: ReturnType<typeof setTimeout> | undefined
  let markPending = false
  let markedId: string | null = null
  let lastMarkAt = -Infinity
  function markNow() {
    clearTimeout(markTimer)
    markTimer = undefined
    markPending = false
    if (!room().viewerIsMember || document.visibilityState !== 'visible') return
    const list = feed.state.list
    const last = [...list].reverse().find((m) => !m.local)
    if (!last || last.id === markedId) return
    // whether what is read now may have notified the viewer (a direct message, a mention, a
    // reply): one held while they focus is not in the badge yet, and must be read all the same
    const mine = me()
    const fresh = list.slice(list.findIndex((m) => m.id === markedId) + 1)
    const mention = mine ? new RegExp(`@${mine.username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i') : null
    const mayNotify = room().kind === 'DIRECT' || (!!mine && fresh.some((m) => !m.local && m.sender?.id !== mine.id && (mention!.test(m.body) || m.replyTo?.sender?.id === mine.id)))
    markedId = last.id
    lastMarkAt = Date.now()
    const roomId = room().id
    mutate(MarkRead, { roomId, messageId: last.id }).then((d) => { markedRead(roomId, d.markRead.unreadCount); return markRoomNotificationsRead(roomId, mayNotify) }, () => { markedId = null })
  }
  /** a mark already scheduled takes whatever is newest when it runs */
  function scheduleMarkRead() {
    markPending = true
    if (markTimer !== undefined) return
    markTimer = setTimeout(markNow, Math.max(SETTLE_MS, lastMarkAt + MIN_GAP_MS - Date.now()))
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
