// Who is in a room's call: join and leave live, on one instance and across two, and a
// participant whose sockets all close leaves the call.
import crypto from 'node:crypto'
import type WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, testDatabaseUrl, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'

const JOIN = `mutation($r: ID!) { joinCall(roomId: $r) { id } }`
const LEAVE = `mutation($r: ID!) { leaveCall(roomId: $r) }`
const PARTS = `query($r: ID!) { callParticipants(roomId: $r) { id } room(id: $r) { callParticipants { id } } }`
const CALL_SUB = `subscription($r: ID!) { callChanged(roomId: $r) { roomId user { id } joined participants { id } at } }`

const ids = (users: { id: string }[]) => users.map((u) => u.id).sort()

async function participants(url: string, u: TestUser, roomId: string) {
  const d = await ok(url, PARTS, { r: roomId }, u.token)
  expect(ids(d.room.callParticipants)).toEqual(ids(d.callParticipants))
  return ids(d.callParticipants)
}

const liveCount = (t: TestApp) => t.app.hearth.realtime.liveSubscriptions

describe('calls on one instance', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp() })
  afterAll(async () => { await t.close() })

  it('tells a newcomer who is already in, and everyone who joins and leaves', async () => {
    const [a, b, p] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Call', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await joinByCode(t.url, p.token, room.code)
    const [wa, wb] = [wsClient(t.wsUrl, a.token), wsClient(t.wsUrl, b.token)]
    const base = liveCount(t)
    const sa = collect(wa, CALL_SUB, { r: room.id })
    const sb = collect(wb, CALL_SUB, { r: room.id })
    await waitLive(t, base + 2)

    expect((await ok(t.url, JOIN, { r: room.id }, a.token)).joinCall).toEqual([])
    await sb.waitCount(1)
    expect(sb.events[0].callChanged).toMatchObject({ roomId: room.id, user: { id: a.id }, joined: true, participants: [{ id: a.id }] })
    expect(ids((await ok(t.url, JOIN, { r: room.id }, b.token)).joinCall)).toEqual([a.id])
    await sa.waitCount(2)
    expect(sa.events[1].callChanged).toMatchObject({ user: { id: b.id }, joined: true })
    expect(ids(sa.events[1].callChanged.participants)).toEqual(ids([a, b]))
    expect(await participants(t.url, b, room.id)).toEqual(ids([a, b]))

    // joining again changes nothing and announces nothing
    expect(ids((await ok(t.url, JOIN, { r: room.id }, b.token)).joinCall)).toEqual([a.id])
    expect(await ok(t.url, LEAVE, { r: room.id }, b.token)).toEqual({ leaveCall: true })
    await sa.waitCount(3)
    expect(sa.events[2].callChanged).toMatchObject({ user: { id: b.id }, joined: false, participants: [{ id: a.id }] })
    expect(await participants(t.url, a, room.id)).toEqual([a.id])
    // marker: b joins once more; an announcement of the second join would have come before it
    await ok(t.url, JOIN, { r: room.id }, b.token)
    await sa.waitCount(4)
    expect(sa.events[3].callChanged).toMatchObject({ user: { id: b.id }, joined: true })
    await Promise.all([wa.dispose(), wb.dispose()])
  })

  it('takes a participant out when their last socket closes, not before', async () => {
    const [a, b, p] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Drop', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await joinByCode(t.url, p.token, room.code)
    const a1 = wsClient(t.wsUrl, a.token)
    const a2 = wsClient(t.wsUrl, a.token)
    const wb = wsClient(t.wsUrl, b.token)
    const base = liveCount(t)
    const _sa1 = collect(a1, CALL_SUB, { r: room.id })
    const _sa2 = collect(a2, CALL_SUB, { r: room.id })
    const sb = collect(wb, CALL_SUB, { r: room.id })
    await waitLive(t, base + 3)
    await ok(t.url, JOIN, { r: room.id }, a.token)
    await sb.waitCount(1)

    await a1.dispose()
    // the server has seen the socket go; give a wrong removal time to show
    await eventually(() => liveCount(t) === base + 2, 5000, 'the first socket to close')
    // marker: p joins with one socket and closes it after a's first; once p is announced gone,
    // a wrong removal of a (from the earlier close) would have been announced before
    const wp = wsClient(t.wsUrl, p.token)
    collect(wp, CALL_SUB, { r: room.id })
    await waitLive(t, base + 3)
    await ok(t.url, JOIN, { r: room.id }, p.token)
    await sb.waitCount(2)
    await wp.dispose()
    await sb.waitFor(() => sb.events.some((e) => e.callChanged.user.id === p.id && !e.callChanged.joined), 5000, 'p to leave')
    const aboutA = () => sb.events.filter((e) => e.callChanged.user.id === a.id)
    expect(await participants(t.url, b, room.id)).toEqual([a.id])
    expect(aboutA()).toHaveLength(1)

    await a2.dispose()
    await sb.waitFor(() => aboutA().length >= 2, 5000, 'a to leave')
    expect(aboutA()[1].callChanged).toMatchObject({ user: { id: a.id }, joined: false, participants: [] })
    expect(await participants(t.url, b, room.id)).toEqual([])
    await wb.dispose()
  })

  it('is for members only, and leaving the room leaves its call', async () => {
    const [a, b, c] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const priv = await createRoom(t.url, a.token, 'Members', 'PRIVATE')
    const pub = await createRoom(t.url, a.token, 'Lobby', 'PUBLIC')
    const code = async (q: string, r: string, u: TestUser) => (await gql(t.url, q, { r }, u.token)).errors?.[0]?.extensions?.code
    expect(await code(JOIN, priv.id, c)).toBe('NOT_FOUND')
    expect(await code(JOIN, pub.id, c)).toBe('FORBIDDEN')
    expect(await code(JOIN, crypto.randomUUID(), c)).toBe('NOT_FOUND')
    expect(await code(LEAVE, priv.id, c)).toBe('NOT_FOUND')
    expect(await code(PARTS, priv.id, c)).toBe('NOT_FOUND')
    const wc = wsClient(t.wsUrl, c.token)
    const s1 = collect(wc, CALL_SUB, { r: priv.id })
    const s2 = collect(wc, CALL_SUB, { r: pub.id })
    await s1.waitError()
    await s2.waitError()
    expect(s1.state.errors?.[0].extensions.code).toBe('NOT_FOUND')
    expect(s2.state.errors?.[0].extensions.code).toBe('FORBIDDEN')
    await wc.dispose()

    await joinByCode(t.url, b.token, priv.code)
    const [wa, wb] = [wsClient(t.wsUrl, a.token), wsClient(t.wsUrl, b.token)]
    const base = liveCount(t)
    const sa = collect(wa, CALL_SUB, { r: priv.id })
    const sb = collect(wb, CALL_SUB, { r: priv.id })
    await waitLive(t, base + 2)
    await ok(t.url, JOIN, { r: priv.id }, b.token)
    await sa.waitCount(1)
    await ok(t.url, `mutation($r: ID!) { leaveRoom(roomId: $r) }`, { r: priv.id }, b.token)
    await sa.waitCount(2)
    expect(sa.events[1].callChanged).toMatchObject({ user: { id: b.id }, joined: false, participants: [] })
    await sb.waitFor(() => sb.state.done, 5000, 'b\'s feed to end')
    expect(await participants(t.url, a, priv.id)).toEqual([])
    await Promise.all([wa.dispose(), wb.dispose()])
  })
})

