import type { Services } from '../../services.js'
import { type Ctx, type Viewer, requireViewer } from '../../graphql/context.js'
import type { Connection, RoomMemberModel, RoomModel } from '../../graphql/models.js'
import { AppError, badInput, conflict, forbidden, notFound } from '../../graphql/errors.js'
import { connection, decodeCursor, encodeCursor, pageSize } from '../../graphql/connection.js'
import { cleanOptionalText, cleanText, isId, nameKey } from '../../lib/text.js'
import { newId, newJoinCode } from '../../lib/ids.js'
import { spend, perUser } from '../../lib/rate-limit.js'
import { topics } from '../../realtime/topics.js'
import { BannedError, type Membership, RoomDeletedError, RoomQuotaError, RoomsRepository } from './rooms.repository.js'
import { type ChangeKind, ModerationService } from './moderation.service.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { topicFeed } from '../../realtime/topic-feed.js'
import { type InboxMessage, isInbox } from '../notifications/inbox.js'
import { MAX_ROOMS_PER_USER } from '../../lib/limits.js'
import { NOTIFICATION_LEVELS, type NotificationLevel, notificationLevelOf } from '../notifications/levels.js'
import type { MessageEventModel, RoomActivityModel, RoomListEventModel } from '../../graphql/models.js'

/** one payload object per event, so every roomActivity subscriber shares its rendering */
const activities = new WeakMap<MessageEventModel, RoomActivityModel>()
function activityOf(ev: MessageEventModel): RoomActivityModel {
  let a = activities.get(ev)
  if (!a) activities.set(ev, (a = { roomId: ev.roomId, message: ev.message }))
  return a
}

/** Published on room.<id>.control: lets live subscriptions follow membership and deletion. */
export type RoomControl =
  | { type: 'joined'; userId: string; at: number }
  /** by, removed, banned: removeMember (a MEMBER_REMOVED on roomChanged) */
  | { type: 'left'; userId: string; at: number; by?: string; removed?: boolean; banned?: boolean }
  | { type: 'deleted'; at: number; by?: string }
  /** a roomChanged kind with nothing to end (moderation.service.ts) */
  | { type: 'change'; kind: ChangeKind; userId?: string; by?: string; at: number }

const NAME_RULE = { min: 1, max: 80, label: true }
/** how long a cached room row may be reused (its id and kind never change; the rest may be this old) */
const ROOM_CACHE_MS = 10_000
const ROOM_CACHE_MAX = 10_000
const DESCRIPTION_RULE = { min: 0, max: 1000, multiline: true }

export class RoomsService {
  readonly repo: RoomsRepository
  /** rooms by id as read lately, oldest first (see `cached`) */
  private recent = new Map<string, { room: RoomModel; at: number }>()
  /** roles, removal, bans, join codes and roomChanged (contract part 2) */
  readonly moderation: ModerationService
  constructor(private svc: Services) {
    this.repo = new RoomsRepository(svc.database.db, svc.database.dialect)
    this.moderation = new ModerationService(svc, this)
  }

  /** PINS_CHANGED on roomChanged (for pinMessage / unpinMessage), after the pin is stored */
  publishPinsChanged(roomId: string, byId: string): Promise<void> {
    return this.moderation.publishChange(roomId, 'PINS_CHANGED', byId)
  }

  /**
   * The room as read at most ROOM_CACHE_MS ago, for the send path. Only its id and kind are
   * exact (they never change); name, seqs and the rest may be that old, so nothing that shows
   * them may use it. It proves nothing about access: the caller still checks membership in the
   * database (a deleted room has no members). Null (not cached) when the room does not exist.
   */
  async cached(id: string): Promise<RoomModel | null> {
    const now = Date.now()
    const hit = this.recent.get(id)
    if (hit && now - hit.at < ROOM_CACHE_MS) return hit.room
    const room = await this.repo.byId(id)
    this.recent.delete(id)
    if (!room) return null
    if (this.recent.size >= ROOM_CACHE_MAX) this.recent.delete(this.recent.keys().next().value as string)
    this.recent.set(id, { room, at: now })
    return room
  }

