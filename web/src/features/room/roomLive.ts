// The room's live wiring: starts the message feed (then places the "new messages" divider, scrolls
// to the newest and marks read), the typing and presence subscriptions for members, the typing
// clock, the resync after a reconnect, and the reaction to the server ending the room's stream.
import { createEffect, createSignal, on, onCleanup, onMount } from 'solid-js'
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { connEpoch, live } from '../../lib/client'
import { applyUser } from '../../lib/users'
import type { Feed } from './feed'
import type { RoomMembersState } from './MembersPanel'
import type { MessageScroll } from './MessageList'
import type { Typing } from './typing'

const RoomPresenceLive = graphql(`
  subscription RoomPresenceLive($roomId: ID) {
    presenceChanged(roomId: $roomId) { status joined left user { id status focusUntil } }
  }
`)

const TypingLive = graphql(`
  subscription TypingLive($roomId: ID!) {
    typing(roomId: $roomId) { typing user { id displayName } }
  }
`)

/** Returns the id of the message the "new messages" divider sits before (null: no divider). */
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

  onMount(() => {
    void feed.start().then(() => {
      let left = room().unreadCount
      const l = feed.state.list
      for (let i = l.length - 1; i >= 0 && left > 0; i--) {
        if (l[i].sender.id !== self.id && !l[i].deletedAt) {
          left--
          if (left === 0) setDividerBefore(l[i].id)
        }
      }
      scroll.toBottom()
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
          applyUser({ ...p.user, status: p.status })
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

  feed.onAdded((m) => {
    if (m.sender.id !== self.id) typing.forget(m.sender.id)
    if (scroll.stuck()) queueMicrotask(scroll.toBottom)
    scheduleMarkRead()
  })

  return dividerBefore
}
