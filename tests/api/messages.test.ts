import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, errorCode, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { MESSAGE_ADDED, MESSAGE_EVENTS, SEND, createRoom, joinByCode, send } from '../helpers/rooms.js'
import { acked, bearer, until } from '../security/raw.js'

let t: TestApp
let owner: TestUser, member: TestUser, outsider: TestUser
let pub: { id: string; code: string }, priv: { id: string; code: string }
beforeAll(async () => {
  t = await startApp({ env: { TYPING_TTL_MS: '600' } })
  owner = await signUp(t.url)
  member = await signUp(t.url)
  outsider = await signUp(t.url)
  pub = await createRoom(t.url, owner.token, 'Public one')
  priv = await createRoom(t.url, owner.token, 'Private one', 'PRIVATE')
  await joinByCode(t.url, member.token, pub.code)
  await joinByCode(t.url, member.token, priv.code)
})
afterAll(async () => { await t.close() })

const PAGE = `query($r: ID!, $first: Int, $after: String, $last: Int, $before: String) {
  messages(roomId: $r, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { seq body } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`

describe('sending', () => {
  it('stores the body trimmed and refuses bad bodies with BAD_USER_INPUT on "body"', async () => {
    const m = await send(t.url, member.token, pub.id, '  hello there \n')
    expect(m.body).toBe('hello there')
    for (const body of ['', '   \n ', 'x'.repeat(4001), 'a\u0000b', '\uD800lone']) {
      const r = await gql(t.url, SEND, { roomId: pub.id, body }, member.token)
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' })
    }
    // 4000 code points is fine even when they take two UTF-16 units each
    const emoji = '😀'.repeat(4000)
    expect((await send(t.url, member.token, pub.id, emoji)).body).toBe(emoji)
  })

  it('lets only members write: PUBLIC non-member FORBIDDEN, PRIVATE non-member NOT_FOUND', async () => {
    expect(await errorCode(t.url, SEND, { roomId: pub.id, body: 'hi' }, outsider.token)).toBe('FORBIDDEN')
    expect(await errorCode(t.url, SEND, { roomId: priv.id, body: 'hi' }, outsider.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, SEND, { roomId: 'nope', body: 'hi' }, outsider.token)).toBe('NOT_FOUND')
    // PUBLIC rooms are readable by anyone signed in
    const d = await ok(t.url, PAGE, { r: pub.id, last: 1 }, outsider.token)
    expect(d.messages.edges).toHaveLength(1)
  })

  it('is idempotent per sender and clientId: a retry returns the stored message and publishes nothing', async () => {
    const room = await createRoom(t.url, owner.token, 'Idem')
    const c = wsClient(t.wsUrl, owner.token)
    const sub = collect(c, MESSAGE_ADDED, { roomId: room.id, after: '0' })
    const first = await send(t.url, owner.token, room.id, 'once', 'abc-1')
    const retry = await send(t.url, owner.token, room.id, 'once (retry with other text)', 'abc-1')
    expect(retry).toEqual(first)
    expect(first.clientId).toBe('abc-1')
    const other = await send(t.url, owner.token, room.id, 'two', 'abc-2')
    expect(other.seq).toBe(first.seq + 1)
    // 'two' is the marker: an event of the retry would have come before it
    await sub.waitCount(2)
    expect(sub.events.map((e) => e.messageAdded.body)).toEqual(['once', 'two'])
    const long = await gql(t.url, SEND, { roomId: room.id, body: 'x', clientId: 'k'.repeat(65) }, owner.token)
    expect(long.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clientId' })
    await c.dispose()
  })

  it('retries racing their first attempt (sent together, stored together) store one message and publish it once', async () => {
    const room = await createRoom(t.url, owner.token, 'Idem race')
    const c = wsClient(t.wsUrl, owner.token)
    const sub = collect(c, MESSAGE_ADDED, { roomId: room.id, after: '0' })
    // written together on one socket, these reach the server in one read: on SQLite they share a
    // group commit, where the attempts after the first find it only once it is stored
    const s = await acked(t.wsUrl, bearer(owner.token))
    const bodies0 = ['before', ...Array.from({ length: 6 }, (_, i) => `attempt ${i}`), 'beside']
    const cids = ['race-0', ...Array(6).fill('race-1'), 'race-2']
    for (let i = 0; i < bodies0.length; i++) s.ws.send(JSON.stringify({ id: `s${i}`, type: 'subscribe', payload: { query: SEND, variables: { roomId: room.id, body: bodies0[i], clientId: cids[i] } } }))
    await until(() => bodies0.every((_, i) => s.frames.some((f) => f.id === `s${i}` && f.type === 'complete')), 10_000, 'every send to answer')
    const answers = bodies0.map((_, i) => s.frames.find((f) => f.id === `s${i}` && f.type === 'next').payload.data.sendMessage)
    s.ws.close()
    const raced = answers.slice(1, 7)
    for (const a of raced) expect(a).toEqual(raced[0])
    expect(new Set(answers.map((a) => a.seq)).size).toBe(3)
    const after = await send(t.url, owner.token, room.id, 'after', 'race-3')
    expect(after.seq).toBe(Math.max(...answers.map((a) => a.seq)) + 1)
    await sub.waitCount(4)
    const bodies = sub.events.map((e) => e.messageAdded.body)
    expect(bodies).toHaveLength(4)
    expect(bodies.filter((b) => b.startsWith('attempt'))).toEqual([raced[0].body])
    expect(bodies[3]).toBe('after')
    await c.dispose()
  })
})

describe('editing and deleting', () => {
  const EDIT = 'mutation($id: ID!, $b: String!) { editMessage(id: $id, body: $b) { body editedAt } }'
  const DEL = 'mutation($id: ID!) { deleteMessage(id: $id) { body deletedAt seq } }'

  it('lets only the sender edit, and the sender or OWNER delete; events follow in order', async () => {
    const room = await createRoom(t.url, owner.token, 'Edits', 'PRIVATE')
    await joinByCode(t.url, member.token, room.code)
    const c = wsClient(t.wsUrl, owner.token)
    const events = collect(c, MESSAGE_EVENTS, { roomId: room.id, after: 0 })
    const m = await send(t.url, member.token, room.id, 'draft')
    expect(await errorCode(t.url, EDIT, { id: m.id, b: 'hijack' }, owner.token)).toBe('FORBIDDEN')
    expect(await errorCode(t.url, EDIT, { id: m.id, b: 'hijack' }, outsider.token)).toBe('NOT_FOUND')
    const r = await gql(t.url, EDIT, { id: m.id, b: '  ' }, member.token)
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' })
    const edited = await ok(t.url, EDIT, { id: m.id, b: 'final' }, member.token)
    expect(edited.editMessage.body).toBe('final')
    expect(edited.editMessage.editedAt).toMatch(/Z$/)
    const mine = await send(t.url, owner.token, room.id, 'owner note')
    expect(await errorCode(t.url, DEL, { id: mine.id }, member.token)).toBe('FORBIDDEN')
    const deleted = await ok(t.url, DEL, { id: m.id }, owner.token)
    expect(deleted.deleteMessage).toMatchObject({ body: '', seq: m.seq })
    expect(await errorCode(t.url, EDIT, { id: m.id, b: 'revive' }, member.token)).toBe('CONFLICT')
    await events.waitCount(4)
    expect(events.events.map((e) => [e.messageEvents.seq, e.messageEvents.kind])).toEqual([[1, 'ADDED'], [2, 'EDITED'], [3, 'ADDED'], [4, 'DELETED']])
    expect(events.events[3].messageEvents.message.body).toBe('')
    // the tombstone keeps its place in history
    const page = await ok(t.url, PAGE, { r: room.id }, member.token)
    expect(page.messages.edges.map((e: any) => [e.node.seq, e.node.body])).toEqual([[1, ''], [2, 'owner note']])
    await c.dispose()
  })
})

describe('history paging', () => {
  it('pages both ways, oldest first, with opaque cursors and capped sizes', async () => {
    const room = await createRoom(t.url, owner.token, 'Paging')
    for (let i = 1; i <= 120; i++) await send(t.url, owner.token, room.id, `n${i}`)
    const newest = await ok(t.url, PAGE, { r: room.id }, member.token)
    expect(newest.messages.edges.map((e: any) => e.node.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i))
    expect(newest.messages.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true })
    for (const e of newest.messages.edges) expect(e.cursor).not.toMatch(/^\d+$/)
    const back = await ok(t.url, PAGE, { r: room.id, last: 30, before: newest.messages.pageInfo.startCursor }, member.token)
    expect(back.messages.edges.map((e: any) => e.node.seq)).toEqual(Array.from({ length: 30 }, (_, i) => 41 + i))
    const fwd = await ok(t.url, PAGE, { r: room.id, first: 5, after: back.messages.pageInfo.endCursor }, member.token)
    expect(fwd.messages.edges.map((e: any) => e.node.seq)).toEqual([71, 72, 73, 74, 75])
    expect(fwd.messages.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true })
    const big = await ok(t.url, PAGE, { r: room.id, first: 1000000 }, member.token)
    expect(big.messages.edges).toHaveLength(100)
    for (const [k, v] of [['first', 0], ['last', -1]] as const) {
      const r = await gql(t.url, PAGE, { r: room.id, [k]: v }, member.token)
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: k })
    }
    const bad = await gql(t.url, PAGE, { r: room.id, after: '12' }, member.token)
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' })
  })

  it('a cursor of another room is BAD_USER_INPUT, for after and before and for messageAdded\'s after (before: read as a position here)', async () => {
    const here = await createRoom(t.url, member.token, 'Cursor here')
    const there = await createRoom(t.url, member.token, 'Cursor there')
    for (let i = 1; i <= 8; i++) await send(t.url, member.token, here.id, `h${i}`)
    for (let i = 1; i <= 5; i++) await send(t.url, member.token, there.id, `t${i}`)
    const foreign = (await ok(t.url, PAGE, { r: there.id, first: 5 }, member.token)).messages.pageInfo.endCursor
    for (const field of ['after', 'before'] as const) {
      const r = await gql(t.url, PAGE, { r: here.id, first: 3, [field]: foreign }, member.token)
      expect(r.errors?.[0].extensions, field).toMatchObject({ code: 'BAD_USER_INPUT', field })
    }
    const c = wsClient(t.wsUrl, member.token)
    const s = collect(c, MESSAGE_ADDED, { roomId: here.id, after: foreign })
    await s.waitError()
    expect(s.state.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' })
    await c.dispose()
    // its own cursors work, and one made before cursors named their room is still read
    const own = (await ok(t.url, PAGE, { r: here.id, first: 5 }, member.token)).messages.pageInfo.endCursor
    expect((await ok(t.url, PAGE, { r: here.id, first: 2, after: own }, member.token)).messages.edges.map((e: any) => e.node.seq)).toEqual([6, 7])
    // Message.cursor is its edge's cursor, so a message from a subscription pages back from itself
    const withCursors = await ok(t.url, 'query($r: ID!) { messages(roomId: $r, first: 8) { edges { cursor node { seq cursor } } } }', { r: here.id }, member.token)
    for (const e of withCursors.messages.edges) expect(e.node.cursor).toBe(e.cursor)
    const fromSixth = withCursors.messages.edges[5].node.cursor
    expect((await ok(t.url, PAGE, { r: here.id, last: 2, before: fromSixth }, member.token)).messages.edges.map((e: any) => e.node.seq)).toEqual([4, 5])
    const older = Buffer.from('m:5').toString('base64url')
    expect((await ok(t.url, PAGE, { r: here.id, first: 2, after: older }, member.token)).messages.edges.map((e: any) => e.node.seq)).toEqual([6, 7])
  })
})