describe('calls across two instances sharing Redis', () => {
  let one: TestApp
  let two: TestApp
  beforeAll(async () => {
    const prefix = 't' + crypto.randomBytes(4).toString('hex') + ':'
    const databaseUrl = await testDatabaseUrl()
    one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
    two = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
  })
  afterAll(async () => { await one.close(); await two.close() })

  it('shares who is in the call, and a socket closing on one instance counts only when it was the last anywhere', async () => {
    const [a, b, p] = await Promise.all([signUp(one.url), signUp(one.url), signUp(one.url)])
    const room = await createRoom(one.url, a.token, 'Across', 'PRIVATE')
    await joinByCode(one.url, b.token, room.code)
    await joinByCode(one.url, p.token, room.code)
    const a1 = wsClient(one.wsUrl, a.token)
    const a2 = wsClient(two.wsUrl, a.token)
    const wb = wsClient(two.wsUrl, b.token)
    const [base1, base2] = [liveCount(one), liveCount(two)]
    const _sa1 = collect(a1, CALL_SUB, { r: room.id })
    const _sa2 = collect(a2, CALL_SUB, { r: room.id })
    const sb = collect(wb, CALL_SUB, { r: room.id })
    await waitLive(one, base1 + 1)
    await waitLive(two, base2 + 2)

    expect((await ok(one.url, JOIN, { r: room.id }, a.token)).joinCall).toEqual([])
    await sb.waitCount(1)
    expect(sb.events[0].callChanged).toMatchObject({ user: { id: a.id }, joined: true })
    expect(ids((await ok(two.url, JOIN, { r: room.id }, b.token)).joinCall)).toEqual([a.id])
    expect(await participants(one.url, a, room.id)).toEqual(ids([a, b]))

    // a still has a socket on instance two
    await a1.dispose()
    await eventually(() => liveCount(one) === base1, 5000, 'the socket on one to close')
    // marker: p joins with one socket on one and closes it after a's; once b hears p left, a wrong
    // removal of a (from the earlier close) would have been heard before
    const wp = wsClient(one.wsUrl, p.token)
    collect(wp, CALL_SUB, { r: room.id })
    await waitLive(one, base1 + 1)
    await ok(one.url, JOIN, { r: room.id }, p.token)
    await sb.waitFor(() => sb.events.some((e) => e.callChanged.user.id === p.id && e.callChanged.joined), 5000, 'p to join')
    await wp.dispose()
    await sb.waitFor(() => sb.events.some((e) => e.callChanged.user.id === p.id && !e.callChanged.joined), 5000, 'p to leave')
    expect(sb.events.some((e) => e.callChanged.user.id === a.id && !e.callChanged.joined)).toBe(false)
    expect(await participants(two.url, b, room.id)).toEqual(ids([a, b]))
    await a2.dispose()
    await eventually(() => sb.events.some((e) => e.callChanged.user.id === a.id && !e.callChanged.joined), 5000, 'a to leave')
    expect(await participants(one.url, b, room.id)).toEqual([b.id])
    await wb.dispose()
  })
})

