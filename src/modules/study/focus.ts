// Honest focus credit: a member earns the whole minutes of a FOCUS phase during which they were
// present in the room, on the server's clock, pauses excluded. Presence is kept as stretches
// (focus_spans, written by RoomPresence on each instance as feeds open and close), the phase's
// running time as segments on the timer row (room_timers.focus_segments, written with its
// compare-and-set); the credit is their overlap, computed from the database, so any instance
// (including one started after a restart) computes the same answer.
import type { Kysely, Selectable } from 'kysely'
import type { DB, FocusSpansTable } from '../../db/types.js'
import { newId } from '../../lib/ids.js'

export const MINUTE = 60_000
export type Segment = [number, number | null]
export type SpanRow = Selectable<FocusSpansTable>

export function parseSegments(json: string | null | undefined): Segment[] {
  try {
    const v = JSON.parse(json ?? '[]') as unknown
    if (!Array.isArray(v)) return []
    return v.filter((s): s is Segment => Array.isArray(s) && typeof s[0] === 'number' && (s[1] === null || typeof s[1] === 'number'))
  } catch { return [] }
}

/** the segments with the open one (if any) closed at `at` */
export function closeSegments(segs: Segment[], at: number): Segment[] {
  return segs.map(([from, to]) => [from, to ?? Math.max(from, at)] as Segment)
}

/**
 * Milliseconds of presence inside the running segments, per user, as of `now`. An open stretch
 * counts until now when the user is present now (on any instance); one left open by an instance
 * that went away counts until it was last confirmed (seen_at).
 */
export function creditMs(spans: SpanRow[], segs: Segment[], now: number, presentNow: Set<string>): Map<string, number> {
  const out = new Map<string, number>()
  for (const s of spans) {
    const end = s.until ?? (presentNow.has(s.user_id) ? now : Math.min(Number(s.seen_at), now))
    let ms = 0
    for (const [from, to] of segs) {
      const a = Math.max(Number(s.since), from)
      const b = Math.min(end, to ?? now)
      if (b > a) ms += b - a
    }
    if (ms > 0 || s.until === null) out.set(s.user_id, (out.get(s.user_id) ?? 0) + ms)
  }
  return out
}

export const wholeMinutes = (ms: number) => Math.floor(ms / MINUTE)

export class FocusRepository {
  constructor(private db: Kysely<DB>) {}

  spans(roomId: string, db: Kysely<DB> = this.db): Promise<SpanRow[]> {
    return db.selectFrom('focus_spans').selectAll().where('room_id', '=', roomId).execute()
  }

  async spansOfRooms(roomIds: string[]): Promise<Map<string, SpanRow[]>> {
    const out = new Map<string, SpanRow[]>()
    if (!roomIds.length) return out
    for (const r of await this.db.selectFrom('focus_spans').selectAll().where('room_id', 'in', roomIds).execute()) {
      const l = out.get(r.room_id) ?? []
      l.push(r)
      out.set(r.room_id, l)
    }
    return out
  }

  /**
   * Opens a stretch for the user (now). An open one is kept when `keepOpen` (the user is present
   * through another instance, which confirms it); otherwise it was left by an instance that went
   * away and ends where it was last confirmed.
   */
  async open(roomId: string, userId: string, now: number, keepOpen: boolean): Promise<void> {
    const open = await this.db.selectFrom('focus_spans').selectAll()
      .where('room_id', '=', roomId).where('user_id', '=', userId).where('until', 'is', null).executeTakeFirst()
    if (open && keepOpen) {
      await this.db.updateTable('focus_spans').set({ seen_at: now }).where('id', '=', open.id).where('until', 'is', null).execute()
      return
    }
    if (open) {
      await this.db.updateTable('focus_spans').set({ until: Math.max(Number(open.since), Math.min(Number(open.seen_at), now)) })
        .where('id', '=', open.id).where('until', 'is', null).execute()
    }
    await this.db.insertInto('focus_spans').values({ id: newId(), room_id: roomId, user_id: userId, since: now, until: null, seen_at: now })
      .onConflict((oc) => oc.columns(['room_id', 'user_id']).where('until', 'is', null).doNothing()).execute()
  }

