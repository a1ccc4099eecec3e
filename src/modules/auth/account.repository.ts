import type { Kysely } from 'kysely'
import type { DB, Dialect, UsersTable } from '../../db/types.js'
import type { RoomsRepository } from '../rooms/rooms.repository.js'

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
}

/** Password changes and account deletion: several tables, each in one transaction. */
export class AccountRepository {
  constructor(private db: Kysely<DB>, private dialect: Dialect, private rooms: RoomsRepository) {}

  /** the new hash, and every other live session of the user revoked; answers the revoked ids */
  async changePassword(userId: string, hash: string, keepSessionId: string, now: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ password_hash: hash, updated_at: now }).where('id', '=', userId).execute()
      const others = await trx.selectFrom('sessions').select('id')
        .where('user_id', '=', userId).where('id', '!=', keepSessionId).where('revoked_at', 'is', null).execute()
      if (others.length) {
        await trx.updateTable('sessions').set({ revoked_at: now })
          .where('id', 'in', others.map((s) => s.id)).execute()
      }
      return others.map((s) => s.id)
    })
  }

  /**
   * Erases the account in one transaction. Its messages move to a placeholder user of their own
   * ("Deleted user", a username no one can sign in with), so that the conversation stays readable
   * and nothing that remains names the account; it leaves every room as leaveRoom would (an
   * owned room passes to the longest-standing member), DIRECT rooms are renamed and
   * unkeyed; then the user row goes, and with it (foreign keys, ON DELETE CASCADE) sessions,
   * memberships, friend requests, friendships, blocks, notifications, study sessions and goals.
   * `placeholder` is the row to insert when there are messages to keep.
   */
  async erase(userId: string, placeholder: UsersTable): Promise<ErasedAccount | null> {
    return this.db.transaction().execute(async (trx) => {
      // the user row first, locked (PostgreSQL; SQLite's write lock already serialises): of two
      // deletions at once the second finds no account and erases nothing
      let me = trx.selectFrom('users').select('id').where('id', '=', userId)
      if (this.dialect === 'postgres') me = me.forUpdate()
      if (!(await me.executeTakeFirst())) return null
      const sessionIds = (await trx.selectFrom('sessions').select('id').where('user_id', '=', userId).execute()).map((s) => s.id)
      const related = new Set<string>()
      for (const r of await trx.selectFrom('friendships').select('friend_id as id').where('user_id', '=', userId).execute()) related.add(r.id)
      for (const r of await trx.selectFrom('friend_requests').select(['from_id', 'to_id']).where('status', '=', 'PENDING')
        .where((eb) => eb.or([eb('from_id', '=', userId), eb('to_id', '=', userId)])).execute()) related.add(r.from_id === userId ? r.to_id : r.from_id)
      for (const r of await trx.selectFrom('blocks').select(['blocker_id', 'blocked_id'])
        .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)])).execute()) related.add(r.blocker_id === userId ? r.blocked_id : r.blocker_id)
      related.delete(userId)
      const memberships = await trx.selectFrom('room_members as m').innerJoin('rooms as r', 'r.id', 'm.room_id')
        .select(['m.room_id', 'r.kind', 'r.direct_key']).where('m.user_id', '=', userId).orderBy('m.room_id').execute()
      // DIRECT rooms the account was in, whether or not it is still a member (one may have left)
      const direct = await trx.selectFrom('rooms').select(['id', 'direct_key'])
        .where('kind', '=', 'DIRECT').where('direct_key', 'like', `%${userId}%`).execute()
      const hasMessages = !!(await trx.selectFrom('messages').select('id').where('sender_id', '=', userId).limit(1).executeTakeFirst())
      const needPlaceholder = hasMessages
      if (needPlaceholder) await trx.insertInto('users').values(placeholder).execute()

      // rooms first, in id order (each takes its room lock, as joins, leaves and sends do)
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
        await trx.updateTable('rooms').set({ direct_key: null, name, name_key: name.toLowerCase() }).where('id', '=', r.id).execute()
      }
      if (hasMessages) {
        // client ids are the account's own idempotency keys: nothing to keep them for
        await trx.updateTable('messages').set({ sender_id: placeholder.id, client_id: null }).where('sender_id', '=', userId).execute()
      }
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
      // what foreign keys would only unlink rather than delete, deleted here
      await trx.deleteFrom('notifications').where((eb) => eb.or([eb('user_id', '=', userId), eb('actor_id', '=', userId)])).execute()
      await trx.updateTable('rooms').set({ created_by: null }).where('created_by', '=', userId).execute()
      await trx.updateTable('room_timers').set({ started_by: null }).where('started_by', '=', userId).execute()
      await trx.deleteFrom('users').where('id', '=', userId).execute()
      return { sessionIds, rooms, placeholderId: needPlaceholder ? placeholder.id : null, relatedUserIds: [...related], erasedUploadIds }
    })
  }
}