  load(ctx: Ctx, id: string): Promise<RoomModel | null> {
    return ctx.loaders.of<string, RoomModel>('room', (ids) => this.repo.byIds(ids)).load(id)
  }

  /** the viewer's membership, batched across the rooms of one operation */
  membership(ctx: Ctx, roomId: string): Promise<Membership | null> {
    const viewer = ctx.viewer
    if (!viewer) return Promise.resolve(null)
    return ctx.loaders.of<string, Membership>('membership', (ids) => this.repo.memberships(viewer.userId, ids)).load(roomId)
  }

  memberCount(ctx: Ctx, roomId: string): Promise<number> {
    return ctx.loaders.of<string, number>('memberCount', (ids) => this.repo.memberCounts(ids)).load(roomId).then((n) => n ?? 0)
  }

  /**
   * The room if the viewer may see it: PUBLIC rooms for anyone signed in, PRIVATE and DIRECT rooms
   * for members only. Everything else is NOT_FOUND, exactly like a missing id.
   */
  async readable(ctx: Ctx, roomId: unknown, what = 'room'): Promise<{ room: RoomModel; membership: Membership | null }> {
    if (!isId(roomId)) throw notFound(`No such ${what}`)
    const room = await this.load(ctx, roomId)
    if (!room) throw notFound(`No such ${what}`)
    const membership = await this.membership(ctx, roomId)
    if (room.kind !== 'PUBLIC' && !membership) throw notFound(`No such ${what}`)
    return { room, membership }
  }

  /** readable and a member: a non-member of a PUBLIC room is FORBIDDEN */
  async writable(ctx: Ctx, roomId: unknown): Promise<{ room: RoomModel; membership: Membership }> {
    const { room, membership } = await this.readable(ctx, roomId)
    if (!membership) throw forbidden('Join the room first')
    return { room, membership }
  }

  /** Room.viewerNotificationLevel: the viewer's choice, else the room kind's default (also for non-members) */
  async viewerNotificationLevel(ctx: Ctx, room: RoomModel): Promise<NotificationLevel> {
    return notificationLevelOf((await this.membership(ctx, room.id))?.notificationLevel, room.kind)
  }

  /**
   * setRoomNotificationLevel: the viewer's own level in a room they belong to. A PUBLIC room they
   * are not in is one they may see but not tune (FORBIDDEN, the contract's rule for a non-member
   * acting on a PUBLIC room); any other room they are not in does not exist for them (NOT_FOUND).
   */
  async setNotificationLevel(ctx: Ctx, roomId: unknown, level: unknown): Promise<RoomModel> {
    const viewer = requireViewer(ctx)
    const { room, membership } = await this.readable(ctx, roomId)
    if (!membership) throw room.kind === 'PUBLIC' ? forbidden('Join the room first') : notFound('No such room')
    if (typeof level !== 'string' || !(NOTIFICATION_LEVELS as readonly string[]).includes(level)) throw badInput('level', 'Unknown notification level')
    // messages already answered keep the level they were sent under
    await this.svc.notifications.settled(room.id)
    if (!(await this.repo.setNotificationLevel(room.id, viewer.userId, level as NotificationLevel))) throw notFound('No such room')
    ctx.loaders.of<string, Membership>('membership', (ids) => this.repo.memberships(viewer.userId, ids)).clear(room.id)
    return room
  }

  async owned(ctx: Ctx, roomId: unknown): Promise<RoomModel> {
    const { room, membership } = await this.writable(ctx, roomId)
    if (membership.role !== 'OWNER') throw forbidden('Only the owner can do this')
    return room
  }

  /** Whether a user (not necessarily the viewer) may read a room: for live subscriptions. */
  async userMayRead(roomId: string, userId: string): Promise<boolean> {
    const room = await this.repo.byId(roomId)
    if (!room) return false
    if (room.kind === 'PUBLIC') return true
    return !!(await this.repo.membership(roomId, userId))
  }

