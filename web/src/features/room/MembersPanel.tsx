// The room's member list: fetched with its count, refetched on joins and leaves, shown sorted by
// presence then name in the side panel.
import { createEffect, createResource, createSignal, For, Show, type Resource } from 'solid-js'
import { graphql } from '../../gql'
import type { RoomMembersQuery } from '../../gql/graphql'
import { query } from '../../lib/client'
import { avatarOf, focusOf, nameOf, statusOf } from '../../lib/users'
import { Async, Avatar, latestOf, PresenceDot } from '../../components/ui'
import type { Role } from '../../lib/roles'
import { MemberMenu } from './MemberMenu'

const RoomMembers = graphql(`
  query RoomMembers($id: ID!, $after: String) {
    room(id: $id) {
      id
      memberCount
      members(first: 100, after: $after) {
        edges { node { role joinedAt user { id username displayName status focusUntil avatarUrl } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`)

/** the most members read for the panel and the composer's @-suggestions */
export const MEMBERS_SHOWN = 1000

/** every member (up to MEMBERS_SHOWN), page after page: the first 100 only left the rest of a big room out of the panel and of @-suggestions */
async function fetchMembers(id: string, onCount?: (n: number) => void) {
  type Node = NonNullable<RoomMembersQuery['room']>['members']['edges'][number]['node']
  const out: Node[] = []
  let after: string | null = null
  for (;;) {
    const d: RoomMembersQuery = await query(RoomMembers, after ? { id, after } : { id })
    if (!d.room) return out
    if (!after) onCount?.(d.room.memberCount)
    out.push(...d.room.members.edges.map((e) => e.node))
    const { hasNextPage, endCursor } = d.room.members.pageInfo
    if (!hasNextPage || !endCursor || out.length >= MEMBERS_SHOWN) return out
    after = endCursor
  }
}
type MemberList = Awaited<ReturnType<typeof fetchMembers>>

export function createRoomMembers(roomId: () => string) {
  const [membersEpoch, setMembersEpoch] = createSignal(0)
  // the header's count follows joins and leaves with the list (both refetched on joined / left)
  const [memberCount, setMemberCount] = createSignal<number | null>(null)
  const [members, { refetch }] = createResource(() => [roomId(), membersEpoch()] as const, ([id]) => fetchMembers(id, setMemberCount))
  // the last list that arrived: a refetch that failed (offline) keeps it, where reading the
  // resource would throw inside whatever renders it (an uncaught error in the page)
  const [lastGood, setLastGood] = createSignal<MemberList | undefined>(undefined)
  createEffect(() => { if (members.state === 'ready') setLastGood(() => members()) })
  return {
    list: members,
    /** the members as last read, never throwing (undefined before the first read) */
    current: (): MemberList | undefined => latestOf(members) ?? lastGood(),
    refetch: () => void refetch(),
    /** the count from the last fetch; null before the first */
    count: memberCount,
    /** fetches the list again (someone joined or left, or the socket reconnected) */
    reload: () => setMembersEpoch((n) => n + 1),
  }
}
export type RoomMembersState = ReturnType<typeof createRoomMembers>

/** the room as the member menu needs it: who is asking, and with which role */
export interface MemberMenuRoom { id: string; name: string; viewerRole: Role | null | undefined; selfId: string; kind: string }

export function MembersPanel(props: { members: Resource<MemberList>; refetch: () => void; room?: MemberMenuRoom; inCall?: ReadonlySet<string> }) {
  const members = props.members
  const refetch = props.refetch
  const sorted = () => {
    const rank = { ONLINE: 0, AWAY: 1, OFFLINE: 2 } as const
    // online first (then away, then offline), and within each, who is in the call first
    const call = (id: string) => (props.inCall?.has(id) ? 0 : 1)
    return [...(latestOf(members) ?? [])].sort((a, b) => rank[statusOf(a.user)] - rank[statusOf(b.user)] || call(a.user.id) - call(b.user.id) || nameOf(a.user).localeCompare(nameOf(b.user)))
  }
  return (
    // a member removed from the list takes their menu's button along: the focus goes to the heading;
    // a role changed redraws the row, and the focus finds its button again (lib/focusKeeper.ts)
    <section class="members" aria-labelledby="members-title" data-refocus="#members-title">
      <h2 id="members-title">Members</h2>
      <Async resource={members} refetch={refetch} label="Loading members…">
        {() => (
          <ul class="member-list" aria-label="Room members">
            <For each={sorted()}>
              {(m) => (
                <li class="member" data-focus-key={`member:${m.user.id}`}>
                  <Avatar name={nameOf(m.user)} id={m.user.id} url={avatarOf(m.user)} size={28} />
                  <span class="grow">
                    <span class="member-name">{nameOf(m.user)}</span>
                    <Show when={m.role === 'OWNER'}> <span class="tag role-owner">Owner</span></Show>
                    <Show when={m.role === 'MODERATOR'}> <span class="tag role-moderator">Moderator</span></Show>
                    <Show when={focusOf(m.user)}> <span class="tag focus" title="In a focus session">Focusing</span></Show>
                    <Show when={props.inCall?.has(m.user.id)}> <span class="tag call">In call</span></Show>
                  </span>
                  <PresenceDot status={statusOf(m.user)} />
                  <Show when={props.room && props.room.kind !== 'DIRECT' && m.user.id !== props.room.selfId ? props.room : null}>
                    {(room) => <MemberMenu roomId={room().id} roomName={room().name} viewerRole={room().viewerRole} member={{ role: m.role, user: { id: m.user.id, displayName: nameOf(m.user) } }} onDone={props.refetch} />}
                  </Show>
                </li>
              )}
            </For>
          </ul>
        )}
      </Async>
    </section>
  )
}
