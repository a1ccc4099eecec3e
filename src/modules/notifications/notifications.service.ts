import type { Kysely, Transaction } from 'kysely'
import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { DB } from '../../db/types.js'
import type { MessageModel, NotificationModel, RoomModel } from '../../graphql/models.js'
import { AppError, badInput } from '../../graphql/errors.js'
import { pageSize } from '../../graphql/connection.js'
import { isId } from '../../lib/text.js'
import { newId } from '../../lib/ids.js'
import { topics } from '../../realtime/topics.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { topicFeed } from '../../realtime/topic-feed.js'
import { type InboxMessage, isInbox } from './inbox.js'
import { NotificationsRepository, toNotification } from './notifications.repository.js'
import { notificationLevelOf, shouldNotify } from './levels.js'

export interface NewNotification {
  userId: string
  kind: NotificationModel['kind']
  actorId: string | null
  roomId?: string | null
  messageId?: string | null
  friendRequestId?: string | null
}

// "@name" where name is a possible username; not inside a word or an e-mail address
const MENTION = /(?<![\p{L}\p{N}_.@-])@([a-zA-Z0-9_.-]{3,32})/gu
const MAX_MENTIONS = 20

/** The usernames (lower-cased keys) a message body mentions. A trailing "." or "-" may be punctuation. */
export function mentionedKeys(body: string): string[] {
  const keys = new Set<string>()
  for (const m of body.matchAll(MENTION)) {
    const name = m[1].toLowerCase()
    keys.add(name)
    const bare = name.replace(/[.-]+$/, '')
    if (bare.length >= 3) keys.add(bare)
    if (keys.size >= MAX_MENTIONS * 2) break
  }
  return [...keys]
}

export class NotificationsService {
  readonly repo: NotificationsRepository
  constructor(private svc: Services) {
    this.repo = new NotificationsRepository(svc.database.db)
    svc.events.on('messageAdded', ({ room, message }) => {
      const work = this.onMessage(room, message).catch((e) => svc.log.error({ err: e }, 'message notifications failed'))
      let inRoom = this.inFlight.get(room.id)
      if (!inRoom) this.inFlight.set(room.id, inRoom = new Set())
      inRoom.add(work)
      void work.finally(() => {
        inRoom.delete(work)
        if (!inRoom.size && this.inFlight.get(room.id) === inRoom) this.inFlight.delete(room.id)
      })
    })
  }

  /** each room's message notifications still being made (they run after the send has answered) */
  private readonly inFlight = new Map<string, Set<Promise<void>>>()

  /**
   * Resolves when the notifications of every message this instance has already answered in the room
   * are made. A member's level change waits for it, so a message is notified by the level its
   * addressee had when it was sent, not by one set after the answer.
   */
  async settled(roomId: string): Promise<void> {
    // a send emits messageAdded at setImmediate after its commit: one turn of the check phase lets
    // every send answered before this call start its notifications (immediates run in order)
    await new Promise<void>((resolve) => setImmediate(resolve))
    const inRoom = this.inFlight.get(roomId)
    if (inRoom) await Promise.all([...inRoom])
  }

  /** stores a notification (inside the caller's transaction when given one); deliver() it after commit */
  insert(db: Kysely<DB> | Transaction<DB>, n: NewNotification, now: number): Promise<NotificationModel> {
    return this.repo.insert(db, {
      id: newId(), user_id: n.userId, kind: n.kind, actor_id: n.actorId, room_id: n.roomId ?? null, message_id: n.messageId ?? null,
      friend_request_id: n.friendRequestId ?? null, created_at: now, read_at: null,
    })
  }

