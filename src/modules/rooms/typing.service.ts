import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { TypingEventModel } from '../../graphql/models.js'
import { roomTopicFeed } from '../../realtime/room-feed.js'
import { topics } from '../../realtime/topics.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { spend } from '../../lib/rate-limit.js'

interface TypingMessage { roomId: string; userId: string; typing: boolean }

/** Ephemeral: published, never stored. A "typing" that is not renewed expires on the receiving side. */
export class TypingService {
  constructor(private svc: Services) {}

  async set(ctx: Ctx, roomId: string, typing: boolean): Promise<boolean> {
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    // a block ends a one-to-one conversation both ways: no message, and no typing either
    if (room.kind === 'DIRECT') await this.svc.friends.assertMaySendDirect(room.id, ctx.viewer!.userId)
    // every call fans out to each member watching: a flood is limited like sending (its own
    // bucket, so typing never eats the message allowance; the web client sends ~20 a minute)
    await spend(this.svc.limits, `typing:${ctx.viewer!.userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
    await this.svc.publish(topics.roomTyping(room.id), { roomId: room.id, userId: ctx.viewer!.userId, typing } satisfies TypingMessage)
    // someone typing is not idle (over HTTP too, where no socket message says so): no idle AWAY
    if (typing) this.svc.presence.touch(ctx.viewer!.userId)
    return true
  }

  async feed(ctx: Ctx, roomId: string): Promise<Feed> {
    // typing is for members (DESIGN §2): a reader of a PUBLIC room who is not in it is FORBIDDEN,
    // as for presence and the timer, and a member who leaves stops seeing it
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    const viewerId = ctx.viewer!.userId
    const ttl = this.svc.config.typingTtlMs
    const timers = new Map<string, NodeJS.Timeout>()
    return roomTopicFeed<TypingMessage>(this.svc.pubsub, {
      roomId: room.id, topic: topics.roomTyping(room.id), viewerId, endOnLeave: true,
      stillAllowed: () => this.svc.rooms.stillMember(room.id, viewerId),
      onMessage: async (m, sink) => {
        if (!m || typeof m.userId !== 'string' || m.userId === viewerId) return
        if (await this.svc.hidden(viewerId, m.userId)) return
        const t = timers.get(m.userId)
        if (t) clearTimeout(t)
        if (m.typing) {
          timers.set(m.userId, setTimeout(() => {
            timers.delete(m.userId)
            sink.next({ roomId: room.id, userId: m.userId, typing: false } satisfies TypingEventModel)
          }, ttl))
        } else {
          timers.delete(m.userId)
        }
        sink.next({ roomId: room.id, userId: m.userId, typing: !!m.typing } satisfies TypingEventModel)
      },
      onStop: () => {
        for (const t of timers.values()) clearTimeout(t)
        timers.clear()
      },
    })
  }

}
