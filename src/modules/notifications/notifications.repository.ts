import type { Kysely, Selectable, Transaction } from 'kysely'
import type { DB, NotificationLevel, NotificationsTable } from '../../db/types.js'
import type { NotificationModel } from '../../graphql/models.js'

export function toNotification(r: Selectable<NotificationsTable>): NotificationModel {
  return {
    id: r.id, userId: r.user_id, kind: r.kind, actorId: r.actor_id, roomId: r.room_id, messageId: r.message_id,
    friendRequestId: r.friend_request_id, createdAt: r.created_at, readAt: r.read_at,
  }
}

/** a member and the notification level they stored for the room (null: the kind's default) */
export interface MemberLevel { userId: string; level: NotificationLevel | null }

export class NotificationsRepository {
  constructor(private db: Kysely<DB>) {}

  async insert(db: Kysely<DB> | Transaction<DB>, row: NotificationsTable): Promise<NotificationModel> {
    await db.insertInto('notifications').values(row).execute()
    return toNotification(row)
  }

  async list(userId: string, unreadOnly: boolean, limit: number, before: { at: number; id: string } | null = null): Promise<NotificationModel[]> {
    let q = this.db.selectFrom('notifications').selectAll().where('user_id', '=', userId)
    if (unreadOnly) q = q.where('read_at', 'is', null)
    if (before) {
      q = q.where((eb) => eb.or([
        eb('created_at', '<', before.at),
        eb.and([eb('created_at', '=', before.at), eb('id', '<', before.id)]),
      ]))
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
    return rows.map(toNotification)
  }

  /** where one of the user's notifications sits in the list (null: none of theirs) */
  async positionOf(userId: string, id: string): Promise<{ at: number; id: string } | null> {
    const r = await this.db.selectFrom('notifications').select(['created_at', 'id']).where('user_id', '=', userId).where('id', '=', id).executeTakeFirst()
    return r ? { at: Number(r.created_at), id: r.id } : null
  }

  async unreadCount(userId: string): Promise<number> {
    const r = await this.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst()
    return Number(r?.n ?? 0)
  }

  /** marks the user's unread notifications (all, or those ids) read; returns how many changed */
  async markRead(userId: string, ids: string[] | null, now: number): Promise<number> {
    let q = this.db.updateTable('notifications').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null)
    if (ids) q = q.where('id', 'in', ids)
    const res = await q.executeTakeFirst()
    return Number(res.numUpdatedRows)
  }

  /** members of the room among these lower-cased usernames (who an @mention reaches), with their stored level */
  async mentionedMembers(roomId: string, keys: string[]): Promise<MemberLevel[]> {
    if (!keys.length) return []
    const rows = await this.db.selectFrom('users').innerJoin('room_members', 'room_members.user_id', 'users.id')
      .select(['users.id', 'room_members.notification_level']).where('room_members.room_id', '=', roomId).where('users.username_key', 'in', keys).execute()
    return rows.map((r) => ({ userId: r.id, level: r.notification_level }))
  }

  /** of these users, those who blocked `actorId` */
  async blockersOf(actorId: string, userIds: string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set()
    const rows = await this.db.selectFrom('blocks').select('blocker_id').where('blocked_id', '=', actorId).where('blocker_id', 'in', userIds).execute()
    return new Set(rows.map((r) => r.blocker_id))
  }

  /** the room's members other than `userId`, with their stored level */
  async otherMembers(roomId: string, userId: string): Promise<MemberLevel[]> {
    const rows = await this.db.selectFrom('room_members').select(['user_id', 'notification_level']).where('room_id', '=', roomId).where('user_id', '!=', userId).execute()
    return rows.map((r) => ({ userId: r.user_id, level: r.notification_level }))
  }
}