  /**
   * Publishes a stored notification, unless its user is focusing with notifications held: then it
   * waits in held_notifications until release() (their focus phase ended), which delivers in order.
   */
  async deliver(n: NotificationModel): Promise<void> {
    const timers = (this.svc as { timers?: { heldSince(userId: string): Promise<number | null> } }).timers
    if (timers && (await timers.heldSince(n.userId)) !== null) {
      await this.svc.database.db.insertInto('held_notifications').values({ notification_id: n.id, user_id: n.userId, held_at: n.createdAt })
        .onConflict((oc) => oc.column('notification_id').doNothing()).execute()
      // the focus may have ended while this was stored: nothing may stay behind
      if ((await timers.heldSince(n.userId)) === null) await this.release(n.userId)
      return
    }
    // anything still held goes first, so the order holds
    await this.release(n.userId)
    await this.publish(n)
  }

  private publish(n: NotificationModel): Promise<void> {
    return this.svc.publish(topics.userInbox(n.userId), { type: 'notification', notification: n } satisfies InboxMessage)
  }

  /** Delivers, in order, the notifications held for the user, unless they are (still) focusing with hold on. */
  async release(userId: string): Promise<void> {
    const db = this.svc.database.db
    const held = await db.selectFrom('held_notifications as h').innerJoin('notifications as n', 'n.id', 'h.notification_id')
      .selectAll('n').where('h.user_id', '=', userId).orderBy('h.held_at').orderBy('n.id').execute()
    if (!held.length) return
    const timers = (this.svc as { timers?: { heldSince(userId: string): Promise<number | null> } }).timers
    if (timers && (await timers.heldSince(userId)) !== null) return
    for (const r of held) {
      // one releaser per notification: the one whose delete took it
      const d = await db.deleteFrom('held_notifications').where('notification_id', '=', r.id).executeTakeFirst()
      if (Number(d.numDeletedRows) === 1) await this.publish(toNotification(r))
    }
  }

