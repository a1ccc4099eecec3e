// The shared room timer. State lives in room_timers; every instance runs the same scheduler,
// which wakes when the earliest running phase ends (and polls, to learn of timers other
// instances started) and moves due timers on with a compare-and-set on `version`, so each
// transition is performed, and published, by exactly one instance.
import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { FocusParticipantModel, RoomTimerModel } from '../../graphql/models.js'
import { badInput, conflict } from '../../graphql/errors.js'
import { newId } from '../../lib/ids.js'
import { spend } from '../../lib/rate-limit.js'
import { roomTopicFeed } from '../../realtime/room-feed.js'
import { topics } from '../../realtime/topics.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { type Clock, systemClock } from './clock.js'
import { StudyRepository, type TimerRow } from './study.repository.js'
import { type Segment, closeSegments, creditMs, parseSegments, wholeMinutes } from './focus.js'
import type { StudySessionsTable } from '../../db/types.js'
import { cleanText } from '../../lib/text.js'

const MINUTE = 60_000
/** how often an instance looks for timers that other instances started or changed */
const POLL_MS = 2000
const BATCH = 100

const isRunning = (r: TimerRow) => (r.phase === 'FOCUS' || r.phase === 'BREAK') && r.phase_ends_at !== null
const phaseMs = (r: TimerRow, phase: 'FOCUS' | 'BREAK') => (phase === 'FOCUS' ? r.focus_minutes : r.break_minutes) * MINUTE

/**
 * The state once the running phase has ended. Phases follow each other on the schedule, not on
 * when this runs; whole cycles missed while no instance was up are skipped in one step.
 */
function afterPhaseEnd(row: TimerRow, now: number): { next: TimerRow; focusDone: boolean } {
  let r = row
  const cycle = (r.focus_minutes + r.break_minutes) * MINUTE
  const behind = now - r.phase_ends_at!
  if (behind >= cycle) {
    const k = Math.floor(behind / cycle)
    r = { ...r, phase_started_at: r.phase_started_at + k * cycle, phase_ends_at: r.phase_ends_at! + k * cycle, cycle: r.cycle + k }
  }
  const end = r.phase_ends_at!
  if (r.phase === 'FOCUS') {
    return {
      next: { ...r, phase: 'BREAK', phase_started_at: end, phase_ends_at: end + phaseMs(r, 'BREAK'), cycle: r.cycle + 1, version: row.version + 1, focus_segments: '[]' },
      focusDone: true,
    }
  }
  return { next: { ...r, phase: 'FOCUS', phase_started_at: end, phase_ends_at: end + phaseMs(r, 'FOCUS'), version: row.version + 1, focus_segments: JSON.stringify([[end, null]]) }, focusDone: false }
}

/** when the row's phase first ran: the start of its first running segment (a resume moves phase_started_at on) */
function phaseBegan(row: TimerRow): number {
  return segmentsOf(row)[0]?.[0] ?? row.phase_started_at
}

/**
 * The key of the session a member earns in a FOCUS phase from these stretches of presence: the
 * phase (its first running moment) and the member's earliest stretch in it. A leave credits the
 * stretches so far and drops them, so a rejoin in the same phase starts a stretch, and a key, of
 * its own. The phase's end or stop and a leave racing it read the same stretches and record one
 * session between them (study_sessions is unique on user and key): with a key of each of their
 * own, a leave at the moment of a stop was credited twice.
 */
function creditKey(row: TimerRow, userSpans: readonly { id: string; since: number | string }[]): string {
  const first = [...userSpans].sort((a, b) => Number(a.since) - Number(b.since) || a.id.localeCompare(b.id))[0]
  return `${row.room_id}:${phaseBegan(row)}:${first?.id ?? ''}`
}

/** what the row will say once due transitions are done: reads never show an ended phase */
function project(row: TimerRow, now: number): TimerRow {
  let r = row
  for (let i = 0; i < 4 && isRunning(r) && r.phase_ends_at! <= now; i++) r = afterPhaseEnd(r, now).next
  return r
}

