// The shared room timer, driven by an injected clock: no test waits for a phase in real time.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, testDatabaseUrl, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { MESSAGE_ADDED, createRoom, joinByCode } from '../helpers/rooms.js'
import { ManualClock } from '../../src/modules/study/clock.js'

const MIN = 60_000
const T = `roomId phase focusMinutes breakMinutes phaseStartedAt phaseEndsAt remainingSeconds serverTime cycle startedBy { id }`
const START = `mutation($roomId: ID!, $f: Int, $b: Int) { startRoomTimer(roomId: $roomId, focusMinutes: $f, breakMinutes: $b) { ${T} } }`
const PAUSE = `mutation($roomId: ID!) { pauseRoomTimer(roomId: $roomId) { ${T} } }`
const RESUME = `mutation($roomId: ID!) { resumeRoomTimer(roomId: $roomId) { ${T} } }`
const STOP = `mutation($roomId: ID!) { stopRoomTimer(roomId: $roomId) { ${T} } }`
const ROOM_TIMER = `query($id: ID!) { room(id: $id) { timer { ${T} } } }`
const TIMER_SUB = `subscription($roomId: ID!) { roomTimer(roomId: $roomId) { ${T} } }`
const SESSIONS = `query { studySessions(first: 100) { edges { node { minutes startedAt endedAt room { id } user { id } } } } }`
const FOCUS_UNTIL = `query($id: ID!) { user(id: $id) { focusUntil } }`

const iso = (ms: number) => new Date(ms).toISOString()

async function sessionsOf(url: string, u: TestUser) {
  return (await ok(url, SESSIONS, {}, u.token)).studySessions.edges.map((e: any) => e.node)
}
async function timerOf(url: string, u: TestUser, roomId: string) {
  return (await ok(url, ROOM_TIMER, { id: roomId }, u.token)).room.timer
}
async function focusUntil(url: string, viewer: TestUser, of: TestUser) {
  return (await ok(url, FOCUS_UNTIL, { id: of.id }, viewer.token)).user.focusUntil
}
const liveCount = (app: TestApp) => app.app.hearth.realtime.liveSubscriptions
/** (part 2) presence is recorded as stretches in the database: wait until every write started so far is done */
const settle = (...apps: TestApp[]) => Promise.all(apps.map((x) => x.app.hearth.study.roomPresence.idle()))
/** Waits for the start of a timer on every (live) feed, then forgets it: later events count from zero. */
async function sawStart(...subs: ReturnType<typeof collect<any>>[]) {
  for (const s of subs) await s.waitCount(1)
  for (const s of subs) {
    expect(s.events.map((x) => x.roomTimer.phase)).toEqual(['FOCUS'])
    s.events.length = 0
  }
}

/** whole minutes from now, rounded to the second: readable times in failures */
function clockAtNow() { return new ManualClock(Math.ceil(Date.now() / 1000) * 1000) }

