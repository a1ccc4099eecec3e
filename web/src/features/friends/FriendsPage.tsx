import { createEffect, createResource, createSignal, For, on, onCleanup, onMount, Show } from 'solid-js'
import { graphql } from '../../gql'
import type { PersonFieldsFragment } from '../../gql/graphql'
import { connEpoch, live, mutate, query } from '../../lib/client'
import { navigate } from '../../lib/router'
import { focusNext } from '../../lib/focusKeeper'
import { avatarOf, nameOf, statusOf } from '../../lib/users'
import { Async, Avatar, ErrorBox, latestOf, PresenceDot, toast, useAction } from '../../components/ui'
import { ConfirmDialog } from '../../components/ConfirmDialog'
import { lastArrived } from '../notifications/store'
import { FocusingUntil } from '../focus/FocusingUntil'

graphql(`
  fragment PersonFields on User {
    id
    username
    displayName
    status
    focusUntil
    friendship
    avatarUrl
  }
`)

const FriendsOverview = graphql(`
  query FriendsOverview {
    friends { ...PersonFields }
    incoming: friendRequests(direction: INCOMING) { id createdAt from { ...PersonFields } }
    outgoing: friendRequests(direction: OUTGOING) { id createdAt to { ...PersonFields } }
    blockedUsers { ...PersonFields }
  }
`)

const SearchPeople = graphql(`
  query SearchPeople($search: String!) {
    users(search: $search, first: 20) { edges { node { ...PersonFields } } }
  }
`)

const SendFriendRequest = graphql(`
  mutation SendFriendRequest($userId: ID!) { sendFriendRequest(userId: $userId) { id status } }
`)
const RespondToFriendRequest = graphql(`
  mutation RespondToFriendRequest($id: ID!, $accept: Boolean!) { respondToFriendRequest(id: $id, accept: $accept) { id status } }
`)
const CancelFriendRequest = graphql(`
  mutation CancelFriendRequest($id: ID!) { cancelFriendRequest(id: $id) { id status } }
`)
const RemoveFriend = graphql(`
  mutation RemoveFriend($userId: ID!) { removeFriend(userId: $userId) }
`)
const BlockUser = graphql(`
  mutation BlockUser($userId: ID!) { blockUser(userId: $userId) }
`)
const UnblockUser = graphql(`
  mutation UnblockUser($userId: ID!) { unblockUser(userId: $userId) }
`)
const OpenDirectRoom = graphql(`
  mutation OpenDirectRoom($userId: ID!) { openDirectRoom(userId: $userId) { id } }
`)

/**
 * list: which list the row is in. An action redraws the lists (Add friend becomes Cancel request,
 * Accept moves the person to Your friends): the focus finds the person's row again, in the same
 * list first, else wherever they are now (lib/focusKeeper.ts).
 */
function Person(props: { user: PersonFieldsFragment; list: string; children?: import('solid-js').JSX.Element; showStatus?: boolean }) {
  return (
    <li class="list-row person" data-focus-key={`${props.list}:${props.user.id} person:${props.user.id}`}>
      <Avatar name={nameOf(props.user)} id={props.user.id} url={avatarOf(props.user)} size={36} />
      <div class="grow">
        <p><strong>{nameOf(props.user)}</strong> <span class="muted small">@{props.user.username}</span></p>
        <Show when={props.showStatus}>
          <p class="muted small row"><PresenceDot status={statusOf(props.user)} /> {({ ONLINE: 'Online', AWAY: 'Away', OFFLINE: 'Offline' })[statusOf(props.user)]} <FocusingUntil user={props.user} /></p>
        </Show>
      </div>
      <div class="row wrap actions">{props.children}</div>
    </li>
  )
}

const FriendshipLive = graphql(`
  subscription FriendshipLive { friendshipChanged { at } }
`)