export function toTimerModel(r: TimerRow, now: number): RoomTimerModel {
  return {
    roomId: r.room_id,
    phase: r.phase,
    pausedPhase: r.paused_phase,
    focusMinutes: r.focus_minutes,
    breakMinutes: r.break_minutes,
    phaseStartedAt: r.phase_started_at,
    phaseEndsAt: r.phase_ends_at,
    remainingMs: r.remaining_ms,
    startedById: r.started_by,
    cycle: r.cycle,
    version: r.version,
    serverTime: now,
    focusSegments: segmentsOf(r),
    lastAction: r.last_action,
    lastActionById: r.last_action_by,
    lastActionAt: r.last_action_at,
  }
}

/** whether the row is in a FOCUS phase, running or paused */
export const inFocus = (r: { phase: string; paused_phase?: string | null; pausedPhase?: string | null }) =>
  r.phase === 'FOCUS' || (r.phase === 'PAUSED' && (r.paused_phase ?? r.pausedPhase) === 'FOCUS')

/** the running stretches of the row's FOCUS phase (rows from before they were kept: the whole phase) */
export function segmentsOf(r: TimerRow): Segment[] {
  if (!inFocus(r)) return []
  const segs = parseSegments(r.focus_segments)
  if (!segs.length && r.phase === 'FOCUS') return [[r.phase_started_at, null]]
  return segs
}

export const MAX_GOAL = 140

export function remainingSeconds(t: RoomTimerModel): number {
  if (t.phase === 'PAUSED') return Math.max(0, Math.ceil((t.remainingMs ?? 0) / 1000))
  if ((t.phase === 'FOCUS' || t.phase === 'BREAK') && t.phaseEndsAt !== null) return Math.max(0, Math.ceil((t.phaseEndsAt - t.serverTime) / 1000))
  return 0
}

function minutesArg(value: unknown, field: string, max: number): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) throw badInput(field, `${field} must be a whole number from 1 to ${max}`)
  return value as number
}

export class TimerService {
  /** swapped by tests (useClock) to drive phases without waiting */
  clock: Clock = systemClock
  readonly repo: StudyRepository
  private armed: { at: number; cancel: () => void } | null = null
  private sweeping: Promise<void> | null = null
  private again = false
  private stopped = true

  constructor(private svc: Services) {
    this.repo = new StudyRepository(svc.database.db)
  }

  /** starts the scheduler: due transitions (e.g. after a restart) are performed at once */
  startScheduler(): Promise<void> {
    this.stopped = false
    return this.sweep()
  }

  async stopScheduler() {
    this.stopped = true
    this.armed?.cancel()
    this.armed = null
    await this.sweeping
  }

  /** Replaces the clock and re-plans the scheduler on it. */
  async useClock(clock: Clock) {
    this.armed?.cancel()
    this.armed = null
    await this.sweeping
    this.clock = clock
    if (!this.stopped) await this.sweep()
  }

