// Who is in a room's call right now. Membership of a call is a lease in the shared store
// (call:<roomId> -> userId), so every instance agrees. A participant stays in while they have
// an open socket somewhere: the instance holding their sockets refreshes their leases, the last
// socket closing (on every instance) takes them out of every call once the grace of a clean close
// has passed without a socket of theirs coming back, leaving the room takes them out of its call,
// and the leases of a crashed instance's users run out on their own.
import crypto from 'node:crypto'
import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { CallEventModel, UserModel } from '../../graphql/models.js'
import { spend } from '../../lib/rate-limit.js'
import { conflict } from '../../graphql/errors.js'
import { roomTopicFeed } from '../../realtime/room-feed.js'
import { topics } from '../../realtime/topics.js'
import { MAX_CALL_PARTICIPANTS } from '../../lib/limits.js'
import type { ClientSocket } from '../../realtime/ws/client-socket.js'
import type { Feed } from '../../realtime/ws/feed.js'

const callKey = (roomId: string) => `call:${roomId}`
const userCallsKey = (userId: string) => `usercalls:${userId}`
/** instances where the user has at least one open socket */
const socketsKey = (userId: string) => `wsusers:${userId}`
/**
 * The same members as call:<roomId> but outliving their lease by one TTL: whoever is here and no
 * longer in call:<roomId> ran out (crashed instance, no socket anywhere) and is announced as gone.
 */
const seenKey = (roomId: string) => `callseen:${roomId}`
/** rooms that had a call lately: where the sweep looks */
const ROOMS_KEY = 'callrooms'

export class CallsService {
  private readonly instanceId = crypto.randomUUID()
  /** users with open sockets on this instance */
  private local = new Set<string>()
  private heartbeat: NodeJS.Timeout | null = null
  private draining = false
  /** users whose last socket here closed: they leave their calls when the grace is over, unless back */
  private graces = new Map<string, NodeJS.Timeout>()

  constructor(private svc: Services) {}

  // as long as a presence lease (src/modules/presence): after an instance dies, its users leave
  // their calls when they go OFFLINE, not 10-20 s later (an audit: OFFLINE at 48 s, out of the call at 65 s)
  private until() { return Date.now() + this.svc.presence.leaseMs }

  start() {
    const gateway = this.svc.realtime
    gateway.hooks.push({
      ready: (conn: ClientSocket) => {
        const userId = conn.viewer?.userId
        // one lease per (user, instance), refreshed by the heartbeat: a second tab writes nothing
        if (!userId) return
        // back within the grace of a clean close: still in their calls
        const grace = this.graces.get(userId)
        if (grace) { clearTimeout(grace); this.graces.delete(userId) }
        if (this.local.has(userId)) return
        this.local.add(userId)
        void this.svc.store.leasePut(socketsKey(userId), this.instanceId, this.until()).catch((err) => this.svc.log.warn({ err }, 'call socket lease failed'))
      },
      closed: (conn: ClientSocket) => {
        const userId = conn.viewer?.userId
        if (!userId || this.draining || gateway.openSocketsOfUser(userId) > 0 || this.graces.has(userId)) return
        // a reload or a network blip is not hanging up: the user leaves their calls only if no
        // socket of theirs is back (here or elsewhere) within the grace presence gives a close
        const t = setTimeout(() => {
          this.graces.delete(userId)
          if (this.draining || gateway.openSocketsOfUser(userId) > 0) return
          this.local.delete(userId)
          void this.lastSocketClosedHere(userId).catch((err) => this.svc.log.error({ err }, 'leaving calls on close failed'))
        }, this.svc.config.presence.offlineGraceMs)
        t.unref()
        this.graces.set(userId, t)
      },
    })
    this.heartbeat = setInterval(() => { void this.refresh() }, this.svc.config.presence.heartbeatMs)
    this.heartbeat.unref()
  }

  /**
   * Called before a graceful shutdown closes every socket (1012): those users reconnect to another
   * instance and keep their calls; the leases of any who do not come back run out and are announced.
   */
  drain() {
    this.draining = true
  }

  stop() {
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = null
    for (const t of this.graces.values()) clearTimeout(t)
    this.graces.clear()
  }

  private async lastSocketClosedHere(userId: string) {
    await this.svc.store.leaseDrop(socketsKey(userId), this.instanceId)
    // still connected through another instance: stays in the call
    if ((await this.svc.store.leaseLive(socketsKey(userId), Date.now())).length > 0) return
    for (const roomId of await this.svc.store.leaseLive(userCallsKey(userId), Date.now())) await this.remove(roomId, userId)
  }

  private async refresh() {
    const until = this.until()
    await Promise.allSettled([...this.local].map(async (userId) => {
      await this.svc.store.leasePut(socketsKey(userId), this.instanceId, until)
      for (const roomId of await this.svc.store.leaseLive(userCallsKey(userId), Date.now())) {
        if (!(await this.svc.store.leaseLive(callKey(roomId), Date.now())).includes(userId)) continue
        await this.hold(roomId, userId, until)
      }
    }))
    await this.sweep().catch((err) => this.svc.log.error({ err }, 'call sweep failed'))
  }

