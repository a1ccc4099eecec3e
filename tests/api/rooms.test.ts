import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../helpers/app.js'
import { errorCode, gql, ok, signUp, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send, CREATE_ROOM, JOIN_BY_ID } from '../helpers/rooms.js'

let t: TestApp
let owner: TestUser, member: TestUser, stranger: TestUser
beforeAll(async () => {
  // the query-count test makes 20 rooms from one user (past ROOM_CREATE_RATE_LIMIT's default 10)
  t = await startApp({ env: { JOIN_CODE_RATE_LIMIT: '5', ROOM_CREATE_RATE_LIMIT: '100' } })
  owner = await signUp(t.url)
  member = await signUp(t.url)
  stranger = await signUp(t.url)
})
afterAll(async () => { await t.close() })

const ROOM = `query($id: ID!) { room(id: $id) { id name kind viewerIsMember viewerRole memberCount createdBy { id } } }`

describe('creating rooms', () => {
  it('makes the creator OWNER and member, with an unguessable code', async () => {
    const d = await ok(t.url, CREATE_ROOM, { input: { name: '  Maths  ', description: 'calc' } }, owner.token)
    expect(d.createRoom).toMatchObject({ name: 'Maths', kind: 'PUBLIC', viewerRole: 'OWNER', memberCount: 1 })
    expect(d.createRoom.code).toMatch(/^[A-Z0-9]{8,}$/)
    const again = await createRoom(t.url, owner.token, 'Maths')
    expect(again.code).not.toBe(d.createRoom.code)
  })

  it('refuses bad names and DIRECT kind with BAD_USER_INPUT and stores nothing', async () => {
    for (const name of ['', '   ', 'x'.repeat(81), 'a\u0000b']) {
      const r = await gql(t.url, CREATE_ROOM, { input: { name } }, owner.token)
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' })
    }
    const r = await gql(t.url, CREATE_ROOM, { input: { name: 'dm', kind: 'DIRECT' } }, owner.token)
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT')
    const mine = await ok(t.url, '{ myRooms { name } }', {}, owner.token)
    expect(mine.myRooms.map((x: any) => x.name)).not.toContain('dm')
  })

  it('needs a session', async () => {
    expect(await errorCode(t.url, CREATE_ROOM, { input: { name: 'x' } })).toBe('UNAUTHENTICATED')
  })
})