describe('room timer on one instance', () => {
  let t: TestApp
  let clock: ManualClock
  beforeAll(async () => {
    t = await startApp()
    clock = clockAtNow()
    await t.app.hearth.timers.useClock(clock)
  })
  afterAll(async () => { await t.close() })

  it('runs FOCUS -> BREAK -> FOCUS on the server clock and gives each present member one session per focus', async () => {
    const [a, b, c, d, e] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url), signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Pomodoro', 'PUBLIC')
    for (const u of [b, c, d]) await joinByCode(t.url, u.token, room.code)
    // a and b watch the timer, c only the messages, d nothing; e is no member but reads the public room
    const [wa, wb, wc, we] = [a, b, c, e].map((u) => wsClient(t.wsUrl, u.token))
    const base = liveCount(t)
    const sa = collect(wa, TIMER_SUB, { roomId: room.id })
    const sb = collect(wb, TIMER_SUB, { roomId: room.id })
    collect(wc, MESSAGE_ADDED, { roomId: room.id })
    collect(we, MESSAGE_ADDED, { roomId: room.id })
    await waitLive(t, base + 4)
    await settle(t)

    const t0 = clock.now()
    const started = (await ok(t.url, START, { roomId: room.id, f: 25, b: 5 }, b.token)).startRoomTimer
    expect(started).toMatchObject({
      roomId: room.id, phase: 'FOCUS', focusMinutes: 25, breakMinutes: 5, cycle: 0, remainingSeconds: 1500,
      phaseStartedAt: iso(t0), phaseEndsAt: iso(t0 + 25 * MIN), serverTime: iso(t0), startedBy: { id: b.id },
    })
    await sa.waitCount(1)
    await sb.waitCount(1)
    expect(sa.events[0].roomTimer).toEqual(started)

    // present members show focusUntil while FOCUS runs; d is a member but not present
    expect(await focusUntil(t.url, d, a)).toBe(iso(t0 + 25 * MIN))
    expect(await focusUntil(t.url, a, c)).toBe(iso(t0 + 25 * MIN))
    expect(await focusUntil(t.url, a, d)).toBeNull()
    expect(await focusUntil(t.url, a, e)).toBeNull()

    await clock.advance(10 * MIN)
    expect((await timerOf(t.url, d, room.id))).toMatchObject({ phase: 'FOCUS', remainingSeconds: 900, serverTime: iso(t0 + 10 * MIN) })

    await clock.advance(15 * MIN)
    await sa.waitCount(2)
    expect(sa.events[1].roomTimer).toMatchObject({
      phase: 'BREAK', cycle: 1, phaseStartedAt: iso(t0 + 25 * MIN), phaseEndsAt: iso(t0 + 30 * MIN), remainingSeconds: 300,
    })
    expect(await focusUntil(t.url, d, a)).toBeNull()
    for (const u of [a, b, c]) {
      expect(await sessionsOf(t.url, u)).toEqual([
        { minutes: 25, startedAt: iso(t0), endedAt: iso(t0 + 25 * MIN), room: { id: room.id }, user: { id: u.id } },
      ])
    }
    expect(await sessionsOf(t.url, d)).toEqual([])
    expect(await sessionsOf(t.url, e)).toEqual([])

    await clock.advance(5 * MIN)
    await sa.waitCount(3)
    expect(sa.events[2].roomTimer).toMatchObject({ phase: 'FOCUS', cycle: 1, phaseStartedAt: iso(t0 + 30 * MIN), phaseEndsAt: iso(t0 + 55 * MIN) })
    expect(await focusUntil(t.url, c, b)).toBe(iso(t0 + 55 * MIN))

    // b stops being present: no session for the second focus (once b has the phase too: each
    // subscriber's copy arrives on its own, and b's could still be on its way when a's came)
    await sb.waitCount(3)
    sb.dispose()
    await eventually(async () => (await focusUntil(t.url, a, b)) === null, 5000, 'b to be absent')
    await settle(t)
    await clock.advance(25 * MIN)
    await sa.waitCount(4)
    expect(sa.events[3].roomTimer).toMatchObject({ phase: 'BREAK', cycle: 2 })
    expect((await sessionsOf(t.url, a)).map((s: any) => s.endedAt)).toEqual([iso(t0 + 55 * MIN), iso(t0 + 25 * MIN)])
    expect((await sessionsOf(t.url, c)).map((s: any) => s.endedAt)).toEqual([iso(t0 + 55 * MIN), iso(t0 + 25 * MIN)])
    expect(await sessionsOf(t.url, b)).toHaveLength(1)
    // each transition was published exactly once: a stop is the marker, a repeat would come before it
    await ok(t.url, STOP, { roomId: room.id }, a.token)
    await sa.waitFor(() => sa.events.some((x) => x.roomTimer.phase === 'STOPPED'), 5000, 'the marker stop')
    expect(sa.events.map((x) => `${x.roomTimer.phase}${x.roomTimer.cycle}`).slice(0, -1)).toEqual(['FOCUS0', 'BREAK1', 'FOCUS1', 'BREAK2'])
    expect(sb.events).toHaveLength(3)
    await Promise.all([wa, wb, wc, we].map((w) => w.dispose()))
  })

  it('pauses, resumes and stops, with CONFLICT for the wrong state', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Pausing', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    const wa = wsClient(t.wsUrl, a.token)
    const base = liveCount(t)
    const sa = collect(wa, TIMER_SUB, { roomId: room.id })
    await waitLive(t, base + 1)
    await settle(t)
    const code = async (q: string, u: TestUser) => (await gql(t.url, q, { roomId: room.id }, u.token)).errors?.[0]?.extensions?.code

    expect(await code(PAUSE, a)).toBe('CONFLICT')
    expect(await code(RESUME, a)).toBe('CONFLICT')
    expect(await code(STOP, a)).toBe('CONFLICT')
    const t0 = clock.now()
    await ok(t.url, START, { roomId: room.id, f: 10, b: 2 }, a.token)
    await sa.waitCount(1)
    expect(await code(START, b)).toBe('CONFLICT')
    expect(await code(RESUME, b)).toBe('CONFLICT')

    await clock.advance(4 * MIN)
    const paused = (await ok(t.url, PAUSE, { roomId: room.id }, b.token)).pauseRoomTimer
    expect(paused).toMatchObject({ phase: 'PAUSED', remainingSeconds: 360, phaseEndsAt: null, phaseStartedAt: iso(t0 + 4 * MIN), cycle: 0 })
    await sa.waitCount(2)
    expect(await code(PAUSE, a)).toBe('CONFLICT')
    expect(await code(START, a)).toBe('CONFLICT')
    expect(await focusUntil(t.url, b, a)).toBeNull()

    // time passes while paused: nothing moves
    await clock.advance(60 * MIN)
    expect(await timerOf(t.url, a, room.id)).toMatchObject({ phase: 'PAUSED', remainingSeconds: 360 })
    expect(await sessionsOf(t.url, a)).toEqual([])

    const resumed = (await ok(t.url, RESUME, { roomId: room.id }, a.token)).resumeRoomTimer
    const t1 = t0 + 64 * MIN
    expect(resumed).toMatchObject({ phase: 'FOCUS', remainingSeconds: 360, phaseEndsAt: iso(t1 + 6 * MIN), phaseStartedAt: iso(t1 - 4 * MIN) })
    await sa.waitCount(3)
    await clock.advance(6 * MIN)
    await sa.waitCount(4)
    expect(sa.events[3].roomTimer).toMatchObject({ phase: 'BREAK', cycle: 1, phaseEndsAt: iso(t1 + 8 * MIN) })
    // the session runs from when the phase really began (not the resume-shifted phaseStartedAt) to its
    // end, as a stop mid-phase records it; the pause is left out of its minutes
    expect(await sessionsOf(t.url, a)).toEqual([{ minutes: 10, startedAt: iso(t0), endedAt: iso(t1 + 6 * MIN), room: { id: room.id }, user: { id: a.id } }])

    // pause during BREAK resumes into BREAK
    await clock.advance(1 * MIN)
    expect((await ok(t.url, PAUSE, { roomId: room.id }, a.token)).pauseRoomTimer).toMatchObject({ phase: 'PAUSED', remainingSeconds: 60 })
    expect((await ok(t.url, RESUME, { roomId: room.id }, a.token)).resumeRoomTimer).toMatchObject({ phase: 'BREAK', remainingSeconds: 60 })

    await clock.advance(3 * MIN)
    const stopped = (await ok(t.url, STOP, { roomId: room.id }, b.token)).stopRoomTimer
    expect(stopped).toMatchObject({ phase: 'STOPPED', phaseEndsAt: null, remainingSeconds: 0, cycle: 1 })
    await sa.waitFor(() => sa.events.some((x) => x.roomTimer.phase === 'STOPPED'))
    const count = sa.events.length
    // stopping again changes nothing and publishes nothing; a stopped timer never moves
    expect((await ok(t.url, STOP, { roomId: room.id }, a.token)).stopRoomTimer.phase).toBe('STOPPED')
    await clock.advance(120 * MIN)
    expect(await timerOf(t.url, a, room.id)).toMatchObject({ phase: 'STOPPED' })
    expect(await code(PAUSE, a)).toBe('CONFLICT')
    expect(await code(RESUME, a)).toBe('CONFLICT')
    // (part 2's rule) stopping 2 minutes into the next focus credits those 2 minutes; a new start is allowed
    expect((await sessionsOf(t.url, a)).map((x: any) => x.minutes)).toEqual([2, 10])
    const again = (await ok(t.url, START, {roomId: room.id }, b.token)).startRoomTimer
    expect(again).toMatchObject({ phase: 'FOCUS', focusMinutes: 25, breakMinutes: 5, cycle: 0, startedBy: { id: b.id } })
    // a stop is the marker: anything published by the second stop or the clock would come before it
    await ok(t.url, STOP, { roomId: room.id }, b.token)
    await sa.waitFor(() => sa.events.slice(count).some((x) => x.roomTimer.phase === 'STOPPED'), 5000, 'the marker stop')
    expect(sa.events.length).toBe(count + 2)
    await wa.dispose()
  })

  it('checks arguments and membership', async () => {
    const [a, b, c] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const pub = await createRoom(t.url, a.token, 'Public timer', 'PUBLIC')
    const priv = await createRoom(t.url, a.token, 'Private timer', 'PRIVATE')
    const err = async (q: string, v: Record<string, unknown>, u: TestUser) => (await gql(t.url, q, v, u.token)).errors?.[0]?.extensions
    expect(await err(START, { roomId: pub.id, f: 0 }, a)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'focusMinutes' })
    expect(await err(START, { roomId: pub.id, f: 181 }, a)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'focusMinutes' })
    expect(await err(START, { roomId: pub.id, b: 0 }, a)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'breakMinutes' })
    expect(await err(START, { roomId: pub.id, b: 61 }, a)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'breakMinutes' })
    expect(await err(START, { roomId: pub.id }, b)).toMatchObject({ code: 'FORBIDDEN' })
    expect(await err(START, { roomId: priv.id }, b)).toMatchObject({ code: 'NOT_FOUND' })
    expect(await err(START, { roomId: crypto.randomUUID() }, b)).toMatchObject({ code: 'NOT_FOUND' })
    expect(await timerOf(t.url, a, pub.id)).toBeNull()
    const edge = (await ok(t.url, START, { roomId: pub.id, f: 180, b: 60 }, a.token)).startRoomTimer
    expect(edge).toMatchObject({ focusMinutes: 180, breakMinutes: 60 })
    // a non-member sees the public room's timer but may not touch or subscribe to it
    expect(await timerOf(t.url, b, pub.id)).toMatchObject({ phase: 'FOCUS' })
    expect(await err(PAUSE, { roomId: pub.id }, b)).toMatchObject({ code: 'FORBIDDEN' })
    const wb = wsClient(t.wsUrl, b.token)
    const sub = collect(wb, TIMER_SUB, { roomId: pub.id })
    await sub.waitError()
    expect(sub.state.errors?.[0].extensions.code).toBe('FORBIDDEN')
    const sub2 = collect(wb, TIMER_SUB, { roomId: priv.id })
    await sub2.waitError()
    expect(sub2.state.errors?.[0].extensions.code).toBe('NOT_FOUND')
    await wb.dispose()
    void c
  })

  it('counts a member present while any one of their feeds for the room is open', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Two feeds', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    const wa = wsClient(t.wsUrl, a.token)
    const wb = wsClient(t.wsUrl, b.token)
    const base = liveCount(t)
    const sa = collect(wa, TIMER_SUB, { roomId: room.id })
    const typing = collect(wb, `subscription($roomId: ID!) { typing(roomId: $roomId) { typing } }`, { roomId: room.id })
    const timerB = collect(wb, TIMER_SUB, { roomId: room.id })
    await waitLive(t, base + 3)
    await settle(t)
    const t0 = clock.now()
    await ok(t.url, START, { roomId: room.id, f: 5, b: 5 }, a.token)
    await sawStart(sa, timerB)
    // b closes the timer feed but keeps typing open: still present
    timerB.dispose()
    await eventually(() => liveCount(t) === base + 2, 5000, 'the timer feed to stop')
    expect(await focusUntil(t.url, a, b)).toBe(iso(t0 + 5 * MIN))
    await clock.advance(5 * MIN)
    await sa.waitCount(1)
    expect(await sessionsOf(t.url, b)).toHaveLength(1)
    // and with no feed left, not present
    typing.dispose()
    await clock.advance(5 * MIN)
    await sa.waitCount(2)
    await eventually(async () => (await focusUntil(t.url, a, b)) === null, 5000, 'b to be absent')
    await settle(t)
    expect(await focusUntil(t.url, b, a)).toBe(iso(t0 + 15 * MIN))
    await clock.advance(5 * MIN)
    await sa.waitCount(3)
    expect(await sessionsOf(t.url, b)).toHaveLength(1)
    expect(await sessionsOf(t.url, a)).toHaveLength(2)
    await Promise.all([wa.dispose(), wb.dispose()])
  })

  it('ends a member\'s timer feed when they leave the room', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Leaving', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    const wb = wsClient(t.wsUrl, b.token)
    const base = liveCount(t)
    const sb = collect(wb, TIMER_SUB, { roomId: room.id })
    await waitLive(t, base + 1)
    await settle(t)
    await ok(t.url, START, { roomId: room.id }, a.token)
    await sawStart(sb)
    await ok(t.url, PAUSE, { roomId: room.id }, a.token)
    await sb.waitCount(1)
    await ok(t.url, `mutation($id: ID!) { leaveRoom(roomId: $id) }`, { id: room.id }, b.token)
    await sb.waitFor(() => sb.state.done, 5000, 'complete')
    // marker: b's feed of b's own room on the same socket sees a later start
    const own = await createRoom(t.url, b.token, 'Own', 'PRIVATE')
    const marker = collect(wb, TIMER_SUB, { roomId: own.id })
    await waitLive(t, base + 1)
    await settle(t)
    await ok(t.url, RESUME, { roomId: room.id }, a.token)
    await ok(t.url, START, { roomId: own.id }, b.token)
    await marker.waitCount(1)
    expect(sb.events).toHaveLength(1)
    await wb.dispose()
  })
})

