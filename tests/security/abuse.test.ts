// Abuse limits that must actually stop the abuse: a limited send stores and publishes nothing
// (whichever transport carries it), and a limited join-code guesser cannot win by guessing on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, ok, signUp, wsClient } from '../helpers/client.js'
import { createRoom, joinByCode, MESSAGE_ADDED, SEND, send } from '../helpers/rooms.js'
import { acked, bearer, until } from './raw.js'

describe('sending limited per user (SEND_RATE_LIMIT_PER_USER)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { SEND_RATE_LIMIT_PER_USER: '5' } }) })
  afterAll(async () => { await t?.close() })

  it('past the limit: RATE_LIMITED with retryAfterSeconds, nothing stored or published, over HTTP and over the socket alike', async () => {
    const spammer = await signUp(t.url)
    const other = await signUp(t.url)
    const room = await createRoom(t.url, spammer.token, 'Spam')
    await joinByCode(t.url, other.token, room.code)
    const client = wsClient(t.wsUrl, other.token)
    const live = collect(client, MESSAGE_ADDED, { roomId: room.id })
    await waitLive(t, 1)

    for (let i = 0; i < 5; i++) await send(t.url, spammer.token, room.id, `ok ${i}`, `c${i}`)
    const r = await gql(t.url, SEND, { roomId: room.id, body: 'one too many', clientId: 'c5' }, spammer.token)
    expect(r.errors?.[0].extensions?.code).toBe('RATE_LIMITED')
    expect(r.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1)
    expect(r.errors?.[0].extensions?.retryAfterSeconds).toBeLessThanOrEqual(60)
    expect(r.data?.sendMessage ?? null).toBeNull()
    // the socket is no way around it
    const s = await acked(t.wsUrl, bearer(spammer.token))
    s.send({ id: 'w', type: 'subscribe', payload: { query: SEND, variables: { roomId: room.id, body: 'via the socket', clientId: 'c6' } } })
    await until(() => s.of('w').some((f) => f.type === 'complete' || f.type === 'error'))
    expect(JSON.stringify(s.of('w'))).toMatch(/RATE_LIMITED/)
    s.ws.close()
    // a retry of a message that was stored is not a new send: it answers the original
    const retry = await ok(t.url, SEND, { roomId: room.id, body: 'ok 0', clientId: 'c0' }, spammer.token)
    expect(retry.sendMessage.seq).toBe(1)
    // others are not limited by it
    await send(t.url, other.token, room.id, 'someone else')

    // 'someone else', sent after every refused attempt, is the marker: a refused one would come before it
    await live.waitCount(6)
    expect(live.events.map((e: any) => e.messageAdded.body)).toEqual(['ok 0', 'ok 1', 'ok 2', 'ok 3', 'ok 4', 'someone else'])
    const stored = await ok(t.url, 'query($r: ID!) { messages(roomId: $r) { edges { node { body } } } }', { r: room.id }, other.token)
    expect(stored.messages.edges.map((e: any) => e.node.body)).toEqual(['ok 0', 'ok 1', 'ok 2', 'ok 3', 'ok 4', 'someone else'])
    live.dispose()
    await client.dispose()
  })
})

describe('typing floods (limited like sending, in a bucket of their own)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { SEND_RATE_LIMIT_PER_USER: '5' } }) })
  afterAll(async () => { await t?.close() })

  it('past the limit setTyping is RATE_LIMITED and nothing more fans out; sending messages is unaffected', async () => {
    const flooder = await signUp(t.url)
    const watcher = await signUp(t.url)
    const room = await createRoom(t.url, flooder.token, 'Typing')
    await joinByCode(t.url, watcher.token, room.code)
    const client = wsClient(t.wsUrl, watcher.token)
    const live = collect(client, 'subscription($r: ID!) { typing(roomId: $r) { typing user { id } } }', { r: room.id })
    await waitLive(t, 1)
    const codes: (string | undefined)[] = []
    for (let i = 0; i < 8; i++) codes.push((await gql(t.url, 'mutation($r: ID!, $on: Boolean!) { setTyping(roomId: $r, typing: $on) }', { r: room.id, on: i % 2 === 0 }, flooder.token)).errors?.[0]?.extensions?.code)
    expect(codes).toEqual([undefined, undefined, undefined, undefined, undefined, 'RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED'])
    // marker: a third member types (a bucket of their own); a sixth event of the flooder would come first
    const mate = await signUp(t.url)
    await joinByCode(t.url, mate.token, room.code)
    await ok(t.url, 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', { r: room.id }, mate.token)
    await live.waitCount(6)
    expect(live.events.map((e: any) => e.typing.user.id)).toEqual([...Array(5).fill(flooder.id), mate.id])
    // messages have their own allowance
    await send(t.url, flooder.token, room.id, 'still allowed')
    live.dispose()
    await client.dispose()
  })
})