  async create(viewer: Viewer, input: { name: string; description?: string | null; kind?: string | null }): Promise<RoomModel> {
    const name = cleanText(input.name, 'input.name', NAME_RULE)
    const description = cleanOptionalText(input.description, 'input.description', DESCRIPTION_RULE) ?? null
    const kind = input.kind ?? 'PUBLIC'
    if (kind !== 'PUBLIC' && kind !== 'PRIVATE') throw badInput('input.kind', 'kind must be PUBLIC or PRIVATE (direct rooms come from openDirectRoom)')
    await spend(this.svc.limits, `roomcreate:${viewer.userId}`, perUser(this.svc.config, this.svc.config.roomCreateRateLimit), 60_000)
    await this.roomQuota(viewer.userId)
    const now = Date.now()
    for (let attempt = 0; ; attempt++) {
      try {
        const room = await this.repo.create({
          id: newId(), code: newJoinCode(), name, name_key: nameKey(name), description, kind, is_active: 1,
          created_by: viewer.userId, created_at: now, updated_at: now, last_activity_at: now, msg_seq: 0, event_seq: 0, member_epoch: 0, direct_key: null,
        }, viewer.userId)
        await this.announceMember(viewer.userId, room.id)
        return room
      } catch (e) {
        if (e instanceof RoomQuotaError) throw this.quotaError()
        // a join-code collision (about 1 in 10^14): draw another
        if (attempt >= 3) throw e
      }
    }
  }

  async update(ctx: Ctx, id: string, input: { name?: string | null; description?: string | null }): Promise<RoomModel> {
    const room = await this.owned(ctx, id)
    if (room.kind === 'DIRECT') throw forbidden('A direct room cannot be renamed')
    const patch: { name?: string; name_key?: string; description?: string | null } = {}
    if (input.name !== undefined) {
      if (input.name === null) throw badInput('input.name', 'name cannot be empty')
      patch.name = cleanText(input.name, 'input.name', NAME_RULE)
      patch.name_key = nameKey(patch.name)
    }
    const description = cleanOptionalText(input.description, 'input.description', DESCRIPTION_RULE)
    if (description !== undefined) patch.description = description
    const updated = await this.repo.update(room.id, patch, Date.now())
    this.recent.delete(room.id)
    if (!updated) throw notFound('No such room')
    ctx.loaders.forget('room', room.id)
    await this.moderation.publishChange(room.id, 'UPDATED', ctx.viewer!.userId)
    await this.announceList(await this.repo.memberIds(room.id), 'UPDATED', room.id)
    return updated
  }

  async delete(ctx: Ctx, id: string): Promise<boolean> {
    const room = await this.owned(ctx, id)
    // whose lists it leaves (read before the memberships go with it)
    const members = await this.repo.memberIds(room.id)
    await this.repo.delete(room.id)
    this.recent.delete(room.id)
    // its messages' attachments go with it
    await this.svc.attachments.deleteOfRoom(room.id)
    await this.svc.publish(topics.roomControl(room.id), { type: 'deleted', at: Date.now(), by: ctx.viewer!.userId } satisfies RoomControl)
    await this.announceList(members, 'LEFT', room.id)
    return true
  }

  async join(ctx: Ctx, roomId: string | null | undefined, code: string | null | undefined): Promise<RoomModel> {
    const viewer = ctx.viewer!
    const byId = roomId !== null && roomId !== undefined
    const byCode = code !== null && code !== undefined
    if (byId === byCode) throw badInput(byId ? 'code' : 'roomId', 'Give exactly one of roomId and code')
    // joins and leaves share one bucket: each notifies every member watching the room
    await this.spendJoinLeave(viewer.userId)
    let room: RoomModel | null
    if (byId) {
      room = isId(roomId) ? await this.load(ctx, roomId) : null
      if (!room) throw notFound('No such room')
      const m = await this.membership(ctx, room.id)
      if (m) return room
      if (room.kind !== 'PUBLIC') throw notFound('No such room')
    } else {
      if (typeof code !== 'string' || code.trim().length === 0 || code.length > 64) throw badInput('code', 'code must be a join code')
      const normal = code.trim().toUpperCase()
      room = await this.lookUpCode(viewer.userId, normal)
      if (await this.membership(ctx, room.id)) return room
    }
    // a banned user: FORBIDDEN where anyone may look in (PUBLIC), NOT_FOUND where only members may
    const banned = () => room.kind === 'PUBLIC' ? forbidden('You are banned from this room') : notFound('No such room')
    if (await this.repo.isBanned(room.id, viewer.userId)) throw banned()
    await this.roomQuota(viewer.userId)
    const added = await this.repo.addMember(room.id, viewer.userId, Date.now()).catch((e: unknown) => {
      if (e instanceof RoomDeletedError) throw notFound('No such room')
      if (e instanceof BannedError) throw banned()
      if (e instanceof RoomQuotaError) throw this.quotaError()
      throw e
    })
    if (added) {
      await this.svc.publish(topics.roomControl(room.id), { type: 'joined', userId: viewer.userId, at: Date.now() } satisfies RoomControl)
      await this.announceMember(viewer.userId, room.id)
    }
    ctx.loaders.forget('membership', room.id)
    ctx.loaders.forget('memberCount', room.id)
    return room
  }

