// WebRTC signalling over real WebSockets: a signal reaches exactly its addressee, on one
// instance or across two sharing Redis, and an invalid signal reaches nobody.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, testDatabaseUrl, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, signUp, wsClient, type GqlResult, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'
import { acked } from '../security/raw.js'

const SEND_SIGNAL = `mutation($input: SendSignalInput!) { sendSignal(input: $input) { id roomId kind payload createdAt from { id } to { id } } }`
const SIGNAL_RECEIVED = `subscription($roomId: ID) { signalReceived(roomId: $roomId) { id roomId kind payload from { id } to { id } } }`

type Sub = ReturnType<typeof collect<any>>

async function sendSignal(url: string, from: TestUser, roomId: string, to: string, kind: string, payload: string) {
  return gql(url, SEND_SIGNAL, { input: { roomId, toUserId: to, kind, payload } }, from.token)
}

/** OFFER / ANSWER / ICE_CANDIDATE pass only between participants of the room's call */
async function joinCall(url: string, users: TestUser[], roomId: string) {
  for (const u of users) {
    const r = await gql(url, `mutation($r: ID!) { joinCall(roomId: $r) { id } }`, { r: roomId }, u.token)
    expect(r.errors).toBeUndefined()
  }
}

const liveCount = (app: TestApp) => app.app.hearth.realtime.liveSubscriptions

