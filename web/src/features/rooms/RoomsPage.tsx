import { createResource, createSignal, For, onCleanup, Show } from 'solid-js'
import { graphql } from '../../gql'
import type { RoomListFieldsFragment } from '../../gql/graphql'
import { mutate, query } from '../../lib/client'
import { navigate } from '../../lib/router'
import { nameWithHandle, previewOf, roomTitle } from '../../lib/users'
import { me } from '../../lib/session'
import { Async, ErrorBox, formatTime, useAction } from '../../components/ui'
import { Link } from '../../components/Link'
import { refreshWhileVisible } from '../../lib/freshness'
import { AppError, toAppError } from '../../lib/errors'
import { BANNED } from './JoinPage'

graphql(`
  fragment RoomListFields on Room {
    id
    name
    description
    kind
    memberCount
    viewerIsMember
    viewerRole
    unreadCount
    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }
  }
`)

const BrowseRooms = graphql(`
  query BrowseRooms($search: String, $first: Int, $after: String) {
    rooms(search: $search, first: $first, after: $after) {
      edges { cursor node { ...RoomListFields } }
      pageInfo { hasNextPage endCursor }
    }
  }
`)

const CreateRoom = graphql(`
  mutation CreateRoom($input: CreateRoomInput!) {
    createRoom(input: $input) { id }
  }
`)

const JoinRoomById = graphql(`
  mutation JoinRoomById($roomId: ID!) {
    joinRoom(roomId: $roomId) { id }
  }
`)

function RoomCard(props: { room: RoomListFieldsFragment }) {
  const r = () => props.room
  const title = () => roomTitle(r(), me()?.username)
  const last = () => r().lastMessage
  return (
    <li class="room-card">
      <Link href={`/rooms/${r().id}`} class="room-link" aria-label={`${title()}${r().unreadCount ? `, ${r().unreadCount} unread` : ''}`}>
        <div class="room-card-top">
          <span class="room-name">{title()}</span>
          <Show when={r().kind !== 'PUBLIC'}><span class="tag">{r().kind === 'DIRECT' ? 'Direct' : 'Private'}</span></Show>
          <Show when={r().unreadCount > 0}><span class="badge count" data-testid="unread-badge">{r().unreadCount}</span></Show>
        </div>
        <p class="room-last muted small">
          <Show when={last()} fallback={<span class="room-last-text">{r().description || 'No messages yet'}</span>}>
            {(m) => (
              <>
                <span class="room-last-text">{m().deletedAt ? 'Message deleted' : `${nameWithHandle(m().sender)}: ${previewOf(m())}`}</span>
                <span class="when">· {formatTime(m().createdAt)}</span>
              </>
            )}
          </Show>
        </p>
        <p class="muted small">{r().memberCount} {r().memberCount === 1 ? 'member' : 'members'}</p>
      </Link>
    </li>
  )
}

function CreateRoomForm() {
  const [name, setName] = createSignal('')
  const [description, setDescription] = createSignal('')
  const [kind, setKind] = createSignal<'PUBLIC' | 'PRIVATE'>('PUBLIC')
  const create = useAction(async () => {
    const d = await mutate(CreateRoom, { input: { name: name().trim(), description: description().trim() || undefined, kind: kind() } })
    navigate(`/rooms/${d.createRoom.id}`)
  })
  return (
    <form class="card stack" aria-labelledby="create-room-title" onSubmit={(e) => { e.preventDefault(); void create.run() }}>
      <h2 id="create-room-title">Create a room</h2>
      <label class="field">
        <span>Room name</span>
        <input name="roomName" required maxLength={80} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>Description (optional)</span>
        <input name="roomDescription" maxLength={500} value={description()} onInput={(e) => setDescription(e.currentTarget.value)} />
      </label>
      <fieldset class="field">
        <legend>Who can join</legend>
        <label class="radio"><input type="radio" name="kind" value="PUBLIC" checked={kind() === 'PUBLIC'} onChange={() => setKind('PUBLIC')} /> Public: anyone can find and join</label>
        <label class="radio"><input type="radio" name="kind" value="PRIVATE" checked={kind() === 'PRIVATE'} onChange={() => setKind('PRIVATE')} /> Private: only people with the code</label>
      </fieldset>
      <Show when={create.error()}><ErrorBox error={create.error()} /></Show>
      <button type="submit" class="btn primary" disabled={!name().trim()} aria-disabled={create.busy()}>{create.busy() ? 'Creating…' : 'Create room'}</button>
    </form>
  )
}

