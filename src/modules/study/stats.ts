// Calendar arithmetic for studyStats: days are the viewer's local days in an IANA time zone,
// and a session that crosses midnight counts on both days in proportion to its time on each.
import type { StudySessionModel } from '../../graphql/models.js'

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    })
    if (formatters.size > 500) formatters.clear()
    formatters.set(tz, f)
  }
  return f
}

/** An IANA zone name ("Europe/Paris", "UTC"); offsets like "+02:00" are not names. */
export function isTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return false
  try {
    formatter(tz)
    return true
  } catch {
    return false
  }
}

function parts(ms: number, tz: string) {
  const p: Record<string, number> = {}
  for (const x of formatter(tz).formatToParts(ms)) if (x.type !== 'literal') p[x.type] = Number(x.value)
  return p as { year: number; month: number; day: number; hour: number; minute: number; second: number }
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')

/** YYYY-MM-DD of the instant in the zone */
export function localDate(ms: number, tz: string): string {
  const p = parts(ms, tz)
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`
}

/** local wall time minus UTC, in ms, at the instant */
function offset(ms: number, tz: string): number {
  const p = parts(ms, tz)
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return wall - Math.floor(ms / 1000) * 1000
}

export function addDays(date: string, n: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

/** the first instant of a local day (midnight, or the first hour after a DST gap that skips it) */
export function startOfDay(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number)
  const wall = Date.UTC(y, m - 1, d)
  let t = wall - offset(wall, tz)
  t = wall - offset(t, tz)
  // a DST gap at midnight: the day starts at the first instant that is on it
  for (let i = 0; i < 4 && localDate(t, tz) < date; i++) t += 3_600_000
  // a fall-back overlap: step back while still on the same day
  while (localDate(t - 3_600_000, tz) === date) t -= 3_600_000
  return t
}

/** the session's minutes per local day, in proportion to its time on each day; sums to `minutes` */
export function minutesByDay(s: StudySessionModel, tz: string): Map<string, number> {
  const out = new Map<string, number>()
  const start = s.startedAt
  const end = s.endedAt ?? s.startedAt
  if (end <= start) {
    out.set(localDate(end, tz), s.minutes)
    return out
  }
  const slices: { date: string; ms: number }[] = []
  let date = localDate(start, tz)
  let from = start
  for (let i = 0; i < 400 && from < end; i++) {
    const next = startOfDay(addDays(date, 1), tz)
    // a calendar day a zone skipped entirely (Samoa, 2011-12-30) has no time of its own
    if (next <= from) { date = addDays(date, 1); continue }
    const to = Math.min(end, next)
    slices.push({ date, ms: to - from })
    from = to
    date = addDays(date, 1)
  }
  // largest remainder: whole minutes per day that add up exactly
  const total = end - start
  const shares = slices.map((x) => ({ date: x.date, exact: (s.minutes * x.ms) / total }))
  const floors = shares.map((x) => Math.floor(x.exact))
  let left = s.minutes - floors.reduce((a, b) => a + b, 0)
  const order = shares.map((x, i) => ({ i, frac: x.exact - floors[i] })).sort((a, b) => b.frac - a.frac || a.i - b.i)
  for (const o of order) { if (left <= 0) break; floors[o.i]++; left-- }
  slices.forEach((x, i) => out.set(x.date, (out.get(x.date) ?? 0) + floors[i]))
  return out
}

export interface StatsResult {
  totalMinutes: number
  sessionCount: number
  currentStreakDays: number
  byDay: { date: string; minutes: number }[]
  byRoom: { roomId: string | null; minutes: number }[]
}

/** per-(local day, room) sums of the sessions overlapping [from, to) (study.repository.ts daySums) */
export type DayLoader = (from: number, to: number, segments: OffsetSegment[]) => Promise<{
  sums: { day: number; roomId: string | null; minutes: number; count: number }[]
  crossing: StudySessionModel[]
}>

/** the zone's UTC offset holds until `until` (null: to the end) */
export interface OffsetSegment { until: number | null; offsetMs: number }

const DAY_MS = 86_400_000
/** no zone changes its offset twice within this */
const PROBE_MS = 6 * 3_600_000

/** The zone's offsets over [from, to): probed every 6 hours, each change found to the second. */
export function offsetSegments(from: number, to: number, tz: string): OffsetSegment[] {
  const out: OffsetSegment[] = []
  let t = from
  let off = offset(from, tz)
  while (t < to) {
    const next = Math.min(t + PROBE_MS, to)
    const o = offset(next, tz)
    if (o !== off) {
      let lo = t
      let hi = next
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000
        if (offset(mid, tz) === off) lo = mid
        else hi = mid
      }
      out.push({ until: hi, offsetMs: off })
      off = o
    }
    t = next
  }
  out.push({ until: null, offsetMs: off })
  return out
}

const dateOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)

interface Days { perDay: Map<string, number>; perRoom: Map<string | null, number>; sessionCount: number }

/** minutes per local day (and per room) of the `n` days from `first`, sessions that cross a midnight split by time */
async function loadDays(load: DayLoader, first: string, n: number, tz: string): Promise<Days> {
  const end = addDays(first, n)
  const from = startOfDay(first, tz)
  const to = startOfDay(end, tz)
  // a day before the range too: a session that started then and ends in it is split in JS, and
  // knowing the offset then tells it apart from one that did not cross
  const { sums, crossing } = await load(from, to, offsetSegments(from - DAY_MS, to, tz))
  const out: Days = { perDay: new Map(), perRoom: new Map(), sessionCount: 0 }
  const add = (date: string, roomId: string | null, minutes: number) => {
    out.perDay.set(date, (out.perDay.get(date) ?? 0) + minutes)
    out.perRoom.set(roomId, (out.perRoom.get(roomId) ?? 0) + minutes)
  }
  for (const s of sums) {
    const date = dateOfDay(s.day)
    if (date < first || date >= end) continue
    add(date, s.roomId, s.minutes)
    out.sessionCount += s.count
  }
  for (const s of crossing) {
    let inRange = false
    for (const [date, minutes] of minutesByDay(s, tz)) {
      if (date < first || date >= end) continue
      add(date, s.roomId, minutes)
      inRange = true
    }
    if (inRange) out.sessionCount++
  }
  return out
}

/** days fetched at a time while a streak reaches back past the asked window */
const STREAK_CHUNK_DAYS = 60

/**
 * The window is the last `days` local days ending today. totalMinutes, sessionCount and byRoom
 * cover the window; the streak looks back as far as it goes, a chunk of days at a time.
 */
export async function computeStats(load: DayLoader, now: number, days: number, tz: string): Promise<StatsResult> {
  const today = localDate(now, tz)
  const first = addDays(today, -(days - 1))
  const window = await loadDays(load, first, days, tz)
  const byDay: { date: string; minutes: number }[] = []
  for (let i = 0; i < days; i++) {
    const date = addDays(first, i)
    byDay.push({ date, minutes: window.perDay.get(date) ?? 0 })
  }
  const perDay = new Map(window.perDay)
  let loadedFrom = first
  const minutesOn = async (date: string) => {
    while (date < loadedFrom) {
      const from = addDays(loadedFrom, -STREAK_CHUNK_DAYS)
      for (const [d, m] of (await loadDays(load, from, STREAK_CHUNK_DAYS, tz)).perDay) perDay.set(d, (perDay.get(d) ?? 0) + m)
      loadedFrom = from
    }
    return perDay.get(date) ?? 0
  }
  let streak = 0
  let d = (await minutesOn(today)) > 0 ? today : addDays(today, -1)
  while ((await minutesOn(d)) > 0) { streak++; d = addDays(d, -1) }
  const byRoom = [...window.perRoom].filter(([, m]) => m > 0).map(([roomId, minutes]) => ({ roomId, minutes }))
    // most minutes first; equal minutes in a fixed order (the room's id, the rooms no longer
    // readable last), so the list does not reshuffle between two asks
    .sort((a, b) => b.minutes - a.minutes || (a.roomId === null ? 1 : b.roomId === null ? -1 : a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0))
  return { totalMinutes: byDay.reduce((a, b) => a + b.minutes, 0), sessionCount: window.sessionCount, currentStreakDays: streak, byDay, byRoom }
}

/** the Monday (YYYY-MM-DD) of the Monday-to-Sunday week holding `date` */
export function mondayOf(date: string): string {
  const [y, m, d] = date.split('-').map(Number)
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay() // 0 is Sunday
  return addDays(date, -((weekday + 6) % 7))
}

/** whole days from `a` to `b` (YYYY-MM-DD) */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS)
}

/** minutes of this week, Monday to Sunday in the zone (a week with a DST change has 167 or 169 hours) */
export async function weekMinutes(load: DayLoader, now: number, tz: string): Promise<number> {
  const days = await loadDays(load, mondayOf(localDate(now, tz)), 7, tz)
  let total = 0
  for (const m of days.perDay.values()) total += m
  return total
}

/** the longest run of consecutive dates (YYYY-MM-DD) among those given */
export function longestRun(dates: Iterable<string>): number {
  const sorted = [...new Set(dates)].sort()
  let best = 0
  let run = 0
  let prev: string | null = null
  for (const d of sorted) {
    run = prev !== null && addDays(prev, 1) === d ? run + 1 : 1
    if (run > best) best = run
    prev = d
  }
  return best
}

/**
 * The longest streak ever: the database sums minutes per local day from the user's first
 * session to today (one range scan, days computed in SQL as for the window), and the run of
 * consecutive days with minutes is found here over those few rows.
 */
export async function longestStreak(load: DayLoader, firstStartedAt: number | null, now: number, tz: string): Promise<number> {
  if (firstStartedAt === null || firstStartedAt > now) return 0
  const first = localDate(firstStartedAt, tz)
  const today = localDate(now, tz)
  const days = await loadDays(load, first, daysBetween(first, today) + 1, tz)
  return longestRun([...days.perDay].filter(([, m]) => m > 0).map(([d]) => d))
}