describe('room timer across a restart', () => {
  it('keeps its phase through a restart and moves on when it is due, even with nobody connected', async () => {
    const databaseUrl = await testDatabaseUrl()
    let t = await startApp({ databaseUrl })
    const t0 = Math.ceil(Date.now() / 1000) * 1000
    let clock = new ManualClock(t0)
    await t.app.hearth.timers.useClock(clock)
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, a.token, 'Durable', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await ok(t.url, START, { roomId: room.id, f: 25, b: 5 }, a.token)
    await clock.advance(10 * MIN)
    await t.close()

    // back up in the middle of the focus phase
    t = await startApp({ databaseUrl })
    clock = new ManualClock(t0 + 12 * MIN)
    await t.app.hearth.timers.useClock(clock)
    expect(await timerOf(t.url, a, room.id)).toMatchObject({ phase: 'FOCUS', remainingSeconds: 13 * 60, phaseEndsAt: iso(t0 + 25 * MIN), cycle: 0 })
    const wb = wsClient(t.wsUrl, b.token)
    const base = liveCount(t)
    const sb = collect(wb, TIMER_SUB, { roomId: room.id })
    await waitLive(t, base + 1)
    await settle(t)
    await clock.advance(13 * MIN)
    await sb.waitCount(1)
    expect(sb.events[0].roomTimer).toMatchObject({ phase: 'BREAK', cycle: 1, phaseStartedAt: iso(t0 + 25 * MIN) })
    // (part 2's rule) b was present from minute 12 to the end: 13 minutes
    expect((await sessionsOf(t.url, b)).map((x: any) => x.minutes)).toEqual([13])
    expect(await sessionsOf(t.url, a)).toHaveLength(0)
    await wb.dispose()
    await t.close()

    // down across two phase ends: on start it catches up at once
    t = await startApp({ databaseUrl })
    clock = new ManualClock(t0 + 31 * MIN)
    await t.app.hearth.timers.useClock(clock)
    expect(await timerOf(t.url, a, room.id)).toMatchObject({ phase: 'FOCUS', cycle: 1, phaseStartedAt: iso(t0 + 30 * MIN), phaseEndsAt: iso(t0 + 55 * MIN) })
    // the row itself moved, not only the view of it
    const row = await t.app.hearth.timers.repo.timer(room.id)
    expect(row).toMatchObject({ phase: 'FOCUS', cycle: 1, phase_ends_at: t0 + 55 * MIN })
    await t.close()
  })
})