describe('calls whose lease runs out', () => {
  let t: TestApp
  // short leases, with room for a slow machine: a heartbeat late by a second must not drop anyone
  beforeAll(async () => { t = await startApp({ env: { PRESENCE_LEASE_TTL_MS: '3000', PRESENCE_HEARTBEAT_MS: '300' } }) })
  afterAll(async () => { await t.close() })

  it('drops and announces a participant nobody holds a socket for (as after a crashed instance), and keeps the connected one', async () => {
    const [a, b, p] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Lease', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await joinByCode(t.url, p.token, room.code)
    const wb = wsClient(t.wsUrl, b.token)
    const base = liveCount(t)
    const sb = collect(wb, CALL_SUB, { r: room.id })
    await waitLive(t, base + 1)
    // a joins over HTTP and has no socket anywhere: nothing keeps the lease alive
    await ok(t.url, JOIN, { r: room.id }, a.token)
    await ok(t.url, JOIN, { r: room.id }, b.token)
    await sb.waitCount(2)
    await sb.waitFor(() => sb.events.some((e) => e.callChanged.user.id === a.id && !e.callChanged.joined), 15_000, 'a to time out')
    const gone = sb.events.find((e) => e.callChanged.user.id === a.id && !e.callChanged.joined)
    expect(ids(gone.callChanged.participants)).toEqual([b.id])
    // b's socket keeps b in well past the lease time: p joins without a socket, and once p's lease
    // has run out (a full lease later), b must still be in
    await ok(t.url, JOIN, { r: room.id }, p.token)
    await sb.waitFor(() => sb.events.some((e) => e.callChanged.user.id === p.id && !e.callChanged.joined), 15_000, 'p to time out')
    expect(await participants(t.url, b, room.id)).toEqual([b.id])
    expect(sb.events.filter((e) => !e.callChanged.joined).map((e) => e.callChanged.user.id)).toEqual([a.id, p.id])
    await wb.dispose()
  }, 60_000)
})

