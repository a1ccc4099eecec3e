import { createResource, Show } from 'solid-js'
import { graphql } from '../../gql'
import { mutate } from '../../lib/client'
import { navigate } from '../../lib/router'
import { ErrorBox, Loading } from '../../components/ui'
import { Link } from '../../components/Link'

const JoinRoomByCode = graphql(`
  mutation JoinRoomByCode($code: String!) {
    joinRoom(code: $code) { id }
  }
`)

/** /join/<code>: joins, then replaces itself with the room so Back does not join again. */
export function JoinPage(props: { code: string }) {
  const [joined, { refetch }] = createResource(() => props.code, async (code) => {
    const d = await mutate(JoinRoomByCode, { code })
    navigate(`/rooms/${d.joinRoom.id}`, { replace: true })
    return d.joinRoom.id
  })
  return (
    <section class="page narrow">
      <h1>Joining room</h1>
      <Show when={joined.error} fallback={<Loading label="Joining…" />}>
        <ErrorBox error={joined.error} retry={refetch} />
        <p><Link href="/">Back to rooms</Link></p>
      </Show>
    </section>
  )
}