const offer = JSON.stringify({ type: 'offer', sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n', note: 'ünïcødé ✓ 🎥' })

describe('signals on one instance', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp() })
  afterAll(async () => { await t.close() })

  it("A's OFFER reaches B intact, and neither C in the room nor D outside it", async () => {
    const [a, b, c, d] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Call room', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await joinByCode(t.url, c.token, room.code)
    const other = await createRoom(t.url, d.token, 'Elsewhere', 'PRIVATE')
    await joinByCode(t.url, a.token, other.code)
    await joinCall(t.url, [a, b], room.id)

    const [wb, wc, wd] = [wsClient(t.wsUrl, b.token), wsClient(t.wsUrl, c.token), wsClient(t.wsUrl, d.token)]
    const base = liveCount(t)
    const sb = collect(wb, SIGNAL_RECEIVED, { roomId: room.id })
    const sc = collect(wc, SIGNAL_RECEIVED, {})
    const sd = collect(wd, SIGNAL_RECEIVED, {})
    await waitLive(t, base + 3)

    const sent = await sendSignal(t.url, a, room.id, b.id, 'OFFER', offer)
    expect(sent.errors).toBeUndefined()
    expect(sent.data.sendSignal).toMatchObject({ roomId: room.id, kind: 'OFFER', payload: offer, from: { id: a.id }, to: { id: b.id } })

    await sb.waitCount(1)
    expect(sb.events[0].signalReceived).toEqual({
      id: sent.data.sendSignal.id, roomId: room.id, kind: 'OFFER', payload: offer, from: { id: a.id }, to: { id: b.id },
    })
    // markers sent after the offer: once they arrive, the offer would have too
    await sendSignal(t.url, a, room.id, c.id, 'HANGUP', '{"marker":1}')
    await sendSignal(t.url, a, other.id, d.id, 'HANGUP', '{"marker":1}')
    await sc.waitCount(1)
    await sd.waitCount(1)
    expect(sc.events.map((e) => e.signalReceived.payload)).toEqual(['{"marker":1}'])
    expect(sd.events.map((e) => e.signalReceived.payload)).toEqual(['{"marker":1}'])
    // B's room-filtered feed sees only that room
    expect(sb.events).toHaveLength(1)
    await Promise.all([wb.dispose(), wc.dispose(), wd.dispose()])
  })

  it('a burst of ICE candidates sent over one socket without waiting for answers arrives in the order sent', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Burst', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await joinCall(t.url, [a, b], room.id)
    const wb = wsClient(t.wsUrl, b.token)
    const base = liveCount(t)
    const sb = collect(wb, SIGNAL_RECEIVED, { roomId: room.id })
    await waitLive(t, base + 1)
    // a's socket: 60 sendSignal operations written at once (operations on a socket run together)
    const s = await acked(t.wsUrl, { authorization: `Bearer ${a.token}` })
    for (let i = 0; i < 60; i++) {
      s.send({ id: `c${i}`, type: 'subscribe', payload: { query: SEND_SIGNAL, variables: { input: { roomId: room.id, toUserId: b.id, kind: 'ICE_CANDIDATE', payload: JSON.stringify({ n: i }) } } } })
    }
    await sb.waitCount(60, 10_000)
    expect(sb.events.map((e) => JSON.parse(e.signalReceived.payload).n)).toEqual(Array.from({ length: 60 }, (_, i) => i))
    s.ws.close()
    await wb.dispose()
  })

  it('the server stamps from: the sender cannot speak for someone else', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Stamp', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await joinCall(t.url, [a, b], room.id)
    const r = await gql(t.url, `mutation($input: SendSignalInput!) { sendSignal(input: $input) { id } }`,
      { input: { roomId: room.id, toUserId: a.id, kind: 'ANSWER', payload: '{}', fromUserId: b.id } }, a.token)
    // an unknown input field is refused by GraphQL itself
    expect(r.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/)
    const ok = await sendSignal(t.url, b, room.id, a.id, 'ANSWER', '{"sdp":"x"}')
    expect(ok.data.sendSignal.from.id).toBe(b.id)
  })

  it('rejects every invalid signal and delivers it nowhere', async () => {
    const [a, b, c, outsider] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Strict', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    const pub = await createRoom(t.url, c.token, 'Open', 'PUBLIC')
    await gql(t.url, `mutation($id: ID!) { joinRoom(roomId: $id) { id } }`, { id: pub.id }, b.token)
    await joinCall(t.url, [a, b], room.id)
    const subs: Sub[] = []
    const clients = [b, c, outsider].map((u) => wsClient(t.wsUrl, u.token))
    const base = liveCount(t)
    for (const cl of clients) subs.push(collect(cl, SIGNAL_RECEIVED, {}))
    await waitLive(t, base + 3)

    const cases: { name: string; run: () => Promise<GqlResult>; code: string; field?: string }[] = [
      { name: 'target not a member', run: () => sendSignal(t.url, a, room.id, c.id, 'OFFER', '{}'), code: 'NOT_FOUND', field: 'input.toUserId' },
      { name: 'target unknown id', run: () => sendSignal(t.url, a, room.id, crypto.randomUUID(), 'OFFER', '{}'), code: 'NOT_FOUND' },
      { name: 'target malformed id', run: () => sendSignal(t.url, a, room.id, 'nope', 'OFFER', '{}'), code: 'NOT_FOUND' },
      { name: 'to self', run: () => sendSignal(t.url, a, room.id, a.id, 'OFFER', '{}'), code: 'BAD_USER_INPUT', field: 'input.toUserId' },
      { name: 'oversized payload', run: () => sendSignal(t.url, a, room.id, b.id, 'OFFER', JSON.stringify({ sdp: 'x'.repeat(65536) })), code: 'BAD_USER_INPUT', field: 'input.payload' },
      { name: 'multi-byte payload over 64 KiB in bytes', run: () => sendSignal(t.url, a, room.id, b.id, 'OFFER', JSON.stringify('é'.repeat(33000))), code: 'BAD_USER_INPUT', field: 'input.payload' },
      { name: 'non-JSON payload', run: () => sendSignal(t.url, a, room.id, b.id, 'OFFER', 'v=0 not json'), code: 'BAD_USER_INPUT', field: 'input.payload' },
      { name: 'empty payload', run: () => sendSignal(t.url, a, room.id, b.id, 'OFFER', ''), code: 'BAD_USER_INPUT', field: 'input.payload' },
      { name: 'unknown room', run: () => sendSignal(t.url, a, crypto.randomUUID(), b.id, 'OFFER', '{}'), code: 'NOT_FOUND' },
      { name: 'private room of others', run: () => sendSignal(t.url, outsider, room.id, b.id, 'OFFER', '{}'), code: 'NOT_FOUND' },
      { name: 'public room the sender is not in', run: () => sendSignal(t.url, a, pub.id, c.id, 'OFFER', '{}'), code: 'FORBIDDEN' },
      // variable coercion fails before any resolver runs; the foundation reports it as a validation failure
      { name: 'unknown kind', run: () => sendSignal(t.url, a, room.id, b.id, 'SHOUT', '{}'), code: 'GRAPHQL_VALIDATION_FAILED|BAD_USER_INPUT' },
    ]
    for (const k of cases) {
      const r = await k.run()
      expect(k.code.split('|'), k.name).toContain(r.errors?.[0]?.extensions?.code)
      if (k.field) expect(r.errors?.[0]?.extensions?.field, k.name).toBe(k.field)
      expect(r.data?.sendSignal ?? null, k.name).toBeNull()
    }
    // a payload of exactly 65536 bytes is fine, with whitespace around it too (stored trimmed,
    // measured after the trim)
    const exact = JSON.stringify('a'.repeat(65534))
    expect(Buffer.byteLength(exact)).toBe(65536)
    expect((await sendSignal(t.url, a, room.id, b.id, 'OFFER', `  ${exact}\n`)).errors).toBeUndefined()
    await subs[0].waitCount(1)
    await sendSignal(t.url, b, pub.id, c.id, 'HANGUP', '{"marker":1}')
    await subs[1].waitCount(1)
    // markers for the other two: a refused signal that got through would have come before them
    await sendSignal(t.url, a, room.id, b.id, 'HANGUP', '{"marker":0}')
    await gql(t.url, `mutation($id: ID!) { joinRoom(roomId: $id) { id } }`, { id: pub.id }, outsider.token)
    await sendSignal(t.url, b, pub.id, outsider.id, 'HANGUP', '{"marker":2}')
    await subs[0].waitCount(2); await subs[2].waitCount(1)
    expect(subs[0].events.map((e) => e.signalReceived.payload)).toEqual([exact, '{"marker":0}'])
    expect(subs[1].events.map((e) => e.signalReceived.payload)).toEqual(['{"marker":1}'])
    expect(subs[2].events.map((e) => e.signalReceived.payload)).toEqual(['{"marker":2}'])
    await Promise.all(clients.map((cl) => cl.dispose()))
  })

  it('signalReceived for a room the viewer may not see is refused', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Hidden', 'PRIVATE')
    const wb = wsClient(t.wsUrl, b.token)
    const sub = collect(wb, SIGNAL_RECEIVED, { roomId: room.id })
    await sub.waitError()
    expect(sub.state.errors?.[0].extensions.code).toBe('NOT_FOUND')
    await wb.dispose()
  })
})