describe('calls through a graceful restart of one instance', () => {
  let one: TestApp
  let two: TestApp
  beforeAll(async () => {
    const prefix = 't' + crypto.randomBytes(4).toString('hex') + ':'
    const databaseUrl = await testDatabaseUrl()
    const env = { PRESENCE_LEASE_TTL_MS: '5000', PRESENCE_HEARTBEAT_MS: '300' }
    one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl, env })
    two = await startApp({ redis: true, redisPrefix: prefix, databaseUrl, env })
  })
  afterAll(async () => { await two.close() })

  it('keeps those who reconnect elsewhere in the call, and lets the others time out', async () => {
    const [a, b, c, p] = await Promise.all([signUp(two.url), signUp(two.url), signUp(two.url), signUp(two.url)])
    const room = await createRoom(two.url, a.token, 'Restart', 'PRIVATE')
    for (const u of [b, c, p]) await joinByCode(two.url, u.token, room.code)
    const wb = wsClient(two.wsUrl, b.token)
    const base2 = liveCount(two)
    const sb = collect(wb, CALL_SUB, { r: room.id })
    await waitLive(two, base2 + 1)
    // a and c are connected to instance one only
    let aSocket: WebSocket | null = null
    const wa = wsClient(one.wsUrl, a.token, { on: { connected: (s) => { aSocket = s as WebSocket } } })
    const wc = wsClient(one.wsUrl, c.token)
    const base1 = liveCount(one)
    const _sa = collect(wa, CALL_SUB, { r: room.id })
    const _sc = collect(wc, CALL_SUB, { r: room.id })
    await waitLive(one, base1 + 2)
    await ok(one.url, JOIN, { r: room.id }, a.token)
    await ok(one.url, JOIN, { r: room.id }, c.token)
    await ok(two.url, JOIN, { r: room.id }, b.token)
    await sb.waitCount(3)

    // a comes back on instance two as soon as one closes its socket (1012), as a client does; c never does
    const aClosed = new Promise<void>((resolve) => aSocket!.once('close', () => resolve()))
    const closing = one.close()
    await aClosed
    // marker: p joins on two with no socket, after a's lease was last renewed on one: p times out
    // no earlier than a would if two failed to keep a in
    await ok(two.url, JOIN, { r: room.id }, p.token)
    const wa2 = wsClient(two.wsUrl, a.token)
    collect(wa2, CALL_SUB, { r: room.id })
    await closing
    await Promise.all([wa.dispose(), wc.dispose()])
    await sb.waitFor(() => sb.events.some((e) => e.callChanged.user.id === c.id && !e.callChanged.joined), 20_000, 'c to time out')
    await sb.waitFor(() => sb.events.some((e) => e.callChanged.user.id === p.id && !e.callChanged.joined), 20_000, 'p to time out')
    expect(await participants(two.url, b, room.id)).toEqual(ids([a, b]))
    expect(sb.events.filter((e) => !e.callChanged.joined).map((e) => e.callChanged.user.id).sort()).toEqual([c.id, p.id].sort())
    await Promise.all([wa2.dispose(), wb.dispose()])
  }, 60_000)
})

