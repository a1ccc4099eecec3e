import { createResource, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate } from '../../lib/client'
import { navigate } from '../../lib/router'
import { focusNext } from '../../lib/focusKeeper'
import { ErrorBox, Loading } from '../../components/ui'
import { Link } from '../../components/Link'
import { toAppError } from '../../lib/errors'

const JoinRoomByCode = graphql(`
  mutation JoinRoomByCode($code: String!) {
    joinRoom(code: $code) { id }
  }
`)

/** joinRoom is FORBIDDEN only for a user banned from a PUBLIC room (a PRIVATE one answers NOT_FOUND) */
export const BANNED = 'You are banned from this room: you cannot join it again unless a moderator lifts the ban.'

/** /join/<code>: joins, then replaces itself with the room so Back does not join again. */
export function JoinPage(props: { code: string }) {
  const [joined, { refetch }] = createResource(() => props.code, async (code) => {
    const d = await mutate(JoinRoomByCode, { code })
    focusNext('#composer-input') // joined to write: the room opens with the focus on its composer
    navigate(`/rooms/${d.joinRoom.id}`, { replace: true })
    return d.joinRoom.id
  })
  return (
    <section class="page narrow">
      <h1>Joining room</h1>
      <Show when={joined.error} fallback={<Loading label="Joining…" />}>
        {/* a wrong code stays wrong: say so plainly, with no retry that can only fail again */}
        <Show when={toAppError(joined.error).code === 'FORBIDDEN'}>
          <p class="notice" role="alert">{BANNED}</p>
        </Show>
        <Show when={toAppError(joined.error).code === 'NOT_FOUND'} fallback={<Show when={toAppError(joined.error).code !== 'FORBIDDEN'}><ErrorBox error={joined.error} retry={refetch} /></Show>}>
          <p class="notice" role="alert">No room has the code <code>{props.code}</code>: it may be mistyped, or the room was deleted. Check it with whoever shared it.</p>
        </Show>
        <p><Link href="/">Back to rooms</Link></p>
      </Show>
    </section>
  )
}
