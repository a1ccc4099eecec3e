// The room's live wiring: starts the message feed (then places the "new messages" divider, scrolls
// to the newest and marks read), the typing and presence subscriptions for members, the typing
// clock, the resync after a reconnect, and the reaction to the server ending the room's stream.
import { createEffect, createSignal, on, onCleanup, onMount } from 'solid-js'
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { connEpoch, connState, live } from '../../lib/client'
import { match, navigate, queryParam } from '../../lib/router'
import { applyUser, nameOf } from '../../lib/users'
import type { Feed } from './feed'
import { firstLine } from './MessageBody'
import type { RoomMembersState } from './MembersPanel'
import type { MessageScroll } from './MessageList'
import type { Typing } from './typing'

// Nothing here depends on the viewer (the event's own status and focusUntil, not the user's): the
// server executes each event once for every page of the room instead of once per page.
const RoomPresenceLive = graphql(`
  subscription RoomPresenceLive($roomId: ID) {
    presenceChanged(roomId: $roomId) { status joined left focusUntil user { id } }
  }
`)

const TypingLive = graphql(`
  subscription TypingLive($roomId: ID!) {
    typing(roomId: $roomId) { typing user { id displayName } }
  }
`)

/**
 * Returns the id of the message the "new messages" divider sits before (null: no divider), the
 * highlighted message's seq, and the unread messages older than the loaded page (with the jump to
 * the first of them). `?at=<seq>` in the address opens the room at that message (search hits).
 */
