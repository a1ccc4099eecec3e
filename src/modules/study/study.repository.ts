import { type Kysely, type Selectable, sql } from 'kysely'
import type { DB, RoomTimersTable, StudySessionsTable } from '../../db/types.js'
import type { StudySessionModel } from '../../graphql/models.js'

export type TimerRow = Selectable<RoomTimersTable>

export function toSession(r: Selectable<StudySessionsTable>): StudySessionModel {
  return { id: r.id, userId: r.user_id, roomId: r.room_id, minutes: r.minutes, startedAt: r.started_at, endedAt: r.ended_at }
}

const RUNNING = ['FOCUS', 'BREAK'] as const

export class StudyRepository {
  constructor(private db: Kysely<DB>) {}

  // ---- room timers ----

  async timer(roomId: string): Promise<TimerRow | null> {
    return (await this.db.selectFrom('room_timers').selectAll().where('room_id', '=', roomId).executeTakeFirst()) ?? null
  }

  async timers(roomIds: string[]): Promise<Map<string, TimerRow>> {
    const out = new Map<string, TimerRow>()
    if (!roomIds.length) return out
    for (const r of await this.db.selectFrom('room_timers').selectAll().where('room_id', 'in', roomIds).execute()) out.set(r.room_id, r)
    return out
  }

  /** false when the room already has a timer row (another start won) */
  async insertTimer(row: TimerRow): Promise<boolean> {
    const res = await this.db.insertInto('room_timers').values(row).onConflict((oc) => oc.column('room_id').doNothing()).executeTakeFirst()
    return Number(res.numInsertedOrUpdatedRows ?? 0) === 1
  }

  /**
   * Compare-and-set on version: one statement, so exactly one of several instances (or requests)
   * that read the same version gets to write the next state.
   */
  /**
   * Compare-and-set on the timer's version. `sessions` (earned by the FOCUS phase this move
   * ends) are written in the same transaction, only by the caller that wins: a crash cannot keep
   * the move and lose them, and the unique (user, timer_key) makes a repeat harmless.
   */
  async casTimer(row: TimerRow, expectedVersion: number, sessions: StudySessionsTable[] = [], extra?: (trx: Kysely<DB>) => Promise<void>): Promise<boolean> {
    const { room_id, ...fields } = row
    const cas = async (db: Kysely<DB>) => {
      const res = await db.updateTable('room_timers').set(fields)
        .where('room_id', '=', room_id).where('version', '=', expectedVersion).executeTakeFirst()
      return Number(res.numUpdatedRows) === 1
    }
    if (!sessions.length && !extra) return cas(this.db)
    return this.db.transaction().execute(async (trx) => {
      if (!(await cas(trx))) return false
      if (sessions.length) {
        await trx.insertInto('study_sessions').values(sessions)
          .onConflict((oc) => oc.columns(['user_id', 'timer_key']).doNothing()).execute()
      }
      await extra?.(trx)
      return true
    })
  }

  /** running timers whose phase has ended by `now` */
  async dueTimers(now: number, limit: number): Promise<TimerRow[]> {
    return this.db.selectFrom('room_timers').selectAll()
      .where('phase', 'in', RUNNING).where('phase_ends_at', '<=', now)
      .orderBy('phase_ends_at').limit(limit).execute()
  }

  async nextPhaseEnd(): Promise<number | null> {
    const r = await this.db.selectFrom('room_timers').select((eb) => eb.fn.min('phase_ends_at').as('next'))
      .where('phase', 'in', RUNNING).executeTakeFirst()
    return r?.next === null || r?.next === undefined ? null : Number(r.next)
  }

  /** (user, room, focus end) for running FOCUS phases in the given rooms where the user is a member */
  async focusPhases(userIds: string[], roomIds: string[], now: number): Promise<{ userId: string; roomId: string; endsAt: number }[]> {
    if (!userIds.length || !roomIds.length) return []
    const rows = await this.db.selectFrom('room_timers as t')
      .innerJoin('room_members as m', 'm.room_id', 't.room_id')
      .select(['m.user_id', 't.room_id', 't.phase_ends_at'])
      .where('t.room_id', 'in', roomIds).where('m.user_id', 'in', userIds)
      .where('t.phase', '=', 'FOCUS').where('t.phase_ends_at', '>', now)
      .execute()
    return rows.map((r) => ({ userId: r.user_id, roomId: r.room_id, endsAt: Number(r.phase_ends_at) }))
  }

  async membersAmong(roomId: string, userIds: string[]): Promise<string[]> {
    if (!userIds.length) return []
    const rows = await this.db.selectFrom('room_members').select('user_id')
      .where('room_id', '=', roomId).where('user_id', 'in', userIds).execute()
    return rows.map((r) => r.user_id)
  }

  // ---- study sessions ----

  /** sessions a completed FOCUS phase earns; the (user, timer_key) key makes a repeat a no-op */
  /** a session a FOCUS phase credits; one already recorded under its key is kept as it is */
  async insertCredit(row: StudySessionsTable): Promise<void> {
    await this.db.insertInto('study_sessions').values(row).onConflict((oc) => oc.columns(['user_id', 'timer_key']).doNothing()).execute()
  }

  async insertSession(row: StudySessionsTable): Promise<StudySessionModel> {
    await this.db.insertInto('study_sessions').values(row).execute()
    return toSession(row)
  }

