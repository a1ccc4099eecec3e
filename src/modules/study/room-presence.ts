// Who is "present" in a room: a signed-in user with an open subscription that names the room
// (messageAdded, messageEvents, typing, presenceChanged(roomId), roomTimer, callChanged,
// signalReceived(roomId)). While an instance holds at least one such subscription for a
// (room, user) pair it keeps a lease for the pair in the shared store, so every instance sees the
// same answer and a crashed instance's subscriptions stop counting when their leases run out.
// While the room has a timer, the same events also write the member's stretches of presence
// (focus_spans, on the timer's clock) from which focus credit is computed (focus.ts).
import crypto from 'node:crypto'
import type { Services } from '../../services.js'
import type { AppResolvers, FeedResolver } from '../../graphql/schema.js'
import type { Feed, Sink } from '../../realtime/ws/feed.js'
import { isId } from '../../lib/text.js'
import { FocusRepository } from './focus.js'

export class RoomPresence {
  /** open subscriptions per (room, user) on this instance: one lease however many feeds */
  private local = new Map<string, { roomId: string; userId: string; count: number }>()
  private readonly instanceId = crypto.randomUUID()
  private heartbeat: NodeJS.Timeout | null = null
  /** span writes in flight (idle() waits for them) */
  private pending = new Set<Promise<unknown>>()
  /** per (room, user): the last span write, so enter and leave apply in order */
  private chains = new Map<string, Promise<unknown>>()
  readonly focus: FocusRepository
  /** pairs whose open stretch this process opened or kept (so a re-entry does not end it) */
  private mine = new Set<string>()

  constructor(private svc: Services) {
    this.focus = new FocusRepository(svc.database.db)
  }

  private now() { return this.svc.timers.clock.now() }

  /** runs op after the previous one of the same pair; tracked until done */
  private queue(key: string, op: () => Promise<unknown>) {
    const p = (this.chains.get(key) ?? Promise.resolve()).then(op).catch((err) => this.svc.log.error({ err }, 'focus presence write failed'))
    this.chains.set(key, p)
    this.pending.add(p)
    void p.finally(() => {
      this.pending.delete(p)
      if (this.chains.get(key) === p) this.chains.delete(key)
    })
  }