function JoinByCodeForm() {
  const [code, setCode] = createSignal('')
  return (
    <form class="card stack" aria-labelledby="join-code-title" onSubmit={(e) => {
      e.preventDefault()
      // a pasted invite link works as well as a bare code
      const c = code().trim().replace(/^.*\/join\//, '')
      if (c) navigate(`/join/${encodeURIComponent(c)}`)
    }}>
      <h2 id="join-code-title">Join with a code</h2>
      <label class="field">
        <span>Room code or invite link</span>
        <input name="joinCode" required autocomplete="off" value={code()} onInput={(e) => setCode(e.currentTarget.value)} />
      </label>
      <button type="submit" class="btn" disabled={!code().trim()}>Join room</button>
    </form>
  )
}

function BrowsePublic() {
  const [search, setSearch] = createSignal('')
  const [term, setTerm] = createSignal('')
  let t: ReturnType<typeof setTimeout> | undefined
  const [page, { refetch }] = createResource(term, (s) => query(BrowseRooms, { search: s || undefined, first: 30 }).then((d) => d.rooms))
  // rooms created, renamed or deleted elsewhere show up without a reload
  refreshWhileVisible(refetch, 15_000)
  const join = useAction(async (roomId: string) => {
    // a public room refuses (FORBIDDEN) only a user banned from it: say that, not "not allowed"
    await mutate(JoinRoomById, { roomId }).catch((e: unknown) => {
      throw toAppError(e).code === 'FORBIDDEN' ? new AppError(BANNED, 'FORBIDDEN') : e
    })
    navigate(`/rooms/${roomId}`)
  })
  onCleanup(() => clearTimeout(t))
  return (
    <section aria-labelledby="browse-title" class="stack">
      <h2 id="browse-title">Browse rooms</h2>
      <form role="search" onSubmit={(e) => { e.preventDefault(); clearTimeout(t); setTerm(search().trim()) }}>
        <label class="field">
          <span>Search rooms</span>
          <input type="search" name="roomSearch" value={search()} onInput={(e) => {
            setSearch(e.currentTarget.value)
            clearTimeout(t)
            t = setTimeout(() => setTerm(search().trim()), 300)
          }} />
        </label>
      </form>
      <Show when={join.error()}><ErrorBox error={join.error()} /></Show>
      <Async resource={page} refetch={refetch} label="Searching rooms…">
        {(p) => (
          // without a search term, show only rooms to discover: the viewer's own are listed above
          <Show when={p.edges.filter((e) => term() || !e.node.viewerIsMember).length} fallback={<p class="muted">{term() ? 'No rooms match.' : 'No other public rooms yet. Create one!'}</p>}>
            <ul class="room-grid" aria-label="Public rooms">
              <For each={p.edges.filter((e) => term() || !e.node.viewerIsMember)}>
                {(e) => (
                  <Show when={!e.node.viewerIsMember} fallback={<RoomCard room={e.node} />}>
                    <li class="room-card">
                      <div class="room-link">
                        <div class="room-card-top"><span class="room-name">{e.node.name}</span></div>
                        <p class="muted small">{e.node.description || `${e.node.memberCount} ${e.node.memberCount === 1 ? 'member' : 'members'}`}</p>
                        <div class="row">
                          <Link class="btn small" href={`/rooms/${e.node.id}`} aria-label={`Preview ${e.node.name}`}>Preview</Link>
                          <button type="button" class="btn small primary" aria-disabled={join.busy()} aria-label={`Join ${e.node.name}`} onClick={() => void join.run(e.node.id)}>Join</button>
                        </div>
                      </div>
                    </li>
                  </Show>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Async>
    </section>
  )
}

export function RoomsPage() {
  // the user's own rooms are in the sidebar (on phones, above this page): this page is for
  // finding, creating and joining rooms
  return (
    <section class="page rooms-page" aria-labelledby="rooms-title">
      <div class="rooms-main stack">
        <h1 id="rooms-title">Find a room</h1>
        <BrowsePublic />
      </div>
      <aside class="rooms-side stack" aria-label="Create or join">
        <CreateRoomForm />
        <JoinByCodeForm />
      </aside>
    </section>
  )
}
