// Personal study sessions and studyStats, on an injected clock so that "yesterday" and
// "just before midnight" are exact.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'
import { ManualClock } from '../../src/modules/study/clock.js'

const MIN = 60_000
const S = `id minutes startedAt endedAt room { id } user { id }`
const START = `mutation($roomId: ID) { startStudySession(roomId: $roomId) { ${S} } }`
const END = `mutation($id: ID!) { endStudySession(id: $id) { ${S} } }`
const RECORD = `mutation($roomId: ID, $minutes: Int!) { recordStudySession(roomId: $roomId, minutes: $minutes) { ${S} } }`
const LIST = `query($first: Int, $after: String) { studySessions(first: $first, after: $after) { edges { cursor node { ${S} } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`
const STATS = `query($days: Int, $tz: String) { studyStats(days: $days, timeZone: $tz) { totalMinutes sessionCount currentStreakDays byDay { date minutes } byRoom { room { id } minutes } } }`

const iso = (ms: number) => new Date(ms).toISOString()

let t: TestApp
let clock: ManualClock
beforeAll(async () => { t = await startApp() })
afterAll(async () => { await t.close() })

/** a fresh clock at `at` (clocks only move forward) */
async function clockAt(at: string | number) {
  clock = new ManualClock(typeof at === 'number' ? at : Date.parse(at))
  await t.app.hearth.timers.useClock(clock)
}
async function errOf(q: string, v: Record<string, unknown>, u: TestUser) {
  return (await gql(t.url, q, v, u.token)).errors?.[0]?.extensions
}
async function recordAt(u: TestUser, endIso: string, minutes: number, roomId?: string) {
  await clock.set(Date.parse(endIso))
  return (await ok(t.url, RECORD, { minutes, roomId }, u.token)).recordStudySession
}
async function stats(u: TestUser, days: number, tz: string) {
  return (await ok(t.url, STATS, { days, tz }, u.token)).studyStats
}

