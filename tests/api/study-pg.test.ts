// The study module's SQL on PostgreSQL (the other study/timer files run on SQLite): a timer's
// transitions raced by two instances on one database, sessions it earns, personal sessions
// with the one-running rule, and stats. Runs when TEST_PG_URL is set (CI always sets it).
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PG_URL, freshPgDatabase, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'
import { ManualClock } from '../../src/modules/study/clock.js'

const MIN = 60_000
const T = `phase cycle phaseStartedAt phaseEndsAt remainingSeconds`
const iso = (ms: number) => new Date(ms).toISOString()

describe.runIf(PG_URL)('study on PostgreSQL', () => {
  let one: TestApp
  let two: TestApp
  let drop: () => Promise<void>
  beforeAll(async () => {
    const pg = await freshPgDatabase()
    drop = pg.drop
    const prefix = 't' + crypto.randomBytes(4).toString('hex') + ':'
    one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl: pg.url })
    two = await startApp({ redis: true, redisPrefix: prefix, databaseUrl: pg.url })
  })
  afterAll(async () => { await one?.close(); await two?.close(); await drop?.() })

  it('races two instances through timer transitions, one session per present member per focus', async () => {
    const t0 = Math.ceil(Date.now() / 1000) * 1000
    const [c1, c2] = [new ManualClock(t0), new ManualClock(t0)]
    await one.app.hearth.timers.useClock(c1)
    await two.app.hearth.timers.useClock(c2)
    const [a, b] = await Promise.all([signUp(one.url), signUp(one.url)])
    const room = await createRoom(one.url, a.token, 'PG timer', 'PRIVATE')
    await joinByCode(one.url, b.token, room.code)
    const wa = wsClient(two.wsUrl, a.token)
    const live = two.app.hearth.realtime.liveSubscriptions
    const sa = collect(wa, `subscription($r: ID!) { roomTimer(roomId: $r) { ${T} } }`, { r: room.id })
    await waitLive(two, live + 1)
    // (part 2) presence is recorded in the database: wait for the write
    await two.app.hearth.study.roomPresence.idle()
    await ok(one.url, `mutation($r: ID!) { startRoomTimer(roomId: $r, focusMinutes: 2, breakMinutes: 1) { phase } }`, { r: room.id }, b.token)
    // the start, seen through the other instance: nothing else is in flight after it
    await sa.waitCount(1)
    expect(sa.events[0].roomTimer.phase).toBe('FOCUS')
    sa.events.length = 0
    await Promise.all([c1.advance(2500), c2.advance(2500)])
    for (const at of [2, 3, 5, 6]) {
      await Promise.all([c1.set(t0 + at * MIN), c2.set(t0 + at * MIN)])
    }
    await sa.waitCount(4)
    expect(sa.events.map((e) => `${e.roomTimer.phase}${e.roomTimer.cycle}`).slice(0, 4)).toEqual(['BREAK1', 'FOCUS1', 'BREAK2', 'FOCUS2'])
    const sessions = (u: TestUser) => ok(one.url, `query { studySessions { edges { node { minutes startedAt endedAt } } } }`, {}, u.token)
    expect((await sessions(a)).studySessions.edges.map((e: any) => e.node)).toEqual([
      { minutes: 2, startedAt: iso(t0 + 3 * MIN), endedAt: iso(t0 + 5 * MIN) },
      { minutes: 2, startedAt: iso(t0), endedAt: iso(t0 + 2 * MIN) },
    ])
    expect((await sessions(b)).studySessions.edges).toEqual([])
    // marker: the next transition; a duplicate from the racing instance would have come before it
    await Promise.all([c1.set(t0 + 8 * MIN), c2.set(t0 + 8 * MIN)])
    await sa.waitFor(() => sa.events.some((e) => e.roomTimer.phase === 'BREAK' && e.roomTimer.cycle === 3), 5000, 'the marker transition')
    expect(sa.events.map((e) => `${e.roomTimer.phase}${e.roomTimer.cycle}`)).toEqual(['BREAK1', 'FOCUS1', 'BREAK2', 'FOCUS2', 'BREAK3'])
    await wa.dispose()
  })

  it('keeps one running personal session per user and computes stats', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T23:40:00.000Z'))
    await one.app.hearth.timers.useClock(clock)
    const a = await signUp(one.url)
    const starts = await Promise.all(Array.from({ length: 5 }, () => gql(one.url, `mutation { startStudySession { id } }`, {}, a.token)))
    expect(starts.filter((r) => !r.errors).length).toBe(1)
    const id = starts.find((r) => !r.errors)!.data.startStudySession.id
    await clock.advance(40 * MIN)
    expect((await ok(one.url, `mutation($id: ID!) { endStudySession(id: $id) { minutes } }`, { id }, a.token)).endStudySession.minutes).toBe(40)
    const s = (await ok(one.url, `query { studyStats(days: 2, timeZone: "Europe/Paris") { totalMinutes sessionCount currentStreakDays byDay { date minutes } } }`, {}, a.token)).studyStats
    // 23:40-00:20 UTC is 00:40-01:20 in Paris: all on the 2nd
    expect(s).toEqual({ totalMinutes: 40, sessionCount: 1, currentStreakDays: 1, byDay: [{ date: '2030-01-01', minutes: 0 }, { date: '2030-01-02', minutes: 40 }] })
    const u = (await ok(one.url, `query { studyStats(days: 2) { byDay { date minutes } } }`, {}, a.token)).studyStats
    expect(u.byDay).toEqual([{ date: '2030-01-01', minutes: 20 }, { date: '2030-01-02', minutes: 20 }])
  })
})