describe('visibility and joining', () => {
  it('hides a PRIVATE room from non-members exactly like a missing id', async () => {
    const room = await createRoom(t.url, owner.token, 'Hidden', 'PRIVATE')
    expect(await errorCode(t.url, ROOM, { id: room.id }, stranger.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, ROOM, { id: '00000000-0000-4000-8000-000000000000' }, stranger.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, ROOM, { id: 'not-an-id' }, stranger.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, JOIN_BY_ID, { roomId: room.id }, stranger.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, 'query($r: ID!) { messages(roomId: $r) { edges { cursor } } }', { r: room.id }, stranger.token)).toBe('NOT_FOUND')
    const listed = await ok(t.url, '{ rooms(first: 100) { edges { node { id } } } }', {}, stranger.token)
    expect(listed.rooms.edges.map((e: any) => e.node.id)).not.toContain(room.id)
    // the code opens it
    const joined = await joinByCode(t.url, stranger.token, room.code.toLowerCase())
    expect(joined).toMatchObject({ id: room.id, viewerIsMember: true })
    const seen = await ok(t.url, ROOM, { id: room.id }, stranger.token)
    expect(seen.room).toMatchObject({ viewerIsMember: true, viewerRole: 'MEMBER', memberCount: 2 })
  })

  it('joins a PUBLIC room by id, and joining again changes nothing', async () => {
    const room = await createRoom(t.url, owner.token, 'Open')
    await ok(t.url, JOIN_BY_ID, { roomId: room.id }, member.token)
    const again = await ok(t.url, JOIN_BY_ID, { roomId: room.id }, member.token)
    expect(again.joinRoom.viewerIsMember).toBe(true)
    const d = await ok(t.url, ROOM, { id: room.id }, member.token)
    expect(d.room.memberCount).toBe(2)
  })

  it('wants exactly one of roomId and code', async () => {
    const room = await createRoom(t.url, owner.token, 'Both')
    const none = await gql(t.url, 'mutation { joinRoom { id } }', {}, member.token)
    expect(none.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT')
    const both = await gql(t.url, 'mutation($r: ID, $c: String) { joinRoom(roomId: $r, code: $c) { id } }', { r: room.id, c: room.code }, member.token)
    expect(both.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT')
  })

  it('rate-limits guessing join codes', async () => {
    const guesser = await signUp(t.url)
    const codes: (string | undefined)[] = []
    for (let i = 0; i < 7; i++) codes.push(await errorCode(t.url, 'mutation($c: String!) { joinRoom(code: $c) { id } }', { c: `WRONG${i}XYZ` }, guesser.token))
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('NOT_FOUND'))
    expect(codes.at(-1)).toBe('RATE_LIMITED')
    const r = await gql(t.url, 'mutation($c: String!) { joinRoom(code: $c) { id } }', { c: 'WRONGAGAIN' }, guesser.token)
    expect(r.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0)
  })

  it('lists PUBLIC rooms and the viewer\'s own, with search and paging', async () => {
    const u = await signUp(t.url)
    const tag = `zq${Date.now()}`
    await createRoom(t.url, u.token, `${tag} alpha`)
    await createRoom(t.url, u.token, `${tag} beta`, 'PRIVATE')
    await createRoom(t.url, owner.token, `${tag} gamma`, 'PRIVATE')
    const page1 = await ok(t.url, 'query($s: String) { rooms(search: $s, first: 1) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }', { s: tag.toUpperCase() }, u.token)
    expect(page1.rooms.edges.map((e: any) => e.node.name)).toEqual([`${tag} alpha`])
    expect(page1.rooms.pageInfo.hasNextPage).toBe(true)
    const page2 = await ok(t.url, 'query($s: String, $a: String) { rooms(search: $s, first: 5, after: $a) { edges { node { name } } pageInfo { hasNextPage } } }', { s: tag, a: page1.rooms.pageInfo.endCursor }, u.token)
    expect(page2.rooms.edges.map((e: any) => e.node.name)).toEqual([`${tag} beta`])
    expect(page2.rooms.pageInfo.hasNextPage).toBe(false)
  })
})

describe('owners, members and leaving', () => {
  it('lets only the OWNER update and delete', async () => {
    const room = await createRoom(t.url, owner.token, 'Owned', 'PRIVATE')
    await joinByCode(t.url, member.token, room.code)
    const UPDATE = 'mutation($id: ID!, $n: String) { updateRoom(id: $id, input: { name: $n }) { name } }'
    expect(await errorCode(t.url, UPDATE, { id: room.id, n: 'Mine now' }, member.token)).toBe('FORBIDDEN')
    expect(await errorCode(t.url, UPDATE, { id: room.id, n: 'Mine now' }, stranger.token)).toBe('NOT_FOUND')
    expect((await ok(t.url, UPDATE, { id: room.id, n: 'Renamed' }, owner.token)).updateRoom.name).toBe('Renamed')
    expect(await errorCode(t.url, 'mutation($id: ID!) { deleteRoom(id: $id) }', { id: room.id }, member.token)).toBe('FORBIDDEN')
    await send(t.url, member.token, room.id, 'soon gone')
    expect((await ok(t.url, 'mutation($id: ID!) { deleteRoom(id: $id) }', { id: room.id }, owner.token)).deleteRoom).toBe(true)
    expect(await errorCode(t.url, ROOM, { id: room.id }, member.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, ROOM, { id: room.id }, owner.token)).toBe('NOT_FOUND')
    const results = await ok(t.url, '{ searchMessages(query: "soon gone") { edges { node { id } } } }', {}, member.token)
    expect(results.searchMessages.edges).toHaveLength(0)
  })

  it('hands the room to the longest-standing member when the OWNER leaves', async () => {
    const o = await signUp(t.url)
    const m1 = await signUp(t.url)
    const m2 = await signUp(t.url)
    const room = await createRoom(t.url, o.token, 'Handover', 'PRIVATE')
    await joinByCode(t.url, m1.token, room.code)
    await joinByCode(t.url, m2.token, room.code)
    await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, o.token)
    expect((await ok(t.url, ROOM, { id: room.id }, m1.token)).room.viewerRole).toBe('OWNER')
    expect((await ok(t.url, ROOM, { id: room.id }, m2.token)).room.viewerRole).toBe('MEMBER')
    expect(await errorCode(t.url, ROOM, { id: room.id }, o.token)).toBe('NOT_FOUND')
    const members = await ok(t.url, 'query($id: ID!) { room(id: $id) { members(first: 1) { edges { node { role user { id } } } pageInfo { hasNextPage endCursor } } } }', { id: room.id }, m1.token)
    expect(members.room.members.edges[0].node.user.id).toBe(m1.id)
    expect(members.room.members.pageInfo.hasNextPage).toBe(true)
    // the last one out leaves an empty room that its code still opens
    await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, m1.token)
    await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, m2.token)
    const back = await joinByCode(t.url, o.token, room.code)
    expect(back.id).toBe(room.id)
  })

  it('orders myRooms by recent activity', async () => {
    const u = await signUp(t.url)
    const r1 = await createRoom(t.url, u.token, 'First')
    const r2 = await createRoom(t.url, u.token, 'Second')
    await send(t.url, u.token, r1.id, 'bump')
    const d = await ok(t.url, '{ myRooms { id lastMessage { body } } }', {}, u.token)
    expect(d.myRooms.map((r: any) => r.id)).toEqual([r1.id, r2.id])
    expect(d.myRooms[0].lastMessage.body).toBe('bump')
    expect(d.myRooms[1].lastMessage).toBeNull()
  })
})