  async runningSession(userId: string): Promise<StudySessionModel | null> {
    const r = await this.db.selectFrom('study_sessions').selectAll()
      .where('user_id', '=', userId).where('ended_at', 'is', null).executeTakeFirst()
    return r ? toSession(r) : null
  }

  async session(id: string): Promise<StudySessionModel | null> {
    const r = await this.db.selectFrom('study_sessions').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toSession(r) : null
  }

  /** ends a running session; false when it had already ended */
  async endSession(id: string, endedAt: number, minutes: number): Promise<boolean> {
    const res = await this.db.updateTable('study_sessions').set({ ended_at: endedAt, minutes })
      .where('id', '=', id).where('ended_at', 'is', null).executeTakeFirst()
    return Number(res.numUpdatedRows) === 1
  }

  /** the user's sessions, newest first, after (startedAt, id) */
  async page(userId: string, after: { startedAt: number; id: string } | null, limit: number): Promise<StudySessionModel[]> {
    let q = this.db.selectFrom('study_sessions').selectAll().where('user_id', '=', userId)
    if (after) {
      q = q.where((eb) => eb.or([
        eb('started_at', '<', after.startedAt),
        eb.and([eb('started_at', '=', after.startedAt), eb('id', '<', after.id)]),
      ]))
    }
    const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
    return rows.map(toSession)
  }

  /**
   * The user's ended sessions that overlap [from, to), summed by the database per (local day,
   * room). A local day is the UTC day of the wall-clock time: (t + offset) / 86400000, with the
   * zone's offset given as segments (each holds until an instant; the last one for good), so
   * the database computes every session's day in one indexed range scan. Sessions whose start
   * and end fall on different days come back as rows, for the caller to split by time. (The
   * previous code formatted every session of the user in JS: 30 aliased studyStats over 15,000
   * sessions held the event loop 13.7 s.)
   */
  async daySums(userId: string, from: number, to: number, segments: { until: number | null; offsetMs: number }[]): Promise<{ sums: { day: number; roomId: string | null; minutes: number; count: number }[]; crossing: StudySessionModel[] }> {
    const big = (n: number) => sql`CAST(${n} AS BIGINT)`
    const last = segments[segments.length - 1].offsetMs
    const shift = (col: 'started_at' | 'ended_at') => segments.length === 1
      ? big(last)
      : sql`CASE ${sql.join(segments.slice(0, -1).map((g) => sql`WHEN s.${sql.raw(col)} < ${big(g.until!)} THEN ${big(g.offsetMs)}`), sql` `)} ELSE ${big(last)} END`
    const inner = sql`SELECT s.id, s.user_id, s.room_id, s.minutes, s.started_at, s.ended_at, s.timer_key,
        (s.started_at + ${shift('started_at')}) / 86400000 AS sday, (s.ended_at + ${shift('ended_at')}) / 86400000 AS eday
      FROM study_sessions s
      WHERE s.user_id = ${userId} AND s.ended_at IS NOT NULL AND s.started_at < ${big(to)} AND s.ended_at >= ${big(from)}`
    const sums = await sql<{ day: number | string; room_id: string | null; minutes: number | string; n: number | string }>`
      SELECT x.sday AS day, x.room_id AS room_id, SUM(x.minutes) AS minutes, COUNT(*) AS n FROM (${inner}) x
      WHERE x.sday = x.eday AND x.started_at <= x.ended_at GROUP BY x.sday, x.room_id`.execute(this.db)
    const crossing = await sql<Selectable<StudySessionsTable>>`
      SELECT x.id, x.user_id, x.room_id, x.minutes, x.started_at, x.ended_at, x.timer_key FROM (${inner}) x
      WHERE NOT (x.sday = x.eday AND x.started_at <= x.ended_at) ORDER BY x.started_at`.execute(this.db)
    return {
      sums: sums.rows.map((r) => ({ day: Number(r.day), roomId: r.room_id, minutes: Number(r.minutes), count: Number(r.n) })),
      crossing: crossing.rows.map((r) => toSession({ ...r, minutes: Number(r.minutes), started_at: Number(r.started_at), ended_at: r.ended_at === null ? null : Number(r.ended_at) })),
    }
  }

  /** when the user's first ended session started (null: none); the longest streak starts its scan there */
  async firstSessionStart(userId: string): Promise<number | null> {
    const r = await this.db.selectFrom('study_sessions').select((eb) => eb.fn.min('started_at').as('first'))
      .where('user_id', '=', userId).where('ended_at', 'is not', null).executeTakeFirst()
    return r?.first === null || r?.first === undefined ? null : Number(r.first)
  }

  // ---- weekly goal ----

  async weeklyGoal(userId: string): Promise<number | null> {
    const r = await this.db.selectFrom('study_goals').select('weekly_minutes').where('user_id', '=', userId).executeTakeFirst()
    return r ? Number(r.weekly_minutes) : null
  }

  /** sets (or with null clears) the user's weekly goal */
  async setWeeklyGoal(userId: string, minutes: number | null, now: number): Promise<void> {
    if (minutes === null) {
      await this.db.deleteFrom('study_goals').where('user_id', '=', userId).execute()
      return
    }
    await this.db.insertInto('study_goals').values({ user_id: userId, weekly_minutes: minutes, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ weekly_minutes: minutes, updated_at: now })).execute()
  }
}