  /** how many of the user's notifications are held now */
  async heldCount(userId: string): Promise<number> {
    const r = await this.svc.database.db.selectFrom('held_notifications').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId).executeTakeFirst()
    return Number(r?.n ?? 0)
  }

  private async onMessage(room: RoomModel, message: MessageModel) {
    const now = Date.now()
    const created: NotificationModel[] = []
    // who watches a direct conversation is read first, as the message goes out: read after the
    // other reads, it could see the addressee who saw this message live close the conversation
    // since, and notify them of it (seen in CI on PostgreSQL)
    const watchers = room.kind === 'DIRECT' ? this.watchers(room.id) : null
    watchers?.catch(() => {})
    // a reply notifies the original's sender (REPLY); they get no second notification for it
    const replied = await this.notifyReply(room, message, now)
    if (replied) created.push(replied)
    if (room.kind === 'DIRECT') {
      // the addressee watching the conversation sees the message itself; anyone else gets a
      // notification: DIRECT_MESSAGE at level ALL, and at MENTIONS a MENTION when the message
      // names them ("MENTIONS: mentions and replies only")
      const keys = mentionedKeys(message.body)
      const named = keys.length ? new Set((await this.repo.mentionedMembers(room.id, keys)).map((m) => m.userId)) : null
      for (const { userId: peer, level } of await this.repo.otherMembers(room.id, message.senderId)) {
        const lvl = notificationLevelOf(level, room.kind)
        const kind = shouldNotify(lvl, 'DIRECT_MESSAGE') ? 'DIRECT_MESSAGE' : named?.has(peer) && shouldNotify(lvl, 'MENTION') ? 'MENTION' : null
        if (!kind) continue
        if (peer === replied?.userId || (await watchers!).has(peer)) continue
        created.push(await this.insert(this.svc.database.db, { userId: peer, kind, actorId: message.senderId, roomId: room.id, messageId: message.id }, now))
      }
    } else {
      const keys = mentionedKeys(message.body)
      const members = keys.length ? (await this.repo.mentionedMembers(room.id, keys)).filter((m) => m.userId !== message.senderId && m.userId !== replied?.userId).slice(0, MAX_MENTIONS)
        .filter((m) => shouldNotify(notificationLevelOf(m.level, room.kind), 'MENTION')).map((m) => m.userId) : []
      const blockers = members.length ? await this.repo.blockersOf(message.senderId, members) : new Set<string>()
      for (const u of members) {
        if (blockers.has(u)) continue
        created.push(await this.insert(this.svc.database.db, { userId: u, kind: 'MENTION', actorId: message.senderId, roomId: room.id, messageId: message.id }, now))
      }
    }
    await Promise.all(created.map((n) => this.deliver(n)))
  }

  /**
   * The REPLY notification, in one place so that per-room notification levels can gate it: the
   * original's sender, when it is someone else who is still a member and has not blocked the
   * replier, and whose notification level for the room lets replies through (shouldNotify).
   */
  private async notifyReply(room: RoomModel, message: MessageModel, now: number): Promise<NotificationModel | null> {
    if (!message.replyToId) return null
    const original = await this.svc.messages.repo.byId(message.replyToId)
    if (!original || original.senderId === message.senderId || original.roomId !== room.id) return null
    const to = original.senderId
    const membership = await this.svc.rooms.repo.membership(room.id, to)
    if (!membership || !shouldNotify(notificationLevelOf(membership.notificationLevel, room.kind), 'REPLY')) return null
    if ((await this.repo.blockersOf(message.senderId, [to])).has(to)) return null
    return this.insert(this.svc.database.db, { userId: to, kind: 'REPLY', actorId: message.senderId, roomId: room.id, messageId: message.id }, now)
  }

  /**
   * Who has a live subscription naming the room, on any instance. The study module keeps these
   * leases (room timers need the same answer); without it, nobody counts as watching.
   */
  private async watchers(roomId: string): Promise<Set<string>> {
    const rooms = (this.svc as { study?: { roomPresence?: { present(roomId: string): Promise<string[]> } } }).study?.roomPresence
    if (!rooms) return new Set()
    return new Set(await rooms.present(roomId))
  }

  /** newest first; `before` (a notification's id, the last of the previous page): only older ones */
  async list(ctx: Ctx, unreadOnly: boolean | null | undefined, first: number | null | undefined, before?: string | null): Promise<NotificationModel[]> {
    const limit = pageSize(first, 'first', 50)
    let anchor: { at: number; id: string } | null = null
    if (before !== null && before !== undefined) {
      const found = isId(before) ? await this.repo.positionOf(ctx.viewer!.userId, before) : null
      if (!found) throw badInput('before', 'before must be the id of one of your notifications')
      anchor = found
    }
    return this.repo.list(ctx.viewer!.userId, !!unreadOnly, limit, anchor)
  }

  unreadCount(ctx: Ctx): Promise<number> { return this.repo.unreadCount(ctx.viewer!.userId) }

  async markRead(ctx: Ctx, ids: readonly string[] | null | undefined): Promise<number> {
    let list: string[] | null = null
    if (ids !== null && ids !== undefined) {
      if (ids.length > 500) throw badInput('ids', 'At most 500 ids at a time')
      // an id that names nothing of the viewer's simply changes nothing
      list = [...new Set(ids.filter((id) => isId(id)))]
      if (!list.length) return 0
    }
    return this.repo.markRead(ctx.viewer!.userId, list, Date.now())
  }

  /** notifications: the viewer's own, live */
  async feed(ctx: Ctx): Promise<Feed> {
    const me = ctx.viewer!.userId
    return topicFeed(this.svc.pubsub, async (sink, feed) => {
      await feed.listen(topics.userInbox(me), (m: unknown) => {
        if (isInbox(m, 'notification') && m.notification.userId === me) sink.next(m.notification)
      })
    })
  }

  /** Notification.room / .message: only while the viewer may still read the room */
  async room(ctx: Ctx, n: NotificationModel): Promise<RoomModel | null> {
    if (!n.roomId) return null
    try {
      return (await this.svc.rooms.readable(ctx, n.roomId)).room
    } catch (e) {
      if (e instanceof AppError && e.code === 'NOT_FOUND') return null
      throw e
    }
  }

  async message(ctx: Ctx, n: NotificationModel): Promise<MessageModel | null> {
    if (!n.messageId || !(await this.room(ctx, n))) return null
    return this.svc.messages.load(ctx, n.messageId)
  }
}
