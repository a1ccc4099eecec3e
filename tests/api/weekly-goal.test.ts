// Weekly goal, this week's minutes and the longest streak (contract part 2, issue 18), on SQLite
// and PostgreSQL, on a manual clock: weeks are Monday to Sunday in the asked time zone, so the
// weeks holding Europe/Berlin's DST changes (29 March and 25 October 2026) have 167 and 169 hours.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp, type TestUser } from '../helpers/client.js'
import { ManualClock } from '../../src/modules/study/clock.js'

const RECORD = 'mutation($minutes: Int!) { recordStudySession(minutes: $minutes) { id } }'
const STATS = 'query($days: Int, $tz: String) { studyStats(days: $days, timeZone: $tz) { totalMinutes currentStreakDays longestStreakDays thisWeekMinutes weeklyGoalMinutes } }'
const SET_GOAL = 'mutation($m: Int) { setWeeklyGoal(minutes: $m) { weeklyGoalMinutes thisWeekMinutes } }'

for (const backend of BACKENDS) describe.runIf(canRun(backend))(`weekly goal and streaks (${BACKEND_NAMES[backend]})`, () => {
  let t: TestApp
  let clock: ManualClock
  beforeAll(async () => {
    t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '0' } })
  })
  afterAll(async () => { await t?.close() })

  async function clockAt(iso: string) {
    clock = new ManualClock(Date.parse(iso))
    await t.app.hearth.timers.useClock(clock)
  }
  /** a session of `minutes` ending at `endIso` (the clock only moves forward: record in time order) */
  async function recordEnding(u: TestUser, endIso: string, minutes: number) {
    await clock.set(Date.parse(endIso))
    await ok(t.url, RECORD, { minutes }, u.token)
  }
  const stats = async (u: TestUser, tz: string, days = 7) => (await ok(t.url, STATS, { days, tz }, u.token)).studyStats

  it('sets, replaces and clears the goal; refuses out-of-range values and changes nothing', async () => {
    await clockAt('2026-05-06T12:00:00.000Z')
    const u = await signUp(t.url)
    expect((await stats(u, 'UTC')).weeklyGoalMinutes).toBeNull()
    expect((await ok(t.url, SET_GOAL, { m: 300 }, u.token)).setWeeklyGoal).toEqual({ weeklyGoalMinutes: 300, thisWeekMinutes: 0 })
    for (const m of [0, -5, 10_081, 1_000_000]) {
      const r = await gql(t.url, SET_GOAL, { m }, u.token)
      expect(r.errors?.[0]?.extensions, String(m)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minutes' })
      expect(r.data?.setWeeklyGoal ?? null).toBeNull()
    }
    // not an Int at all: refused by GraphQL before anything runs
    expect((await gql(t.url, SET_GOAL, { m: 1.5 }, u.token)).errors?.length).toBeGreaterThan(0)
    expect((await stats(u, 'Europe/Berlin')).weeklyGoalMinutes).toBe(300)
    expect((await ok(t.url, SET_GOAL, { m: 10_080 }, u.token)).setWeeklyGoal.weeklyGoalMinutes).toBe(10_080)
    expect((await ok(t.url, SET_GOAL, { m: 1 }, u.token)).setWeeklyGoal.weeklyGoalMinutes).toBe(1)
    expect((await ok(t.url, SET_GOAL, { m: null }, u.token)).setWeeklyGoal.weeklyGoalMinutes).toBeNull()
    expect((await ok(t.url, 'mutation { setWeeklyGoal { weeklyGoalMinutes } }', {}, u.token)).setWeeklyGoal.weeklyGoalMinutes).toBeNull()
    // one's own: another user's goal is untouched
    const other = await signUp(t.url)
    await ok(t.url, SET_GOAL, { m: 90 }, other.token)
    expect((await stats(u, 'UTC')).weeklyGoalMinutes).toBeNull()
    expect((await stats(other, 'UTC')).weeklyGoalMinutes).toBe(90)
  })

  it('counts this week Monday to Sunday in the zone, across the spring DST change (Europe/Berlin, 29 March)', async () => {
    await clockAt('2026-03-20T12:00:00.000Z')
    const u = await signUp(t.url)
    // Sunday 22 March 23:40-23:55 in Berlin (CET, UTC+1): the week before
    await recordEnding(u, '2026-03-22T22:55:00.000Z', 15)
    // Monday 23 March 00:10-00:30 in Berlin, still Sunday in UTC
    await recordEnding(u, '2026-03-22T23:30:00.000Z', 20)
    // Sunday 29 March 22:50-23:30 in Berlin (CEST, UTC+2 since 03:00 that day)
    await recordEnding(u, '2026-03-29T21:30:00.000Z', 40)
    await clock.set(Date.parse('2026-03-29T21:45:00.000Z'))
    expect((await stats(u, 'Europe/Berlin')).thisWeekMinutes).toBe(20 + 40)
    expect((await stats(u, 'UTC')).thisWeekMinutes).toBe(40)
    // Monday 30 March 00:15-00:30 in Berlin: a new week there, still Sunday in UTC
    await recordEnding(u, '2026-03-29T22:30:00.000Z', 15)
    expect((await stats(u, 'Europe/Berlin')).thisWeekMinutes).toBe(15)
    expect((await stats(u, 'UTC')).thisWeekMinutes).toBe(40 + 15)
    // streaks in Berlin: 22, 23 March (2 days), then 29, 30 March (2 days); in UTC 22 March, then 29 March
    const berlin = await stats(u, 'Europe/Berlin')
    expect([berlin.currentStreakDays, berlin.longestStreakDays]).toEqual([2, 2])
    const utc = await stats(u, 'UTC')
    expect([utc.currentStreakDays, utc.longestStreakDays]).toEqual([1, 1])
  })

  it('counts this week across the autumn DST change (Europe/Berlin, 25 October), splitting a session at midnight', async () => {
    await clockAt('2026-10-15T12:00:00.000Z')
    const u = await signUp(t.url)
    // Sunday 18 October 23:55 to Monday 19 October 00:05 in Berlin (CEST): 5 minutes in each week
    await recordEnding(u, '2026-10-18T22:05:00.000Z', 10)
    // Sunday 25 October 23:25-23:50 in Berlin (CET, UTC+1 since 03:00 CEST): the week's last hour
    await recordEnding(u, '2026-10-25T22:50:00.000Z', 25)
    await clock.set(Date.parse('2026-10-25T22:55:00.000Z'))
    const berlin = await stats(u, 'Europe/Berlin')
    expect(berlin.thisWeekMinutes).toBe(5 + 25)
    expect((await stats(u, 'UTC')).thisWeekMinutes).toBe(25)
    // a minute later in UTC terms it is still Sunday in Berlin until 23:00 UTC; after it, a new week
    await clock.set(Date.parse('2026-10-25T23:00:00.000Z'))
    expect((await stats(u, 'Europe/Berlin')).thisWeekMinutes).toBe(0)
    expect((await stats(u, 'Europe/Berlin')).currentStreakDays).toBe(1)
  })

  it('keeps the longest streak ever beside the current one, as far back as it goes', async () => {
    await clockAt('2025-12-30T12:00:00.000Z')
    const u = await signUp(t.url)
    // four days running at the turn of the year (over 3 months before today), a gap, three days, a gap, then two up to today
    for (const d of ['2025-12-31', '2026-01-01', '2026-01-02', '2026-01-03']) await recordEnding(u, `${d}T10:00:00.000Z`, 30)
    for (const d of ['2026-04-01', '2026-04-02', '2026-04-03']) await recordEnding(u, `${d}T10:00:00.000Z`, 5)
    for (const d of ['2026-04-09', '2026-04-10']) await recordEnding(u, `${d}T10:00:00.000Z`, 45)
    const s = await stats(u, 'UTC')
    expect([s.currentStreakDays, s.longestStreakDays]).toEqual([2, 4])
    // the window asked (7 days) does not limit it
    expect(s.totalMinutes).toBe(90)
    // a day without minutes does not end today's streak yet
    await clock.set(Date.parse('2026-04-11T09:00:00.000Z'))
    expect((await stats(u, 'UTC')).currentStreakDays).toBe(2)
    await clock.set(Date.parse('2026-04-12T09:00:00.000Z'))
    expect((await stats(u, 'UTC'))).toMatchObject({ currentStreakDays: 0, longestStreakDays: 4 })
    // a new user has none
    expect(await stats(await signUp(t.url), 'Asia/Tokyo')).toMatchObject({ currentStreakDays: 0, longestStreakDays: 0, thisWeekMinutes: 0 })
  })

  it('the longest streak follows the viewer\'s time zone: evening sessions in New York are the next day in UTC', async () => {
    await clockAt('2026-06-01T00:00:00.000Z')
    const u = await signUp(t.url)
    // in New York (EDT, UTC-4): Mon 1 June 21:00, Tue 2 June 09:00, Wed 3 June 21:00: three days running;
    // in UTC the same sessions fall on 2 June (twice) and 4 June: no two days in a row
    await recordEnding(u, '2026-06-02T01:30:00.000Z', 30)
    await recordEnding(u, '2026-06-02T13:30:00.000Z', 30)
    await recordEnding(u, '2026-06-04T01:30:00.000Z', 30)
    await clock.set(Date.parse('2026-06-04T02:00:00.000Z'))
    expect(await stats(u, 'America/New_York')).toMatchObject({ currentStreakDays: 3, longestStreakDays: 3, thisWeekMinutes: 90 })
    expect(await stats(u, 'UTC')).toMatchObject({ currentStreakDays: 1, longestStreakDays: 1, thisWeekMinutes: 90 })
  })
})
