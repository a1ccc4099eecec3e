// "Someone is typing": the viewer's own announcements (at most every 3 s while typing, stopped
// after 4 s of quiet) and the line naming the others who are typing.
import { createSignal } from 'solid-js'
import { createStore } from 'solid-js/store'
import { graphql } from '../../gql'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { mutate } from '../../lib/client'

const SetTyping = graphql(`
  mutation SetTyping($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }
`)

export function createTyping(room: () => RoomViewFieldsFragment) {
  const [typers, setTypers] = createStore<Record<string, { name: string; until: number }>>({})
  const [now, setNow] = createSignal(Date.now())

  // typing: announce at most every 3 s while typing, and stop after 4 s of quiet
  let typingSentAt = 0
  let typingIdle: ReturnType<typeof setTimeout> | undefined
  function typed() {
    if (!room().viewerIsMember) return
    const t = Date.now()
    if (t - typingSentAt > 3000) {
      typingSentAt = t
      mutate(SetTyping, { roomId: room().id, typing: true }).catch(() => {})
    }
    clearTimeout(typingIdle)
    typingIdle = setTimeout(stopTyping, 4000)
  }
  function stopTyping() {
    clearTimeout(typingIdle)
    if (!typingSentAt) return
    typingSentAt = 0
    mutate(SetTyping, { roomId: room().id, typing: false }).catch(() => {})
  }

  const typingText = () => {
    const names = Object.values(typers).filter((t) => t && t.until > now()).map((t) => t.name)
    if (!names.length) return ''
    if (names.length === 1) return `${names[0]} is typing…`
    if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`
    return 'Several people are typing…'
  }

  return {
    /** the viewer typed in the composer */
    typed,
    /** the viewer stopped (sent, or left the room) */
    stopTyping,
    /** another member's typing event */
    heard(t: { typing: boolean; user: { id: string; displayName: string } }) {
      if (t.typing) setTypers(t.user.id, { name: t.user.displayName, until: Date.now() + 6000 })
      else setTypers(t.user.id, undefined!)
    },
    /** a member's message arrived: they are done typing it */
    forget(userId: string) {
      setTypers(userId, undefined!)
    },
    /** moves the clock that expires typers who went quiet without saying so */
    tick: () => setNow(Date.now()),
    text: typingText,
  }
}
export type Typing = ReturnType<typeof createTyping>
