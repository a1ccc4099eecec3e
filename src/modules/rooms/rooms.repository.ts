import { compiledOnce } from '../../db/compiled.js'
import { type Kysely, type Selectable, type Transaction, sql } from 'kysely'
import type { DB, Dialect, NotificationLevel, RoomsTable } from '../../db/types.js'
import type { MemberRole, RoomMemberModel, RoomModel } from '../../graphql/models.js'
import { likePattern, nameKey } from '../../lib/text.js'
import { MAX_ROOMS_PER_USER } from '../../lib/limits.js'

export function toRoom(r: Selectable<RoomsTable>): RoomModel {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    description: r.description,
    kind: r.kind,
    isActive: !!r.is_active,
    createdById: r.created_by,
    createdAt: r.created_at,
    lastActivityAt: r.last_activity_at,
    msgSeq: r.msg_seq,
    eventSeq: r.event_seq,
  }
}

export interface Membership { role: MemberRole; joinedAt: number; lastReadSeq: number; notificationLevel: NotificationLevel | null }

export class RoomsRepository {
  /** one room by id, compiled once (every send and every operation naming one room reads it) */
  private roomById
  /** one membership, compiled once */
  private memberOf
  constructor(private db: Kysely<DB>, private dialect: Dialect = 'sqlite') {
    this.roomById = compiledOnce(db, 1, (id: string) => db.selectFrom('rooms').selectAll().where('id', '=', id))
    this.memberOf = compiledOnce(db, 2, (userId: string, roomId: string) => db.selectFrom('room_members').select(['room_id', 'role', 'joined_at', 'last_read_seq', 'notification_level'])
      .where('user_id', '=', userId).where('room_id', '=', roomId))
  }

  /**
   * A member's removal moves the room's member epoch (under the room's lock): a send that read
   * the membership before it stores nothing (src/modules/messages/messages.repository.ts, runPgSend).
   */
  private async removed(trx: Transaction<DB>, roomId: string) {
    await trx.updateTable('rooms').set((eb) => ({ member_epoch: eb('member_epoch', '+', 1) })).where('id', '=', roomId).execute()
  }

  /**
   * Takes the room's row lock for the rest of the transaction, so that joins, leaves, deletion and
   * sends of one room happen one after another (on SQLite the database write lock already does),
   * and in one order: room first, so deleting a room never deadlocks with a send into it.
   * False when the room is gone. A transaction that locks several rooms takes them in id order
   * and before any other row (deleteAccount, src/modules/auth/account.repository.ts).
   */
  async lockRoom(trx: Transaction<DB>, roomId: string): Promise<boolean> {
    if (this.dialect !== 'postgres') return !!(await trx.selectFrom('rooms').select('id').where('id', '=', roomId).executeTakeFirst())
    return !!(await trx.selectFrom('rooms').select('id').where('id', '=', roomId).forUpdate().executeTakeFirst())
  }

  async create(room: RoomsTable, ownerId: string | null, extraMembers: string[] = []): Promise<RoomModel> {
    await this.db.transaction().execute(async (trx) => {
      await assertRoomQuota(trx, this.dialect, [...(ownerId ? [ownerId] : []), ...extraMembers])
      await trx.insertInto('rooms').values(room).execute()
      const members = [
        ...(ownerId ? [{ room_id: room.id, user_id: ownerId, role: 'OWNER' as const, joined_at: room.created_at, last_read_seq: 0 }] : []),
        ...extraMembers.map((u) => ({ room_id: room.id, user_id: u, role: 'MEMBER' as const, joined_at: room.created_at, last_read_seq: 0 })),
      ]
      if (members.length) await trx.insertInto('room_members').values(members).execute()
    })
    return toRoom(room)
  }

  async byId(id: string): Promise<RoomModel | null> {
    const [r] = await this.roomById(id)
    return r ? toRoom(r) : null
  }

