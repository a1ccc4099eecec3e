import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { FriendRequestModel, NotificationModel, RoomModel, UserModel } from '../../graphql/models.js'
import { badInput, conflict, forbidden, notFound } from '../../graphql/errors.js'
import { isId, nameKey } from '../../lib/text.js'
import { newId, newJoinCode } from '../../lib/ids.js'
import { spend, perUser } from '../../lib/rate-limit.js'
import { topics } from '../../realtime/topics.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { inOrder, topicFeed } from '../../realtime/topic-feed.js'
import type { RoomControl } from '../rooms/rooms.service.js'
import type { FriendshipStatus } from '../users/users.service.js'
import { type FriendshipEventModel, type InboxMessage, isInbox } from '../notifications/inbox.js'
import { FriendsRepository } from './friends.repository.js'
import { MAX_BLOCKS, MAX_FRIENDS, MAX_PENDING_REQUESTS, MAX_ROOMS_PER_USER } from '../../lib/limits.js'
import { RoomQuotaError } from '../rooms/rooms.repository.js'

/** what one mutation changed, published after commit */
interface Change {
  a: string
  b: string
  requests: FriendRequestModel[]
  notifications: NotificationModel[]
  /** b's side of the relation did not change (a block or unblock between strangers): only a hears */
  onlyA?: boolean
}

export class FriendsService {
  readonly repo: FriendsRepository
  constructor(private svc: Services) {
    this.repo = new FriendsRepository(svc.database.db, svc.database.dialect)
  }

  /** the other user, who must exist and not be the viewer */
  private async other(ctx: Ctx, userId: unknown, field = 'userId'): Promise<UserModel> {
    if (!isId(userId)) throw notFound('No such user')
    if (userId === ctx.viewer!.userId) throw badInput(field, 'That is you')
    return this.svc.users.get(ctx, userId)
  }

  friendshipFor(ctx: Ctx, userId: string): Promise<FriendshipStatus> {
    const viewer = ctx.viewer
    if (!viewer || viewer.userId === userId) return Promise.resolve('NONE')
    return ctx.loaders.of<string, FriendshipStatus>('friendship', (ids) => this.repo.relations(viewer.userId, ids))
      .load(userId).then((s) => s ?? 'NONE')
  }

  /** requests and cancels share one bucket: each pair is a notification to the other user */
  private spendRequest(userId: string) {
    return spend(this.svc.limits, `friendreq:${userId}`, perUser(this.svc.config, this.svc.config.friendRequestRateLimit), 60_000)
  }

  async sendRequest(ctx: Ctx, userId: string): Promise<FriendRequestModel> {
    const me = ctx.viewer!.userId
    await this.spendRequest(me)
    const other = await this.other(ctx, userId)
    const now = Date.now()
    const { result, change } = await this.repo.transaction(async (trx) => {
      await this.repo.lockPair(trx, me, other.id)
      const rel = await this.repo.relation(trx, me, other.id)
      if (rel.blocked || rel.blockedBy) throw forbidden('You cannot send a friend request to this user')
      if (rel.friends) throw conflict('You are already friends')
      if (rel.sent) throw conflict('A friend request is already pending')
      if (rel.received) {
        await this.friendQuota(trx, me, other.id)
        // they asked first: asking back is saying yes
        const accepted = await this.repo.answer(trx, rel.received.id, 'ACCEPTED', now)
        if (!accepted) throw conflict('That request was already answered')
        await this.repo.addFriendship(trx, me, other.id, now)
        const n = await this.svc.notifications.insert(trx, { userId: other.id, kind: 'FRIEND_REQUEST_ACCEPTED', actorId: me, friendRequestId: accepted.id }, now)
        return { result: accepted, change: { a: me, b: other.id, requests: [accepted], notifications: [n] } satisfies Change }
      }
      if (await this.repo.countOf(trx, 'outgoing', me) >= MAX_PENDING_REQUESTS) {
        throw conflict(`You have ${MAX_PENDING_REQUESTS} friend requests waiting for an answer, the most at once; cancel some first`)
      }
      if (await this.repo.countOf(trx, 'friends', me) >= MAX_FRIENDS) throw conflict(`You have ${MAX_FRIENDS} friends, the most one account may have`)
      const req = await this.repo.insertRequest(trx, { id: newId(), from_id: me, to_id: other.id, status: 'PENDING', created_at: now, responded_at: null })
      const n = await this.svc.notifications.insert(trx, { userId: other.id, kind: 'FRIEND_REQUEST_RECEIVED', actorId: me, friendRequestId: req.id }, now)
      return { result: req, change: { a: me, b: other.id, requests: [req], notifications: [n] } satisfies Change }
    })
    await this.announce(change)
    return result
  }