export function FriendsPage() {
  const [overview, { refetch }] = createResource(() => query(FriendsOverview, {}))
  const [search, setSearch] = createSignal('')
  const [term, setTerm] = createSignal('')
  const [found, { refetch: refetchFound }] = createResource(term, (s) => (s ? query(SearchPeople, { search: s }).then((d) => d.users.edges.map((e) => e.node)) : Promise.resolve([])))
  let t: ReturnType<typeof setTimeout> | undefined
  onCleanup(() => clearTimeout(t))

  const refresh = async () => {
    await refetch()
    if (term()) await refetchFound()
  }
  // every change of a relation (a request declined or cancelled, a block, an unfriend, from the
  // other side or another device) arrives live; the slow timer and focus cover a missed one
  createEffect(on(lastArrived, (n) => { if (n) void refresh() }, { defer: true }))
  // after a reconnect: what changed while the socket was away was not pushed
  createEffect(on(connEpoch, () => void refresh(), { defer: true }))
  onMount(() => {
    onCleanup(live(FriendshipLive, () => ({}), { next: () => void refresh() }))
    const iv = setInterval(() => { if (document.visibilityState === 'visible') void refresh() }, 20_000)
    const onFocus = () => void refresh()
    window.addEventListener('focus', onFocus)
    onCleanup(() => { clearInterval(iv); window.removeEventListener('focus', onFocus) })
  })

  const act = useAction(async (fn: () => Promise<unknown>, done?: string) => {
    await fn()
    if (done) toast(done)
    await refresh()
  })
  // removing and blocking end something: each asks first, naming the person
  const [confirming, setConfirming] = createSignal<{ kind: 'remove' | 'block'; user: PersonFieldsFragment } | null>(null)
  const confirmed = useAction(async () => {
    const c = confirming()
    if (!c) return
    if (c.kind === 'remove') await mutate(RemoveFriend, { userId: c.user.id })
    else await mutate(BlockUser, { userId: c.user.id })
    setConfirming(null)
    toast(c.kind === 'remove' ? `${nameOf(c.user)} is no longer your friend` : `${nameOf(c.user)} is blocked`)
    await refresh()
  })
  const ask = (kind: 'remove' | 'block', user: PersonFieldsFragment) => { confirmed.setError(null); setConfirming({ kind, user }) }
  const message = useAction(async (userId: string) => {
    const d = await mutate(OpenDirectRoom, { userId })
    focusNext('#composer-input') // to write to them
    navigate(`/rooms/${d.openDirectRoom.id}`)
  })

  const incomingFrom = (userId: string) => latestOf(overview)?.incoming.find((r) => r.from.id === userId)
  const outgoingTo = (userId: string) => latestOf(overview)?.outgoing.find((r) => r.to.id === userId)

  const Actions = (p: { u: PersonFieldsFragment }) => {
    const name = () => nameOf(p.u)
    return (
      <>
        <Show when={p.u.friendship === 'NONE'}>
          <button type="button" class="btn small primary" aria-disabled={act.busy()} aria-label={`Add ${name()} as friend`} onClick={() => void act.run(() => mutate(SendFriendRequest, { userId: p.u.id }), 'Friend request sent')}>Add friend</button>
        </Show>
        <Show when={p.u.friendship === 'REQUEST_SENT' && outgoingTo(p.u.id)}>
          {(r) => <button type="button" class="btn small" aria-disabled={act.busy()} aria-label={`Cancel request to ${name()}`} onClick={() => void act.run(() => mutate(CancelFriendRequest, { id: r().id }))}>Cancel request</button>}
        </Show>
        <Show when={p.u.friendship === 'REQUEST_RECEIVED' && incomingFrom(p.u.id)}>
          {(r) => (
            <>
              <button type="button" class="btn small primary" aria-disabled={act.busy()} aria-label={`Accept ${name()}`} onClick={() => void act.run(() => mutate(RespondToFriendRequest, { id: r().id, accept: true }), `You and ${name()} are friends`)}>Accept</button>
              <button type="button" class="btn small" aria-disabled={act.busy()} aria-label={`Decline ${name()}`} onClick={() => void act.run(() => mutate(RespondToFriendRequest, { id: r().id, accept: false }))}>Decline</button>
            </>
          )}
        </Show>
        <Show when={p.u.friendship === 'FRIENDS'}>
          <button type="button" class="btn small primary" aria-disabled={message.busy()} aria-label={`Message ${name()}`} onClick={() => void message.run(p.u.id)}>Message</button>
        </Show>
        <Show when={p.u.friendship === 'BLOCKED'} fallback={
          <button type="button" class="btn small danger" aria-disabled={act.busy()} aria-label={`Block ${name()}`} onClick={() => ask('block', p.u)}>Block…</button>
        }>
          <button type="button" class="btn small" aria-disabled={act.busy()} aria-label={`Unblock ${name()}`} onClick={() => void act.run(() => mutate(UnblockUser, { userId: p.u.id }))}>Unblock</button>
        </Show>
      </>
    )
  }

  return (
    <section class="page friends-page">
      <h1>Friends</h1>
      <Show when={act.error() || message.error()}><ErrorBox error={act.error() || message.error()} /></Show>
      <div class="two-col">
        <div class="stack">
          <Async resource={overview} refetch={refetch} label="Loading friends…">
            {(o) => (
              <>
                <Show when={o.incoming.length}>
                  <section class="card" aria-labelledby="incoming-title">
                    <h2 id="incoming-title">Friend requests</h2>
                    <ul class="list" aria-label="Incoming friend requests">
                      <For each={o.incoming}>
                        {(r) => (
                          <Person user={r.from} list="incoming">
                            <button type="button" class="btn small primary" aria-disabled={act.busy()} aria-label={`Accept ${nameOf(r.from)}`} onClick={() => void act.run(() => mutate(RespondToFriendRequest, { id: r.id, accept: true }), `You and ${nameOf(r.from)} are friends`)}>Accept</button>
                            <button type="button" class="btn small" aria-disabled={act.busy()} aria-label={`Decline ${nameOf(r.from)}`} onClick={() => void act.run(() => mutate(RespondToFriendRequest, { id: r.id, accept: false }))}>Decline</button>
                          </Person>
                        )}
                      </For>
                    </ul>
                  </section>
                </Show>
                <section class="card" aria-labelledby="friends-title">
                  <h2 id="friends-title">Your friends ({o.friends.length})</h2>
                  <Show when={o.friends.length} fallback={<p class="muted">No friends yet. Search for people under <a href="#people-search" onClick={(e) => { e.preventDefault(); document.getElementById('people-search')?.focus() }}>Find people</a>.</p>}>
                    <ul class="list" aria-label="Your friends">
                      <For each={o.friends}>
                        {(u) => (
                          <Person user={u} list="friend" showStatus>
                            <button type="button" class="btn small primary" aria-disabled={message.busy()} aria-label={`Message ${nameOf(u)}`} onClick={() => void message.run(u.id)}>Message</button>
                            <button type="button" class="btn small" aria-disabled={act.busy()} aria-label={`Remove ${nameOf(u)} from friends`} onClick={() => ask('remove', u)}>Remove…</button>
                            <button type="button" class="btn small danger" aria-disabled={act.busy()} aria-label={`Block ${nameOf(u)}`} onClick={() => ask('block', u)}>Block…</button>
                          </Person>
                        )}
                      </For>
                    </ul>
                  </Show>
                </section>
                <Show when={o.outgoing.length}>
                  <section class="card" aria-labelledby="outgoing-title">
                    <h2 id="outgoing-title">Sent requests</h2>
                    <ul class="list" aria-label="Sent friend requests">
                      <For each={o.outgoing}>
                        {(r) => (
                          <Person user={r.to} list="outgoing">
                            <button type="button" class="btn small" aria-disabled={act.busy()} aria-label={`Cancel request to ${nameOf(r.to)}`} onClick={() => void act.run(() => mutate(CancelFriendRequest, { id: r.id }))}>Cancel request</button>
                          </Person>
                        )}
                      </For>
                    </ul>
                  </section>
                </Show>
                <Show when={o.blockedUsers.length}>
                  <section class="card" aria-labelledby="blocked-title">
                    <h2 id="blocked-title">Blocked</h2>
                    <ul class="list" aria-label="Blocked people">
                      <For each={o.blockedUsers}>
                        {(u) => (
                          <Person user={u} list="blocked">
                            <button type="button" class="btn small" aria-disabled={act.busy()} aria-label={`Unblock ${nameOf(u)}`} onClick={() => void act.run(() => mutate(UnblockUser, { userId: u.id }))}>Unblock</button>
                          </Person>
                        )}
                      </For>
                    </ul>
                  </section>
                </Show>
              </>
            )}
          </Async>
        </div>
        <section class="card stack" aria-labelledby="find-title">
          <h2 id="find-title">Find people</h2>
          <form role="search" onSubmit={(e) => { e.preventDefault(); clearTimeout(t); setTerm(search().trim()) }}>
            <label class="field">
              <span>Search people</span>
              <input type="search" id="people-search" name="peopleSearch" value={search()} onInput={(e) => {
                setSearch(e.currentTarget.value)
                clearTimeout(t)
                t = setTimeout(() => setTerm(search().trim()), 300)
              }} />
            </label>
          </form>
          <Show when={term()}>
            <Async resource={found} refetch={refetchFound} label="Searching…">
              {(list) => (
                <Show when={list.length} fallback={<p class="muted">Nobody matches “{term()}”.</p>}>
                  <ul class="list" aria-label="People found">
                    <For each={list}>{(u) => <Person user={u} list="found"><Actions u={u} /></Person>}</For>
                  </ul>
                </Show>
              )}
            </Async>
          </Show>
        </section>
      </div>
      <ConfirmDialog open={confirming()?.kind === 'remove'} title={`Remove ${confirming() ? nameOf(confirming()!.user) : ''} from your friends?`} confirmLabel="Remove friend" danger
        busy={confirmed.busy()} error={confirmed.error()} onConfirm={() => void confirmed.run()} onCancel={() => setConfirming(null)}>
        <p>You can send them a new friend request later. Your direct messages stay.</p>
      </ConfirmDialog>
      <ConfirmDialog open={confirming()?.kind === 'block'} title={`Block ${confirming() ? nameOf(confirming()!.user) : ''}?`} confirmLabel="Block" danger
        busy={confirmed.busy()} error={confirmed.error()} onConfirm={() => void confirmed.run()} onCancel={() => setConfirming(null)}>
        <p>This ends your friendship and any pending friend requests between you, and neither of you can message the other. Unblocking later (here, under Blocked) restores neither.</p>
      </ConfirmDialog>
    </section>
  )
}