describe('signals rate limit', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { SEND_RATE_LIMIT_PER_USER: '5' } }) })
  afterAll(async () => { await t.close() })

  it('limits signals per user per minute with RATE_LIMITED', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Busy', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await joinCall(t.url, [a, b], room.id)
    for (let i = 0; i < 5; i++) expect((await sendSignal(t.url, a, room.id, b.id, 'ICE_CANDIDATE', `{"i":${i}}`)).errors).toBeUndefined()
    const r = await sendSignal(t.url, a, room.id, b.id, 'ICE_CANDIDATE', '{"i":5}')
    expect(r.errors?.[0].extensions?.code).toBe('RATE_LIMITED')
    expect(r.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThan(0)
    // someone else's budget is their own
    expect((await sendSignal(t.url, b, room.id, a.id, 'ICE_CANDIDATE', '{}')).errors).toBeUndefined()
  })
})

describe('signals across two instances sharing Redis', () => {
  let one: TestApp
  let two: TestApp
  beforeAll(async () => {
    const prefix = 't' + crypto.randomBytes(4).toString('hex') + ':'
    const databaseUrl = await testDatabaseUrl()
    one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
    two = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
  })
  afterAll(async () => { await one.close(); await two.close() })

  it('a signal sent through one instance reaches its addressee on the other, and only them', async () => {
    const [a, b, c] = await Promise.all([signUp(one.url), signUp(one.url), signUp(one.url)])
    const room = await createRoom(one.url, a.token, 'Split', 'PRIVATE')
    await joinByCode(one.url, b.token, room.code)
    await joinByCode(two.url, c.token, room.code)
    await joinCall(one.url, [a], room.id)
    await joinCall(two.url, [b], room.id)
    const wb = wsClient(two.wsUrl, b.token)
    const wc = wsClient(two.wsUrl, c.token)
    const base2 = liveCount(two)
    const sb = collect(wb, SIGNAL_RECEIVED, { roomId: room.id })
    const sc = collect(wc, SIGNAL_RECEIVED, { roomId: room.id })
    await waitLive(two, base2 + 2)
    const sent = await sendSignal(one.url, a, room.id, b.id, 'OFFER', offer)
    expect(sent.errors).toBeUndefined()
    await sb.waitCount(1)
    expect(sb.events[0].signalReceived).toMatchObject({ kind: 'OFFER', payload: offer, from: { id: a.id }, to: { id: b.id } })
    // and back: B answers through instance two, A listens on instance one
    const wa = wsClient(one.wsUrl, a.token)
    const base1 = liveCount(one)
    const sa = collect(wa, SIGNAL_RECEIVED, {})
    await waitLive(one, base1 + 1)
    await sendSignal(two.url, b, room.id, a.id, 'ANSWER', '{"type":"answer","sdp":"v=0"}')
    await sa.waitCount(1)
    expect(sa.events[0].signalReceived).toMatchObject({ kind: 'ANSWER', from: { id: b.id }, to: { id: a.id } })
    await sendSignal(one.url, a, room.id, c.id, 'HANGUP', '{"marker":1}')
    await sc.waitCount(1)
    expect(sc.events.map((e) => e.signalReceived.payload)).toEqual(['{"marker":1}'])
    await Promise.all([wa.dispose(), wb.dispose(), wc.dispose()])
  })
})