  /** one account belongs to at most MAX_ROOMS_PER_USER rooms: myRooms lists them all */
  async roomQuota(userId: string): Promise<void> {
    // checked again where the membership is stored (assertRoomQuota), under a lock: concurrent joins
    if (await this.repo.membershipCount(userId) >= MAX_ROOMS_PER_USER) throw this.quotaError()
  }

  quotaError() {
    return conflict(`You are in ${MAX_ROOMS_PER_USER} rooms, the most one account may join; leave one first`)
  }

  /** tells the user's live room lists (roomActivity, every instance) to follow a room they now belong to */
  announceMember(userId: string, roomId: string): Promise<void> {
    return this.svc.publish(topics.userInbox(userId), { type: 'rooms', roomId } satisfies InboxMessage)
  }

  /** tells these users' live room lists (roomListChanged) that a room left them, or changed */
  announceList(userIds: readonly string[], kind: 'LEFT' | 'UPDATED', roomId: string): Promise<void> {
    return Promise.all(userIds.map((u) => this.svc.publish(topics.userInbox(u), { type: 'roomList', kind, roomId } satisfies InboxMessage)))
      .then(() => undefined, (err: unknown) => { this.svc.log.warn({ err }, 'announcing a room list change failed') })
  }

  /**
   * roomListChanged: the viewer's list of rooms changing, from now on: a room joined (announceMember),
   * left, removed or banned from, deleted (LEFT), renamed or described anew (UPDATED). The rooms'
   * messages are roomActivity's. Rare by nature: each change is written into the inbox of each
   * user whose list it changes.
   */
  async listFeed(ctx: Ctx): Promise<Feed> {
    const me = ctx.viewer!.userId
    return topicFeed(this.svc.pubsub, async (sink, feed) => {
      await feed.listen(topics.userInbox(me), (m: unknown) => {
        if (isInbox(m, 'rooms') && typeof m.roomId === 'string') sink.next({ kind: 'JOINED', roomId: m.roomId } satisfies RoomListEventModel)
        else if (isInbox(m, 'roomList')) sink.next({ kind: m.kind, roomId: m.roomId } satisfies RoomListEventModel)
      })
    })
  }

