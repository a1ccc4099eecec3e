// Who is "present" in a room: a signed-in user with an open subscription that names the room
// (messageAdded, messageEvents, typing, presenceChanged(roomId), roomTimer, callChanged,
// signalReceived(roomId)). While an instance holds at least one such subscription for a
// (room, user) pair it keeps a lease for the pair in the shared store, so every instance sees the
// same answer and a crashed instance's subscriptions stop counting when their leases run out.
import crypto from 'node:crypto'
import type { Services } from '../../services.js'
import type { AppResolvers, FeedResolver } from '../../graphql/schema.js'
import type { Feed, Sink } from '../../realtime/ws/feed.js'
import { isId } from '../../lib/text.js'

export class RoomPresence {
  /** open subscriptions per (room, user) on this instance: one lease however many feeds */
  private local = new Map<string, { roomId: string; userId: string; count: number }>()
  private readonly instanceId = crypto.randomUUID()
  private heartbeat: NodeJS.Timeout | null = null

  constructor(private svc: Services) {}

  start() {
    if (this.heartbeat) return
    this.heartbeat = setInterval(() => { void this.refresh() }, this.svc.config.presence.heartbeatMs)
    this.heartbeat.unref()
  }

  stop() {
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = null
  }

  /** Marks the user present in the room until the returned function is called. */
  enter(roomId: string, userId: string): () => void {
    const key = `${roomId}|${userId}`
    let e = this.local.get(key)
    if (!e) {
      this.local.set(key, (e = { roomId, userId, count: 0 }))
      void this.put(roomId, userId).catch((err) => this.svc.log.error({ err }, 'room presence lease failed'))
    }
    e.count++
    let left = false
    return () => {
      if (left) return
      left = true
      const cur = this.local.get(key)
      if (!cur || --cur.count > 0) return
      this.local.delete(key)
      void Promise.all([
        this.svc.store.leaseDrop(`inroom:${roomId}`, `${userId}|${this.instanceId}`),
        this.svc.store.leaseDrop(`userin:${userId}`, `${roomId}|${this.instanceId}`),
      ]).catch(() => { /* the lease runs out on its own */ })
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