  /** both sides of a new friendship must have room for it (friends lists are capped) */
  private async friendQuota(trx: Parameters<Parameters<FriendsRepository['transaction']>[0]>[0], me: string, other: string) {
    if (await this.repo.countOf(trx, 'friends', me) >= MAX_FRIENDS) throw conflict(`You have ${MAX_FRIENDS} friends, the most one account may have`)
    if (await this.repo.countOf(trx, 'friends', other) >= MAX_FRIENDS) throw conflict(`They have ${MAX_FRIENDS} friends, the most one account may have`)
  }

  /** a request the viewer is a party to; anyone else's is NOT_FOUND */
  private async partyTo(ctx: Ctx, id: unknown): Promise<FriendRequestModel> {
    const req = isId(id) ? await this.repo.requestById(this.svc.database.db, id) : null
    const me = ctx.viewer!.userId
    if (!req || (req.fromId !== me && req.toId !== me)) throw notFound('No such friend request')
    return req
  }

  async respond(ctx: Ctx, id: string, accept: boolean): Promise<FriendRequestModel> {
    const req = await this.partyTo(ctx, id)
    const me = ctx.viewer!.userId
    if (req.toId !== me) throw forbidden('Only the addressee can answer a friend request')
    const now = Date.now()
    const { result, change } = await this.repo.transaction(async (trx) => {
      await this.repo.lockPair(trx, req.fromId, req.toId)
      const answered = await this.repo.answer(trx, req.id, accept ? 'ACCEPTED' : 'DECLINED', now)
      if (!answered) throw conflict('That request was already answered')
      const notifications: NotificationModel[] = []
      if (accept) {
        await this.friendQuota(trx, req.toId, req.fromId)
        await this.repo.addFriendship(trx, req.fromId, req.toId, now)
        notifications.push(await this.svc.notifications.insert(trx, { userId: req.fromId, kind: 'FRIEND_REQUEST_ACCEPTED', actorId: me, friendRequestId: req.id }, now))
      }
      return { result: answered, change: { a: me, b: req.fromId, requests: [answered], notifications } satisfies Change }
    })
    await this.announce(change)
    return result
  }

  async cancel(ctx: Ctx, id: string): Promise<FriendRequestModel> {
    await this.spendRequest(ctx.viewer!.userId)
    const req = await this.partyTo(ctx, id)
    const me = ctx.viewer!.userId
    if (req.fromId !== me) throw forbidden('Only the sender can cancel a friend request')
    const now = Date.now()
    const result = await this.repo.transaction(async (trx) => {
      await this.repo.lockPair(trx, req.fromId, req.toId)
      const cancelled = await this.repo.answer(trx, req.id, 'CANCELLED', now)
      if (!cancelled) throw conflict('That request was already answered')
      return cancelled
    })
    await this.announce({ a: me, b: req.toId, requests: [result], notifications: [] })
    return result
  }

  async remove(ctx: Ctx, userId: string): Promise<boolean> {
    const me = ctx.viewer!.userId
    const other = await this.other(ctx, userId)
    const removed = await this.repo.transaction(async (trx) => {
      await this.repo.lockPair(trx, me, other.id)
      return this.repo.removeFriendship(trx, me, other.id)
    })
    if (removed) await this.announce({ a: me, b: other.id, requests: [], notifications: [] })
    return removed
  }

  async block(ctx: Ctx, userId: string): Promise<boolean> {
    const me = ctx.viewer!.userId
    const other = await this.other(ctx, userId)
    const now = Date.now()
    const { added, change } = await this.repo.transaction(async (trx) => {
      await this.repo.lockPair(trx, me, other.id)
      if (!(await this.repo.relation(trx, me, other.id)).blocked && await this.repo.countOf(trx, 'blocks', me) >= MAX_BLOCKS) {
        throw conflict(`You have blocked ${MAX_BLOCKS} people, the most one account may; unblock someone first`)
      }
      const added = await this.repo.addBlock(trx, me, other.id, now)
      const unfriended = await this.repo.removeFriendship(trx, me, other.id)
      const requests = await this.repo.cancelPendingBetween(trx, me, other.id, now)
      // the blocked user sees NONE: they hear of it only when what they saw changed (a friendship
      // or a request between them ended), never that they were blocked
      return { added, change: { a: me, b: other.id, requests, notifications: [], onlyA: !unfriended && requests.length === 0 } satisfies Change }
    })
    if (added) await this.announce(change)
    return added
  }