  /**
   * roomActivity: every message added in a room the viewer belongs to, from now on. It follows
   * the viewer's rooms as they change: a room joined later (any device) is added, a room left or
   * deleted is dropped. Each room's events come from its ordered stream on this instance.
   */
  async activityFeed(ctx: Ctx): Promise<Feed> {
    const me = ctx.viewer!.userId
    const followed = new Map<string, (() => void) | null>()
    const streams = this.svc.messages.streams
    return topicFeed(this.svc.pubsub, async (sink, feed) => {
      const follow = async (roomId: string) => {
        if (feed.stopped || followed.has(roomId)) return
        followed.set(roomId, null)
        // events are held until the membership is confirmed after attaching: a leave that came
        // between reading the memberships and attaching would otherwise go unnoticed
        let confirmed = false
        const early: MessageEventModel[] = []
        const attaching = streams.attach(roomId, {
          userId: me,
          // leaving (any kind of room) or deletion drops the room, not the subscription
          needsMembership: true,
          onEvent: (ev) => {
            if (ev.kind !== 'ADDED' || !followed.has(roomId)) return
            if (confirmed) sink.next(activityOf(ev)); else early.push(ev)
          },
          onEnd: () => { const off = followed.get(roomId); followed.delete(roomId); off?.() },
        }, null, null)
        // a failed attach (database away) leaves the room to a later announcement
        const detach = await attaching.catch((e) => { if (followed.get(roomId) === null) followed.delete(roomId); throw e })
        if (feed.stopped || !followed.has(roomId)) { detach(); return }
        followed.set(roomId, detach)
        const member = (await this.repo.memberships(me, [roomId])).has(roomId)
        if (feed.stopped || followed.get(roomId) !== detach) return
        if (!member) { followed.delete(roomId); detach(); return }
        confirmed = true
        for (const ev of early.splice(0)) sink.next(activityOf(ev))
      }
      const failed = (e: unknown) => this.svc.log.error({ err: e }, 'roomActivity: following a room failed')
      // live before reading the memberships: a room joined in between is not missed
      const listening = await feed.listen(topics.userInbox(me), (m: unknown) => {
        if (isInbox(m, 'rooms') && typeof m.roomId === 'string') follow(m.roomId).catch(failed)
      })
      if (!listening) return
      await Promise.all((await this.repo.roomIdsOf(me)).map(follow))
    }, () => {
      for (const off of followed.values()) off?.()
      followed.clear()
    })
  }

  async leave(ctx: Ctx, roomId: string): Promise<boolean> {
    const viewer = ctx.viewer!
    await this.spendJoinLeave(viewer.userId)
    const { room } = await this.writable(ctx, roomId)
    // minutes of a FOCUS phase so far stay theirs: credited while they are still a member, so a
    // stop or a phase end racing the leave either credits them itself or finds them credited
    // (credited after the leave, they were lost when the stop came between: it credits members only)
    await this.svc.timers.creditLeaver(room.id, viewer.userId).catch((err) => this.svc.log.error({ err }, 'crediting a leaver failed'))
    const { removed, newOwnerId } = await this.repo.removeMember(room.id, viewer.userId)
    ctx.loaders.forget('membership', room.id)
    ctx.loaders.forget('memberCount', room.id)
    if (removed) await this.svc.publish(topics.roomControl(room.id), { type: 'left', userId: viewer.userId, at: Date.now() } satisfies RoomControl)
    if (removed) await this.announceList([viewer.userId], 'LEFT', room.id)
    // and a stretch that began meanwhile (a stream opened again)
    if (removed) await this.svc.timers.creditLeaver(room.id, viewer.userId).catch((err) => this.svc.log.error({ err }, 'crediting a leaver failed'))
    // and out of its call, announced to those in it, whether or not the leaver followed the call
    if (removed) await this.svc.calls.remove(room.id, viewer.userId).catch((err) => this.svc.log.error({ err }, 'leaving the call on leaveRoom failed'))
    // the owner left: the member the room passed to is a ROLE_CHANGED on roomChanged
    if (newOwnerId) await this.moderation.publishChange(room.id, 'ROLE_CHANGED', viewer.userId, newOwnerId)
    return true
  }