describe('search', () => {
  it('matches every word as a word or prefix, only in rooms the viewer may read, never tombstones', async () => {
    const tag = `zebra${Date.now() % 100000}`
    await send(t.url, owner.token, priv.id, `${tag} crossing the Street`)
    await send(t.url, owner.token, pub.id, `${tag} in public`)
    const gone = await send(t.url, owner.token, priv.id, `${tag} street deleted`)
    await ok(t.url, 'mutation($id: ID!) { deleteMessage(id: $id) { id } }', { id: gone.id }, owner.token)
    const S = 'query($q: String!, $r: ID) { searchMessages(query: $q, roomId: $r) { edges { node { body } } } }'
    const both = await ok(t.url, S, { q: `${tag.toUpperCase()} str` }, member.token)
    expect(both.searchMessages.edges.map((e: any) => e.node.body)).toEqual([`${tag} crossing the Street`])
    const none = await ok(t.url, S, { q: `${tag} street` }, outsider.token)
    expect(none.searchMessages.edges).toHaveLength(0)
    const inPublic = await ok(t.url, S, { q: tag, r: pub.id }, outsider.token)
    expect(inPublic.searchMessages.edges.map((e: any) => e.node.body)).toEqual([`${tag} in public`])
    expect(await errorCode(t.url, S, { q: tag, r: priv.id }, outsider.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, S, { q: '  ' }, member.token)).toBe('BAD_USER_INPUT')
    const noMatch = await ok(t.url, S, { q: 'ebra' }, member.token)
    expect(noMatch.searchMessages.edges).toHaveLength(0)
  })
})

