// Room moderation (contract part 2) on SQLite and PostgreSQL: the role matrix (every moderation
// mutation x OWNER, MODERATOR, MEMBER, non-member, banned; a refusal changes nothing), bans
// against rejoining by id and code, a regenerated code, hand-over, DIRECT rooms, and roomChanged
// delivering each kind live (CODE_CHANGED to the owner and moderators only).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { type TestUser, collect, gql, ok, signUp, wsClient } from '../helpers/client.js'
import { createRoom, send } from '../helpers/rooms.js'
import { mayAct, type Standing, type RoomAction } from '../../src/modules/rooms/permissions.js'

const SET_ROLE = `mutation($r: ID!, $u: ID!, $role: MemberRole!) { setMemberRole(roomId: $r, userId: $u, role: $role) { role user { id } } }`
const REMOVE = `mutation($r: ID!, $u: ID!, $ban: Boolean) { removeMember(roomId: $r, userId: $u, ban: $ban) }`
const UNBAN = `mutation($r: ID!, $u: ID!) { unbanMember(roomId: $r, userId: $u) }`
const REGENERATE = `mutation($r: ID!) { regenerateRoomCode(roomId: $r) { id code } }`
const BANNED = `query($r: ID!) { room(id: $r) { id bannedUsers { id } } }`
const DELETE_MESSAGE = `mutation($id: ID!) { deleteMessage(id: $id) { id deletedAt } }`
const STATE = `query($r: ID!) { room(id: $r) { code memberCount members(first: 100) { edges { node { role user { id } } } } bannedUsers { id } } }`
const MESSAGES = `query($r: ID!) { messages(roomId: $r, first: 50) { edges { node { id deletedAt } } } }`
const JOIN_ID = `mutation($r: ID!) { joinRoom(roomId: $r) { id viewerRole } }`
const JOIN_CODE = `mutation($c: String!) { joinRoom(code: $c) { id viewerRole } }`
const BY_CODE = `query($c: String!) { roomByCode(code: $c) { id } }`
const ROOM_CHANGED = `subscription($r: ID!) { roomChanged(roomId: $r) { roomId kind room { id name description code } user { id } by { id } at } }`

const ACTORS = ['OWNER', 'MODERATOR', 'MEMBER', 'non-member', 'banned'] as const
type Actor = (typeof ACTORS)[number]

describe('who may act on whom (rooms/permissions.ts), as a table', () => {
  const S: Standing[] = ['OWNER', 'MODERATOR', 'MEMBER', null]
  // [action, actor, target] -> allowed; target null: not a member
  const table: [RoomAction, Standing, Standing | undefined, boolean][] = [
    ...S.map((a) => ['manageRoom', a, undefined, a === 'OWNER'] as [RoomAction, Standing, undefined, boolean]),
    ...S.flatMap((a) => S.map((t) => ['setRole', a, t, a === 'OWNER' && t !== 'OWNER'] as [RoomAction, Standing, Standing, boolean])),
    ...S.flatMap((a) => S.map((t) => ['remove', a, t,
      (a === 'OWNER' && t !== 'OWNER') || (a === 'MODERATOR' && (t === 'MEMBER' || t === null))] as [RoomAction, Standing, Standing, boolean])),
    ...(['unban', 'viewBans', 'regenerateCode', 'moderateMessages'] as RoomAction[]).flatMap((x) =>
      S.map((a) => [x, a, undefined, a === 'OWNER' || a === 'MODERATOR'] as [RoomAction, Standing, undefined, boolean])),
  ]
  it.each(table)('%s by %s on %s: %s', (action, actor, target, allowed) => {
    expect(mayAct(actor, action, target)).toBe(allowed)
  })
})