describe('room timer on two instances', () => {
  let one: TestApp
  let two: TestApp
  beforeAll(async () => {
    const prefix = 't' + crypto.randomBytes(4).toString('hex') + ':'
    const databaseUrl = await testDatabaseUrl()
    one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
    two = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
  })
  afterAll(async () => { await one.close(); await two.close() })

  it('performs and publishes each transition once while both race for it', async () => {
    const t0 = Math.ceil(Date.now() / 1000) * 1000
    const c1 = new ManualClock(t0)
    const c2 = new ManualClock(t0)
    await one.app.hearth.timers.useClock(c1)
    await two.app.hearth.timers.useClock(c2)
    const [a, b, c] = await Promise.all([signUp(one.url), signUp(one.url), signUp(one.url)])
    const room = await createRoom(one.url, a.token, 'Raced', 'PRIVATE')
    await joinByCode(one.url, b.token, room.code)
    await joinByCode(two.url, c.token, room.code)
    const wa = wsClient(one.wsUrl, a.token)
    const wb = wsClient(two.wsUrl, b.token)
    const [base1, base2] = [liveCount(one), liveCount(two)]
    const sa = collect(wa, TIMER_SUB, { roomId: room.id })
    const sb = collect(wb, TIMER_SUB, { roomId: room.id })
    await waitLive(one, base1 + 1)
    await settle(one)
    await waitLive(two, base2 + 1)
    await settle(two)
    await ok(two.url, START, { roomId: room.id, f: 1, b: 1 }, c.token)
    await sawStart(sa, sb)
    // both instances know the timer before the race
    await Promise.all([c1.advance(2500), c2.advance(2500)])

    const rounds = 6
    for (let i = 1; i <= rounds; i++) {
      await Promise.all([c1.set(t0 + i * MIN), c2.set(t0 + i * MIN)])
      await sa.waitCount(i)
      await sb.waitCount(i)
    }
    // a stop (which earns nothing) is the marker: a duplicate transition would come before it
    await ok(two.url, STOP, { roomId: room.id }, c.token)
    await sa.waitFor(() => sa.events.some((x) => x.roomTimer.phase === 'STOPPED'), 5000, 'the marker stop on one')
    await sb.waitFor(() => sb.events.some((x) => x.roomTimer.phase === 'STOPPED'), 5000, 'the marker stop on two')
    const phases = (s: typeof sa) => s.events.slice(0, -1).map((x) => `${x.roomTimer.phase}${x.roomTimer.cycle}`)
    const expected = ['BREAK1', 'FOCUS1', 'BREAK2', 'FOCUS2', 'BREAK3', 'FOCUS3']
    expect(phases(sa)).toEqual(expected)
    expect(phases(sb)).toEqual(expected)
    // three completed focus phases: three sessions for each present member, none for c
    for (const [u, url] of [[a, one.url], [b, two.url]] as const) {
      const s = await sessionsOf(url, u)
      expect(s.map((x: any) => x.endedAt)).toEqual([iso(t0 + 5 * MIN), iso(t0 + 3 * MIN), iso(t0 + MIN)])
    }
    expect(await sessionsOf(one.url, c)).toEqual([])
    await Promise.all([wa.dispose(), wb.dispose()])
  })
})