  private async hold(roomId: string, userId: string, until: number) {
    const ttl = this.svc.config.presence.leaseTtlMs
    await Promise.all([
      this.svc.store.leasePut(callKey(roomId), userId, until),
      this.svc.store.leasePut(userCallsKey(userId), roomId, until),
      this.svc.store.leasePut(seenKey(roomId), userId, until + ttl),
      this.svc.store.leasePut(ROOMS_KEY, roomId, until + ttl),
    ])
  }

  /** Announces participants whose lease ran out; one instance per heartbeat does it. */
  private async sweep() {
    if (!(await this.svc.store.claim('callsweep', Math.max(100, this.svc.config.presence.heartbeatMs / 2)))) return
    const now = Date.now()
    for (const roomId of await this.svc.store.leaseLive(ROOMS_KEY, now)) {
      const live = new Set(await this.svc.store.leaseLive(callKey(roomId), now))
      for (const userId of await this.svc.store.leaseLive(seenKey(roomId), now)) {
        if (live.has(userId)) continue
        await this.svc.store.leaseDrop(seenKey(roomId), userId)
        await this.svc.store.leaseDrop(userCallsKey(userId), roomId)
        await this.announce(roomId, userId, false)
      }
    }
  }

  /** ids of the room's members in its call now */
  async participantIds(roomId: string): Promise<string[]> {
    const ids = await this.svc.store.leaseLive(callKey(roomId), Date.now())
    // someone who left the room is out of its call, whichever instance noticed first
    return (await this.svc.study.repo.membersAmong(roomId, ids)).sort()
  }

  private async users(ctx: Ctx, ids: string[]): Promise<UserModel[]> {
    const users = await Promise.all(ids.map((id) => this.svc.users.load(ctx, id)))
    return users.filter((u): u is UserModel => !!u)
  }

  async participants(ctx: Ctx, roomId: string): Promise<UserModel[]> {
    const { room } = await this.svc.rooms.readable(ctx, roomId)
    return this.users(ctx, await this.participantIds(room.id))
  }

  /** Room.callParticipants: the parent room is already one the viewer may see */
  async participantsOf(ctx: Ctx, roomId: string): Promise<UserModel[]> {
    return this.users(ctx, await this.participantIds(roomId))
  }

  /** joinCall: returns who was already in the call, so the newcomer knows whom to offer to */
  async join(ctx: Ctx, roomId: string): Promise<UserModel[]> {
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    const userId = ctx.viewer!.userId
    // a block ends a one-to-one conversation both ways, its call too
    if (room.kind === 'DIRECT') await this.svc.friends.assertMaySendDirect(room.id, userId)
    await spend(this.svc.limits, `call:${userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
    // a mesh call: every participant sends to every other one, and the lists are capped. The
    // place is taken in one step of the shared store: joins racing for the last one (on any
    // instance) get one each, not all of them (with Redis, 3 of 3 got in past 16 before)
    const until = this.until()
    const joined = await this.svc.store.leaseJoin(callKey(room.id), userId, until, Date.now(), MAX_CALL_PARTICIPANTS)
    if (joined === 'full') throw conflict(`The call is full (${MAX_CALL_PARTICIPANTS} people)`)
    await this.hold(room.id, userId, until)
    if (joined === 'joined') await this.announce(room.id, userId, true)
    return this.users(ctx, (await this.participantIds(room.id)).filter((id) => id !== userId))
  }

  async leave(ctx: Ctx, roomId: string): Promise<boolean> {
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    // no rate limit: leaving is always possible (it ends traffic; a limited leave left the user in)
    await this.remove(room.id, ctx.viewer!.userId)
    return true
  }

  /**
   * Out of the room's call, announced once: of the callers racing (every feed's onLeave, each
   * instance's close, leaveRoom) only the one that takes the lease announces it.
   */
  async remove(roomId: string, userId: string) {
    await this.svc.store.leaseDrop(seenKey(roomId), userId)
    const was = await this.svc.store.leaseTake(callKey(roomId), userId, Date.now())
    await this.svc.store.leaseDrop(userCallsKey(userId), roomId)
    if (was) await this.announce(roomId, userId, false)
  }

  private async announce(roomId: string, userId: string, joined: boolean) {
    const event: CallEventModel = { roomId, userId, joined, participantIds: await this.participantIds(roomId), at: Date.now() }
    await this.svc.publish(topics.roomCall(roomId), event)
  }

  /** callChanged: members only; leaving the room leaves its call and ends the feed */
  async feed(ctx: Ctx, roomId: string): Promise<Feed> {
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    const viewerId = ctx.viewer!.userId
    return roomTopicFeed<CallEventModel>(this.svc.pubsub, {
      roomId: room.id, topic: topics.roomCall(room.id), viewerId, endOnLeave: true,
      stillAllowed: () => this.svc.rooms.stillMember(room.id, viewerId),
      onMessage: (e, sink) => { if (e && e.roomId === room.id) sink.next(e) },
      onLeave: () => { void this.remove(room.id, viewerId).catch((err) => this.svc.log.warn({ err }, 'leaving the call on room leave failed')) },
    })
  }

}