  async byIds(ids: string[]): Promise<Map<string, RoomModel>> {
    const out = new Map<string, RoomModel>()
    if (!ids.length) return out
    if (ids.length === 1) {
      const r = await this.byId(ids[0])
      if (r) out.set(r.id, r)
      return out
    }
    for (const r of await this.db.selectFrom('rooms').selectAll().where('id', 'in', ids).execute()) out.set(r.id, toRoom(r))
    return out
  }

  async byCode(code: string): Promise<RoomModel | null> {
    // codes are letters and digits: anything else names no room (and a NUL would not reach PostgreSQL)
    if (!/^[A-Za-z0-9]+$/.test(code)) return null
    const r = await this.db.selectFrom('rooms').selectAll().where('code', '=', code).executeTakeFirst()
    return r ? toRoom(r) : null
  }

  async byDirectKey(key: string): Promise<RoomModel | null> {
    const r = await this.db.selectFrom('rooms').selectAll().where('direct_key', '=', key).executeTakeFirst()
    return r ? toRoom(r) : null
  }

  async update(id: string, patch: Partial<Pick<RoomsTable, 'name' | 'name_key' | 'description'>>, now: number): Promise<RoomModel | null> {
    await this.db.updateTable('rooms').set({ ...patch, updated_at: now }).where('id', '=', id).execute()
    return this.byId(id)
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await this.lockRoom(trx, id))) return
      // notifications point at messages of the room; remove them with it
      await trx.deleteFrom('notifications').where('room_id', '=', id).execute()
      await trx.deleteFrom('message_events').where('room_id', '=', id).execute()
      await trx.deleteFrom('messages').where('room_id', '=', id).execute()
      await trx.deleteFrom('room_members').where('room_id', '=', id).execute()
      await trx.deleteFrom('room_bans').where('room_id', '=', id).execute()
      await trx.deleteFrom('rooms').where('id', '=', id).execute()
    })
  }

  async membershipCount(userId: string): Promise<number> {
    const r = await this.db.selectFrom('room_members').where('user_id', '=', userId)
      .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return Number(r.n)
  }

  async roomIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('room_members').select('room_id').where('user_id', '=', userId).execute()
    return rows.map((r) => r.room_id)
  }

  async membership(roomId: string, userId: string): Promise<Membership | null> {
    const r = await this.db.selectFrom('room_members').select(['role', 'joined_at', 'last_read_seq', 'notification_level'])
      .where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst()
    return r ? { role: r.role, joinedAt: r.joined_at, lastReadSeq: r.last_read_seq, notificationLevel: r.notification_level } : null
  }

  /** the viewer's membership in each of the rooms */
  async memberships(userId: string, roomIds: string[]): Promise<Map<string, Membership>> {
    const out = new Map<string, Membership>()
    if (!roomIds.length) return out
    const rows = roomIds.length === 1 ? await this.memberOf(userId, roomIds[0]) : await this.db.selectFrom('room_members').select(['room_id', 'role', 'joined_at', 'last_read_seq', 'notification_level'])
      .where('user_id', '=', userId).where('room_id', 'in', roomIds).execute()
    for (const r of rows) out.set(r.room_id, { role: r.role, joinedAt: r.joined_at, lastReadSeq: r.last_read_seq, notificationLevel: r.notification_level })
    return out
  }

  /** stores the member's notification level for the room; false when not a member */
  async setNotificationLevel(roomId: string, userId: string, level: NotificationLevel): Promise<boolean> {
    const res = await this.db.updateTable('room_members').set({ notification_level: level })
      .where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst()
    return Number(res.numUpdatedRows) > 0
  }

  /** adds a member; false when already a member. The first member of an empty room becomes its OWNER. */
  async addMember(roomId: string, userId: string, now: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockRoom(trx, roomId))) throw new RoomDeletedError()
      const existing = await trx.selectFrom('room_members').select('user_id').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst()
      if (existing) return false
      // checked under the room's lock: a ban landing while the join runs still keeps them out
      const banned = await trx.selectFrom('room_bans').select('user_id').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst()
      if (banned) throw new BannedError()
      await assertRoomQuota(trx, this.dialect, [userId])
      const anyone = await trx.selectFrom('room_members').select('user_id').where('room_id', '=', roomId).limit(1).executeTakeFirst()
      const room = await trx.selectFrom('rooms').select('msg_seq').where('id', '=', roomId).executeTakeFirstOrThrow()
      // the read marker starts at the join: earlier messages are not "unread"
      await trx.insertInto('room_members').values({ room_id: roomId, user_id: userId, role: anyone ? 'MEMBER' : 'OWNER', joined_at: now, last_read_seq: room.msg_seq })
        .onConflict((oc) => oc.doNothing()).execute()
      return true
    })
  }

  /** removes a member; an OWNER leaving hands the room to the longest-standing member */
  async removeMember(roomId: string, userId: string): Promise<{ removed: boolean; newOwnerId: string | null }> {
    return this.db.transaction().execute((trx) => this.removeMemberIn(trx, roomId, userId))
  }

  /** removeMember inside the caller's transaction (deleteAccount leaves every room in one) */
  async removeMemberIn(trx: Transaction<DB>, roomId: string, userId: string): Promise<{ removed: boolean; newOwnerId: string | null }> {
    if (!(await this.lockRoom(trx, roomId))) return { removed: false, newOwnerId: null }
    const m = await trx.selectFrom('room_members').select('role').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst()
    if (!m) return { removed: false, newOwnerId: null }
    await trx.deleteFrom('room_members').where('room_id', '=', roomId).where('user_id', '=', userId).execute()
    await this.removed(trx, roomId)
    let newOwnerId: string | null = null
    if (m.role === 'OWNER') {
      const owners = await trx.selectFrom('room_members').select('user_id').where('room_id', '=', roomId).where('role', '=', 'OWNER').limit(1).executeTakeFirst()
      if (!owners) {
        const next = await trx.selectFrom('room_members').select('user_id').where('room_id', '=', roomId)
          .orderBy('joined_at').orderBy('user_id').limit(1).executeTakeFirst()
        if (next) {
          await trx.updateTable('room_members').set({ role: 'OWNER' }).where('room_id', '=', roomId).where('user_id', '=', next.user_id).execute()
          newOwnerId = next.user_id
        }
      }
    }
    return { removed: true, newOwnerId }
  }

  async memberIds(roomId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('room_members').select('user_id').where('room_id', '=', roomId).execute()
    return rows.map((r) => r.user_id)
  }

  async membersPage(roomId: string, after: { joinedAt: number; userId: string } | null, limit: number): Promise<RoomMemberModel[]> {
    let q = this.db.selectFrom('room_members').selectAll().where('room_id', '=', roomId)
    if (after) {
      q = q.where((eb) => eb.or([
        eb('joined_at', '>', after.joinedAt),
        eb.and([eb('joined_at', '=', after.joinedAt), eb('user_id', '>', after.userId)]),
      ]))
    }
    const rows = await q.orderBy('joined_at').orderBy('user_id').limit(limit).execute()
    return rows.map((r) => ({ roomId: r.room_id, userId: r.user_id, role: r.role, joinedAt: r.joined_at }))
  }

  async memberCounts(roomIds: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    if (!roomIds.length) return out
    const rows = await this.db.selectFrom('room_members').select(['room_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('room_id', 'in', roomIds).groupBy('room_id').execute()
    for (const r of rows) out.set(r.room_id, Number(r.n))
    return out
  }

  /** PUBLIC rooms and the viewer's non-DIRECT rooms, by name */
  async listVisible(userId: string, search: string | null, after: { nameKey: string; id: string } | null, limit: number): Promise<{ nameKey: string; room: RoomModel }[]> {
    let q = this.db.selectFrom('rooms').selectAll()
      .where((eb) => eb.or([
        eb('kind', '=', 'PUBLIC'),
        eb.and([
          eb('kind', '=', 'PRIVATE'),
          eb.exists(eb.selectFrom('room_members').select('user_id').whereRef('room_members.room_id', '=', 'rooms.id').where('room_members.user_id', '=', userId)),
        ]),
      ]))
    if (search) q = q.where(sql<boolean>`name_key like ${likePattern(nameKey(search))} escape '\\'`)
    if (after) {
      q = q.where((eb) => eb.or([
        eb('name_key', '>', after.nameKey),
        eb.and([eb('name_key', '=', after.nameKey), eb('id', '>', after.id)]),
      ]))
    }
    const rows = await q.orderBy('name_key').orderBy('id').limit(limit).execute()
    return rows.map((r) => ({ nameKey: r.name_key, room: toRoom(r) }))
  }

  async listMine(userId: string): Promise<RoomModel[]> {
    const rows = await this.db.selectFrom('rooms').innerJoin('room_members', 'room_members.room_id', 'rooms.id')
      .selectAll('rooms').where('room_members.user_id', '=', userId)
      .orderBy('rooms.last_activity_at', 'desc').orderBy('rooms.id').limit(MAX_ROOMS_PER_USER).execute()
    return rows.map(toRoom)
  }

  /** user ids sharing at least one room with the user */
  async roomMateIds(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('room_members as a').innerJoin('room_members as b', 'b.room_id', 'a.room_id')
      .select('b.user_id').distinct().where('a.user_id', '=', userId).where('b.user_id', '!=', userId).execute()
    return rows.map((r) => r.user_id)
  }

  async shareRoom(a: string, b: string): Promise<boolean> {
    const r = await this.db.selectFrom('room_members as x').innerJoin('room_members as y', 'y.room_id', 'x.room_id')
      .select('x.room_id').where('x.user_id', '=', a).where('y.user_id', '=', b).limit(1).executeTakeFirst()
    return !!r
  }

  async markRead(roomId: string, userId: string, seq: number): Promise<void> {
    await this.db.updateTable('room_members').set({ last_read_seq: seq })
      .where('room_id', '=', roomId).where('user_id', '=', userId).where('last_read_seq', '<', seq).execute()
  }

  async isBanned(roomId: string, userId: string): Promise<boolean> {
    return !!(await this.db.selectFrom('room_bans').select('user_id').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst())
  }

  /** user ids banned from the room, the latest ban first */
  async bannedIds(roomId: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('room_bans').select('user_id').where('room_id', '=', roomId)
      .orderBy('banned_at', 'desc').orderBy('user_id').limit(limit).execute()
    return rows.map((r) => r.user_id)
  }

  /**
   * Removes (and with `ban`, bans) a member, under the room's lock. `allowed` sees both roles
   * as they are inside the transaction (a concurrent role change cannot slip past the check);
   * it throws to refuse. A user who is not a member can only be banned (`ban`), not removed.
   */
  async removeByModerator(roomId: string, userId: string, byId: string, ban: boolean, now: number,
    allowed: (actorRole: MemberRole | null, targetRole: MemberRole | null) => void): Promise<{ removed: boolean; banned: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockRoom(trx, roomId))) throw new RoomDeletedError()
      const rows = await trx.selectFrom('room_members').select(['user_id', 'role']).where('room_id', '=', roomId)
        .where('user_id', 'in', [byId, userId]).execute()
      const m = rows.find((r) => r.user_id === userId)
      allowed(rows.find((r) => r.user_id === byId)?.role ?? null, m?.role ?? null)
      if (m) {
        await trx.deleteFrom('room_members').where('room_id', '=', roomId).where('user_id', '=', userId).execute()
        await this.removed(trx, roomId)
      }
      let banned = false
      if (ban) {
        const r = await trx.insertInto('room_bans').values({ room_id: roomId, user_id: userId, banned_by: byId, banned_at: now })
          .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing()).executeTakeFirst()
        banned = Number(r.numInsertedOrUpdatedRows ?? 0) > 0
      }
      return { removed: !!m, banned }
    })
  }

  async unban(roomId: string, userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('room_bans').where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  }

  /**
   * Sets a member's role under the room's lock; role OWNER hands the room over (the current
   * owner becomes MODERATOR). `allowed` sees both roles inside the transaction and throws to
   * refuse. Returns the users whose role changed, with their new roles.
   */
  async setRole(roomId: string, actorId: string, userId: string, role: MemberRole,
    allowed: (actorRole: MemberRole | null, targetRole: MemberRole | null) => void): Promise<{ userId: string; role: MemberRole }[]> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await this.lockRoom(trx, roomId))) throw new RoomDeletedError()
      const rows = await trx.selectFrom('room_members').select(['user_id', 'role']).where('room_id', '=', roomId)
        .where('user_id', 'in', [actorId, userId]).execute()
      const roleOf = (u: string) => rows.find((r) => r.user_id === u)?.role ?? null
      const targetRole = roleOf(userId)
      allowed(roleOf(actorId), targetRole)
      if (targetRole === role) return []
      const changed: { userId: string; role: MemberRole }[] = []
      if (role === 'OWNER') {
        await trx.updateTable('room_members').set({ role: 'MODERATOR' }).where('room_id', '=', roomId).where('role', '=', 'OWNER').execute()
        changed.push({ userId: actorId, role: 'MODERATOR' })
      }
      await trx.updateTable('room_members').set({ role }).where('room_id', '=', roomId).where('user_id', '=', userId).execute()
      changed.unshift({ userId, role })
      return changed
    })
  }

  async member(roomId: string, userId: string): Promise<RoomMemberModel | null> {
    const r = await this.db.selectFrom('room_members').selectAll().where('room_id', '=', roomId).where('user_id', '=', userId).executeTakeFirst()
    return r ? { roomId: r.room_id, userId: r.user_id, role: r.role, joinedAt: r.joined_at } : null
  }

  /** a new join code: the old one names no room from the moment this commits */
  async setCode(roomId: string, code: string, now: number): Promise<RoomModel | null> {
    await this.db.updateTable('rooms').set({ code, updated_at: now }).where('id', '=', roomId).execute()
    return this.byId(roomId)
  }
}