  async list(ctx: Ctx, search: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<RoomModel>> {
    const limit = pageSize(first, 'first', 20)
    const term = search === null || search === undefined ? null : cleanText(search, 'search', { min: 0, max: 100 }) || null
    let afterKey: { nameKey: string; id: string } | null = null
    if (after !== null && after !== undefined) {
      const raw = decodeCursor(after, 'r', 'after')
      const i = raw.lastIndexOf('\u0000')
      // names never hold NUL (it is the separator, and PostgreSQL text cannot store it)
      if (i < 0 || !isId(raw.slice(i + 1)) || raw.slice(0, i).includes('\u0000')) throw badInput('after', 'after is not a valid cursor')
      afterKey = { nameKey: raw.slice(0, i), id: raw.slice(i + 1) }
    }
    const rows = await this.repo.listVisible(ctx.viewer!.userId, term, afterKey, limit + 1)
    const page = rows.slice(0, limit)
    for (const r of page) ctx.loaders.of<string, RoomModel>('room', (ids) => this.repo.byIds(ids)).prime(r.room.id, r.room)
    return connection(page.map((r) => ({ cursor: encodeCursor('r', `${r.nameKey}\u0000${r.room.id}`), node: r.room })), rows.length > limit, afterKey !== null)
  }

  async mine(ctx: Ctx): Promise<RoomModel[]> {
    const rooms = await this.repo.listMine(ctx.viewer!.userId)
    const loader = ctx.loaders.of<string, RoomModel>('room', (ids) => this.repo.byIds(ids))
    for (const r of rooms) loader.prime(r.id, r)
    return rooms
  }

  /**
   * Whether the user is a member of the room now, read from the database (no cache): a room feed
   * asks it again once it listens, since a removal may have answered between its first check and
   * the listen (src/realtime/room-feed.ts).
   */
  async stillMember(roomId: string, userId: string): Promise<boolean> {
    return (await this.repo.membership(roomId, userId)) !== null
  }

  async members(ctx: Ctx, room: RoomModel, first: number | null | undefined, after: string | null | undefined): Promise<Connection<RoomMemberModel>> {
    await this.readable(ctx, room.id)
    const limit = pageSize(first, 'first', 50)
    let afterKey: { joinedAt: number; userId: string } | null = null
    if (after !== null && after !== undefined) {
      const raw = decodeCursor(after, 'rm', 'after')
      const [t, u] = raw.split(':')
      if (!/^\d{1,15}$/.test(t ?? '') || !isId(u)) throw badInput('after', 'after is not a valid cursor')
      afterKey = { joinedAt: Number(t), userId: u }
    }
    const rows = await this.repo.membersPage(room.id, afterKey, limit + 1)
    const page = rows.slice(0, limit)
    return connection(page.map((m) => ({ cursor: encodeCursor('rm', `${m.joinedAt}:${m.userId}`), node: m })), rows.length > limit, afterKey !== null)
  }

  private spendJoinLeave(userId: string) {
    return spend(this.svc.limits, `roomjoin:${userId}`, perUser(this.svc.config, this.svc.config.roomJoinRateLimit), 60_000)
  }

  /**
   * Guessing codes costs: a guess is reserved before the lookup (atomically, so concurrent
   * guesses cannot all pass), and given back when the code was right. A limited guesser is
   * refused before the lookup and never learns that a guess was right.
   */
  private async lookUpCode(userId: string, normal: string): Promise<RoomModel> {
    const key = `joincode:${userId}`
    // off with SEND_RATE_LIMIT_PER_USER=0, as every per-user limit is (contract part 2)
    const limit = perUser(this.svc.config, this.svc.config.joinCodeRateLimit)
    await spend(this.svc.limits, key, limit, 60_000)
    const room = await this.repo.byCode(normal)
    if (!room || room.kind === 'DIRECT') throw notFound('No room has that code')
    await this.svc.limits.refund(key, limit, 60_000)
    return room
  }

  /**
   * The room a code opens (not DIRECT rooms). Seeing it does not make the viewer a member. A user
   * banned from a PRIVATE room is told no room has the code, as joinRoom(code) tells them: the
   * preview must not show them what joining hides.
   */
  async byCode(ctx: Ctx, code: string): Promise<RoomModel> {
    if (typeof code !== 'string' || !code.trim() || code.length > 64) throw notFound('No room has that code')
    const room = await this.lookUpCode(ctx.viewer!.userId, code.trim().toUpperCase())
    if (room.kind !== 'PUBLIC' && !(await this.membership(ctx, room.id)) && await this.repo.isBanned(room.id, ctx.viewer!.userId)) {
      throw notFound('No room has that code')
    }
    return room
  }

  async roomMateIds(userId: string): Promise<string[]> { return this.repo.roomMateIds(userId) }

  async shareRoom(a: string, b: string): Promise<boolean> { return this.repo.shareRoom(a, b) }

  assertRoomId(id: unknown, field: string): string {
    if (!isId(id)) throw new AppError('NOT_FOUND', 'No such room', { field })
    return id
  }
}
