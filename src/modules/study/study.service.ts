import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { Connection, RoomModel, StudySessionModel } from '../../graphql/models.js'
import { AppError, badInput, conflict, notFound } from '../../graphql/errors.js'
import { connection, decodeCursor, encodeCursor, pageSize } from '../../graphql/connection.js'
import { isId } from '../../lib/text.js'
import { newId } from '../../lib/ids.js'
import { spend, perUser } from '../../lib/rate-limit.js'
import { StudyRepository } from './study.repository.js'
import { RoomPresence } from './room-presence.js'
import { MAX_STATS_ROOMS } from '../../lib/limits.js'
import { computeStats, isTimeZone, longestStreak, weekMinutes } from './stats.js'

const MINUTE = 60_000

export interface StudyStatsModel {
  totalMinutes: number
  sessionCount: number
  currentStreakDays: number
  byDay: { date: string; minutes: number }[]
  byRoom: { room: RoomModel | null; minutes: number }[]
  weeklyGoalMinutes: number | null
  thisWeekMinutes: number
  longestStreakDays: number
}

/** setWeeklyGoal's range: a minute to a whole week */
export const WEEKLY_GOAL_MAX = 10_080

/** Personal study sessions and their statistics. Room-timer sessions come from TimerService. */
export class StudyService {
  readonly repo: StudyRepository
  /** who has a feed open for a room (not online status: that is svc.presence) */
  readonly roomPresence: RoomPresence

  constructor(private svc: Services) {
    this.repo = new StudyRepository(svc.database.db)
    this.roomPresence = new RoomPresence(svc)
  }

  /** the same clock as the room timer, so tests drive both */
  private now() { return this.svc.timers.clock.now() }

  async start(): Promise<void> {
    this.roomPresence.start()
    await this.svc.timers.startScheduler()
  }

  async stop(): Promise<void> {
    await this.roomPresence.stop()
    await this.svc.timers.stopScheduler()
  }

  /** a room the viewer belongs to (PUBLIC and not a member: FORBIDDEN; otherwise unseen: NOT_FOUND) */
  private async roomArg(ctx: Ctx, roomId: string | null | undefined): Promise<string | null> {
    if (roomId === null || roomId === undefined) return null
    return (await this.svc.rooms.writable(ctx, roomId)).room.id
  }

  async startSession(ctx: Ctx, roomId: string | null | undefined): Promise<StudySessionModel> {
    const userId = ctx.viewer!.userId
    const room = await this.roomArg(ctx, roomId)
    if (await this.repo.runningSession(userId)) throw conflict('A study session is already running; end it first')
    try {
      return await this.repo.insertSession({ id: newId(), user_id: userId, room_id: room, minutes: 0, started_at: this.now(), ended_at: null, timer_key: null })
    } catch (e) {
      // the one-running-per-user index: a concurrent start won
      if (await this.repo.runningSession(userId)) throw conflict('A study session is already running; end it first')
      throw e
    }
  }

  async endSession(ctx: Ctx, id: string): Promise<StudySessionModel> {
    const s = isId(id) ? await this.repo.session(id) : null
    if (!s || s.userId !== ctx.viewer!.userId) throw notFound('No such study session')
    if (s.endedAt !== null) throw conflict('That study session has already ended')
    const endedAt = Math.max(this.now(), s.startedAt)
    const minutes = Math.floor((endedAt - s.startedAt) / MINUTE)
    if (!(await this.repo.endSession(s.id, endedAt, minutes))) throw conflict('That study session has already ended')
    return { ...s, endedAt, minutes }
  }

