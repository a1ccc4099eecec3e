import { mayAct } from '../rooms/permissions.js'
import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { Connection, MessageEventKind, MessageEventModel, MessageModel, ReactionGroupModel, RoomModel } from '../../graphql/models.js'
import { AppError, badInput, conflict, forbidden, notFound } from '../../graphql/errors.js'
import { connection, decodeCursor, decodeMessageCursor, encodeCursor, encodeMessageCursor, pageSize } from '../../graphql/connection.js'
import { cleanText, isId } from '../../lib/text.js'
import { searchWords } from '../../lib/search-words.js'
import { SEARCH_QUERY_MAX } from '../../lib/limits.js'
import { newTimeOrderedId } from '../../lib/ids.js'
import { spend } from '../../lib/rate-limit.js'
import { topics } from '../../realtime/topics.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { RoomStreams } from '../../realtime/room-streams.js'
import { BlockedError, CapReachedError, MAX_EMOJI_PER_MESSAGE, MAX_PINS_PER_ROOM, MessageDeletedError, MessagesRepository, NotMemberError, RoomGoneError } from './messages.repository.js'
import { canonicalEmoji } from '../../lib/emoji.js'

const BODY_RULE = { min: 1, max: 4000, multiline: true }
const REPLAY_PAGE = 500
/** the largest seq a room can reach (seq columns are 32-bit integers) */
const SEQ_MAX = 2147483647

type Waiter = { resolve: () => void; reject: (e: unknown) => void }
type ReactionTick = { timer: NodeJS.Timeout | null; waiters: Waiter[]; last: number; idle: NodeJS.Timeout | null }

/**
 * The emoji argument, trimmed as every string argument is (the contract's header), as the one RGI
 * emoji it must be (an over-qualified form stored without its redundant U+FE0F).
 */
function oneEmoji(arg: unknown): { emoji: string; asSent: string } {
  const asSent = typeof arg === 'string' ? arg.trim() : ''
  const emoji = canonicalEmoji(asSent)
  if (emoji === null) throw badInput('emoji', 'emoji must be exactly one emoji')
  return { emoji, asSent }
}

export class MessagesService {
  readonly repo: MessagesRepository
  readonly streams: RoomStreams

  constructor(private svc: Services) {
    this.repo = new MessagesRepository(svc.database.db, svc.database.dialect, () => svc.database.writeGate?.() ?? null,
      { delayMs: svc.config.searchIndexDelayMs, onError: (e) => svc.log.error({ err: e }, 'search index batch failed') }, svc.database.sqlite ?? null,
      svc.config.sqliteGroupCommitMs)
    this.streams = new RoomStreams(
      {
        head: async (roomId) => {
          const head = (await this.repo.roomHead(roomId))?.eventSeq ?? null
          // what a stream dispatches up to its head must be on disk, as a published event is
          await svc.database.durable()
          return head
        },
        heads: async (roomIds) => {
          const heads = await this.repo.eventHeads(roomIds)
          await svc.database.durable()
          return heads
        },
        eventsBetween: (roomId, a, b, limit) => this.repo.eventsBetween(roomId, a, b, limit),
      },
      svc.pubsub,
      (e) => svc.log.error({ err: e }, 'room stream failed'),
      // several instances: a crashed one's last events are found within this long
      svc.config.redisUrl ? svc.config.streamSweepMs : 0,
    )
  }

  load(ctx: Ctx, id: string): Promise<MessageModel | null> {
    return ctx.loaders.of<string, MessageModel>('message', (ids) => this.repo.byIds(ids)).load(id)
  }