for (const backend of BACKENDS) describe.runIf(canRun(backend))(`room moderation (${BACKEND_NAMES[backend]})`, () => {
  let t: TestApp
  let owner: TestUser, mod: TestUser, member: TestUser, outsider: TestUser, banned: TestUser, target: TestUser, target2: TestUser

  beforeAll(async () => {
    t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '0', JOIN_CODE_RATE_LIMIT: '100000' } })
    ;[owner, mod, member, outsider, banned, target, target2] = await Promise.all(Array.from({ length: 7 }, () => signUp(t.url)))
  })
  afterAll(async () => { await t?.close() })

  /** a room with an owner, a moderator, a member, two more members to act on, and a banned user */
  async function cast(kind: 'PUBLIC' | 'PRIVATE') {
    const room = await createRoom(t.url, owner.token, `Mod ${kind}`, kind)
    for (const u of [mod, member, banned, target, target2]) await ok(t.url, JOIN_CODE, { c: room.code }, u.token)
    await ok(t.url, SET_ROLE, { r: room.id, u: mod.id, role: 'MODERATOR' }, owner.token)
    await ok(t.url, REMOVE, { r: room.id, u: banned.id, ban: true }, owner.token)
    return room
  }
  const tokenOf = (a: Actor) => ({ OWNER: owner, MODERATOR: mod, MEMBER: member, 'non-member': outsider, banned }[a]).token
  const state = async (roomId: string) => {
    const r = (await ok(t.url, STATE, { r: roomId }, owner.token)).room
    const msgs = (await ok(t.url, MESSAGES, { r: roomId }, owner.token)).messages.edges.map((e: any) => e.node)
    return { ...r, members: [...r.members.edges].map((e: any) => `${e.node.user.id}:${e.node.role}`).sort(), msgs }
  }

  // each mutation: how to do it, and who may (the others get `refused`)
  type Case = { name: string; allowed: Actor[]; run: (roomId: string, token: string) => Promise<{ errors?: any[] }> }
  const cases: Case[] = [
    { name: 'setMemberRole MEMBER -> MODERATOR', allowed: ['OWNER'], run: (r, tok) => gql(t.url, SET_ROLE, { r, u: target.id, role: 'MODERATOR' }, tok) },
    { name: 'setMemberRole MODERATOR -> MEMBER', allowed: ['OWNER'], run: (r, tok) => gql(t.url, SET_ROLE, { r, u: mod.id, role: 'MEMBER' }, tok) },
    { name: 'setMemberRole hand over (OWNER)', allowed: ['OWNER'], run: (r, tok) => gql(t.url, SET_ROLE, { r, u: target.id, role: 'OWNER' }, tok) },
    { name: 'removeMember on a MEMBER', allowed: ['OWNER', 'MODERATOR'], run: (r, tok) => gql(t.url, REMOVE, { r, u: target.id }, tok) },
    { name: 'removeMember with ban on a MEMBER', allowed: ['OWNER', 'MODERATOR'], run: (r, tok) => gql(t.url, REMOVE, { r, u: target.id, ban: true }, tok) },
    { name: 'removeMember on the MODERATOR', allowed: ['OWNER'], run: (r, tok) => gql(t.url, REMOVE, { r, u: mod.id, ban: true }, tok) },
    { name: 'removeMember on the OWNER', allowed: [], run: (r, tok) => gql(t.url, REMOVE, { r, u: owner.id, ban: true }, tok) },
    { name: 'unbanMember', allowed: ['OWNER', 'MODERATOR'], run: (r, tok) => gql(t.url, UNBAN, { r, u: banned.id }, tok) },
    { name: 'regenerateRoomCode', allowed: ['OWNER', 'MODERATOR'], run: (r, tok) => gql(t.url, REGENERATE, { r }, tok) },
    { name: 'Room.bannedUsers', allowed: ['OWNER', 'MODERATOR'], run: (r, tok) => gql(t.url, BANNED, { r }, tok) },
    {
      name: 'deleteMessage of another member', allowed: ['OWNER', 'MODERATOR'],
      run: async (r, tok) => gql(t.url, DELETE_MESSAGE, { id: (await ok(t.url, MESSAGES, { r }, owner.token)).messages.edges[0].node.id }, tok),
    },
  ]

  for (const kind of ['PUBLIC', 'PRIVATE'] as const) {
    // outsiders: FORBIDDEN where anyone signed in may look in (PUBLIC), NOT_FOUND where only members may
    const refusedCode = (a: Actor) => (a === 'non-member' || a === 'banned') && kind === 'PRIVATE' ? 'NOT_FOUND' : 'FORBIDDEN'
    for (const c of cases) {
      it(`${kind}: ${c.name} x ${ACTORS.join(', ')}`, async () => {
        for (const actor of ACTORS) {
          const room = await cast(kind)
          await send(t.url, target2.token, room.id, 'a message to moderate')
          const before = await state(room.id)
          const res = await c.run(room.id, tokenOf(actor))
          if (c.allowed.includes(actor)) {
            expect(res.errors, `${actor} may ${c.name}`).toBeUndefined()
          } else {
            expect(res.errors?.[0]?.extensions?.code, `${actor}: ${c.name}`).toBe(refusedCode(actor))
            expect(await state(room.id), `${actor}: ${c.name} changed nothing`).toEqual(before)
          }
        }
      })
    }
  }

  it('the effects: roles set, hand-over, removal, ban and unban, a moderator deleting a message', async () => {
    const room = await cast('PRIVATE')
    await ok(t.url, SET_ROLE, { r: room.id, u: target.id, role: 'MODERATOR' }, owner.token)
    let s = await state(room.id)
    expect(s.members).toContain(`${target.id}:MODERATOR`)
    expect(s.bannedUsers).toEqual([{ id: banned.id }])
    // a moderator removes a member (no ban: they may come back by code)
    await ok(t.url, REMOVE, { r: room.id, u: member.id }, mod.token)
    s = await state(room.id)
    expect(s.members.some((m: string) => m.startsWith(member.id))).toBe(false)
    expect((await ok(t.url, JOIN_CODE, { c: room.code }, member.token)).joinRoom.viewerRole).toBe('MEMBER')
    // the moderator deletes another member's message
    const m = await send(t.url, member.token, room.id, 'spam')
    expect((await ok(t.url, DELETE_MESSAGE, { id: m.id }, mod.token)).deleteMessage.deletedAt).not.toBeNull()
    // hand-over: the target becomes OWNER, the old owner MODERATOR, who may no longer set roles
    const r = (await ok(t.url, SET_ROLE, { r: room.id, u: target2.id, role: 'OWNER' }, owner.token)).setMemberRole
    expect(r).toEqual({ role: 'OWNER', user: { id: target2.id } })
    const roles = (await ok(t.url, STATE, { r: room.id }, target2.token)).room.members.edges.map((e: any) => [e.node.user.id, e.node.role])
    expect(Object.fromEntries(roles)).toMatchObject({ [owner.id]: 'MODERATOR', [target2.id]: 'OWNER' })
    expect((await gql(t.url, SET_ROLE, { r: room.id, u: member.id, role: 'MODERATOR' }, owner.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    // the old owner, now a moderator, cannot remove another moderator
    expect((await gql(t.url, REMOVE, { r: room.id, u: mod.id }, owner.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect((await gql(t.url, REMOVE, { r: room.id, u: target2.id }, owner.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    // unban: the user may join again
    await ok(t.url, UNBAN, { r: room.id, u: banned.id }, mod.token)
    expect((await ok(t.url, BANNED, { r: room.id }, mod.token)).room.bannedUsers).toEqual([])
    expect((await ok(t.url, JOIN_CODE, { c: room.code }, banned.token)).joinRoom.id).toBe(room.id)
  })

  it('a banned user cannot join again by id or code (PUBLIC: FORBIDDEN, PRIVATE: NOT_FOUND) until unbanned', async () => {
    for (const kind of ['PUBLIC', 'PRIVATE'] as const) {
      const room = await cast(kind)
      const code = kind === 'PUBLIC' ? 'FORBIDDEN' : 'NOT_FOUND'
      expect((await gql(t.url, JOIN_ID, { r: room.id }, banned.token)).errors?.[0]?.extensions?.code).toBe(code)
      expect((await gql(t.url, JOIN_CODE, { c: room.code }, banned.token)).errors?.[0]?.extensions?.code).toBe(code)
      // the code's preview agrees: a PRIVATE room is no room for the banned user (a PUBLIC one is open to look at)
      const preview = await gql(t.url, BY_CODE, { c: room.code }, banned.token)
      if (kind === 'PRIVATE') expect(preview.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
      else expect(preview.data.roomByCode.id).toBe(room.id)
      expect((await ok(t.url, STATE, { r: room.id }, owner.token)).room.memberCount).toBe(5)
      // banning someone who already left keeps them out too
      await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, target.token)
      await ok(t.url, REMOVE, { r: room.id, u: target.id, ban: true }, mod.token)
      expect((await gql(t.url, JOIN_CODE, { c: room.code }, target.token)).errors?.[0]?.extensions?.code).toBe(code)
      await ok(t.url, UNBAN, { r: room.id, u: banned.id }, owner.token)
      expect((await ok(t.url, BY_CODE, { c: room.code }, banned.token)).roomByCode.id).toBe(room.id)
      expect((await ok(t.url, kind === 'PUBLIC' ? JOIN_ID : JOIN_CODE, kind === 'PUBLIC' ? { r: room.id } : { c: room.code }, banned.token)).joinRoom.viewerRole).toBe('MEMBER')
    }
  })

  it('a regenerated code: the old one is NOT_FOUND at once for roomByCode and joinRoom, the new one works', async () => {
    const room = await cast('PRIVATE')
    const fresh = (await ok(t.url, REGENERATE, { r: room.id }, mod.token)).regenerateRoomCode.code
    expect(fresh).not.toBe(room.code)
    expect(fresh.length).toBeGreaterThanOrEqual(8)
    expect((await gql(t.url, BY_CODE, { c: room.code }, outsider.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    expect((await gql(t.url, JOIN_CODE, { c: room.code }, outsider.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    expect((await ok(t.url, BY_CODE, { c: fresh }, outsider.token)).roomByCode.id).toBe(room.id)
    expect((await ok(t.url, JOIN_CODE, { c: fresh }, outsider.token)).joinRoom.viewerRole).toBe('MEMBER')
  })

  it('bad input: unknown users, oneself, DIRECT rooms; nothing changes', async () => {
    const room = await cast('PUBLIC')
    const before = await state(room.id)
    const unknown = '00000000-0000-4000-8000-000000000000'
    const code = async (q: string, v: Record<string, unknown>, tok: string) => (await gql(t.url, q, v, tok)).errors?.[0]?.extensions?.code
    expect(await code(SET_ROLE, { r: room.id, u: unknown, role: 'MODERATOR' }, owner.token)).toBe('NOT_FOUND')
    expect(await code(SET_ROLE, { r: room.id, u: outsider.id, role: 'MODERATOR' }, owner.token)).toBe('NOT_FOUND')
    expect(await code(SET_ROLE, { r: room.id, u: owner.id, role: 'MEMBER' }, owner.token)).toBe('FORBIDDEN')
    expect(await code(REMOVE, { r: room.id, u: unknown }, owner.token)).toBe('NOT_FOUND')
    expect(await code(REMOVE, { r: room.id, u: outsider.id }, owner.token)).toBe('NOT_FOUND')
    expect(await code(REMOVE, { r: room.id, u: mod.id }, mod.token)).toBe('FORBIDDEN')
    expect(await code(REMOVE, { r: unknown, u: member.id }, owner.token)).toBe('NOT_FOUND')
    expect(await code(SET_ROLE, { r: room.id, u: member.id, role: 'ADMIN' }, owner.token)).toBe('BAD_USER_INPUT')
    expect(await state(room.id)).toEqual(before)
    // DIRECT rooms have no roles, bans or code to change
    const req = (await ok(t.url, `mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }`, { u: target2.id }, target.token)).sendFriendRequest
    await ok(t.url, `mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }`, { id: req.id }, target2.token)
    const dm = (await ok(t.url, `mutation($u: ID!) { openDirectRoom(userId: $u) { id } }`, { u: target2.id }, target.token)).openDirectRoom
    expect(await code(SET_ROLE, { r: dm.id, u: target2.id, role: 'MODERATOR' }, target.token)).toBe('BAD_USER_INPUT')
    expect(await code(SET_ROLE, { r: dm.id, u: target2.id, role: 'OWNER' }, target.token)).toBe('BAD_USER_INPUT')
    expect(await code(REMOVE, { r: dm.id, u: target2.id, ban: true }, target.token)).toBe('BAD_USER_INPUT')
    expect(await code(REGENERATE, { r: dm.id }, target.token)).toBe('BAD_USER_INPUT')
    const dmState = (await ok(t.url, `query($r: ID!) { room(id: $r) { memberCount members { edges { node { role } } } } }`, { r: dm.id }, target.token)).room
    expect(dmState.memberCount).toBe(2)
    expect(dmState.members.edges.map((e: any) => e.node.role)).toEqual(['MEMBER', 'MEMBER'])
  })

  it('roomChanged delivers every kind live; CODE_CHANGED only to the owner and moderators', async () => {
    const room = await cast('PRIVATE')
    const memberClient = wsClient(t.wsUrl, member.token)
    const modClient = wsClient(t.wsUrl, mod.token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const asMember = collect(memberClient, ROOM_CHANGED, { r: room.id })
    const asMod = collect(modClient, ROOM_CHANGED, { r: room.id })
    await waitLive(t, live + 2)
    const kinds = (s: typeof asMember) => s.events.map((e: any) => e.roomChanged.kind)

    await ok(t.url, `mutation($id: ID!) { updateRoom(id: $id, input: { name: "Renamed", description: "New words" }) { id } }`, { id: room.id }, owner.token)
    await asMember.waitFor(() => kinds(asMember).includes('UPDATED'))
    expect(asMember.events[0].roomChanged).toMatchObject({ roomId: room.id, kind: 'UPDATED', room: { name: 'Renamed', description: 'New words' }, by: { id: owner.id }, user: null })

    const code = (await ok(t.url, REGENERATE, { r: room.id }, owner.token)).regenerateRoomCode.code
    await asMod.waitFor(() => kinds(asMod).includes('CODE_CHANGED'))
    expect(asMod.events.find((e: any) => e.roomChanged.kind === 'CODE_CHANGED').roomChanged.room.code).toBe(code)

    await ok(t.url, SET_ROLE, { r: room.id, u: target.id, role: 'MODERATOR' }, owner.token)
    await asMember.waitFor(() => kinds(asMember).includes('ROLE_CHANGED'))
    expect(asMember.events.find((e: any) => e.roomChanged.kind === 'ROLE_CHANGED').roomChanged).toMatchObject({ user: { id: target.id }, by: { id: owner.id } })

    await t.app.hearth.rooms.publishPinsChanged(room.id, mod.id)
    await asMember.waitFor(() => kinds(asMember).includes('PINS_CHANGED'))

    await ok(t.url, REMOVE, { r: room.id, u: target2.id }, mod.token)
    await asMember.waitFor(() => kinds(asMember).includes('MEMBER_REMOVED'))
    expect(asMember.events.find((e: any) => e.roomChanged.kind === 'MEMBER_REMOVED').roomChanged).toMatchObject({ user: { id: target2.id }, by: { id: mod.id } })

    await ok(t.url, `mutation($id: ID!) { deleteRoom(id: $id) }`, { id: room.id }, owner.token)
    await asMember.waitFor(() => asMember.state.done)
    expect(kinds(asMember)).toEqual(['UPDATED', 'ROLE_CHANGED', 'PINS_CHANGED', 'MEMBER_REMOVED', 'DELETED'])
    expect(asMember.events.at(-1).roomChanged).toMatchObject({ kind: 'DELETED', room: null, by: { id: owner.id } })
    await asMod.waitFor(() => asMod.state.done)
    expect(kinds(asMod)).toEqual(['UPDATED', 'CODE_CHANGED', 'ROLE_CHANGED', 'PINS_CHANGED', 'MEMBER_REMOVED', 'DELETED'])
    await memberClient.dispose()
    await modClient.dispose()
  })

  it('an owner leaving passes the room on: a ROLE_CHANGED naming the new owner', async () => {
    const room = await createRoom(t.url, owner.token, 'Passed on', 'PUBLIC')
    await ok(t.url, JOIN_CODE, { c: room.code }, member.token)
    const c = wsClient(t.wsUrl, member.token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const changes = collect(c, ROOM_CHANGED, { r: room.id })
    await waitLive(t, live + 1)
    await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, owner.token)
    await changes.waitCount(1)
    expect(changes.events[0].roomChanged).toMatchObject({ kind: 'ROLE_CHANGED', user: { id: member.id }, by: { id: owner.id } })
    await c.dispose()
  })

  it('a removed member sees MEMBER_REMOVED, then their subscriptions to the PRIVATE room end; a non-member may not watch it', async () => {
    const room = await cast('PRIVATE')
    expect((await gql(t.url, BANNED, { r: room.id }, outsider.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    const c = wsClient(t.wsUrl, target.token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const changes = collect(c, ROOM_CHANGED, { r: room.id })
    const messages = collect(c, `subscription($r: ID!) { messageAdded(roomId: $r) { id } }`, { r: room.id })
    await waitLive(t, live + 2)
    await ok(t.url, REMOVE, { r: room.id, u: target.id, ban: true }, mod.token)
    await changes.waitFor(() => changes.state.done)
    await messages.waitFor(() => messages.state.done)
    expect(changes.events.map((e: any) => e.roomChanged.kind)).toEqual(['MEMBER_REMOVED'])
    expect(changes.events[0].roomChanged.user).toEqual({ id: target.id })
    await send(t.url, member.token, room.id, 'after the removal')
    expect(messages.events).toEqual([])
    const again = collect(c, ROOM_CHANGED, { r: room.id })
    await again.waitError()
    expect(again.state.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    await c.dispose()
  })

  it('MEMBER_REMOVED says whether it was a ban to the one removed and to the owner and moderators; to other members null', async () => {
    const room = await cast('PRIVATE')
    const Q = `subscription($r: ID!) { roomChanged(roomId: $r) { kind user { id } banned } }`
    const clients = [target, mod, member].map((u) => wsClient(t.wsUrl, u.token))
    const live = t.app.hearth.realtime.liveSubscriptions
    const [removed, moderator, other] = clients.map((c) => collect(c, Q, { r: room.id }))
    await waitLive(t, live + 3)
    await ok(t.url, REMOVE, { r: room.id, u: target.id, ban: true }, mod.token)
    await ok(t.url, REMOVE, { r: room.id, u: target2.id, ban: false }, owner.token)
    await removed.waitFor(() => removed.state.done)
    await moderator.waitCount(2)
    await other.waitCount(2)
    expect(removed.events.map((e: any) => e.roomChanged)).toEqual([{ kind: 'MEMBER_REMOVED', user: { id: target.id }, banned: true }])
    expect(moderator.events.map((e: any) => e.roomChanged.banned)).toEqual([true, false])
    expect(other.events.map((e: any) => e.roomChanged.banned)).toEqual([null, null])
    await Promise.all(clients.map((c) => c.dispose()))
  })

  it('in a PUBLIC room too: a removed member\'s subscriptions end (and a leaving one\'s), while a reader who never joined keeps theirs', async () => {
    const room = await cast('PUBLIC')
    const c = wsClient(t.wsUrl, target.token)
    const m = wsClient(t.wsUrl, member.token)
    const o = wsClient(t.wsUrl, outsider.token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const ADDED = `subscription($r: ID!) { messageAdded(roomId: $r) { body } }`
    const EVENTS = `subscription($r: ID!) { messageEvents(roomId: $r) { kind } }`
    const changes = collect(c, ROOM_CHANGED, { r: room.id })
    const messages = collect(c, ADDED, { r: room.id })
    const events = collect(c, EVENTS, { r: room.id })
    const leaverMessages = collect(m, ADDED, { r: room.id })
    const leaverChanges = collect(m, ROOM_CHANGED, { r: room.id })
    const reader = collect(o, ADDED, { r: room.id })
    const readerChanges = collect(o, ROOM_CHANGED, { r: room.id })
    await waitLive(t, live + 7)
    // before: MEMBER_REMOVED, then the banned member went on receiving every message and change
    await ok(t.url, REMOVE, { r: room.id, u: target.id, ban: true }, mod.token)
    await ok(t.url, `mutation($r: ID!) { leaveRoom(roomId: $r) }`, { r: room.id }, member.token)
    for (const s of [changes, messages, events, leaverMessages, leaverChanges]) await s.waitFor(() => s.state.done, 5000, 'the end of the subscription')
    expect(changes.events.map((e: any) => e.roomChanged.kind)).toEqual(['MEMBER_REMOVED'])
    await send(t.url, owner.token, room.id, 'after the removal')
    await reader.waitCount(1)
    expect(reader.events).toEqual([{ messageAdded: { body: 'after the removal' } }])
    expect(readerChanges.state.done).toBe(false)
    expect([messages.events, events.events, leaverMessages.events]).toEqual([[], [], []])
    await Promise.all([c.dispose(), m.dispose(), o.dispose()])
  })
})