  /** resolves once every presence write started so far is done */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending])
  }

  /** whether the user holds a live lease for the room through another instance */
  private async elsewhere(roomId: string, userId: string): Promise<boolean> {
    const live = await this.svc.store.leaseLive(`inroom:${roomId}`, Date.now())
    return live.some((m) => m.startsWith(`${userId}|`) && m !== `${userId}|${this.instanceId}`)
  }

  /**
   * opens the user's stretch of presence if the room has a timer (also a stopped one: the timer
   * lists who is present, and since when; such a stretch is forgotten when they leave)
   */
  async openSpan(roomId: string, userId: string) {
    const timer = await this.svc.timers.repo.timer(roomId)
    if (!timer) return
    const key = `${roomId}|${userId}`
    await this.focus.open(roomId, userId, this.now(), this.mine.has(key) || await this.elsewhere(roomId, userId))
    this.mine.add(key)
  }

  /**
   * A timer started at `startedAt`: the members present now begin their stretches there, not at
   * this later reading of the clock. A member present all along was present for the whole phase;
   * starting them a few milliseconds late made their credit fall short of the whole minutes by
   * one (a 1-minute phase earned nothing, a 25-minute one 24).
   */
  async openAll(roomId: string, userIds: string[], startedAt: number) {
    await Promise.all(userIds.map(async (u) => {
      await this.focus.open(roomId, u, startedAt, true)
      if (this.local.has(`${roomId}|${u}`)) this.mine.add(`${roomId}|${u}`)
    }))
  }

  start() {
    if (this.heartbeat) return
    this.heartbeat = setInterval(() => { void this.refresh() }, this.svc.config.presence.heartbeatMs)
    this.heartbeat.unref()
  }

  /** stops the heartbeat; this instance's open stretches end now unless the user is present elsewhere */
  async stop() {
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = null
    for (const e of this.local.values()) this.queue(`${e.roomId}|${e.userId}`, () => this.closeUnlessElsewhere(e.roomId, e.userId))
    await this.idle()
  }

  private async closeUnlessElsewhere(roomId: string, userId: string) {
    this.mine.delete(`${roomId}|${userId}`)
    if (await this.elsewhere(roomId, userId)) return
    const timer = await this.svc.timers.repo.timer(roomId)
    if (!timer || timer.phase === 'STOPPED') await this.focus.drop(roomId, userId)
    else await this.focus.close(roomId, userId, this.now())
    // no longer focusing here: what was held for them goes out (unless they focus in another room)
    await this.svc.notifications.release(userId)
  }

  /** Marks the user present in the room until the returned function is called. */
  enter(roomId: string, userId: string): () => void {
    const key = `${roomId}|${userId}`
    let e = this.local.get(key)
    if (!e) {
      this.local.set(key, (e = { roomId, userId, count: 0 }))
      this.queue(key, async () => {
        await this.put(roomId, userId).catch((err) => this.svc.log.error({ err }, 'room presence lease failed'))
        await this.openSpan(roomId, userId)
      })
    }
    e.count++
    let left = false
    return () => {
      if (left) return
      left = true
      const cur = this.local.get(key)
      if (!cur || --cur.count > 0) return
      this.local.delete(key)
      this.queue(key, async () => {
        await Promise.all([
          this.svc.store.leaseDrop(`inroom:${roomId}`, `${userId}|${this.instanceId}`),
          this.svc.store.leaseDrop(`userin:${userId}`, `${roomId}|${this.instanceId}`),
        ]).catch(() => { /* the lease runs out on its own */ })
        // a new feed may have opened meanwhile
        if (this.local.has(key)) return
        await this.closeUnlessElsewhere(roomId, userId)
      })
    }
  }

  private async put(roomId: string, userId: string) {
    const until = Date.now() + this.svc.config.presence.leaseTtlMs
    await Promise.all([
      this.svc.store.leasePut(`inroom:${roomId}`, `${userId}|${this.instanceId}`, until),
      this.svc.store.leasePut(`userin:${userId}`, `${roomId}|${this.instanceId}`, until),
    ])
  }

  private async refresh() {
    await Promise.allSettled([...this.local.values()].map((e) => this.put(e.roomId, e.userId)))
    // confirm this instance's open stretches: one left by a crash ends near where it was last confirmed
    const byRoom = new Map<string, string[]>()
    // only stretches this process opened or kept: a stretch left by a dead instance must not be
    // revived between a feed opening here and its enter closing that stretch
    for (const e of this.local.values()) if (this.mine.has(`${e.roomId}|${e.userId}`)) byRoom.set(e.roomId, [...(byRoom.get(e.roomId) ?? []), e.userId])
    if (!byRoom.size) return
    const now = this.now()
    // only rooms whose timer is going have stretches to confirm
    const timers = await this.svc.timers.repo.timers([...byRoom.keys()]).catch(() => new Map())
    const going = [...byRoom].filter(([roomId]) => { const t = timers.get(roomId); return t && t.phase !== 'STOPPED' })
    await Promise.allSettled(going.map(([roomId, users]) => this.focus.confirm(roomId, users, now)))
  }

  /** ids of the users present in the room now (any instance) */
  async present(roomId: string): Promise<string[]> {
    const live = await this.svc.store.leaseLive(`inroom:${roomId}`, Date.now())
    return [...new Set(live.map((m) => m.slice(0, m.indexOf('|'))))]
  }

  /** ids of the rooms the user is present in now (any instance) */
  async roomsOf(userId: string): Promise<string[]> {
    const live = await this.svc.store.leaseLive(`userin:${userId}`, Date.now())
    return [...new Set(live.map((m) => m.slice(0, m.indexOf('|'))))]
  }
}

/**
 * Wraps every subscription field that takes a roomId so that an open, authorised subscription
 * marks its viewer present in that room. Applied once in app.ts over all resolver parts, so the
 * modules that own those feeds need not know about presence.
 */
export function withRoomPresence(presence: () => RoomPresence, parts: AppResolvers[]): AppResolvers[] {
  return parts.map((part) => {
    if (!part.Subscription) return part
    const wrapped: Record<string, FeedResolver<any>> = {}
    for (const [name, impl] of Object.entries(part.Subscription)) {
      wrapped[name] = {
        subscribe: async (root, args, ctx) => {
          const feed = await impl.subscribe(root, args, ctx)
          const roomId = (args as { roomId?: unknown } | undefined)?.roomId
          const userId = ctx.viewer?.userId
          if (!isId(roomId) || !userId) return feed
          return presenceFeed(feed, () => presence().enter(roomId, userId))
        },
      }
    }
    return { ...part, Subscription: wrapped }
  })
}

function presenceFeed(inner: Feed, enter: () => () => void): Feed {
  let leave: (() => void) | null = null
  let stopped = false
  const done = () => { leave?.(); leave = null }
  return {
    start: (sink: Sink) => {
      if (stopped) return
      leave = enter()
      return inner.start({
        next: (p) => sink.next(p),
        error: (e) => { done(); sink.error(e) },
        complete: () => { done(); sink.complete() },
        drained: () => sink.drained(),
      })
    },
    stop: () => { stopped = true; done(); inner.stop() },
  }
}