  private async sendLimit(userId: string) {
    await spend(this.svc.limits, `send:${userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
  }

  private async sendRefund(userId: string) {
    await this.svc.limits.refund(`send:${userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
  }

  /**
   * A plain send (no reply, no attachments) to a room of this instance's recent reads that is not
   * DIRECT: the checks and the insert together (PostgreSQL: one statement, one round trip;
   * SQLite: in the group commit's transaction). The attempt is counted first (the rate-limit
   * rule) and given back when nothing was stored. Null when nothing was stored for want of a
   * membership, the room is not in the cache, or the sender is past the limit: the usual path
   * then answers exactly as without this one.
   */
  private async sendCombined(userId: string, roomId: string, body: string, cid: string | null): Promise<MessageModel | null> {
    if (!isId(roomId)) return null
    const room = await this.svc.rooms.cached(roomId)
    if (!room || room.kind === 'DIRECT') return null
    try {
      await this.sendLimit(userId)
    } catch (e) {
      if (e instanceof AppError && e.code === 'RATE_LIMITED') return null
      throw e
    }
    let res
    try {
      res = await this.repo.insertChecked({ id: newTimeOrderedId(), roomId: room.id, senderId: userId, body, clientId: cid, replyToId: null, now: Date.now() })
    } catch (e) {
      // a retry racing its first attempt: the clientId's unique key refused the second
      if (cid) {
        const existing = await this.repo.byClientId(userId, room.id, cid)
        if (existing) return this.retried(existing)
      }
      throw e
    }
    if (res.ev) {
      // a plain send has no attachments: its event renders them without asking the database
      res.ev.message.attachments = []
      await this.announce(res.ev)
      const message = res.ev.message
      setImmediate(() => this.svc.events.emit('messageAdded', { room, message }))
      return message
    }
    await this.sendRefund(userId)
    if (res.member && res.existingId && cid) {
      // a retry: the stored message, unchanged, and nothing new published
      const existing = await this.repo.byClientId(userId, room.id, cid)
      if (existing) return this.retried(existing)
    }
    return null
  }

  /**
   * A send answered with the message a first attempt stored (same clientId). That attempt may
   * have been cut off before its event went out (its instance died): this instance's stream of
   * the room reads the database now rather than at the next event or sweep.
   */
  private retried(existing: MessageModel): MessageModel {
    this.streams.catchUp(existing.roomId)
    return existing
  }

  /**
   * After commit: this instance's subscribers of the room get the event at once, without the
   * round trip through Redis; the published copy reaches the other instances, and here it is
   * dropped by the room stream as already dispatched (same seq).
   */
  private async announce(ev: MessageEventModel) {
    // nobody sees an event that a power loss could still take back
    await this.svc.database.durable()
    this.streams.local(ev.roomId, ev)
    // the answer does not wait for Redis: the PUBLISH is queued on the connection in commit
    // order, and publish() reports its own failures (the other instances' streams fill any hole).
    // Only for the other instances: a stream of this one that opens later reads the event from the
    // database (it subscribes before it reads the room's head), so it needs no copy.
    // Skipped while no other instance listens to the room (pubsub.ts: skipWhenAlone).
    void this.svc.publish(topics.roomEvents(ev.roomId), ev, { othersOnly: true, skipWhenAlone: true })
  }

  /** events another module wrote into rooms' logs (deleteAccount's REACTIONS_CHANGED), announced in order after their commit */
  async announceAll(events: readonly MessageEventModel[]) {
    for (const ev of events) await this.announce(ev)
  }

  /**
   * A reply's or a send with attachments' checks in one statement (a plain send has them in its
   * transaction, sendCombined): a room of this instance's recent reads that is not DIRECT, the
   * sender's membership and an earlier message with the clientId, read together.
   * Null when anything is off (no such room, not a member, a direct room): the full checks then
   * run and give the contract's answer.
   */
  private async sendChecks(roomId: string, userId: string, cid: string | null): Promise<{ room: RoomModel; existingId: string | null } | null> {
    if (!isId(roomId)) return null
    const room = await this.svc.rooms.cached(roomId)
    if (!room || room.kind === 'DIRECT') return null
    const check = await this.repo.sendCheck(room.id, userId, cid)
    return check.member ? { room, existingId: check.existingId } : null
  }

  /**
   * Reaction changes to one message within REACTION_TICK_MS share one REACTIONS_CHANGED event:
   * the first change after a quiet spell is announced at once, later ones wait for the end of the
   * tick and go out together, carrying the reactions as they are then.
   */
  private get reactionTick() { return this.svc.config.reactionTickMs }

  /** per message: changes waiting for their REACTIONS_CHANGED event */
  private reactionTicks = new Map<string, ReactionTick>()
  /** writes the reaction events owed by an instance that died within their tick (started by start()) */
  private reactionSweeper: NodeJS.Timeout | null = null

  async send(ctx: Ctx, roomId: string, body: string, clientId: string | null | undefined, replyToId?: string | null, attachmentIds?: readonly string[] | null): Promise<MessageModel> {
    const viewer = ctx.viewer!
    const attach = attachmentIds === null || attachmentIds === undefined ? null : this.svc.attachments.checkIds(attachmentIds)
    // with attachments the body may be empty
    const text = cleanText(body, 'body', attach ? { ...BODY_RULE, min: 0 } : BODY_RULE)
    let cid: string | null = null
    if (clientId !== null && clientId !== undefined) {
      cid = cleanText(clientId, 'clientId', { min: 1, max: 64 })
    }
    if (!attach && (replyToId === null || replyToId === undefined)) {
      const stored = await this.sendCombined(viewer.userId, roomId, text, cid)
      if (stored) return stored
    }
    const fast = await this.sendChecks(roomId, viewer.userId, cid)
    let room: RoomModel
    let peerId: string | null = null
    if (fast) {
      room = fast.room
      if (cid && fast.existingId) {
        // a retry: the stored message, unchanged, and nothing new published
        const existing = await this.repo.byClientId(viewer.userId, room.id, cid)
        if (existing) return this.retried(existing)
      }
    } else {
      room = (await this.svc.rooms.writable(ctx, roomId)).room
      if (room.kind === 'DIRECT') peerId = await this.svc.friends.assertMaySendDirect(room.id, viewer.userId)
      if (cid) {
        // a retry: the stored message, unchanged, and nothing new published
        const existing = await this.repo.byClientId(viewer.userId, room.id, cid)
        if (existing) return this.retried(existing)
      }
    }
    let replyTo: string | null = null
    if (replyToId !== null && replyToId !== undefined) {
      // the original must be a message of this room (which the sender reads, being a member)
      const original = isId(replyToId) ? await this.repo.byId(replyToId) : null
      if (!original || original.roomId !== room.id) throw new AppError('NOT_FOUND', 'No such message in this room', { field: 'replyToId' })
      if (original.deletedAt !== null) throw conflict('The message you reply to was deleted')
      replyTo = original.id
    }
    await this.sendLimit(viewer.userId)
    // the other person closed (left) the conversation: it comes back to them with this message
    if (room.kind === 'DIRECT') await this.svc.friends.reopenForPeer(room.id, viewer.userId)
    const id = newTimeOrderedId()
    // the uploads are claimed for the message before it is stored (all or none; BAD_USER_INPUT
    // for someone else's, a sent or an expired one) and given back if it is not
    if (attach) await this.svc.attachments.claim(attach, viewer.userId, id, room.id)
    let ev: MessageEventModel
    try {
      ev = await this.repo.insert({ id, roomId: room.id, senderId: viewer.userId, body: text, clientId: cid, replyToId: replyTo, now: Date.now(), peerId })
    } catch (e) {
      if (attach) await this.svc.attachments.release(id)
      if (e instanceof RoomGoneError) throw notFound('No such room')
      if (e instanceof BlockedError) throw forbidden('You cannot message this user')
      if (e instanceof NotMemberError) {
        // removed (or the room deleted) after the checks above: answered as a send that came later
        ctx.loaders.forget('membership', room.id)
        ctx.loaders.forget('room', room.id)
        await this.svc.rooms.writable(ctx, room.id)
        throw forbidden('Join the room first')
      }
      if (cid) {
        const existing = await this.repo.byClientId(viewer.userId, room.id, cid)
        if (existing) return this.retried(existing)
      }
      throw e
    }
    if (!attach) ev.message.attachments = []
    await this.announce(ev)
    // notifications, mentions and presence run after the answer has gone
    setImmediate(() => this.svc.events.emit('messageAdded', { room, message: ev.message }))
    return ev.message
  }

  private async ownMessage(ctx: Ctx, id: string): Promise<{ message: MessageModel; room: RoomModel; isMember: boolean; isModerator: boolean; role: string | null }> {
    const message = isId(id) ? await this.repo.byId(id) : null
    if (!message) throw notFound('No such message')
    let access
    try {
      access = await this.svc.rooms.readable(ctx, message.roomId, 'message')
    } catch (e) {
      if (e instanceof AppError && e.code === 'NOT_FOUND') throw notFound('No such message')
      throw e
    }
    return { message, room: access.room, isMember: !!access.membership, isModerator: mayAct(access.membership?.role ?? null, 'moderateMessages'), role: access.membership?.role ?? null }
  }

  // ---- reactions ----------------------------------------------------------------------------

  /** a message of a room the viewer may write to (blocks in DIRECT rooms count as for sends) */
  private async reactable(ctx: Ctx, messageId: string) {
    const { message, room, isMember } = await this.ownMessage(ctx, messageId)
    if (!isMember) throw forbidden('Join the room first')
    if (room.kind === 'DIRECT') await this.svc.friends.assertMaySendDirect(room.id, ctx.viewer!.userId)
    return { message, room }
  }

  private async reactLimit(userId: string) {
    await spend(this.svc.limits, `react:${userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
  }

  async addReaction(ctx: Ctx, messageId: string, emojiArg: string): Promise<MessageModel> {
    const { emoji } = oneEmoji(emojiArg)
    const { message } = await this.reactable(ctx, messageId)
    if (message.deletedAt !== null) throw conflict('The message was deleted')
    await this.reactLimit(ctx.viewer!.userId)
    let changed: boolean
    try {
      changed = await this.repo.addReaction(message.id, ctx.viewer!.userId, emoji, Date.now())
    } catch (e) {
      if (e instanceof RoomGoneError) throw notFound('No such message')
      if (e instanceof MessageDeletedError) throw conflict('The message was deleted')
      if (e instanceof CapReachedError) throw conflict(`A message has at most ${MAX_EMOJI_PER_MESSAGE} different emoji`)
      throw e
    }
    if (changed) await this.reactionsChanged(message.id)
    return (await this.repo.byId(message.id)) ?? message
  }

  async removeReaction(ctx: Ctx, messageId: string, emojiArg: string): Promise<MessageModel> {
    const { emoji, asSent } = oneEmoji(emojiArg)
    const { message } = await this.reactable(ctx, messageId)
    // a deleted message shows no reactions: none to take back either (as addReaction)
    if (message.deletedAt !== null) throw conflict('The message was deleted')
    await this.reactLimit(ctx.viewer!.userId)
    const me = ctx.viewer!.userId
    // a reaction stored as sent before emoji were stored in their RGI form comes off too
    const removed = await this.repo.removeReaction(message.id, me, emoji) || (asSent !== emoji && await this.repo.removeReaction(message.id, me, asSent))
    if (removed) await this.reactionsChanged(message.id)
    return (await this.repo.byId(message.id)) ?? message
  }

  /**
   * Resolves once a REACTIONS_CHANGED event written after this call's change is committed and
   * announced. Changes to one message within the tick share one event (see above): a
   * burst of 100 reactions becomes about one event per tick, each with the whole current state,
   * so the sequence stays gapless and the last event is exact.
   */
  private reactionsChanged(messageId: string): Promise<void> {
    let t = this.reactionTicks.get(messageId)
    if (!t) this.reactionTicks.set(messageId, (t = { timer: null, waiters: [], last: 0, idle: null }))
    const tick = t
    return new Promise<void>((resolve, reject) => {
      tick.waiters.push({ resolve, reject })
      if (tick.timer) return
      if (tick.idle) { clearTimeout(tick.idle); tick.idle = null }
      const delay = Math.max(0, tick.last + this.reactionTick - Date.now())
      tick.timer = setTimeout(() => { void this.flushReactionTick(messageId, tick) }, delay)
    })
  }

  private async flushReactionTick(messageId: string, tick: ReactionTick) {
    if (tick.timer) { clearTimeout(tick.timer); tick.timer = null }
    tick.last = Date.now()
    const waiters = tick.waiters.splice(0)
    if (!waiters.length) return
    try {
      const ev = await this.repo.reactionsChanged(messageId, Date.now())
      if (ev) await this.announce(ev)
      for (const w of waiters) w.resolve()
    } catch (e) {
      const err = e instanceof RoomGoneError ? notFound('No such message') : e
      for (const w of waiters) w.reject(err)
    }
    // forgotten after a quiet tick (until then the next change waits for the tick's end)
    if (!tick.timer && !tick.waiters.length) {
      tick.idle = setTimeout(() => {
        if (!tick.timer && !tick.waiters.length && this.reactionTicks.get(messageId) === tick) this.reactionTicks.delete(messageId)
      }, this.reactionTick)
      tick.idle.unref()
    }
  }

  /** every so often, the reaction events owed for longer than that are written (sweepReactionEvents) */
  start() {
    if (this.reactionSweeper || this.svc.config.reactionSweepMs <= 0) return
    this.reactionSweeper = setInterval(() => { void this.sweepReactionEvents() }, this.svc.config.reactionSweepMs)
    this.reactionSweeper.unref()
  }

  /**
   * A reaction change commits with a mark that its message owes a REACTIONS_CHANGED; the tick's
   * event removes it. A mark older than the sweep interval belongs to an instance that died within
   * the tick: its event is written here, with the reactions as they are now (whichever instance
   * removes the mark writes it, once).
   */
  async sweepReactionEvents(): Promise<number> {
    let written = 0
    let owed: string[] = []
    try {
      owed = await this.repo.reactionEventsOwed(Date.now() - this.svc.config.reactionSweepMs, 100)
    } catch (e) {
      this.svc.log.error({ err: e }, 'reading owed reaction events failed')
    }
    for (const id of owed) {
      try {
        const ev = await this.repo.reactionsChangedIfOwed(id, Date.now())
        if (ev) { await this.announce(ev); written++ }
      } catch (e) {
        this.svc.log.error({ err: e }, 'writing an owed reaction event failed')
      }
    }
    return written
  }

  /** at shutdown: every waiting reaction change gets its event now */
  async flushReactionTicks() {
    if (this.reactionSweeper) clearInterval(this.reactionSweeper)
    this.reactionSweeper = null
    const all = [...this.reactionTicks.entries()]
    this.reactionTicks.clear()
    await Promise.all(all.map(([id, t]) => {
      if (t.idle) clearTimeout(t.idle)
      return this.flushReactionTick(id, t)
    }))
  }

  /** Message.reactions: the event's own snapshot when it has one, else loaded in one query per operation */
  async reactions(ctx: Ctx, m: MessageModel): Promise<ReactionGroupModel[]> {
    // a tombstone keeps its place in history, not its reactions (as its body and attachments)
    if (m.deletedAt !== null) return []
    if (m.reactions) return m.reactions
    return (await ctx.loaders.of<string, ReactionGroupModel[]>('reactions', (ids) => this.repo.reactionsOf(ids)).load(m.id)) ?? []
  }

  // ---- pins ---------------------------------------------------------------------------------

  private async pinnable(ctx: Ctx, messageId: string) {
    const { message, room, isMember, isModerator } = await this.ownMessage(ctx, messageId)
    if (!isMember) throw forbidden('Join the room first')
    if (room.kind !== 'DIRECT' && !isModerator) throw forbidden('Only the owner or a moderator can pin messages')
    // across a block in a DIRECT room neither side writes, pins included (a blocked user kept
    // adding PINNED/UNPINNED events to the blocker's conversation)
    if (room.kind === 'DIRECT') await this.svc.friends.assertMaySendDirect(room.id, ctx.viewer!.userId)
    return { message, room }
  }

  async pin(ctx: Ctx, messageId: string): Promise<MessageModel> {
    const { message } = await this.pinnable(ctx, messageId)
    if (message.deletedAt !== null) throw conflict('The message was deleted')
    if (message.pinnedAt !== null) return message
    let ev: MessageEventModel | null
    try {
      ev = await this.repo.pin(message.id, ctx.viewer!.userId, Date.now())
    } catch (e) {
      if (e instanceof RoomGoneError) throw notFound('No such message')
      if (e instanceof MessageDeletedError) throw conflict('The message was deleted')
      if (e instanceof CapReachedError) throw conflict(`A room has at most ${MAX_PINS_PER_ROOM} pinned messages`)
      throw e
    }
    if (!ev) return (await this.repo.byId(message.id)) ?? message
    await this.announce(ev)
    await this.svc.rooms.publishPinsChanged(ev.roomId, ctx.viewer!.userId)
    return ev.message
  }

  async unpin(ctx: Ctx, messageId: string): Promise<MessageModel> {
    const { message } = await this.pinnable(ctx, messageId)
    if (message.pinnedAt === null) return message
    let ev: MessageEventModel | null
    try {
      ev = await this.repo.unpin(message.id, Date.now())
    } catch (e) {
      if (e instanceof RoomGoneError) throw notFound('No such message')
      throw e
    }
    if (!ev) return (await this.repo.byId(message.id)) ?? message
    await this.announce(ev)
    await this.svc.rooms.publishPinsChanged(ev.roomId, ctx.viewer!.userId)
    return ev.message
  }

  /** Room.pinnedMessages (rooms the viewer may read), one query for the rooms of an operation */
  async pinnedMessages(ctx: Ctx, room: RoomModel): Promise<MessageModel[]> {
    await this.svc.rooms.readable(ctx, room.id)
    return (await ctx.loaders.of<string, MessageModel[]>('pinned', (ids) => this.repo.pinnedIn(ids)).load(room.id)) ?? []
  }

  async edit(ctx: Ctx, id: string, body: string): Promise<MessageModel> {
    // empty only where the send allowed it: a message with files may lose its caption
    const text = cleanText(body, 'body', { ...BODY_RULE, min: 0 })
    const { message, room, isMember } = await this.ownMessage(ctx, id)
    if (text === '' && (message.deletedAt !== null || !(await this.svc.attachments.ofMessage(ctx, message)).length)) {
      throw badInput('body', 'body must not be empty')
    }
    if (message.senderId !== ctx.viewer!.userId) throw forbidden('Only the sender can edit a message')
    // an edit reaches every subscriber as a send does, so it follows the send's rules: a former
    // member of a PUBLIC room is FORBIDDEN (PRIVATE and DIRECT rooms are NOT_FOUND above), and
    // across a block in a DIRECT room neither side writes
    if (!isMember) throw forbidden('Join the room first')
    if (room.kind === 'DIRECT') await this.svc.friends.assertMaySendDirect(room.id, ctx.viewer!.userId)
    if (message.deletedAt !== null) throw conflict('The message was deleted')
    if (message.body === text) return message
    const ev = await this.changeOrGone(message.id, 'EDITED', text)
    await this.announce(ev)
    return ev.message
  }

  async delete(ctx: Ctx, id: string): Promise<MessageModel> {
    const { message, isModerator } = await this.ownMessage(ctx, id)
    if (message.senderId !== ctx.viewer!.userId && !isModerator) throw forbidden('Only the sender, the room owner or a moderator can delete a message')
    if (message.deletedAt !== null) return message
    let ev: MessageEventModel
    try {
      ev = await this.changeOrGone(message.id, 'DELETED', '')
    } catch (e) {
      // deleted by someone else meanwhile: the same answer as deleting it again
      if (e instanceof MessageDeletedError) return (await this.repo.byId(message.id)) ?? message
      throw e
    }
    await this.announce(ev)
    // its attachments go with it
    await this.svc.attachments.deleteOfMessage(message.id)
    // a pinned message leaves the room's pins: those following roomChanged hear it (the DELETED
    // event on messageEvents carries pinnedAt null)
    if (message.pinnedAt !== null) await this.svc.rooms.publishPinsChanged(message.roomId, ctx.viewer!.userId)
    return ev.message
  }

  private async changeOrGone(id: string, kind: 'EDITED' | 'DELETED', body: string) {
    try {
      return await this.repo.change(id, kind, body, Date.now())
    } catch (e) {
      if (e instanceof RoomGoneError) throw notFound('No such message')
      if (e instanceof MessageDeletedError && kind === 'EDITED') throw conflict('The message was deleted')
      throw e
    }
  }

  async markRead(ctx: Ctx, roomId: string, messageId: string): Promise<RoomModel> {
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    const message = isId(messageId) ? await this.repo.byId(messageId) : null
    if (!message) throw notFound('No such message')
    if (message.roomId !== room.id) {
      // a message of a room the viewer may not read does not exist for them (NOT_FOUND, as for a
      // random id); only a message they could see anyway is "of another room"
      const visible = await this.svc.rooms.readable(ctx, message.roomId).then(() => true, (e: unknown) => {
        if (e instanceof AppError && e.code === 'NOT_FOUND') return false
        throw e
      })
      if (!visible) throw notFound('No such message')
      throw badInput('messageId', 'That message belongs to another room')
    }
    await this.svc.rooms.repo.markRead(room.id, ctx.viewer!.userId, message.seq)
    // the answer's Room shows the marker as it is now (the membership was read before, to check access)
    ctx.loaders.forget('membership', room.id)
    ctx.loaders.forget('unread', room.id)
    return room
  }

  /** A connection over a room's messages, oldest first. */
  async page(ctx: Ctx, roomId: string, args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null; aroundSeq?: number | null }): Promise<Connection<MessageModel>> {
    if (args.aroundSeq !== null && args.aroundSeq !== undefined) {
      // checked before the room is read: a bad argument changes nothing and tells nothing
      if (!Number.isInteger(args.aroundSeq) || args.aroundSeq < 1) throw badInput('aroundSeq', 'aroundSeq must be a message seq (1 or more)')
      if ((args.after ?? null) !== null || (args.before ?? null) !== null) throw badInput('aroundSeq', 'aroundSeq cannot be combined with after or before')
    }
    const { room } = await this.svc.rooms.readable(ctx, roomId)
    if (args.aroundSeq !== null && args.aroundSeq !== undefined) return this.around(ctx, room.id, args.aroundSeq, args.first !== null && args.first !== undefined ? pageSize(args.first, 'first', 50) : pageSize(args.last, 'last', 50))
    const lower = args.after === null || args.after === undefined ? null : decodeMessageCursor(args.after, room.id, 'after')
    const upper = args.before === null || args.before === undefined ? null : decodeMessageCursor(args.before, room.id, 'before')
    const hasFirst = args.first !== null && args.first !== undefined
    const hasLast = args.last !== null && args.last !== undefined
    const first = hasFirst ? pageSize(args.first, 'first', 50) : null
    const last = hasLast ? pageSize(args.last, 'last', 50) : null
    let rows: MessageModel[]
    if (last !== null && first === null) rows = await this.repo.page(room.id, lower, upper, last, true)
    else if (first !== null) {
      rows = await this.repo.page(room.id, lower, upper, first, false)
      if (last !== null && rows.length > last) rows = rows.slice(rows.length - last)
    } else if (lower !== null) rows = await this.repo.page(room.id, lower, upper, 50, false)
    else rows = await this.repo.page(room.id, lower, upper, 50, true)
    const head = (await this.repo.roomHead(room.id))?.msgSeq ?? 0
    const firstSeq = rows.length ? rows[0].seq : (lower ?? 0) + 1
    const lastSeq = rows.length ? rows[rows.length - 1].seq : (upper ?? head + 1) - 1
    const messageLoader = ctx.loaders.of<string, MessageModel>('message', (ids) => this.repo.byIds(ids))
    for (const m of rows) messageLoader.prime(m.id, m)
    // seq has no gaps and deleted messages stay as tombstones: neighbours exist exactly when in range
    return connection(rows.map((m) => ({ cursor: encodeMessageCursor(m.seq, room.id), node: m })), lastSeq < head, firstSeq > 1)
  }

  /** the page holding message `seq` (or the newest, when past it): up to half the size before it, the rest from it on */
  private async around(ctx: Ctx, roomId: string, seq: number, n: number): Promise<Connection<MessageModel>> {
    const head = (await this.repo.roomHead(roomId))?.msgSeq ?? 0
    const at = Math.min(seq, Math.max(head, 1))
    // near either end the other side fills the page
    const older = await this.repo.page(roomId, null, at, n, true)
    const newer = await this.repo.page(roomId, at - 1, null, n, false)
    const takeNewer = Math.min(newer.length, n - Math.min(older.length, Math.floor(n / 2)))
    const takeOlder = Math.min(older.length, n - takeNewer)
    const rows = [...older.slice(older.length - takeOlder), ...newer.slice(0, takeNewer)]
    const messageLoader = ctx.loaders.of<string, MessageModel>('message', (ids) => this.repo.byIds(ids))
    for (const m of rows) messageLoader.prime(m.id, m)
    const firstSeq = rows.length ? rows[0].seq : 1
    const lastSeq = rows.length ? rows[rows.length - 1].seq : head
    return connection(rows.map((m) => ({ cursor: encodeMessageCursor(m.seq, roomId), node: m })), lastSeq < head, firstSeq > 1)
  }

  lastMessage(ctx: Ctx, room: RoomModel): Promise<MessageModel | null> {
    return ctx.loaders.of<string, MessageModel>('lastMessage', async (ids) => {
      const rooms = await Promise.all(ids.map((id) => this.svc.rooms.load(ctx, id)))
      return this.repo.lastOf(rooms.filter((r): r is RoomModel => !!r).map((r) => ({ id: r.id, msgSeq: r.msgSeq })))
    }).load(room.id)
  }

  async unreadCount(ctx: Ctx, room: RoomModel): Promise<number> {
    const viewer = ctx.viewer
    if (!viewer) return 0
    if (room.asOfSeq !== undefined) return (await this.repo.unreadCounts(viewer.userId, [room.id], room.asOfSeq)).get(room.id) ?? 0
    const n = await ctx.loaders.of<string, number>('unread', (ids) => this.repo.unreadCounts(viewer.userId, ids)).load(room.id)
    return n ?? 0
  }

  async search(ctx: Ctx, query: string, roomId: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<MessageModel>> {
    const text = cleanText(query, 'query', { min: 1, max: SEARCH_QUERY_MAX })
    // the words as the index has them (src/lib/search-words.ts), the first ten
    const words = searchWords(text).slice(0, 10)
    if (!words.length) throw badInput('query', 'query needs at least one word')
    const limit = pageSize(first, 'first', 20)
    let afterKey: { at: number; id: string } | null = null
    if (after !== null && after !== undefined) {
      const raw = decodeCursor(after, 's', 'after')
      const [t, id] = raw.split(':')
      if (!/^\d{1,15}$/.test(t ?? '') || !isId(id)) throw badInput('after', 'after is not a valid cursor')
      afterKey = { at: Number(t), id }
    }
    let rid: string | null = null
    if (roomId !== null && roomId !== undefined) rid = (await this.svc.rooms.readable(ctx, roomId)).room.id
    const rows = await this.repo.search(words, ctx.viewer!.userId, rid, afterKey, limit + 1)
    const page = rows.slice(0, limit)
    return connection(page.map((m) => ({ cursor: encodeCursor('s', `${m.createdAt}:${m.id}`), node: m })), rows.length > limit, afterKey !== null)
  }

  /** `after` of messageAdded: a message cursor or a decimal Message.seq */
  private parseAfter(after: string | null | undefined, roomId: string): number | null {
    if (after === null || after === undefined) return null
    if (typeof after !== 'string' || after.length > 100) throw badInput('after', 'after must be a message cursor or a seq')
    if (/^\d+$/.test(after)) {
      // seqs are 32-bit integers (PostgreSQL's integer column): anything larger is beyond every
      // message, which replays nothing and continues live, as "2147483647" does
      const n = Number(after)
      return Math.min(n, SEQ_MAX)
    }
    if (/^[+-]?\d/.test(after) && /^[+-]?[\d.eE+-]+$/.test(after)) throw badInput('after', 'after must be a message cursor or a non-negative seq')
    return decodeMessageCursor(after, roomId, 'after')
  }

  /** kinds: events only of these kinds (messageEvents' `kinds`), null for all */
  private async feed(ctx: Ctx, roomId: string, kind: 'added' | 'events', after: number | null, kinds: ReadonlySet<MessageEventKind> | null = null): Promise<Feed> {
    const { room, membership } = await this.svc.rooms.readable(ctx, roomId)
    const viewer = ctx.viewer!
    let detach: (() => void) | null = null
    let stopped = false
    return {
      start: async (sink) => {
        // PRIVATE and DIRECT rooms: a leave while this starts must not let later messages through.
        // Each replayed page is fetched, then the membership read again before it is sent (a
        // member then was a member when the page was read), and once attached the membership is
        // read again while live events wait: the stream ends listeners on a 'left' it sees after
        // they attached, not on one that came before.
        // a member's subscription ends when they leave or are removed, in a PUBLIC room too
        // (contract part 2: "A removed member's subscriptions to the room end (as on leaveRoom)");
        // before, a member banned from a PUBLIC room kept receiving it. Someone reading a PUBLIC
        // room without belonging to it keeps theirs.
        const gated = room.kind !== 'PUBLIC' || membership !== null
        let revoked = false
        const stillMember = async () => {
          if (!gated || revoked) return !revoked
          if (!(await this.svc.rooms.repo.membership(room.id, viewer.userId))) revoked = true
          return !revoked
        }
        let replay: ((from: number, upto: number) => Promise<void>) | null = null
        let from: number | null = null
        if (after !== null) {
          if (kind === 'events') {
            from = after
            replay = async (a, b) => {
              for (let cursor = a; cursor < b && !stopped;) {
                const rows = await this.repo.eventsBetween(room.id, cursor, b, REPLAY_PAGE)
                if (!rows.length || !(await stillMember())) break
                await writeChunked(kinds ? rows.filter((r) => kinds.has(r.kind)) : rows, (r) => sink.next(r), sink, () => stopped)
                cursor = rows[rows.length - 1].seq
                if (cursor > have) have = cursor
              }
            }
          } else {
            // messages with seq > after, walked in event order: the stream's position is an event seq
            from = 0
            let msgCursor = after
            replay = async (_a, b) => {
              while (!stopped) {
                const rows = await this.repo.messagesAddedBetween(room.id, msgCursor, b, REPLAY_PAGE)
                if (!rows.length || !(await stillMember())) break
                await writeChunked(rows, (m) => sink.next(m), sink, () => stopped)
                msgCursor = rows[rows.length - 1].seq
                if (msgCursor > have) have = msgCursor
              }
            }
          }
        }
        let confirmed = !gated
        const early: MessageEventModel[] = []
        // the last seq this subscriber has (an event seq for messageEvents, a message seq for
        // messageAdded): the room's stream on this instance can be behind the database (an event
        // committed by an instance that died before publishing it) while `after` is not, and it
        // then dispatches what this subscriber already has. Nothing at or below it goes out twice.
        // An `after` beyond the room's newest replays nothing and continues live with what comes
        // next: the mark is then the newest seq.
        let have = -1
        if (after !== null) {
          const head = await this.repo.roomHead(room.id)
          have = Math.min(after, head ? (kind === 'events' ? head.eventSeq : head.msgSeq) : 0)
        }
        const emit = (ev: MessageEventModel) => {
          if (kind === 'events') {
            if (ev.seq <= have) return
            have = ev.seq
            if (!kinds || kinds.has(ev.kind)) sink.next(ev)
          } else if (ev.kind === 'ADDED') {
            if (ev.message.seq <= have) return
            have = ev.message.seq
            sink.next(ev.message)
          }
        }
        const off = await this.streams.attach(room.id, {
          userId: viewer.userId,
          needsMembership: gated,
          onEvent: (ev) => { if (confirmed) emit(ev); else early.push(ev) },
          onEnd: () => sink.complete(),
        }, from, replay)
        if (stopped) { off(); return }
        detach = off
        if (!gated) return
        const still = await stillMember()
        if (stopped) return
        if (!still) { off(); detach = null; sink.complete(); return }
        confirmed = true
        for (const ev of early.splice(0)) emit(ev)
      },
      stop: () => { stopped = true; detach?.() },
    }
  }

  messageAddedFeed(ctx: Ctx, roomId: string, after: string | null | undefined): Promise<Feed> {
    const a = this.parseAfter(after, roomId)
    return this.feed(ctx, roomId, 'added', a)
  }

  messageEventsFeed(ctx: Ctx, roomId: string, after: number | null | undefined, kinds?: readonly MessageEventKind[] | null): Promise<Feed> {
    if (after !== null && after !== undefined && (!Number.isInteger(after) || after < 0)) throw badInput('after', 'after must be a non-negative event seq')
    if (kinds !== null && kinds !== undefined && kinds.length === 0) throw badInput('kinds', 'Name at least one kind of event, or leave kinds out for all of them')
    return this.feed(ctx, roomId, 'events', after ?? null, kinds ? new Set(kinds) : null)
  }
}

/** A page of replayed history, written in chunks, each in its own turn of the socket. */
async function writeChunked<T>(rows: T[], write: (row: T) => void, sink: { drained(): Promise<number> }, stopped: () => boolean) {
  for (let i = 0; i < rows.length && !stopped();) {
    const n = await sink.drained()
    if (stopped()) return
    for (const row of rows.slice(i, i + n)) write(row)
    i += n
  }
}