describe('profile and presence floods (each fans out to every friend and room-mate)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { SEND_RATE_LIMIT_PER_USER: '5' } }) })
  afterAll(async () => { await t?.close() })

  it('past the limit updateProfile and setPresence are RATE_LIMITED: nothing stored, nothing more published', async () => {
    const flooder = await signUp(t.url)
    const mate = await signUp(t.url)
    const room = await createRoom(t.url, flooder.token, 'Profiles')
    await joinByCode(t.url, mate.token, room.code)
    const client = wsClient(t.wsUrl, mate.token)
    const live = collect(client, 'subscription($u: ID) { userUpdated(userId: $u) { displayName } }', { u: flooder.id })
    await waitLive(t, 1)
    const codes: (string | undefined)[] = []
    for (let i = 0; i < 7; i++) codes.push((await gql(t.url, 'mutation($n: String) { updateProfile(input: { displayName: $n }) { id } }', { n: `name ${i}` }, flooder.token)).errors?.[0]?.extensions?.code)
    expect(codes).toEqual([undefined, undefined, undefined, undefined, undefined, 'RATE_LIMITED', 'RATE_LIMITED'])
    await live.waitCount(5)
    // marker: the mate renames themselves, seen on a second feed of the same socket; a refused
    // rename that got published would have come before it
    const own = collect(client, 'subscription { userUpdated { displayName } }')
    await waitLive(t, 2)
    await ok(t.url, 'mutation { updateProfile(input: { displayName: "mate marker" }) { id } }', {}, mate.token)
    await own.waitCount(1)
    expect(live.events.map((e: any) => e.userUpdated.displayName)).toEqual(['name 0', 'name 1', 'name 2', 'name 3', 'name 4'])
    expect((await ok(t.url, '{ me { displayName } }', {}, flooder.token)).me.displayName).toBe('name 4')

    const presence: (string | undefined)[] = []
    for (let i = 0; i < 7; i++) presence.push((await gql(t.url, 'mutation($s: PresenceStatus!) { setPresence(status: $s) { id } }', { s: i % 2 ? 'ONLINE' : 'AWAY' }, flooder.token)).errors?.[0]?.extensions?.code)
    expect(presence).toEqual([undefined, undefined, undefined, undefined, undefined, 'RATE_LIMITED', 'RATE_LIMITED'])
    // messages keep their own allowance
    await send(t.url, flooder.token, room.id, 'still allowed')
    live.dispose()
    await client.dispose()
  })
})

describe('join-code guessing (JOIN_CODE_RATE_LIMIT)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { JOIN_CODE_RATE_LIMIT: '3' } }) })
  afterAll(async () => { await t?.close() })

  it('once limited, even the right code is refused: guessing on cannot win, by joinRoom or by roomByCode', async () => {
    const owner = await signUp(t.url)
    const guesser = await signUp(t.url)
    const room = await createRoom(t.url, owner.token, 'Hidden', 'PRIVATE')
    const JOIN = 'mutation($c: String!) { joinRoom(code: $c) { id } }'
    const LOOK = 'query($c: String!) { roomByCode(code: $c) { id name } }'
    const codes: (string | undefined)[] = []
    for (let i = 0; i < 4; i++) codes.push((await gql(t.url, i % 2 ? LOOK : JOIN, { c: `WRONG${i}ABC` }, guesser.token)).errors?.[0].extensions?.code)
    expect(codes).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND', 'RATE_LIMITED'])

    const join = await gql(t.url, JOIN, { c: room.code }, guesser.token)
    expect(join.errors?.[0].extensions?.code).toBe('RATE_LIMITED')
    expect(join.data?.joinRoom ?? null).toBeNull()
    const look = await gql(t.url, LOOK, { c: room.code }, guesser.token)
    expect(look.errors?.[0].extensions?.code).toBe('RATE_LIMITED')
    expect(look.data?.roomByCode ?? null).toBeNull()
    // not a member: the PRIVATE room is still NOT_FOUND for the guesser
    expect((await gql(t.url, 'query($r: ID!) { room(id: $r) { id } }', { r: room.id }, guesser.token)).errors?.[0].extensions?.code).toBe('NOT_FOUND')
    // someone who was not guessing joins with the same code
    const friend = await signUp(t.url)
    expect((await ok(t.url, JOIN, { c: room.code }, friend.token)).joinRoom.id).toBe(room.id)
  })

  it('is off with SEND_RATE_LIMIT_PER_USER=0, as every per-user limit is (contract part 2)', async () => {
    const off = await startApp({ env: { JOIN_CODE_RATE_LIMIT: '3', SEND_RATE_LIMIT_PER_USER: '0' } })
    try {
      const guesser = await signUp(off.url)
      const codes = new Set<string | undefined>()
      for (let i = 0; i < 6; i++) codes.add((await gql(off.url, 'mutation($c: String!) { joinRoom(code: $c) { id } }', { c: `WRONG${i}ABC` }, guesser.token)).errors?.[0].extensions?.code)
      expect([...codes]).toEqual(['NOT_FOUND'])
    } finally {
      await off.close()
    }
  })
})