  async record(ctx: Ctx, roomId: string | null | undefined, minutes: number): Promise<StudySessionModel> {
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 600) throw badInput('minutes', 'minutes must be a whole number from 1 to 600')
    // the room is checked before the attempt is counted: a refused call changes nothing, the limit included
    const room = await this.roomArg(ctx, roomId)
    await spend(this.svc.limits, `studyrecord:${ctx.viewer!.userId}`, perUser(this.svc.config, this.svc.config.studyRecordRateLimit), 60_000)
    const now = this.now()
    return this.repo.insertSession({
      id: newId(), user_id: ctx.viewer!.userId, room_id: room, minutes, started_at: now - minutes * MINUTE, ended_at: now, timer_key: null,
    })
  }

  /** the viewer's sessions, newest first */
  async page(ctx: Ctx, first: number | null | undefined, after: string | null | undefined): Promise<Connection<StudySessionModel>> {
    const limit = pageSize(first, 'first', 20)
    let afterKey: { startedAt: number; id: string } | null = null
    if (after !== null && after !== undefined) {
      const raw = decodeCursor(after, 'ss', 'after')
      const [t, id] = raw.split(':')
      if (!/^-?\d{1,15}$/.test(t ?? '') || !isId(id)) throw badInput('after', 'after is not a valid cursor')
      afterKey = { startedAt: Number(t), id }
    }
    const rows = await this.repo.page(ctx.viewer!.userId, afterKey, limit + 1)
    const page = rows.slice(0, limit)
    return connection(page.map((s) => ({ cursor: encodeCursor('ss', `${s.startedAt}:${s.id}`), node: s })), rows.length > limit, afterKey !== null)
  }

  async stats(ctx: Ctx, days: number | null | undefined, timeZone: string | null | undefined): Promise<StudyStatsModel> {
    const n = days ?? 7
    if (!Number.isInteger(n) || n < 1 || n > 366) throw badInput('days', 'days must be a whole number from 1 to 366')
    const tz = timeZone ?? 'UTC'
    if (!isTimeZone(tz)) throw badInput('timeZone', 'timeZone must be an IANA time zone name such as "Europe/Paris"')
    const userId = ctx.viewer!.userId
    const load = (from: number, to: number, segments: Parameters<StudyRepository['daySums']>[3]) => this.repo.daySums(userId, from, to, segments)
    const now = this.now()
    const [s, thisWeekMinutes, longest, weeklyGoalMinutes] = await Promise.all([
      computeStats(load, now, n, tz),
      weekMinutes(load, now, tz),
      this.repo.firstSessionStart(userId).then((first) => longestStreak(load, first, now, tz)),
      this.repo.weeklyGoal(userId),
    ])
    // rooms the viewer may no longer see (left a private room, deleted) count as "no room"
    const byRoom = new Map<string | null, { room: RoomModel | null; minutes: number }>()
    for (const r of s.byRoom) {
      const room = r.roomId ? await this.visibleRoom(ctx, r.roomId) : null
      const key = room?.id ?? null
      const e = byRoom.get(key) ?? { room, minutes: 0 }
      e.minutes += r.minutes
      byRoom.set(key, e)
    }
    return {
      ...s,
      byRoom: [...byRoom.values()].sort((a, b) => b.minutes - a.minutes).slice(0, MAX_STATS_ROOMS),
      weeklyGoalMinutes,
      thisWeekMinutes,
      // the current streak is a streak too (its days are the same sums: this only guards the rule)
      longestStreakDays: Math.max(longest, s.currentStreakDays),
    }
  }

  /** setWeeklyGoal: 1-10080 minutes, null clears; answers the stats of the last 7 days in UTC */
  async setWeeklyGoal(ctx: Ctx, minutes: number | null | undefined): Promise<StudyStatsModel> {
    const value = minutes ?? null
    if (value !== null && (!Number.isInteger(value) || value < 1 || value > WEEKLY_GOAL_MAX)) {
      throw badInput('minutes', `minutes must be a whole number from 1 to ${WEEKLY_GOAL_MAX} (a week), or null to clear the goal`)
    }
    await this.repo.setWeeklyGoal(ctx.viewer!.userId, value, Date.now())
    return this.stats(ctx, 7, 'UTC')
  }

  /** the room if the viewer may still see it, else null */
  async visibleRoom(ctx: Ctx, roomId: string): Promise<RoomModel | null> {
    try {
      return (await this.svc.rooms.readable(ctx, roomId)).room
    } catch (e) {
      if (e instanceof AppError && e.code === 'NOT_FOUND') return null
      throw e
    }
  }
}