// An audit of calls as an integrator's client meets them (both stores: process memory, and Redis
// shared by two instances).
for (const redis of [false, true]) {
  describe(`calls: leaving, racing, reconnecting (${redis ? 'two instances, Redis' : 'one instance'})`, () => {
    let a: TestApp
    let b: TestApp
    beforeAll(async () => {
      const prefix = 'tc' + crypto.randomBytes(4).toString('hex') + ':'
      const databaseUrl = await testDatabaseUrl()
      const env = { SEND_RATE_LIMIT_PER_USER: '0', PRESENCE_OFFLINE_GRACE_MS: '1500' }
      a = await startApp({ redis, redisPrefix: prefix, databaseUrl, env })
      b = redis ? await startApp({ redis, redisPrefix: prefix, databaseUrl, env }) : a
    })
    afterAll(async () => { await a?.close(); if (b !== a) await b?.close() })

    it('leaving the room (or being removed) leaves its call once, announced, without following the call; rejoining the room is not joining the call', async () => {
      const [o, e, x] = await Promise.all([signUp(a.url), signUp(a.url), signUp(a.url)])
      const room = await createRoom(a.url, o.token, 'Leave call', 'PRIVATE')
      await joinByCode(a.url, e.token, room.code)
      await joinByCode(a.url, x.token, room.code)
      const wo = wsClient(a.wsUrl, o.token)
      const base = liveCount(a)
      const so = collect(wo, CALL_SUB, { r: room.id })
      await waitLive(a, base + 1)
      // e and x keep sockets open (three tabs for x, all following the call; e follows nothing)
      const we = wsClient(b.wsUrl, e.token)
      collect(we, 'subscription { notifications { id } }')
      const xs = [wsClient(a.wsUrl, x.token), wsClient(b.wsUrl, x.token), wsClient(a.wsUrl, x.token)]
      for (const w of xs) collect(w, CALL_SUB, { r: room.id })
      for (const t of new Set([a, b])) await expect.poll(() => t.app.hearth.realtime.liveFieldsOf(x.id), { timeout: 10_000 }).toContain('callChanged')
      await expect.poll(() => b.app.hearth.realtime.liveFieldsOf(e.id), { timeout: 10_000 }).toContain('notifications')
      for (const u of [o, e, x]) await ok(a.url, JOIN, { r: room.id }, u.token)
      await so.waitFor(() => so.events.filter((v) => v.callChanged.joined).length === 3, 5000, 'three joins')
      await ok(b.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, e.token)
      await ok(a.url, 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u, ban: true) }', { r: room.id, u: x.id }, o.token)
      // marker: o leaves the call and rejoins it; what came before is all there is
      await ok(a.url, LEAVE, { r: room.id }, o.token)
      await ok(a.url, JOIN, { r: room.id }, o.token)
      await so.waitFor(() => so.events.some((v) => v.callChanged.user.id === o.id && v.callChanged.joined), 5000, 'the marker')
      const lefts = so.events.filter((v) => !v.callChanged.joined).map((v) => v.callChanged.user.id)
      expect(lefts.filter((id) => id === e.id)).toHaveLength(1)
      expect(lefts.filter((id) => id === x.id)).toHaveLength(1)
      // e comes back to the room: not in the call until joinCall
      await joinByCode(a.url, e.token, room.code)
      expect(await participants(a.url, o, room.id)).toEqual([o.id])
      await Promise.all([wo.dispose(), we.dispose(), ...xs.map((w) => w.dispose())])
    })

    it('joins racing for the last places: 16 in, the others CONFLICT, one announcement each', async () => {
      const people = await Promise.all(Array.from({ length: 20 }, () => signUp(a.url)))
      const room = await createRoom(a.url, people[0].token, 'Full call', 'PRIVATE')
      for (const p of people.slice(1)) await joinByCode(a.url, p.token, room.code)
      for (const p of people.slice(0, 14)) await ok(a.url, JOIN, { r: room.id }, p.token)
      const wo = wsClient(a.wsUrl, people[0].token)
      const base = liveCount(a)
      const so = collect(wo, CALL_SUB, { r: room.id })
      await waitLive(a, base + 1)
      // six for the last two places, on both instances, and one of them sends its join three times
      const racers = people.slice(14)
      const tries = [...racers.map((p, i) => gql((i % 2 ? b : a).url, JOIN, { r: room.id }, p.token)), gql(b.url, JOIN, { r: room.id }, racers[0].token), gql(a.url, JOIN, { r: room.id }, racers[0].token)]
      const answers = await Promise.all(tries)
      const inCall = await participants(a.url, people[0], room.id)
      expect(inCall).toHaveLength(16)
      for (const [i, r] of answers.entries()) {
        const p = i < racers.length ? racers[i] : racers[0]
        if (r.errors) expect(r.errors[0].extensions?.code).toBe('CONFLICT')
        else expect(inCall).toContain(p.id)
      }
      // marker: the owner leaves; every join announced came before it, once per person
      await ok(a.url, LEAVE, { r: room.id }, people[0].token)
      await so.waitFor(() => so.events.some((v) => !v.callChanged.joined), 5000, 'the marker')
      const joined = so.events.filter((v) => v.callChanged.joined).map((v) => v.callChanged.user.id)
      expect(joined.sort()).toEqual(inCall.filter((id) => !people.slice(0, 14).some((p) => p.id === id)).sort())
      await wo.dispose()
    })

    it('a reload or a network blip does not hang up: back within the grace, still in the call; gone for good, out after it', async () => {
      const [o, p, q] = await Promise.all([signUp(a.url), signUp(a.url), signUp(a.url)])
      const room = await createRoom(a.url, o.token, 'Blip', 'PRIVATE')
      await joinByCode(a.url, p.token, room.code)
      await joinByCode(a.url, q.token, room.code)
      const wo = wsClient(a.wsUrl, o.token)
      const base = liveCount(a)
      const so = collect(wo, CALL_SUB, { r: room.id })
      await waitLive(a, base + 1)
      const wp = wsClient(a.wsUrl, p.token)
      const wq = wsClient(a.wsUrl, q.token)
      collect(wp, CALL_SUB, { r: room.id })
      collect(wq, CALL_SUB, { r: room.id })
      for (const u of [p, q]) await expect.poll(() => a.app.hearth.realtime.liveFieldsOf(u.id), { timeout: 10_000 }).toContain('callChanged')
      for (const u of [o, p, q]) await ok(a.url, JOIN, { r: room.id }, u.token)
      await so.waitFor(() => so.events.filter((v) => v.callChanged.joined).length === 3, 5000, 'three joins')
      // p reloads: its socket closes and a new one opens (on the other instance with Redis)
      await wp.dispose()
      const wp2 = wsClient(b.wsUrl, p.token)
      collect(wp2, CALL_SUB, { r: room.id })
      await expect.poll(() => b.app.hearth.realtime.liveFieldsOf(p.id), { timeout: 10_000 }).toContain('callChanged')
      // q closes for good
      await wq.dispose()
      await so.waitFor(() => so.events.some((v) => !v.callChanged.joined && v.callChanged.user.id === q.id), 10_000, 'q out after the grace')
      expect(so.events.filter((v) => !v.callChanged.joined).map((v) => v.callChanged.user.id)).toEqual([q.id])
      expect(await participants(a.url, o, room.id)).toEqual(ids([o, p]))
      await Promise.all([wo.dispose(), wp2.dispose()])
    })

    it('leaveCall and HANGUP are never rate-limited', async () => {
      const limited = await startApp({ databaseUrl: await testDatabaseUrl(), env: { SEND_RATE_LIMIT_PER_USER: '2' } })
      try {
        const [o, p] = await Promise.all([signUp(limited.url), signUp(limited.url)])
        const room = await createRoom(limited.url, o.token, 'Limited', 'PRIVATE')
        await joinByCode(limited.url, p.token, room.code)
        await ok(limited.url, JOIN, { r: room.id }, o.token)
        await ok(limited.url, JOIN, { r: room.id }, o.token)
        expect((await gql(limited.url, JOIN, { r: room.id }, o.token)).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED')
        expect(await ok(limited.url, LEAVE, { r: room.id }, o.token)).toEqual({ leaveCall: true })
        expect(await participants(limited.url, o, room.id)).toEqual([])
        const SIGNAL = 'mutation($i: SendSignalInput!) { sendSignal(input: $i) { id } }'
        const sig = (kind: string) => gql(limited.url, SIGNAL, { i: { roomId: room.id, toUserId: p.id, kind, payload: '{}' } }, o.token)
        for (let i = 0; i < 2; i++) expect((await sig('OFFER')).errors).toBeUndefined()
        expect((await sig('OFFER')).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED')
        for (let i = 0; i < 3; i++) expect((await sig('HANGUP')).errors).toBeUndefined()
      } finally {
        await limited.close()
      }
    })
  })
}