describe('study sessions', () => {
  it('runs one personal session at a time and ends it with whole elapsed minutes', async () => {
    await clockAt(Date.now())
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const t0 = clock.now()
    const s = (await ok(t.url, START, {}, a.token)).startStudySession
    expect(s).toMatchObject({ minutes: 0, startedAt: iso(t0), endedAt: null, room: null, user: { id: a.id } })
    expect(await errOf(START, {}, a)).toMatchObject({ code: 'CONFLICT' })
    // someone else's session does not exist for b
    expect(await errOf(END, { id: s.id }, b)).toMatchObject({ code: 'NOT_FOUND' })
    expect(await errOf(END, { id: 'not-an-id' }, a)).toMatchObject({ code: 'NOT_FOUND' })
    expect(await errOf(END, { id: crypto.randomUUID() }, a)).toMatchObject({ code: 'NOT_FOUND' })
    await clock.advance(25 * MIN + 59_000)
    const ended = (await ok(t.url, END, { id: s.id }, a.token)).endStudySession
    expect(ended).toMatchObject({ id: s.id, minutes: 25, startedAt: iso(t0), endedAt: iso(t0 + 25 * MIN + 59_000) })
    expect(await errOf(END, { id: s.id }, a)).toMatchObject({ code: 'CONFLICT' })
    // ended: a new one may start
    expect((await ok(t.url, START, {}, a.token)).startStudySession.endedAt).toBeNull()
  })

  it('lets exactly one of several concurrent starts win', async () => {
    await clockAt(Date.now())
    const a = await signUp(t.url)
    const results = await Promise.all(Array.from({ length: 6 }, () => gql(t.url, START, {}, a.token)))
    expect(results.filter((r) => !r.errors).length).toBe(1)
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT').length).toBe(5)
    const list = (await ok(t.url, LIST, {}, a.token)).studySessions.edges
    expect(list).toHaveLength(1)
  })

  it('takes a room the viewer belongs to', async () => {
    await clockAt(Date.now())
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const pub = await createRoom(t.url, a.token, 'Library', 'PUBLIC')
    const priv = await createRoom(t.url, a.token, 'Desk', 'PRIVATE')
    expect(await errOf(START, { roomId: pub.id }, b)).toMatchObject({ code: 'FORBIDDEN' })
    expect(await errOf(START, { roomId: priv.id }, b)).toMatchObject({ code: 'NOT_FOUND' })
    expect(await errOf(START, { roomId: crypto.randomUUID() }, b)).toMatchObject({ code: 'NOT_FOUND' })
    expect(await errOf(RECORD, { roomId: pub.id, minutes: 5 }, b)).toMatchObject({ code: 'FORBIDDEN' })
    expect(await errOf(RECORD, { roomId: priv.id, minutes: 5 }, b)).toMatchObject({ code: 'NOT_FOUND' })
    // nothing was stored by the refusals
    expect((await ok(t.url, LIST, {}, b.token)).studySessions.edges).toEqual([])
    await joinByCode(t.url, b.token, priv.code)
    const s = (await ok(t.url, START, { roomId: priv.id }, b.token)).startStudySession
    expect(s.room).toEqual({ id: priv.id })
  })

  it('records a finished timer of 1-600 minutes', async () => {
    await clockAt('2026-05-04T10:00:00.000Z')
    const a = await signUp(t.url)
    for (const minutes of [0, -5, 601]) expect(await errOf(RECORD, { minutes }, a)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minutes' })
    expect(await ok(t.url, RECORD, { minutes: 1 }, a.token)).toMatchObject({ recordStudySession: { minutes: 1, startedAt: '2026-05-04T09:59:00.000Z', endedAt: '2026-05-04T10:00:00.000Z' } })
    expect(await ok(t.url, RECORD, { minutes: 600 }, a.token)).toMatchObject({ recordStudySession: { minutes: 600, startedAt: '2026-05-04T00:00:00.000Z' } })
  })

  it('lists the viewer\'s sessions newest first, page by page', async () => {
    await clockAt('2026-06-01T08:00:00.000Z')
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const made: string[] = []
    for (let i = 0; i < 5; i++) {
      made.push((await recordAt(a, iso(Date.parse('2026-06-01T09:00:00.000Z') + i * 60 * MIN), 10 + i)).id)
    }
    await ok(t.url, RECORD, { minutes: 3 }, b.token)
    const p1 = (await ok(t.url, LIST, { first: 2 }, a.token)).studySessions
    expect(p1.edges.map((e: any) => e.node.id)).toEqual([made[4], made[3]])
    expect(p1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false })
    const p2 = (await ok(t.url, LIST, { first: 2, after: p1.pageInfo.endCursor }, a.token)).studySessions
    expect(p2.edges.map((e: any) => e.node.id)).toEqual([made[2], made[1]])
    const p3 = (await ok(t.url, LIST, { first: 2, after: p2.pageInfo.endCursor }, a.token)).studySessions
    expect(p3.edges.map((e: any) => e.node.id)).toEqual([made[0]])
    expect(p3.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true })
    expect(await errOf(LIST, { first: 0 }, a)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' })
    expect(await errOf(LIST, { after: 'garbage' }, a)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' })
    expect((await ok(t.url, LIST, { first: 1000 }, a.token)).studySessions.edges).toHaveLength(5)
  })
})

describe('studyStats', () => {
  it('validates days and timeZone', async () => {
    await clockAt(Date.now())
    const a = await signUp(t.url)
    for (const days of [0, -1, 367]) expect(await errOf(STATS, { days, tz: 'UTC' }, a)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' })
    for (const tz of ['Mars/Olympus_Mons', '+02:00', '', 'Europe/../etc', 'x'.repeat(300)]) {
      expect(await errOf(STATS, { days: 7, tz }, a), tz).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' })
    }
    const empty = (await ok(t.url, `query { studyStats { totalMinutes sessionCount currentStreakDays byDay { date minutes } byRoom { minutes } } }`, {}, a.token)).studyStats
    expect(empty.byDay).toHaveLength(7)
    expect(empty).toMatchObject({ totalMinutes: 0, sessionCount: 0, currentStreakDays: 0, byRoom: [] })
    expect((await stats(a, 366, 'Pacific/Kiritimati')).byDay).toHaveLength(366)
  })

  it('puts minutes on the right local day around midnight, in two time zones', async () => {
    await clockAt('2026-03-10T12:00:00.000Z')
    const a = await signUp(t.url)
    // 23:50-00:20 UTC: ten minutes on the 10th and twenty on the 11th in UTC;
    // all on the 10th in New York (19:50-20:20 EDT) and all on the 11th in Tokyo (08:50-09:20 JST)
    await recordAt(a, '2026-03-11T00:20:00.000Z', 30)
    // 03:30-04:10 UTC: 23:30-00:10 in New York, across the local midnight there
    await recordAt(a, '2026-03-11T04:10:00.000Z', 40)
    await clock.set(Date.parse('2026-03-11T05:00:00.000Z'))

    expect(await stats(a, 3, 'UTC')).toEqual({
      totalMinutes: 70, sessionCount: 2, currentStreakDays: 2,
      byDay: [{ date: '2026-03-09', minutes: 0 }, { date: '2026-03-10', minutes: 10 }, { date: '2026-03-11', minutes: 60 }],
      byRoom: [{ room: null, minutes: 70 }],
    })
    // 01:00 in New York: today is the 11th there too
    expect(await stats(a, 3, 'America/New_York')).toEqual({
      totalMinutes: 70, sessionCount: 2, currentStreakDays: 2,
      byDay: [{ date: '2026-03-09', minutes: 0 }, { date: '2026-03-10', minutes: 60 }, { date: '2026-03-11', minutes: 10 }],
      byRoom: [{ room: null, minutes: 70 }],
    })
    expect(await stats(a, 3, 'Asia/Tokyo')).toMatchObject({
      totalMinutes: 70, currentStreakDays: 1,
      byDay: [{ date: '2026-03-09', minutes: 0 }, { date: '2026-03-10', minutes: 0 }, { date: '2026-03-11', minutes: 70 }],
    })
    // a one-day window: only today's share counts
    expect(await stats(a, 1, 'UTC')).toMatchObject({ totalMinutes: 60, sessionCount: 2, byDay: [{ date: '2026-03-11', minutes: 60 }] })
    expect(await stats(a, 1, 'America/New_York')).toMatchObject({ totalMinutes: 10, sessionCount: 1 })
  })

  it('uses the offset in force at each instant across a daylight-saving change', async () => {
    // New York moves from -05:00 to -04:00 at 2026-03-08T07:00Z. 03:50Z-04:10Z on the 9th is
    // 23:50-00:10 there (EDT): it crosses midnight, 10 minutes on each day. With the winter
    // offset it would be 22:50-23:10, all on the 8th.
    await clockAt('2026-03-08T00:00:00.000Z')
    const a = await signUp(t.url)
    await recordAt(a, '2026-03-08T04:40:00.000Z', 30) // 23:10-23:40 EST on the 7th
    await recordAt(a, '2026-03-09T04:10:00.000Z', 20)
    await clock.set(Date.parse('2026-03-09T12:00:00.000Z'))
    expect(await stats(a, 3, 'America/New_York')).toMatchObject({
      totalMinutes: 50, sessionCount: 2, currentStreakDays: 3,
      byDay: [{ date: '2026-03-07', minutes: 30 }, { date: '2026-03-08', minutes: 10 }, { date: '2026-03-09', minutes: 10 }],
    })
  })

  it('counts a streak back from today, or from yesterday, and breaks it on an empty day', async () => {
    await clockAt('2026-04-01T12:00:00.000Z')
    const [a, b, c] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    // a: the 1st, 2nd, (3rd empty), 4th, 5th; b: the 3rd and 4th, nothing yet today (the 5th); c: only today
    // (recorded in time order: the clock only moves forward)
    await recordAt(a, '2026-04-01T20:00:00.000Z', 20)
    await recordAt(a, '2026-04-02T20:00:00.000Z', 20)
    await recordAt(b, '2026-04-03T22:00:00.000Z', 15)
    await recordAt(a, '2026-04-04T09:00:00.000Z', 20)
    await recordAt(b, '2026-04-04T22:00:00.000Z', 15)
    await recordAt(a, '2026-04-05T09:00:00.000Z', 20)
    await recordAt(c, '2026-04-05T10:00:00.000Z', 5)
    await clock.set(Date.parse('2026-04-05T10:30:00.000Z'))
    expect((await stats(a, 7, 'UTC')).currentStreakDays).toBe(2)
    expect((await stats(b, 7, 'UTC')).currentStreakDays).toBe(2)
    expect((await stats(c, 7, 'UTC')).currentStreakDays).toBe(1)
    const byDay = (await stats(a, 7, 'UTC')).byDay
    expect(byDay.map((d: any) => d.date)).toEqual(['2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02', '2026-04-03', '2026-04-04', '2026-04-05'])
    expect(byDay.map((d: any) => d.minutes)).toEqual([0, 0, 20, 20, 0, 20, 20])
    // in Tokyo a's UTC evenings fall on the next day (2026-04-02T20:00Z is the 3rd there): the 2nd, 3rd, 4th
    // and 5th, no empty day
    expect((await stats(a, 7, 'Asia/Tokyo')).currentStreakDays).toBe(4)
    // the streak reaches back past a one-day window (earlier days are summed a chunk at a time)
    expect((await stats(a, 1, 'Asia/Tokyo')).currentStreakDays).toBe(4)
    expect(await stats(a, 1, 'UTC')).toMatchObject({ currentStreakDays: 2, totalMinutes: 20, sessionCount: 1 })
    // two days on, b's streak is gone: yesterday was empty
    await clock.set(Date.parse('2026-04-06T10:00:00.000Z'))
    expect((await stats(b, 7, 'UTC')).currentStreakDays).toBe(0)
    expect((await stats(a, 7, 'UTC')).currentStreakDays).toBe(2)
  })

  it('sums minutes by room, hiding rooms the viewer may no longer see', async () => {
    await clockAt('2026-07-01T12:00:00.000Z')
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const open = await createRoom(t.url, b.token, 'Open', 'PRIVATE')
    const closed = await createRoom(t.url, b.token, 'Closed', 'PRIVATE')
    await joinByCode(t.url, a.token, open.code)
    await joinByCode(t.url, a.token, closed.code)
    await recordAt(a, '2026-07-01T13:00:00.000Z', 30, open.id)
    await recordAt(a, '2026-07-01T14:00:00.000Z', 20, closed.id)
    await recordAt(a, '2026-07-01T15:00:00.000Z', 15)
    expect((await stats(a, 7, 'UTC')).byRoom).toEqual([{ room: { id: open.id }, minutes: 30 }, { room: { id: closed.id }, minutes: 20 }, { room: null, minutes: 15 }])
    await ok(t.url, `mutation($id: ID!) { leaveRoom(roomId: $id) }`, { id: closed.id }, a.token)
    expect((await stats(a, 7, 'UTC')).byRoom).toEqual([{ room: null, minutes: 35 }, { room: { id: open.id }, minutes: 30 }])
    const list = (await ok(t.url, LIST, {}, a.token)).studySessions.edges.map((e: any) => e.node.room)
    expect(list).toEqual([null, null, { id: open.id }])
  })

  it('lists rooms with equal minutes in one fixed order (by id), the same on every ask', async () => {
    await clockAt(Date.now())
    const a = await signUp(t.url)
    const rooms = []
    for (let i = 0; i < 5; i++) rooms.push(await createRoom(t.url, a.token, `Tie ${i}`))
    for (const r of rooms) await ok(t.url, RECORD, { roomId: r.id, minutes: 20 }, a.token)
    await ok(t.url, RECORD, { roomId: rooms[3].id, minutes: 5 }, a.token)
    const expected = [{ room: { id: rooms[3].id }, minutes: 25 }, ...rooms.filter((_, i) => i !== 3).map((r) => r.id).sort().map((id) => ({ room: { id }, minutes: 20 }))]
    for (let ask = 0; ask < 3; ask++) expect((await stats(a, 7, 'UTC')).byRoom).toEqual(expected)
  })
})