/** the user is banned from the room */
export class BannedError extends Error {}

/** the room was deleted while the operation ran */
export class RoomDeletedError extends Error {}

/** a new membership would take the user past MAX_ROOMS_PER_USER: nothing was stored */
export class RoomQuotaError extends Error {
  constructor(readonly userId: string) { super('room quota') }
}

/**
 * Inside a transaction that is about to add memberships: throws RoomQuotaError when one of the
 * users already has MAX_ROOMS_PER_USER. On PostgreSQL each user's count is taken under a lock of
 * that user's memberships (an advisory lock held to the commit): joins of one user to different
 * rooms lock different room rows, and counted beside each other they all passed the cap (40 joins
 * at once from 490 rooms stored 529). SQLite's write transactions run one at a time already.
 */
export async function assertRoomQuota(trx: Transaction<DB>, dialect: Dialect, userIds: string[]): Promise<void> {
  const ids = [...new Set(userIds)].sort()
  if (dialect === 'postgres') {
    // sorted: two operations locking the same pair take the locks in one order
    for (const id of ids) await sql`SELECT pg_advisory_xact_lock(hashtextextended(${'hearth:memberships:' + id}, 0))`.execute(trx)
  }
  for (const id of ids) {
    const r = await trx.selectFrom('room_members').where('user_id', '=', id)
      .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    if (Number(r.n) >= MAX_ROOMS_PER_USER) throw new RoomQuotaError(id)
  }
}