  async unblock(ctx: Ctx, userId: string): Promise<boolean> {
    const me = ctx.viewer!.userId
    const other = await this.other(ctx, userId)
    const removed = await this.repo.removeBlock(me, other.id)
    // nothing changes on the other side (they saw NONE while blocked, and still do)
    if (removed) await this.announce({ a: me, b: other.id, requests: [], notifications: [], onlyA: true })
    return removed
  }

  friends(ctx: Ctx): Promise<UserModel[]> { return this.primed(ctx, this.repo.friends(ctx.viewer!.userId)) }
  blockedUsers(ctx: Ctx): Promise<UserModel[]> { return this.primed(ctx, this.repo.blockedUsers(ctx.viewer!.userId)) }
  requests(ctx: Ctx, direction: 'INCOMING' | 'OUTGOING'): Promise<FriendRequestModel[]> { return this.repo.pending(ctx.viewer!.userId, direction) }

  private async primed(ctx: Ctx, p: Promise<UserModel[]>): Promise<UserModel[]> {
    const users = await p
    const loader = ctx.loaders.of<string, UserModel>('user', (ids) => this.svc.users.repo.byIds(ids))
    for (const u of users) loader.prime(u.id, u)
    return users
  }

  loadRequest(ctx: Ctx, id: string): Promise<FriendRequestModel | null> {
    return ctx.loaders.of<string, FriendRequestModel>('friendRequest', (ids) => this.repo.requestsByIds(ids)).load(id)
  }

  friendIds(userId: string): Promise<string[]> { return this.repo.friendIds(userId) }
  blockedIds(userId: string): Promise<string[]> { return this.repo.blockedIds(userId) }

  /** true when the viewer blocked the other: their presence and typing stay out of the viewer's sight */
  hidden(viewerId: string, otherId: string): Promise<boolean> {
    if (viewerId === otherId) return Promise.resolve(false)
    return this.repo.isBlocked(viewerId, otherId)
  }

  /** Both people hear about every change between them, each with the relation from their own side (`onlyA`: the other's side did not change). */
  private async announce(c: Change) {
    const at = Date.now()
    const users = await this.svc.users.repo.byIds([c.a, c.b])
    const ua = users.get(c.a)
    const ub = users.get(c.b)
    if (!ua || !ub) return
    const [ra, rb] = await Promise.all([this.repo.relations(c.a, [c.b]), this.repo.relations(c.b, [c.a])])
    const request = c.requests[c.requests.length - 1] ?? null
    const forA: FriendshipEventModel = { user: ub, friendship: ra.get(c.b) ?? 'NONE', request, at }
    const forB: FriendshipEventModel = { user: ua, friendship: rb.get(c.a) ?? 'NONE', request, at }
    await Promise.all([
      this.svc.publish(topics.userInbox(c.a), { type: 'friendship', event: forA } satisfies InboxMessage),
      c.onlyA ? null : this.svc.publish(topics.userInbox(c.b), { type: 'friendship', event: forB } satisfies InboxMessage),
      ...c.notifications.map((n) => this.svc.notifications.deliver(n)),
    ])
  }

  /** the viewer's relation to the other as the database has it now (one snapshot) */
  async relationNow(viewerId: string, otherId: string): Promise<FriendshipEventModel['friendship']> {
    return (await this.repo.relations(viewerId, [otherId])).get(otherId) ?? 'NONE'
  }

  /**
   * friendshipChanged: the viewer's own relation changes, on every device. Each event carries the
   * relation as it is when it is delivered, in arrival order: two changes of one pair made at once
   * were announced in either order (on PostgreSQL a user who had just blocked someone was last
   * told FRIENDS), and the last event must say what is true.
   */
  async friendshipFeed(ctx: Ctx): Promise<Feed> {
    const me = ctx.viewer!.userId
    return topicFeed(this.svc.pubsub, async (sink, feed) => {
      const deliver = inOrder(async (event: FriendshipEventModel) => {
        const friendship = await this.relationNow(me, event.user.id)
        if (!feed.stopped) sink.next({ ...event, friendship })
      })
      await feed.listen(topics.userInbox(me), (m: unknown) => {
        if (isInbox(m, 'friendship')) return deliver(m.event)
        return undefined
      })
    })
  }

  // --- direct rooms -------------------------------------------------------------------------