describe('subscriptions', () => {
  it('validates after: decimal seq or cursor, anything else BAD_USER_INPUT', async () => {
    const c = wsClient(t.wsUrl, member.token)
    for (const after of ['abc', '-1', '1.5', '']) {
      const s = collect(c, MESSAGE_ADDED, { roomId: pub.id, after })
      await s.waitError()
      expect(s.state.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' })
    }
    const e = collect(c, MESSAGE_EVENTS, { roomId: pub.id, after: -3 })
    await e.waitError()
    expect(e.state.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT')
    await c.dispose()
  })

  it('accepts a message cursor as after, and a seq beyond the newest replays nothing then continues live', async () => {
    const room = await createRoom(t.url, owner.token, 'Cursor')
    for (let i = 1; i <= 5; i++) await send(t.url, owner.token, room.id, `c${i}`)
    const page = await ok(t.url, PAGE, { r: room.id, first: 2 }, member.token)
    const c = wsClient(t.wsUrl, member.token)
    const byCursor = collect(c, MESSAGE_ADDED, { roomId: room.id, after: page.messages.pageInfo.endCursor })
    await byCursor.waitCount(3)
    expect(byCursor.events.map((e) => e.messageAdded.seq)).toEqual([3, 4, 5])
    const live = t.app.hearth.realtime.liveSubscriptions
    const beyond = collect(c, MESSAGE_ADDED, { roomId: room.id, after: '999' })
    await waitLive(t, live + 1)
    expect(beyond.events).toHaveLength(0)
    // c6 is the marker: a replayed event would have come before it
    await send(t.url, owner.token, room.id, 'c6')
    await beyond.waitCount(1)
    expect(beyond.events[0].messageAdded.seq).toBe(6)
    await c.dispose()
  })

  it('stops a member who leaves a PRIVATE room and ends subscriptions of a deleted room', async () => {
    const room = await createRoom(t.url, owner.token, 'Leaving', 'PRIVATE')
    const leaver = await signUp(t.url)
    await joinByCode(t.url, leaver.token, room.code)
    const c = wsClient(t.wsUrl, leaver.token)
    const s = collect(c, MESSAGE_ADDED, { roomId: room.id, after: '0' })
    await send(t.url, owner.token, room.id, 'seen')
    await s.waitCount(1)
    await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, leaver.token)
    await s.waitFor(() => s.state.done, 3000, 'the subscription to end')
    // marker: the leaver's feed of the PUBLIC room on the same socket gets a later message
    const liveNow = t.app.hearth.realtime.liveSubscriptions
    const marker = collect(c, MESSAGE_ADDED, { roomId: pub.id })
    await waitLive(t, liveNow + 1)
    await send(t.url, owner.token, room.id, 'not for you')
    await send(t.url, owner.token, pub.id, 'marker')
    await marker.waitFor(() => marker.events.some((e) => e.messageAdded.body === 'marker'), 5000, 'the marker message')
    expect(s.events.map((e) => e.messageAdded.body)).toEqual(['seen'])
    const co = wsClient(t.wsUrl, owner.token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const os = collect(co, MESSAGE_ADDED, { roomId: room.id })
    await waitLive(t, live + 1)
    await ok(t.url, 'mutation($id: ID!) { deleteRoom(id: $id) }', { id: room.id }, owner.token)
    await os.waitFor(() => os.state.done, 3000, 'the subscription to end on deletion')
    await c.dispose(); await co.dispose()
  })

  it('relays typing to other members, never echoes it, and expires it', async () => {
    const room = await createRoom(t.url, owner.token, 'Typing', 'PRIVATE')
    await joinByCode(t.url, member.token, room.code)
    const TYPING = 'subscription($r: ID!) { typing(roomId: $r) { roomId typing user { id } } }'
    const co = wsClient(t.wsUrl, owner.token)
    const cm = wsClient(t.wsUrl, member.token)
    const co2 = wsClient(t.wsUrl, outsider.token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const ownerSees = collect(co, TYPING, { r: room.id })
    const memberSees = collect(cm, TYPING, { r: room.id })
    const outsiderSees = collect(co2, TYPING, { r: room.id })
    await outsiderSees.waitError()
    expect(outsiderSees.state.errors?.[0].extensions?.code).toBe('NOT_FOUND')
    await waitLive(t, live + 2)
    await ok(t.url, 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', { r: room.id }, member.token)
    await ownerSees.waitCount(2, 3000)
    expect(ownerSees.events.map((e) => e.typing.typing)).toEqual([true, false])
    expect(ownerSees.events[0].typing.user.id).toBe(member.id)
    expect(memberSees.events).toHaveLength(0)
    expect(await errorCode(t.url, 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', { r: room.id }, outsider.token)).toBe('NOT_FOUND')
    await co.dispose(); await cm.dispose(); await co2.dispose()
  })
})
