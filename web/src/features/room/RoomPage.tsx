import { createResource, createSignal, onCleanup, Show } from 'solid-js'
import type { RoomViewFieldsFragment } from '../../gql/graphql'
import { graphql } from '../../gql'
import { query } from '../../lib/client'
import { Async, latestOf, toast } from '../../components/ui'
import { Link } from '../../components/Link'
import { toAppError } from '../../lib/errors'
import { RoomView } from './RoomView'

graphql(`
  fragment RoomViewFields on Room {
    id
    name
    description
    kind
    code
    isActive
    viewerIsMember
    viewerRole
    memberCount
    unreadCount
    viewerLastReadSeq
    lastMessage { id seq }
    createdAt
    createdBy { id displayName }
  }
`)

const RoomQuery = graphql(`
  query RoomView($id: ID!) {
    room(id: $id) { ...RoomViewFields }
  }
`)

export function RoomPage(props: { id: string }) {
  const [room, { refetch, mutate: setFetched }] = createResource(() => props.id, (id) => query(RoomQuery, { id }).then((d) => d.room))
  // live changes (a rename, a new code, a role) patch the open view; replacing the resource would
  // build the view again (Async renders from it), restarting every subscription of the room
  const [patched, setPatched] = createSignal<RoomViewFieldsFragment | null>(null)
  const setRoom = (r: RoomViewFieldsFragment | null | undefined) => { setPatched(null); setFetched(r) }
  const onRoom = (r: RoomViewFieldsFragment) => {
    const now = latestOf(room)
    if (r.id === now?.id && r.viewerIsMember === now.viewerIsMember) setPatched(r)
    else setRoom(r)
  }
  const current = (r: RoomViewFieldsFragment) => { const p = patched(); return p && p.id === r.id ? p : r }
  // the server ended the room's stream: deleted, or no longer ours to read (left in another window)
  let left = false
  onCleanup(() => { left = true })
  const ended = async () => {
    // room(id) answers NOT_FOUND for a room that is gone or not ours to read
    const now = await query(RoomQuery, { id: props.id }).then((d) => d.room, (e) => (toAppError(e).code === 'NOT_FOUND' ? null : undefined))
    // roomChanged already took the viewer out of the room (removed, or deleted), saying why
    if (now === undefined || left) return
    if (now === null) toast('This room was deleted, or you are no longer in it.', { kind: 'error' })
    setRoom(now)
  }
  return (
    <Async resource={room} refetch={refetch} label="Opening room…">
      {(r) => (
        <Show when={r} fallback={<section class="page"><h1>Room not found</h1><p>It does not exist, or it is private. <Link href="/">Back to rooms</Link></p></section>}>
          {(rr) => (
            // keyed by room and membership: another room, or joining this one, builds a fresh view whose
            // subscriptions start with the viewer's new rights (typing and presence are for members)
            <Show when={`${rr().id}:${rr().viewerIsMember}`} keyed>
              <RoomView room={current(rr())} onRoom={onRoom} onEnded={() => void ended()} />
            </Show>
          )}
        </Show>
      )}
    </Async>
  )
}