  /** The pair's one DIRECT room, created on first use; friends only. */
  async openDirect(ctx: Ctx, userId: string): Promise<RoomModel> {
    const me = ctx.viewer!.userId
    const other = await this.other(ctx, userId)
    const rel = await this.repo.relation(this.svc.database.db, me, other.id)
    if (rel.blocked || rel.blockedBy) throw forbidden('You cannot message this user')
    if (!rel.friends) throw forbidden('Direct messages are for friends; send a friend request first')
    const key = [me, other.id].sort().join(':')
    let room = await this.repo.directRoom(key)
    if (!room) {
      await this.svc.rooms.roomQuota(me)
      const meUser = await this.svc.users.get(ctx, me)
      const [first, second] = me < other.id ? [meUser, other] : [other, meUser]
      const now = Date.now()
      try {
        room = await this.svc.rooms.repo.create({
          id: newId(), code: newJoinCode(), name: `${first.username}, ${second.username}`, name_key: nameKey(`${first.username}, ${second.username}`),
          description: null, kind: 'DIRECT', is_active: 1, created_by: me, created_at: now, updated_at: now, last_activity_at: now,
          msg_seq: 0, event_seq: 0, member_epoch: 0, direct_key: key,
        }, null, [first.id, second.id])
        await Promise.all([first.id, second.id].map((u) => this.svc.rooms.announceMember(u, room!.id)))
      } catch (e) {
        if (e instanceof RoomQuotaError) throw this.directQuotaError(e, me, other)
        // both opened it at once: direct_key is unique, the other insert won
        room = await this.repo.directRoom(key)
        if (!room) throw e
      }
    } else {
      // one of them may have left it: opening it again brings both back
      const added = await this.repo.ensureDirectMembers(room.id, [me, other.id], Date.now()).catch((e: unknown) => {
        throw e instanceof RoomQuotaError ? this.directQuotaError(e, me, other) : e
      })
      for (const u of added) {
        await this.svc.publish(topics.roomControl(room.id), { type: 'joined', userId: u, at: Date.now() } satisfies RoomControl)
        await this.svc.rooms.announceMember(u, room.id)
      }
      if (added.length) {
        // forget what this operation may have cached (with the real batch functions: of() creates the loader when absent)
        ctx.loaders.of<string, unknown>('membership', (ids) => this.svc.rooms.repo.memberships(me, ids)).clear(room.id)
        ctx.loaders.of<string, unknown>('memberCount', (ids) => this.svc.rooms.repo.memberCounts(ids)).clear(room.id)
      }
    }
    return room
  }

  /** the room cap, for whichever of the pair it stopped (the other's own rooms are theirs to leave) */
  private directQuotaError(e: RoomQuotaError, me: string, other: UserModel) {
    if (e.userId === me) return this.svc.rooms.quotaError()
    return conflict(`@${other.username} is in ${MAX_ROOMS_PER_USER} rooms, the most one account may join; they must leave one first`)
  }

  /**
   * A message into a direct room the other person left (closed) brings it back to them, as a
   * real product reopens a closed conversation: in their list, unread from the new message on,
   * notified. It reached them only as history when they reopened it themselves. Between friends
   * only (openDirectRoom's rule): someone who unfriended and left stays out.
   */
  async reopenForPeer(roomId: string, senderId: string): Promise<void> {
    const peer = await this.repo.directPeer(roomId, senderId)
    if (!peer || await this.svc.rooms.stillMember(roomId, peer)) return
    if ((await this.relationNow(senderId, peer)) !== 'FRIENDS') return
    // a peer already in MAX_ROOMS_PER_USER rooms stays out (the message is stored; they read it when they open the room)
    const added = await this.repo.ensureDirectMembers(roomId, [peer], Date.now()).catch((e: unknown) => {
      if (e instanceof RoomQuotaError) return []
      throw e
    })
    for (const u of added) {
      await this.svc.publish(topics.roomControl(roomId), { type: 'joined', userId: u, at: Date.now() } satisfies RoomControl)
      await this.svc.rooms.announceMember(u, roomId)
    }
  }

  /** sendMessage into a DIRECT room: refused across a block in either direction; the other person's id */
  async assertMaySendDirect(roomId: string, senderId: string): Promise<string> {
    const peer = await this.repo.directPeer(roomId, senderId)
    // the pair's key goes with an erased account (account.repository.ts): nobody would read it
    if (!peer) throw forbidden('The other person deleted their account')
    const [theyBlocked, iBlocked] = await Promise.all([this.repo.isBlocked(peer, senderId), this.repo.isBlocked(senderId, peer)])
    if (theyBlocked || iBlocked) throw forbidden('You cannot message this user')
    return peer
  }
}
