import type { Kysely, Selectable, Transaction } from 'kysely'
import type { DB, Dialect, MessagesTable, UsersTable } from '../../db/types.js'
import type { MessageEventModel, ReactionGroupModel } from '../../graphql/models.js'
import type { RoomsRepository } from '../rooms/rooms.repository.js'
import { groupReactions, toMessage } from '../messages/messages.repository.js'
import { retryTransient } from '../../db/retry.js'
import { nameKey } from '../../lib/text.js'

/** username_key of a "Deleted user" placeholder: never a signable name (keys have no "~" or ":") */
export const PLACEHOLDER_KEY_PREFIX = '~deleted:'
export const PLACEHOLDER_USERNAME = '[deleted]'
export const PLACEHOLDER_DISPLAY_NAME = 'Deleted user'

export interface ErasedAccount {
  /** every session the account had (their sockets are closed after the commit) */
  sessionIds: string[]
  /** rooms the account left, with who became owner where it was the owner */
  rooms: { roomId: string; newOwnerId: string | null }[]
  /** the placeholder now shown as the sender of the account's messages (null: it had none) */
  placeholderId: string | null
  /** friends, both sides of pending requests and of blocks: their lists named the account */
  relatedUserIds: string[]
  /** uploads erased with the account (never sent, or the avatar): their bytes outside the database go after the commit */
  erasedUploadIds: string[]
  /** REACTIONS_CHANGED events of the reactions erased, in each room's order: announced after the commit */
  events: MessageEventModel[]
}

class SessionEnded extends Error {}

/** Password changes and account deletion: several tables, each in one transaction. */
export class AccountRepository {
  constructor(private db: Kysely<DB>, private dialect: Dialect, private rooms: RoomsRepository) {}

