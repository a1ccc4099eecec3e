// Issue 13, finding 3: a room member who is not in the call sends one ICE_CANDIDATE (or OFFER) to a
// caller, whose client answers by opening a peer connection with its camera and microphone. The
// server relays OFFER / ANSWER / ICE_CANDIDATE only between two current participants of the room's
// call (FORBIDDEN otherwise, and nothing is delivered); HANGUP may always reach a peer. The call's
// participant list is a lease in the shared store, so the rule holds across instances.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PG_URL, freshPgDatabase, startApp, tempSqlitePath, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'

const SEND_SIGNAL = `mutation($input: SendSignalInput!) { sendSignal(input: $input) { id kind from { id } } }`
const SIGNAL_RECEIVED = `subscription($roomId: ID) { signalReceived(roomId: $roomId) { kind payload from { id } } }`
const JOIN_CALL = `mutation($r: ID!) { joinCall(roomId: $r) { id } }`
const LEAVE_CALL = `mutation($r: ID!) { leaveCall(roomId: $r) }`

const signal = (url: string, from: TestUser, roomId: string, to: string, kind: string, payload = '{"candidate":{"candidate":"candidate:1 1 udp 1 10.0.0.9 9 typ host","sdpMid":"0"}}') =>
  gql(url, SEND_SIGNAL, { input: { roomId, toUserId: to, kind, payload } }, from.token)

/** one instance for everyone, or the eavesdropper on `one` and the callers on `two` (shared Redis) */
function scenarios(getOne: () => TestApp, getTwo: () => TestApp) {
  it('a member outside the call cannot signal a participant: refused, nothing delivered; HANGUP still is', async () => {
    const one = getOne()
    const two = getTwo()
    const [cara, bob, eve] = await Promise.all([signUp(two.url), signUp(two.url), signUp(one.url)])
    const room = await createRoom(two.url, cara.token, 'Calls', 'PRIVATE')
    await joinByCode(two.url, bob.token, room.code)
    await joinByCode(one.url, eve.token, room.code)
    await ok(two.url, JOIN_CALL, { r: room.id }, cara.token)
    await ok(two.url, JOIN_CALL, { r: room.id }, bob.token)

    const wc = wsClient(two.wsUrl, cara.token)
    const base = two.app.hearth.realtime.liveSubscriptions
    const heard = collect(wc, SIGNAL_RECEIVED, { roomId: room.id })
    await waitLive(two, base + 1)

    // the attack: Eve (in the room, not in the call) opens a connection to Cara
    for (const kind of ['ICE_CANDIDATE', 'OFFER', 'ANSWER']) {
      const r = await signal(one.url, eve, room.id, cara.id, kind, kind === 'ICE_CANDIDATE' ? undefined : '{"description":{"type":"offer","sdp":"v=0"}}')
      expect(r.errors?.[0]?.extensions?.code, kind).toBe('FORBIDDEN')
      expect(r.errors?.[0]?.message, kind).toBe('Join the call before sending call signals')
      expect(r.data?.sendSignal ?? null, kind).toBeNull()
    }
    // HANGUP only closes a connection: it may always reach a peer. Sent after the refused ones,
    // its arrival shows that they would have arrived by now.
    expect((await signal(one.url, eve, room.id, cara.id, 'HANGUP', '{}')).errors).toBeUndefined()
    await heard.waitCount(1)
    // a legitimate participant's signal still passes
    expect((await signal(two.url, bob, room.id, cara.id, 'ICE_CANDIDATE')).errors).toBeUndefined()
    await heard.waitCount(2)
    expect(heard.events.map((e) => [e.signalReceived.kind, e.signalReceived.from.id])).toEqual([['HANGUP', eve.id], ['ICE_CANDIDATE', bob.id]])

    // nor may a participant open a connection to someone outside the call
    const we = wsClient(one.wsUrl, eve.token)
    const baseOne = one.app.hearth.realtime.liveSubscriptions
    const eveHeard = collect(we, SIGNAL_RECEIVED, {})
    await waitLive(one, baseOne + 1)
    const out = await signal(two.url, cara, room.id, eve.id, 'OFFER', '{"description":{"type":"offer","sdp":"v=0"}}')
    expect(out.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'input.toUserId' })
    expect(out.errors?.[0]?.message).toBe('That member is not in the call')
    expect((await signal(two.url, cara, room.id, eve.id, 'HANGUP', '{"marker":1}')).errors).toBeUndefined()
    await eveHeard.waitCount(1)
    expect(eveHeard.events.map((e) => e.signalReceived.kind)).toEqual(['HANGUP'])

    // leaving the call ends the right to signal: Bob's next candidate is refused
    await ok(two.url, LEAVE_CALL, { r: room.id }, bob.token)
    const late = await signal(two.url, bob, room.id, cara.id, 'ICE_CANDIDATE')
    expect(late.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    // and once Eve really joins, the two may signal each other
    await ok(one.url, JOIN_CALL, { r: room.id }, eve.token)
    expect((await signal(one.url, eve, room.id, cara.id, 'OFFER', '{"description":{"type":"offer","sdp":"v=0"}}')).errors).toBeUndefined()
    await heard.waitCount(3)
    expect(heard.events[2].signalReceived).toMatchObject({ kind: 'OFFER', from: { id: eve.id } })
    await Promise.all([wc.dispose(), we.dispose()])
  })

  it('a participant who left the room is out of its call: refused both ways', async () => {
    const one = getOne()
    const [cara, dan] = await Promise.all([signUp(one.url), signUp(one.url)])
    const room = await createRoom(one.url, cara.token, 'Calls', 'PRIVATE')
    await joinByCode(one.url, dan.token, room.code)
    await ok(one.url, JOIN_CALL, { r: room.id }, cara.token)
    await ok(one.url, JOIN_CALL, { r: room.id }, dan.token)
    expect((await signal(one.url, dan, room.id, cara.id, 'ICE_CANDIDATE')).errors).toBeUndefined()
    await ok(one.url, `mutation($r: ID!) { leaveRoom(roomId: $r) }`, { r: room.id }, dan.token)
    // no longer a member: the room is hidden from Dan, and Dan is no target
    expect((await signal(one.url, dan, room.id, cara.id, 'ICE_CANDIDATE')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    expect((await signal(one.url, cara, room.id, dan.id, 'OFFER')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })
}

for (const backend of ['sqlite', 'postgres'] as const) {
  describe.runIf(backend === 'sqlite' || PG_URL)(`call signals between participants only (${backend}, one instance)`, () => {
    let t: TestApp
    let drop: (() => Promise<void>) | null = null
    beforeAll(async () => {
      const env = { SEND_RATE_LIMIT_PER_USER: '0' }
      if (backend === 'postgres') {
        const db = await freshPgDatabase()
        drop = db.drop
        t = await startApp({ databaseUrl: db.url, env })
      } else {
        t = await startApp({ env })
      }
    })
    afterAll(async () => { await t.close(); await drop?.() })
    scenarios(() => t, () => t)
  })
}

describe('call signals between participants only (two instances sharing Redis)', () => {
  let one: TestApp
  let two: TestApp
  beforeAll(async () => {
    const prefix = 't' + crypto.randomBytes(4).toString('hex') + ':'
    const databaseUrl = tempSqlitePath()
    const env = { SEND_RATE_LIMIT_PER_USER: '0' }
    one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl, env })
    two = await startApp({ redis: true, redisPrefix: prefix, databaseUrl, env })
  })
  afterAll(async () => { await one.close(); await two.close() })
  scenarios(() => one, () => two)
})