  async close(roomId: string, userId: string, now: number): Promise<void> {
    await this.db.updateTable('focus_spans').set({ until: now })
      .where('room_id', '=', roomId).where('user_id', '=', userId).where('until', 'is', null).execute()
  }

  /** the open stretches of these (room, user) pairs were confirmed at `now` */
  async confirm(roomId: string, userIds: string[], now: number): Promise<void> {
    if (!userIds.length) return
    await this.db.updateTable('focus_spans').set({ seen_at: now })
      .where('room_id', '=', roomId).where('user_id', 'in', userIds).where('until', 'is', null).execute()
  }

  /** drops stretches that ended by `before` (they can count for no later phase) */
  async prune(db: Kysely<DB>, roomId: string, before: number): Promise<void> {
    await db.deleteFrom('focus_spans').where('room_id', '=', roomId).where('until', 'is not', null).where('until', '<=', before).execute()
  }

  /** drops the room's stretches that have ended (at a start or stop of its timer) */
  async clearEnded(db: Kysely<DB>, roomId: string): Promise<void> {
    await db.deleteFrom('focus_spans').where('room_id', '=', roomId).where('until', 'is not', null).execute()
  }

  /** a stretch that can earn nothing (the timer is stopped) is forgotten instead of closed */
  /** every stretch of the user's in the room, open or ended */
  async dropAll(roomId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('focus_spans').where('room_id', '=', roomId).where('user_id', '=', userId).execute()
  }

  async drop(roomId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('focus_spans').where('room_id', '=', roomId).where('user_id', '=', userId).where('until', 'is', null).execute()
  }

  // ---- goals ----

  goals(roomId: string) {
    return this.db.selectFrom('focus_goals').selectAll().where('room_id', '=', roomId).execute()
  }

  async goalsOfRooms(roomIds: string[]) {
    const out = new Map<string, Selectable<DB['focus_goals']>[]>()
    if (!roomIds.length) return out
    for (const r of await this.db.selectFrom('focus_goals').selectAll().where('room_id', 'in', roomIds).execute()) {
      const l = out.get(r.room_id) ?? []
      l.push(r)
      out.set(r.room_id, l)
    }
    return out
  }

  async setGoal(roomId: string, userId: string, goal: string | null, now: number): Promise<void> {
    await this.db.insertInto('focus_goals').values({ room_id: roomId, user_id: userId, goal, last_goal: null, done: null, updated_at: now })
      .onConflict((oc) => oc.columns(['room_id', 'user_id']).doUpdateSet({ goal, updated_at: now })).execute()
  }

  /** false when the user had no goal in the phase that ended */
  async setDone(roomId: string, userId: string, done: boolean, now: number): Promise<boolean> {
    const r = await this.db.updateTable('focus_goals').set({ done: done ? 1 : 0, updated_at: now })
      .where('room_id', '=', roomId).where('user_id', '=', userId).where('last_goal', 'is not', null).executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  }

  /** a focus phase ended: goals become last goals, waiting for "done / not yet" */
  async endGoals(db: Kysely<DB>, roomId: string, now: number): Promise<void> {
    await db.deleteFrom('focus_goals').where('room_id', '=', roomId).where('goal', 'is', null).execute()
    await db.updateTable('focus_goals').set((eb) => ({ last_goal: eb.ref('goal'), goal: null, done: null, updated_at: now }))
      .where('room_id', '=', roomId).execute()
  }

  /** a new focus phase begins (or a new timer): last phase's goals go */
  async resetGoals(db: Kysely<DB>, roomId: string): Promise<void> {
    await db.deleteFrom('focus_goals').where('room_id', '=', roomId).execute()
  }

  // ---- settings ----

  async holds(userIds: string[]): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>(userIds.map((u) => [u, true]))
    if (!userIds.length) return out
    for (const r of await this.db.selectFrom('focus_settings').selectAll().where('user_id', 'in', userIds).execute()) out.set(r.user_id, r.hold_notifications === 1)
    return out
  }

  async setHold(userId: string, enabled: boolean): Promise<void> {
    const v = enabled ? 1 : 0
    await this.db.insertInto('focus_settings').values({ user_id: userId, hold_notifications: v })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ hold_notifications: v })).execute()
  }
}