  /**
   * The new hash, and every other live session of the user revoked; answers the revoked ids, or
   * null (nothing changed) when the session asking was revoked meanwhile: two changes from two
   * sessions at once each revoked the other's session and both answered true, one of the two
   * passwords silently lost. The user row is locked first (its update), so of two changes the
   * second reads the first's revocations.
   */
  async changePassword(userId: string, hash: string, keepSessionId: string, now: number): Promise<string[] | null> {
    return this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: hash, updated_at: now }).where('id', '=', userId).execute()
      const kept = await trx.selectFrom('sessions').select('id').where('id', '=', keepSessionId).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst()
      if (!kept) throw new SessionEnded()
      const others = await trx.selectFrom('sessions').select('id')
        .where('user_id', '=', userId).where('id', '!=', keepSessionId).where('revoked_at', 'is', null).execute()
      if (others.length) {
        await trx.updateTable('sessions').set({ revoked_at: now })
          .where('id', 'in', others.map((s) => s.id)).execute()
      }
      return others.map((s) => s.id)
    }).catch((e: unknown) => {
      if (e instanceof SessionEnded) return null
      throw e
    })
  }

  /**
   * Erases the account in one transaction. Its messages move to a placeholder user of their own
   * ("Deleted user", a username no one can sign in with), so that the conversation stays readable
   * and nothing that remains names the account; it leaves every room as leaveRoom would (an
   * owned room passes to the longest-standing member), DIRECT rooms are renamed and
   * unkeyed; then the user row goes, and with it (foreign keys, ON DELETE CASCADE) sessions,
   * memberships, friend requests (and their notifications), friendships, blocks, study sessions
   * and goals. `placeholder` is the row to insert when something is kept under it.
   *
   * What others keep, as they would expect it (contract: "messages stay"):
   * - its reactions go; each message whose reactions changed gets one REACTIONS_CHANGED in its
   *   room's event log, in this transaction (`events`, published by the caller after the commit),
   *   and a group whose first use was the account's keeps its place, as on removeReaction;
   * - a pin it made stays, pinnedBy the placeholder: shown as "Deleted user", as the sender of
   *   its messages is (no event: like Message.sender, the name turns into "Deleted user" live
   *   through userUpdated);
   * - others' notifications about its messages (MENTION, REPLY, DIRECT_MESSAGE) stay, their actor
   *   the placeholder; its own notifications go.
   *
   * Lock order (PostgreSQL): every room it touches, in id order; then the messages it sent,
   * pinned or reacted to, in id order; then the user row. A send locks its room and then needs a
   * key-share lock on its sender's row (messages.sender_id); addReaction locks the message and
   * then the reacting user's row: taking the user row first deadlocked with both. A deadlock
   * that an order still misses runs the whole erase again (src/db/retry.ts).
   */
  async erase(userId: string, placeholder: UsersTable, now: number): Promise<ErasedAccount | null> {
    return retryTransient(() => this.db.transaction().execute((trx) => this.eraseIn(trx, userId, placeholder, now)))
  }

  /** the rooms the erase writes to: memberships, DIRECT rooms naming the account, rooms of its messages, pins and reactions */
  private async roomsTouched(trx: Transaction<DB>, userId: string): Promise<string[]> {
    const ids = new Set<string>()
    for (const r of await trx.selectFrom('room_members').select('room_id').where('user_id', '=', userId).execute()) ids.add(r.room_id)
    for (const r of await trx.selectFrom('rooms').select('id').where('kind', '=', 'DIRECT').where('direct_key', 'like', `%${userId}%`).execute()) ids.add(r.id)
    for (const r of await trx.selectFrom('messages').select('room_id').distinct().where('id', 'in', touchedMessages(trx, userId)).execute()) ids.add(r.room_id)
    return [...ids].sort()
  }

  private async eraseIn(trx: Transaction<DB>, userId: string, placeholder: UsersTable, now: number): Promise<ErasedAccount | null> {
    const pg = this.dialect === 'postgres'
    // the rooms first, in id order (each as joins, leaves and sends take it), then the messages
    // whose rows change, then the user row (PostgreSQL; SQLite's write lock already serialises)
    const locked = new Set<string>()
    const lockRooms = async () => {
      for (const id of await this.roomsTouched(trx, userId)) {
        if (locked.has(id)) continue
        await this.rooms.lockRoom(trx, id)
        locked.add(id)
      }
    }
    if (pg) {
      await lockRooms()
      await trx.selectFrom('messages').select('id').where('id', 'in', touchedMessages(trx, userId)).orderBy('id').forUpdate().execute()
    }
    // of two deletions at once the second finds no account and erases nothing
    let me = trx.selectFrom('users').select('id').where('id', '=', userId)
    if (pg) me = me.forUpdate()
    if (!(await me.executeTakeFirst())) return null
    // with the user row held nothing new can name the account (every such row's foreign key
    // waits for it); a room joined (or reacted in) since the first look is locked now, out of
    // order (rare: a deadlock there runs the erase again)
    if (pg) await lockRooms()

    const sessionIds = (await trx.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).map((s) => s.id)
    const related = new Set<string>()
    for (const r of await trx.selectFrom('friendships').select('friend_id as id').where('user_id', '=', userId).execute()) related.add(r.id)
    for (const r of await trx.selectFrom('friend_requests').select(['from_id', 'to_id']).where('status', '=', 'PENDING')
      .where((eb) => eb.or([eb('from_id', '=', userId), eb('to_id', '=', userId)])).execute()) related.add(r.from_id === userId ? r.to_id : r.from_id)
    for (const r of await trx.selectFrom('blocks').select(['blocker_id', 'blocked_id'])
      .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)])).execute()) related.add(r.blocker_id === userId ? r.blocked_id : r.blocker_id)
    related.delete(userId)
    const memberships = await trx.selectFrom('room_members').select('room_id').where('user_id', '=', userId).orderBy('room_id').execute()
    // DIRECT rooms the account was in, whether or not it is still a member (one may have left)
    const direct = await trx.selectFrom('rooms').select(['id', 'direct_key'])
      .where('kind', '=', 'DIRECT').where('direct_key', 'like', `%${userId}%`).execute()
    const hasMessages = !!(await trx.selectFrom('messages').select('id').where('sender_id', '=', userId).limit(1).executeTakeFirst())
    const hasPins = !!(await trx.selectFrom('messages').select('id').where('pinned_by', '=', userId).where('pinned_at', 'is not', null).limit(1).executeTakeFirst())
    // others' notifications about its messages (a message notification's actor is its sender: with
    // messages there is a placeholder anyway; checked on its own all the same)
    const actorOf = !!(await trx.selectFrom('notifications').select('id').where('actor_id', '=', userId)
      .where('user_id', '!=', userId).where('message_id', 'is not', null).limit(1).executeTakeFirst())
    const needPlaceholder = hasMessages || hasPins || actorOf
    if (needPlaceholder) await trx.insertInto('users').values({ ...placeholder, display_name_key: nameKey(placeholder.display_name) }).execute()

    // rooms in id order, each under its lock (held since the start)
    const rooms: ErasedAccount['rooms'] = []
    for (const m of memberships) {
      const { removed, newOwnerId } = await this.rooms.removeMemberIn(trx, m.room_id, userId)
      if (removed) rooms.push({ roomId: m.room_id, newOwnerId })
    }
    for (const r of direct) {
      // the room stays with its other member; its key and name named the account
      const peer = (r.direct_key ?? '').split(':').find((u) => u && u !== userId)
      const peerName = peer ? (await trx.selectFrom('users').select('username').where('id', '=', peer).executeTakeFirst())?.username : null
      const name = peerName ? `${peerName}, ${PLACEHOLDER_DISPLAY_NAME}` : PLACEHOLDER_DISPLAY_NAME
      await trx.updateTable('rooms').set({ direct_key: null, name, name_key: nameKey(name) }).where('id', '=', r.id).execute()
    }
    if (hasMessages) {
      // client ids are the account's own idempotency keys: nothing to keep them for
      await trx.updateTable('messages').set({ sender_id: placeholder.id, client_id: null }).where('sender_id', '=', userId).execute()
    }
    if (hasPins) await trx.updateTable('messages').set({ pinned_by: placeholder.id }).where('pinned_by', '=', userId).where('pinned_at', 'is not', null).execute()
    const events = await this.eraseReactions(trx, userId, now)
    // uploads: those attached to kept messages follow them to the placeholder; the rest (never
    // sent, the avatar) go, with their bytes when the database holds them (a directory's files
    // are deleted by the caller after the commit: erasedUploadIds)
    const uploads = await trx.selectFrom('attachments as a').leftJoin('messages as m', 'm.id', 'a.message_id')
      .select(['a.id', 'm.id as message_id']).where('a.uploader_id', '=', userId).execute()
    const keptUploads = hasMessages ? uploads.filter((u) => u.message_id !== null).map((u) => u.id) : []
    const erasedUploadIds = uploads.map((u) => u.id).filter((id) => !keptUploads.includes(id))
    if (keptUploads.length) await trx.updateTable('attachments').set({ uploader_id: placeholder.id }).where('id', 'in', keptUploads).execute()
    if (erasedUploadIds.length) {
      await trx.deleteFrom('attachment_blobs').where('attachment_id', 'in', erasedUploadIds).execute()
      await trx.deleteFrom('attachments').where('id', 'in', erasedUploadIds).execute()
    }
    // notifications: others' about its messages stay, from the placeholder; its own go, and what
    // is left naming it (friend requests': the request is erased) goes too, where the foreign
    // key would only unlink it
    if (actorOf) {
      await trx.updateTable('notifications').set({ actor_id: placeholder.id }).where('actor_id', '=', userId)
        .where('user_id', '!=', userId).where('message_id', 'is not', null).execute()
    }
    await trx.deleteFrom('notifications').where((eb) => eb.or([eb('user_id', '=', userId), eb('actor_id', '=', userId)])).execute()
    await trx.updateTable('rooms').set({ created_by: null }).where('created_by', '=', userId).execute()
    await trx.updateTable('room_timers').set({ started_by: null }).where('started_by', '=', userId).execute()
    await trx.deleteFrom('users').where('id', '=', userId).execute()
    return { sessionIds, rooms, placeholderId: needPlaceholder ? placeholder.id : null, relatedUserIds: [...related], erasedUploadIds, events }
  }

  /**
   * The account's reactions, deleted; one REACTIONS_CHANGED per message they were on, appended to
   * its room's event log (the rooms are locked) with the reactions as they are now. Groups are
   * ordered by their earliest row's id: where the account's row was a group's earliest and others
   * remain, the next one takes over its id, as removeReaction does.
   */
  private async eraseReactions(trx: Transaction<DB>, userId: string, now: number): Promise<MessageEventModel[]> {
    const gone = await trx.selectFrom('message_reactions').select(['id', 'message_id', 'emoji']).where('user_id', '=', userId).execute()
    if (!gone.length) return []
    await trx.deleteFrom('message_reactions').where('user_id', '=', userId).execute()
    const messageIds = [...new Set(gone.map((g) => g.message_id))]
    const firsts = new Map<string, number>()
    for (const ids of chunks(messageIds)) {
      for (const r of await trx.selectFrom('message_reactions').select(['message_id', 'emoji', (eb) => eb.fn.min('id').as('id')])
        .where('message_id', 'in', ids).groupBy(['message_id', 'emoji']).execute()) firsts.set(`${r.message_id}\u0000${r.emoji}`, Number(r.id))
    }
    for (const g of gone) {
      const next = firsts.get(`${g.message_id}\u0000${g.emoji}`)
      if (next !== undefined && next > Number(g.id)) await trx.updateTable('message_reactions').set({ id: Number(g.id) }).where('id', '=', next).execute()
    }
    // the messages, their rooms and order: per room by seq, one seq each from the room's counter
    const rows: Selectable<MessagesTable>[] = []
    for (const ids of chunks(messageIds)) rows.push(...await trx.selectFrom('messages').selectAll().where('id', 'in', ids).execute())
    rows.sort((a, b) => (a.room_id < b.room_id ? -1 : a.room_id > b.room_id ? 1 : a.seq - b.seq))
    const reactions = new Map<string, ReactionGroupModel[]>()
    for (const ids of chunks(messageIds)) {
      const found = await trx.selectFrom('message_reactions').select(['message_id', 'user_id', 'emoji']).where('message_id', 'in', ids).orderBy('id').execute()
      for (const [id, groups] of groupReactions(found.map((r) => ({ messageId: r.message_id, userId: r.user_id, emoji: r.emoji })))) reactions.set(id, groups)
    }
    const events: MessageEventModel[] = []
    for (let i = 0; i < rows.length;) {
      const roomId = rows[i].room_id
      let j = i
      while (j < rows.length && rows[j].room_id === roomId) j++
      const inRoom = rows.slice(i, j)
      i = j
      const head = await trx.updateTable('rooms').set((eb) => ({ event_seq: eb('event_seq', '+', inRoom.length) }))
        .where('id', '=', roomId).returning(['event_seq']).executeTakeFirst()
      if (!head) continue
      const first = head.event_seq - inRoom.length + 1
      await trx.insertInto('message_events').values(inRoom.map((m, k) => ({ room_id: roomId, seq: first + k, kind: 'REACTIONS_CHANGED' as const, message_id: m.id, at: now }))).execute()
      inRoom.forEach((m, k) => events.push({ roomId, seq: first + k, kind: 'REACTIONS_CHANGED', message: { ...toMessage(m), reactions: reactions.get(m.id) ?? [] }, at: now }))
    }
    return events
  }
}

/**
 * The messages whose rows the erase changes: those it sent, pinned or reacted to (each part on an
 * index: messages_client_uq, messages_pinned_idx, message_reactions_user_idx)
 */
function touchedMessages(db: Kysely<DB>, userId: string) {
  return db.selectFrom('messages').select('id').where('sender_id', '=', userId)
    .union(db.selectFrom('messages').select('id').where('pinned_by', '=', userId).where('pinned_at', 'is not', null))
    .union(db.selectFrom('message_reactions').select('message_id as id').where('user_id', '=', userId))
}

/** ids in groups small enough for an IN list on either database */
function chunks(ids: string[], size = 500): string[][] {
  const out: string[][] = []
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size))
  return out
}
