import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { TypingEventModel } from '../../graphql/models.js'
import { topics } from '../../realtime/topics.js'
import type { Feed } from '../../realtime/gateway.js'
import { spend } from '../../lib/rate-limit.js'

interface TypingMessage { roomId: string; userId: string; typing: boolean }

/** Ephemeral: published, never stored. A "typing" that is not renewed expires on the receiving side. */
export class TypingService {
  constructor(private svc: Services) {}

  async set(ctx: Ctx, roomId: string, typing: boolean): Promise<boolean> {
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    // every call fans out to each member watching: a flood is limited like sending (its own
    // bucket, so typing never eats the message allowance; the web client sends ~20 a minute)
    await spend(this.svc.store, `typing:${ctx.viewer!.userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
    await this.svc.publish(topics.roomTyping(room.id), { roomId: room.id, userId: ctx.viewer!.userId, typing } satisfies TypingMessage)
    return true
  }

  async feed(ctx: Ctx, roomId: string): Promise<Feed> {
    const { room } = await this.svc.rooms.readable(ctx, roomId)
    const viewerId = ctx.viewer!.userId
    const ttl = this.svc.config.typingTtlMs
    const timers = new Map<string, NodeJS.Timeout>()
    let offs: (() => void)[] = []
    let stopped = false
    return {
      start: async (sink) => {
        const emit = (ev: TypingEventModel) => sink.next(ev)
        const off = await this.svc.pubsub.subscribe(topics.roomTyping(room.id), async (m: TypingMessage) => {
          if (!m || typeof m.userId !== 'string' || m.userId === viewerId) return
          if (await this.svc.hidden(viewerId, m.userId)) return
          const t = timers.get(m.userId)
          if (t) clearTimeout(t)
          if (m.typing) {
            timers.set(m.userId, setTimeout(() => {
              timers.delete(m.userId)
              emit({ roomId: room.id, userId: m.userId, typing: false })
            }, ttl))
          } else {
            timers.delete(m.userId)
          }
          emit({ roomId: room.id, userId: m.userId, typing: !!m.typing })
        })
        offs.push(off)
        const offControl = await this.svc.pubsub.subscribe(topics.roomControl(room.id), (c: { type?: string; userId?: string }) => {
          if (c?.type === 'deleted' || (c?.type === 'left' && c.userId === viewerId && room.kind !== 'PUBLIC')) sink.complete()
        })
        offs.push(offControl)
        if (stopped) { for (const o of offs) o(); offs = [] }
      },
      stop: () => {
        stopped = true
        for (const o of offs) o()
        offs = []
        for (const t of timers.values()) clearTimeout(t)
        timers.clear()
      },
    }
  }
}