export function useRoomLive(o: {
  room: () => RoomViewFieldsFragment
  self: { id: string }
  feed: Feed
  members: RoomMembersState
  typing: Typing
  scroll: MessageScroll
  scheduleMarkRead: () => void
  onEnded: () => void
}) {
  const { room, self, feed, members, typing, scroll, scheduleMarkRead } = o
  createEffect(on(() => feed.state.ended, (e) => { if (e) o.onEnded() }, { defer: true }))
  // the "new messages" divider sits before the first message that was unread when the room opened
  const [dividerBefore, setDividerBefore] = createSignal<string | null>(null)
  const [highlight, setHighlight] = createSignal<number | null>(null)
  const [unreadAbove, setUnreadAbove] = createSignal<{ count: number; jump: () => void } | null>(null)
  // what a screen reader hears of the log: others' messages as they arrive live, each once (the
  // log itself is not a live region: opening a room or loading older pages read the history aloud)
  const [arrivals, setArrivals] = createSignal<{ id: string; text: string }[]>([])
  const announced = new Set<string>()
  // where the viewer had read up to when the room opened (marking read moves the server's marker on)
  const readUpTo = room().viewerLastReadSeq ?? null
  const unreadAtOpen = room().unreadCount
  // messages past this seq are new to the reader; older ones arriving are history a jump replays
  let newAfter = room().lastMessage?.seq ?? 0
  const markKnown = () => {
    for (const m of feed.state.list) if (!m.local && m.seq > newAfter) newAfter = m.seq
  }
  const target = () => {
    // the address may already name another room this view is about to give way to
    if (match('/rooms/:id')?.id !== room().id) return null
    const at = Number(queryParam('at'))
    return Number.isInteger(at) && at > 0 ? at : null
  }

  /**
   * the divider before the first of others' messages past the read marker, once it is loaded:
   * until the loaded history reaches back to the marker, the first unread one is not among them
   * (the "unread above" bar says so instead), and the first loaded message is not it
   */
  function placeDivider(): boolean {
    if (readUpTo === null || unreadAtOpen === 0) return true
    const l = feed.state.list.filter((m) => !m.local)
    if (l.length > 0 && l[0].seq > readUpTo + 1 && feed.state.hasOlder) return false
    const first = l.find((m) => m.seq > readUpTo && m.sender.id !== self.id && !m.deletedAt)
    if (first) setDividerBefore(first.id)
    return !!first
  }

  /** highlights one message and brings it into view (after the list has rendered it) */
  function show(seq: number) {
    setHighlight(seq)
    requestAnimationFrame(() => { scroll.reveal(seq) })
  }

  /** opens the history at one message: in place when loaded, else the page around it */
  async function openAt(seq: number) {
    if (!feed.state.list.some((m) => !m.local && m.seq === seq)) {
      markKnown()
      await feed.jump(seq)
      placeDivider()
    }
    show(seq)
    // the address keeps the room, not the hit: choosing the same hit again opens it again
    navigate(`/rooms/${room().id}`, { replace: true })
  }

  async function jumpToFirstUnread() {
    if (readUpTo === null) return
    setUnreadAbove(null)
    markKnown()
    await feed.jump(readUpTo + 1)
    placeDivider()
    const first = feed.state.list.find((m) => !m.local && m.seq > readUpTo && m.sender.id !== self.id && !m.deletedAt)
    if (first) show(first.seq)
  }

  onMount(() => {
    const at = target()
    void feed.start(at ?? undefined).then(() => {
      const placed = placeDivider()
      if (at) {
        show(at)
        navigate(`/rooms/${room().id}`, { replace: true })
      } else {
        scroll.toBottom()
        if (!placed && feed.state.hasOlder) setUnreadAbove({ count: unreadAtOpen, jump: () => void jumpToFirstUnread() })
      }
      scheduleMarkRead()
    })
    // typing and presence are for members: a reader of a PUBLIC room would only be refused
    const stops = !room().viewerIsMember ? [] : [
      live(TypingLive, () => ({ roomId: room().id }), {
        next: (d) => {
          const t = d.typing
          if (t.user.id === self.id) return
          typing.heard(t)
        },
      }),
      live(RoomPresenceLive, () => ({ roomId: room().id }), {
        next: (d) => {
          const p = d.presenceChanged
          applyUser({ id: p.user.id, status: p.status, focusUntil: p.focusUntil })
          if (p.joined || p.left) members.reload()
        },
      }),
    ]
    const tick = setInterval(typing.tick, 1000)
    onCleanup(() => {
      feed.stop()
      stops.forEach((s) => s())
      clearInterval(tick)
      typing.stopTyping()
    })
  })

  // after a reconnect presence may have moved while we were away
  createEffect(on(connEpoch, () => {
    members.reload()
    void feed.resync()
  }, { defer: true }))

  // usable again without a new socket (the browser's "online" after a short drop keeps the open
  // socket, so connEpoch does not move): what waited for the connection goes out now
  createEffect(on(connState, (s, prev) => {
    if (s === 'connected' && prev !== 'connected') void feed.resendWaiting()
  }, { defer: true }))

  // the reader reached the first unread another way (scrolling up, a search hit): the bar goes
  createEffect(() => {
    if (!unreadAbove() || readUpTo === null) return
    if (feed.state.list.some((m) => !m.local && m.seq === readUpTo + 1)) {
      setUnreadAbove(null)
      placeDivider()
    }
  })

  // a search hit in this room, chosen while the room is open
  createEffect(on(target, (at) => { if (at && !feed.state.loading) void openAt(at) }, { defer: true }))

  feed.onAdded((m) => {
    if (m.sender.id !== self.id) typing.forget(m.sender.id)
    if (scroll.stuck()) {
      // reading the newest: the oldest beyond a bound go (Load older messages brings them back)
      feed.trim()
      queueMicrotask(scroll.toBottom)
    }
    else if (m.sender.id !== self.id && m.seq > newAfter) scroll.noteUnseen()
    if (m.sender.id !== self.id && m.seq > newAfter && !announced.has(m.id)) {
      announced.add(m.id)
      const body = m.deletedAt ? 'Message deleted' : firstLine(m.body) || (m.attachments?.length ? `${m.attachments.length} attachment${m.attachments.length === 1 ? '' : 's'}` : '')
      // the last few only: each is read once as it is added, the region never grows long
      setArrivals((l) => [...l.slice(-4), { id: m.id, text: `${nameOf(m.sender)}: ${body}` }])
    }
    scheduleMarkRead()
  })

  return { dividerBefore, highlight, unreadAbove, arrivals }
}