describe('unread counts and read markers', () => {
  it('counts others\' non-deleted messages after the marker, which starts at the join', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const room = await createRoom(t.url, a.token, 'Unread')
    await send(t.url, a.token, room.id, 'before b joined')
    await joinByCode(t.url, b.token, room.code)
    const m1 = await send(t.url, a.token, room.id, 'one')
    await send(t.url, a.token, room.id, 'two')
    const m3 = await send(t.url, a.token, room.id, 'three')
    const UNREAD = 'query($id: ID!) { room(id: $id) { unreadCount } }'
    expect((await ok(t.url, UNREAD, { id: room.id }, b.token)).room.unreadCount).toBe(3)
    expect((await ok(t.url, UNREAD, { id: room.id }, a.token)).room.unreadCount).toBe(0)
    await ok(t.url, 'mutation($id: ID!) { deleteMessage(id: $id) { id } }', { id: m3.id }, a.token)
    expect((await ok(t.url, UNREAD, { id: room.id }, b.token)).room.unreadCount).toBe(2)
    const MARK = 'mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { unreadCount } }'
    expect((await ok(t.url, MARK, { r: room.id, m: m1.id }, b.token)).markRead.unreadCount).toBe(1)
    // never backwards
    const m0 = (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, first: 1) { edges { node { id } } } }', { r: room.id }, b.token)).messages.edges[0].node.id
    expect((await ok(t.url, MARK, { r: room.id, m: m0 }, b.token)).markRead.unreadCount).toBe(1)
    // a message of another room
    const other = await createRoom(t.url, b.token, 'Other')
    const foreign = await send(t.url, b.token, other.id, 'elsewhere')
    const r = await gql(t.url, MARK, { r: room.id, m: foreign.id }, b.token)
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'messageId' })
    // a message of a PRIVATE room b is not in does not exist for b, exactly like a random id
    const secret = await createRoom(t.url, a.token, 'Secret', 'PRIVATE')
    const hidden = await send(t.url, a.token, secret.id, 'not for b')
    const probe = await gql(t.url, MARK, { r: room.id, m: hidden.id }, b.token)
    const random = await gql(t.url, MARK, { r: room.id, m: '00000000-0000-4000-8000-000000000000' }, b.token)
    expect(probe.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' })
    expect(probe.errors?.[0].message).toBe(random.errors?.[0].message)
    expect(random.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND' })
    // sending moves the sender's marker
    await send(t.url, b.token, room.id, 'reply')
    expect((await ok(t.url, UNREAD, { id: room.id }, b.token)).room.unreadCount).toBe(0)
  })
})

describe('query counts (no N+1)', () => {
  it('myRooms with 20 rooms and a page of 50 messages take a handful of queries', async () => {
    const u = await signUp(t.url)
    const other = await signUp(t.url)
    for (let i = 0; i < 20; i++) {
      const r = await createRoom(t.url, u.token, `Count ${i}`)
      await joinByCode(t.url, other.token, r.code)
      await send(t.url, other.token, r.id, `hello ${i}`)
    }
    const stats = t.app.hearth.database.stats
    let before = stats.queries
    const d = await ok(t.url, '{ myRooms { id name memberCount viewerRole unreadCount createdBy { username } lastMessage { body sender { username } } } }', {}, u.token)
    const myRoomsQueries = stats.queries - before
    expect(d.myRooms).toHaveLength(20)
    expect(myRoomsQueries).toBeLessThanOrEqual(10)
    const room = d.myRooms[0].id
    for (let i = 0; i < 50; i++) await send(t.url, other.token, room, `m${i}`)
    before = stats.queries
    const page = await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 50) { edges { node { body sender { username displayName } room { name } } } } }', { r: room }, u.token)
    const pageQueries = stats.queries - before
    expect(page.messages.edges).toHaveLength(50)
    expect(pageQueries).toBeLessThanOrEqual(8)
    console.log(`queries: myRooms(20 rooms)=${myRoomsQueries}, messages(50)=${pageQueries}`)
  })
})