  /** Performs every due transition, then sleeps until the next phase end (or the next poll). */
  sweep(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.sweeping) { this.again = true; return this.sweeping }
    const run = async () => {
      try {
        do {
          this.again = false
          const now = this.clock.now()
          const due = await this.repo.dueTimers(now, BATCH)
          for (const row of due) {
            if (this.stopped) return
            await this.advance(row, now).catch((err) => this.svc.log.error({ err, roomId: row.room_id }, 'timer transition failed'))
          }
          if (due.length === BATCH) this.again = true
        } while (this.again && !this.stopped)
        await this.arm()
      } catch (err) {
        if (this.stopped) return
        this.svc.log.error({ err }, 'timer sweep failed')
        this.schedule(this.clock.now() + POLL_MS)
      }
    }
    this.sweeping = run().finally(() => { this.sweeping = null })
    return this.sweeping
  }

  private async arm() {
    if (this.stopped) return
    const next = await this.repo.nextPhaseEnd()
    this.schedule(Math.min(next ?? Infinity, this.clock.now() + POLL_MS))
  }

  private schedule(at: number) {
    if (this.stopped) return
    this.armed?.cancel()
    this.armed = { at, cancel: this.clock.setTimer(at, () => this.sweep()) }
  }

  /** a phase now ends at `at`: wake then if that is sooner than planned */
  private wake(at: number) {
    if (!this.stopped && (!this.armed || at < this.armed.at)) this.schedule(at)
  }

  /** Moves one timer through every transition due by `now`, each one compare-and-set. */
  private async advance(start: TimerRow, now: number) {
    let row = start
    for (let i = 0; i < 8; i++) {
      if (!isRunning(row) || row.phase_ends_at! > now) return
      const { next, focusDone } = afterPhaseEnd(row, now)
      // the phase that ran is credited, from its first running moment (phase_started_at moves on
      // at a resume, and past skipped cycles after downtime) to its own end
      const earned = focusDone ? await this.earned(row, row.phase_ends_at!, phaseBegan(row)) : null
      const roomId = row.room_id
      // the sessions the ending FOCUS earned commit with the move, by the one instance that wins it
      const won = await this.repo.casTimer(next, row.version, earned?.sessions ?? [], async (trx) => {
        if (focusDone) {
          await this.focus.endGoals(trx, roomId, now)
          await this.focus.prune(trx, roomId, row.phase_ends_at!)
        } else {
          await this.focus.resetGoals(trx, roomId)
        }
      })
      if (!won) {
        // another instance (or a pause/stop) got there first: look again
        const fresh = await this.repo.timer(row.room_id)
        if (!fresh) return
        row = fresh
        continue
      }
      await this.publish(next)
      if (earned) await this.released(earned.users)
      row = next
    }
  }

  private get focus() { return this.svc.study.roomPresence.focus }

  /**
   * The sessions a FOCUS phase earns when it ends at `end`: each member's whole minutes of
   * presence inside its running stretches (one session per member with at least one minute).
   */
  private async earned(row: TimerRow, end: number, startedAt: number): Promise<{ sessions: StudySessionsTable[]; users: string[] }> {
    const segs = closeSegments(segmentsOf(row), end)
    const [spans, present] = await Promise.all([this.focus.spans(row.room_id), this.svc.study.roomPresence.present(row.room_id)])
    const credit = creditMs(spans, segs, end, new Set(present))
    const members = new Set(await this.repo.membersAmong(row.room_id, [...credit.keys()]))
    const sessions: StudySessionsTable[] = []
    for (const [userId, ms] of credit) {
      const minutes = wholeMinutes(ms)
      if (!members.has(userId) || minutes < 1) continue
      sessions.push({ id: newId(), user_id: userId, room_id: row.room_id, minutes, started_at: startedAt, ended_at: end, timer_key: creditKey(row, spans.filter((x) => x.user_id === userId)) })
    }
    return { sessions, users: [...new Set([...credit.keys(), ...present])] }
  }

  /**
   * A member who leaves the room (or is removed) during a FOCUS phase keeps the whole minutes they
   * were present in it so far (contract part 2: credited for the minutes present; nothing asks
   * them to be a member when the phase ends, and the phase end credits members only). Recorded
   * now, as a stop mid-phase records the minutes so far; their stretches of presence in the room
   * go, so a rejoin in the same phase is credited from the rejoin.
   */
  async creditLeaver(roomId: string, userId: string): Promise<void> {
    const row = await this.repo.timer(roomId)
    if (!row || !inFocus(row)) { await this.focus.dropAll(roomId, userId); return }
    const spans = (await this.focus.spans(roomId)).filter((s) => s.user_id === userId)
    if (!spans.length) return
    // a phase that has ended (its move not made yet) is credited up to its end, as the move will
    const now = Math.min(this.clock.now(), row.phase_ends_at ?? Infinity)
    // present until now when a stretch is still open (the leave is closing their feeds)
    const minutes = wholeMinutes(creditMs(spans, closeSegments(segmentsOf(row), now), now, new Set([userId])).get(userId) ?? 0)
    if (minutes >= 1) {
      // the key the phase's own end or stop gives the same stretches: whichever of them comes
      // first records the credit, the other one finds it recorded (study_sessions' unique key)
      await this.repo.insertCredit({ id: newId(), user_id: userId, room_id: roomId, minutes, started_at: phaseBegan(row), ended_at: now, timer_key: creditKey(row, spans) })
    }
    await this.focus.dropAll(roomId, userId)
  }

  /** these users' focus in a room ended (or paused): notifications held for them go out */
  private async released(userIds: string[]) {
    await Promise.all(userIds.map((u) => this.svc.notifications.release(u).catch((err) => this.svc.log.error({ err }, 'releasing held notifications failed'))))
  }

  /** members with an open subscription to one of the room's streams, on any instance */
  private async presentMembers(roomId: string): Promise<string[]> {
    const present = await this.svc.study.roomPresence.present(roomId)
    return this.repo.membersAmong(roomId, present)
  }

  private async publish(row: TimerRow) {
    await this.svc.publish(topics.roomTimer(row.room_id), toTimerModel(row, this.clock.now()))
    // the present members' focusUntil moved with the phase: their friends hear it (presence)
    void this.presentMembers(row.room_id).then((ids) => this.svc.presence.announceFocus(ids))
      .catch((err) => this.svc.log.warn({ err }, 'announcing focus to friends failed'))
  }

  /** the row, after performing any transition that is already due */
  private async current(roomId: string, now: number): Promise<TimerRow | null> {
    const row = await this.repo.timer(roomId)
    if (row && isRunning(row) && row.phase_ends_at! <= now) {
      await this.advance(row, now)
      return this.repo.timer(roomId)
    }
    return row
  }

  private async changed(row: TimerRow): Promise<RoomTimerModel> {
    await this.publish(row)
    if (isRunning(row)) this.wake(row.phase_ends_at!)
    return toTimerModel(row, this.clock.now())
  }

  /** Runs `decide` against the current row until its compare-and-set wins. */
  private async mutate(ctx: Ctx, roomId: string, decide: (row: TimerRow | null, now: number, roomId: string) => TimerRow | 'unchanged'): Promise<RoomTimerModel> {
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    // every change is published to the whole room
    await spend(this.svc.limits, `timer:${ctx.viewer!.userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = this.clock.now()
      const row = await this.current(room.id, now)
      const decided = decide(row, now, room.id)
      if (decided === 'unchanged') return toTimerModel(row!, now)
      const next: TimerRow = { ...decided, last_action_by: ctx.viewer!.userId, last_action_at: now }
      const action = next.last_action
      // stopping in the middle of a FOCUS phase credits the minutes so far
      const earned = action === 'STOPPED' && row && inFocus(row) ? await this.earned(row, now, phaseBegan(row)) : null
      const extra = async (trx: Parameters<NonNullable<Parameters<StudyRepository['casTimer']>[3]>>[0]) => {
        // stretches that ended count for no later phase; open ones go on (a member present
        // before the start is credited from the phase's start, and shows present since arriving)
        if (action === 'STARTED') { await this.focus.resetGoals(trx, room.id); await this.focus.clearEnded(trx, room.id) }
        if (action === 'STOPPED') {
          if (row && inFocus(row)) await this.focus.endGoals(trx, room.id, now)
          await this.focus.clearEnded(trx, room.id)
        }
      }
      const won = row ? await this.repo.casTimer(next, row.version, earned?.sessions ?? [], extra) : await this.repo.insertTimer(next)
      if (!won) continue
      if (action === 'STARTED') {
        // the members present now begin their stretches of presence
        await this.svc.study.roomPresence.openAll(room.id, await this.presentMembers(room.id), next.phase_started_at)
      }
      const out = await this.changed(next)
      if (earned) await this.released(earned.users)
      else if (action === 'PAUSED' && row?.phase === 'FOCUS') await this.released(await this.svc.study.roomPresence.present(room.id))
      return out
    }
    throw conflict('The timer kept changing; try again')
  }

  startTimer(ctx: Ctx, roomId: string, focusMinutes: unknown, breakMinutes: unknown): Promise<RoomTimerModel> {
    const focus = minutesArg(focusMinutes ?? 25, 'focusMinutes', 180)
    const brk = minutesArg(breakMinutes ?? 5, 'breakMinutes', 60)
    const userId = ctx.viewer!.userId
    return this.mutate(ctx, roomId, (row, now, rid) => {
      if (row && row.phase !== 'STOPPED') throw conflict('A timer is already running in this room')
      return {
        room_id: rid, phase: 'FOCUS', paused_phase: null, focus_minutes: focus, break_minutes: brk,
        phase_started_at: now, phase_ends_at: now + focus * MINUTE, remaining_ms: null, started_by: userId,
        cycle: 0, version: (row?.version ?? 0) + 1, focus_segments: JSON.stringify([[now, null]]),
        last_action: 'STARTED', last_action_by: userId, last_action_at: now,
      }
    })
  }

  pauseTimer(ctx: Ctx, roomId: string): Promise<RoomTimerModel> {
    return this.mutate(ctx, roomId, (row, now) => {
      if (!row || !isRunning(row)) throw conflict('Only a running focus or break can be paused')
      return {
        ...row, phase: 'PAUSED', paused_phase: row.phase as 'FOCUS' | 'BREAK', remaining_ms: Math.max(0, row.phase_ends_at! - now),
        phase_started_at: now, phase_ends_at: null, version: row.version + 1,
        focus_segments: JSON.stringify(closeSegments(segmentsOf(row), now)), last_action: 'PAUSED',
      }
    })
  }

  resumeTimer(ctx: Ctx, roomId: string): Promise<RoomTimerModel> {
    return this.mutate(ctx, roomId, (row, now) => {
      if (!row || row.phase !== 'PAUSED' || !row.paused_phase) throw conflict('Only a paused timer can be resumed')
      const phase = row.paused_phase
      const ends = now + (row.remaining_ms ?? 0)
      const segs: Segment[] = phase === 'FOCUS' ? [...segmentsOf(row), [now, null]] : []
      // the phase keeps its length: clients draw progress from phaseStartedAt..phaseEndsAt
      return {
        ...row, phase, paused_phase: null, remaining_ms: null, phase_ends_at: ends,
        phase_started_at: ends - phaseMs(row, phase), version: row.version + 1,
        focus_segments: JSON.stringify(segs), last_action: 'RESUMED',
      }
    })
  }

  stopTimer(ctx: Ctx, roomId: string): Promise<RoomTimerModel> {
    return this.mutate(ctx, roomId, (row, now) => {
      if (!row) throw conflict('No timer was started in this room')
      if (row.phase === 'STOPPED') return 'unchanged'
      return {
        ...row, phase: 'STOPPED', paused_phase: null, remaining_ms: null, phase_started_at: now, phase_ends_at: null, version: row.version + 1,
        focus_segments: '[]', last_action: 'STOPPED',
      }
    })
  }

  /** RoomTimer.participants: members present now, or credited (or with a goal) in the current phase */
  async participants(ctx: Ctx, t: RoomTimerModel): Promise<FocusParticipantModel[]> {
    const [spans, goals, present] = await Promise.all([
      ctx.loaders.of('focusSpans', (ids: readonly string[]) => this.focus.spansOfRooms([...ids])).load(t.roomId),
      ctx.loaders.of('focusGoals', (ids: readonly string[]) => this.focus.goalsOfRooms([...ids])).load(t.roomId),
      ctx.loaders.of('roomPresent', async (ids: readonly string[]) => new Map(await Promise.all(ids.map(async (id) => [id, await this.svc.study.roomPresence.present(id)] as const)))).load(t.roomId),
    ])
    const now = this.clock.now()
    const presentSet = new Set(present ?? [])
    const credit = t.phase === 'STOPPED' ? new Map<string, number>() : creditMs(spans ?? [], t.focusSegments, now, presentSet)
    const since = new Map<string, number>()
    for (const s of spans ?? []) if (s.until === null && presentSet.has(s.user_id)) since.set(s.user_id, Number(s.since))
    const goalOf = new Map((goals ?? []).map((g) => [g.user_id, g]))
    const candidates = new Set<string>([...presentSet, ...[...credit].filter(([, ms]) => ms >= MINUTE).map(([u]) => u), ...goalOf.keys()])
    const members = new Set(await this.repo.membersAmong(t.roomId, [...candidates]))
    const out: FocusParticipantModel[] = []
    for (const userId of candidates) {
      if (!members.has(userId)) continue
      const g = goalOf.get(userId)
      out.push({
        userId, roomId: t.roomId,
        goal: g?.goal ?? null, lastGoal: g?.last_goal ?? null, goalDone: g?.done === null || g?.done === undefined ? null : g.done === 1,
        presentSince: presentSet.has(userId) ? (since.get(userId) ?? null) : null,
        minutesThisPhase: inFocus(t) ? wholeMinutes(credit.get(userId) ?? 0) : 0,
      })
    }
    return out.sort((a, b) => (a.presentSince ?? Infinity) - (b.presentSince ?? Infinity) || a.userId.localeCompare(b.userId))
  }

  /** setFocusGoal: a member present in the room's FOCUS phase; null clears */
  async setGoal(ctx: Ctx, roomId: string, goal: unknown): Promise<RoomTimerModel> {
    const text = goal === null || goal === undefined ? null : cleanText(goal, 'goal', { min: 1, max: MAX_GOAL })
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    // published to the whole room, like every timer change
    await spend(this.svc.limits, `timer:${ctx.viewer!.userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
    const me = ctx.viewer!.userId
    const now = this.clock.now()
    const row = await this.current(room.id, now)
    if (!row || !inFocus(row)) throw conflict('Goals are set during a focus phase')
    if (!(await this.svc.study.roomPresence.present(room.id)).includes(me)) throw conflict('Open the room to focus in it first')
    await this.focus.setGoal(room.id, me, text, now)
    return this.changed(row)
  }

  /** setFocusGoalDone: after a focus phase, whether one's goal of it was done (shown to the room) */
  async setGoalDone(ctx: Ctx, roomId: string, done: unknown): Promise<RoomTimerModel> {
    if (typeof done !== 'boolean') throw badInput('done', 'done must be true or false')
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    await spend(this.svc.limits, `timer:${ctx.viewer!.userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
    const now = this.clock.now()
    if (!(await this.focus.setDone(room.id, ctx.viewer!.userId, done, now))) throw conflict('You had no goal in the focus phase that ended')
    const row = await this.current(room.id, now)
    return this.changed(row!)
  }

  /**
   * Since when the user's notifications are held: they hold them (the default) and are present in
   * a running FOCUS phase; null when not held now.
   */
  async heldSince(userId: string): Promise<number | null> {
    const rooms = await this.svc.study.roomPresence.roomsOf(userId)
    if (!rooms.length) return null
    if (!(await this.focus.holds([userId])).get(userId)) return null
    const now = this.clock.now()
    let since: number | null = null
    const timers = await this.repo.timers(rooms)
    const spans = await this.focus.spansOfRooms([...timers.keys()])
    for (const [roomId, row] of timers) {
      if (row.phase !== 'FOCUS' || row.phase_ends_at === null || row.phase_ends_at <= now) continue
      if (!(await this.repo.membersAmong(roomId, [userId])).length) continue
      const seg = segmentsOf(row).find(([, to]) => to === null)
      const span = (spans.get(roomId) ?? []).find((s) => s.user_id === userId && s.until === null)
      const from = Math.max(seg?.[0] ?? row.phase_started_at, span ? Number(span.since) : now)
      since = since === null ? from : Math.min(since, from)
    }
    return since
  }

  /** Room.timer: batched over the rooms of one operation */
  async forRoom(ctx: Ctx, roomId: string): Promise<RoomTimerModel | null> {
    const row = await ctx.loaders.of<string, TimerRow>('roomTimer', (ids) => this.repo.timers(ids)).load(roomId)
    if (!row) return null
    const now = this.clock.now()
    return toTimerModel(project(row, now), now)
  }

  /** User.focusUntil: the end of a running FOCUS phase in a room where the user is a present member */
  async focusUntil(ctx: Ctx, userId: string): Promise<number | null> {
    const v = await ctx.loaders.of<string, number>('focusUntil', async (userIds) => {
      const out = new Map<string, number>()
      const rooms = await Promise.all(userIds.map((u) => this.svc.study.roomPresence.roomsOf(u)))
      const present = new Set<string>()
      userIds.forEach((u, i) => { for (const r of rooms[i]) present.add(`${u}|${r}`) })
      const allRooms = [...new Set(rooms.flat())]
      for (const f of await this.repo.focusPhases(userIds, allRooms, this.clock.now())) {
        if (!present.has(`${f.userId}|${f.roomId}`)) continue
        out.set(f.userId, Math.max(out.get(f.userId) ?? 0, f.endsAt))
      }
      return out
    }).load(userId)
    return v ?? null
  }

  /** roomTimer(roomId): members only; ends when the viewer leaves or the room is deleted */
  async feed(ctx: Ctx, roomId: string): Promise<Feed> {
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    return roomTopicFeed<RoomTimerModel>(this.svc.pubsub, {
      roomId: room.id, topic: topics.roomTimer(room.id), viewerId: ctx.viewer!.userId, endOnLeave: true,
      stillAllowed: () => this.svc.rooms.stillMember(room.id, ctx.viewer!.userId),
      onMessage: (t, sink) => { if (t && t.roomId === room.id) sink.next(t) },
    })
  }

}
