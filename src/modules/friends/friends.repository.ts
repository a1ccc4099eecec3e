import { type Kysely, type Selectable, type Transaction, sql } from 'kysely'
import type { DB, Dialect, FriendRequestsTable } from '../../db/types.js'
import type { FriendRequestModel, RoomModel, UserModel } from '../../graphql/models.js'
import { toUser } from '../users/users.repository.js'
import { assertRoomQuota, toRoom } from '../rooms/rooms.repository.js'
import { MAX_BLOCKS, MAX_FRIENDS, MAX_PENDING_REQUESTS } from '../../lib/limits.js'

export function toFriendRequest(r: Selectable<FriendRequestsTable>): FriendRequestModel {
  return { id: r.id, fromId: r.from_id, toId: r.to_id, status: r.status, createdAt: r.created_at, respondedAt: r.responded_at }
}

/** What one user sees of another, from the friendship tables alone (BLOCKED is decided by the caller). */
export interface Relation {
  friends: boolean
  /** the viewer blocked the other */
  blocked: boolean
  /** the other blocked the viewer */
  blockedBy: boolean
  sent: FriendRequestModel | null
  received: FriendRequestModel | null
}

export class FriendsRepository {
  constructor(private db: Kysely<DB>, private dialect: Dialect) {}

  transaction<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn)
  }

  /**
   * Serialises every change between the same two people. PostgreSQL: row locks on both users,
   * always in id order so two opposite requests cannot deadlock. SQLite already runs one write
   * transaction at a time.
   */
  async lockPair(trx: Transaction<DB>, a: string, b: string): Promise<void> {
    if (this.dialect !== 'postgres') return
    await trx.selectFrom('users').select('id').where('id', 'in', [a, b]).orderBy('id').forNoKeyUpdate().execute()
  }

  async relation(db: Kysely<DB>, viewerId: string, otherId: string): Promise<Relation> {
    const [friend, blocks, pending] = await Promise.all([
      db.selectFrom('friendships').select('user_id').where('user_id', '=', viewerId).where('friend_id', '=', otherId).executeTakeFirst(),
      db.selectFrom('blocks').select(['blocker_id', 'blocked_id'])
        .where((eb) => eb.or([
          eb.and([eb('blocker_id', '=', viewerId), eb('blocked_id', '=', otherId)]),
          eb.and([eb('blocker_id', '=', otherId), eb('blocked_id', '=', viewerId)]),
        ])).execute(),
      db.selectFrom('friend_requests').selectAll().where('status', '=', 'PENDING')
        .where((eb) => eb.or([
          eb.and([eb('from_id', '=', viewerId), eb('to_id', '=', otherId)]),
          eb.and([eb('from_id', '=', otherId), eb('to_id', '=', viewerId)]),
        ])).orderBy('created_at').execute(),
    ])
    return {
      friends: !!friend,
      blocked: blocks.some((b) => b.blocker_id === viewerId),
      blockedBy: blocks.some((b) => b.blocker_id === otherId),
      sent: pending.filter((p) => p.from_id === viewerId).map(toFriendRequest)[0] ?? null,
      received: pending.filter((p) => p.from_id === otherId).map(toFriendRequest)[0] ?? null,
    }
  }

  /** the viewer's relation to each of the users, for User.friendship */
  async relations(viewerId: string, ids: string[]): Promise<Map<string, 'FRIENDS' | 'REQUEST_SENT' | 'REQUEST_RECEIVED' | 'BLOCKED' | 'NONE'>> {
    const out = new Map<string, 'FRIENDS' | 'REQUEST_SENT' | 'REQUEST_RECEIVED' | 'BLOCKED' | 'NONE'>()
    if (!ids.length) return out
    // one statement, so one snapshot: four reads on the pool could straddle a commit on
    // PostgreSQL and see a state that never was (NONE between two friends)
    const rows = await this.db.selectFrom('friendships').select([sql<string>`'F'`.as('k'), 'friend_id as id']).where('user_id', '=', viewerId).where('friend_id', 'in', ids)
      .unionAll(this.db.selectFrom('blocks').select([sql<string>`'B'`.as('k'), 'blocked_id as id']).where('blocker_id', '=', viewerId).where('blocked_id', 'in', ids))
      .unionAll(this.db.selectFrom('friend_requests').select([sql<string>`'S'`.as('k'), 'to_id as id']).where('from_id', '=', viewerId).where('status', '=', 'PENDING').where('to_id', 'in', ids))
      .unionAll(this.db.selectFrom('friend_requests').select([sql<string>`'R'`.as('k'), 'from_id as id']).where('to_id', '=', viewerId).where('status', '=', 'PENDING').where('from_id', 'in', ids))
      .execute()
    const rank = { R: 1, S: 2, F: 3, B: 4 } as const
    const name = { R: 'REQUEST_RECEIVED', S: 'REQUEST_SENT', F: 'FRIENDS', B: 'BLOCKED' } as const
    const best = new Map<string, 'R' | 'S' | 'F' | 'B'>()
    for (const r of rows) {
      const k = r.k as 'R' | 'S' | 'F' | 'B'
      const had = best.get(r.id)
      // FRIENDS over a request, and only the blocker's side says BLOCKED (the blocked user sees NONE)
      if (!had || rank[k] > rank[had]) best.set(r.id, k)
    }
    for (const id of ids) out.set(id, 'NONE')
    for (const [id, k] of best) out.set(id, name[k])
    return out
  }

  async requestById(db: Kysely<DB>, id: string): Promise<FriendRequestModel | null> {
    const r = await db.selectFrom('friend_requests').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toFriendRequest(r) : null
  }

  async requestsByIds(ids: string[]): Promise<Map<string, FriendRequestModel>> {
    const out = new Map<string, FriendRequestModel>()
    if (!ids.length) return out
    for (const r of await this.db.selectFrom('friend_requests').selectAll().where('id', 'in', ids).execute()) out.set(r.id, toFriendRequest(r))
    return out
  }

  async insertRequest(trx: Transaction<DB>, row: FriendRequestsTable): Promise<FriendRequestModel> {
    await trx.insertInto('friend_requests').values(row).execute()
    return toFriendRequest(row)
  }

  /** moves a PENDING request on; null when it was not PENDING any more */
  async answer(trx: Transaction<DB>, id: string, status: 'ACCEPTED' | 'DECLINED' | 'CANCELLED', now: number): Promise<FriendRequestModel | null> {
    const res = await trx.updateTable('friend_requests').set({ status, responded_at: now })
      .where('id', '=', id).where('status', '=', 'PENDING').executeTakeFirst()
    if (Number(res.numUpdatedRows) === 0) return null
    return this.requestById(trx, id)
  }

  /** ends every PENDING request between the two, either direction */
  async cancelPendingBetween(trx: Transaction<DB>, a: string, b: string, now: number): Promise<FriendRequestModel[]> {
    const rows = await trx.selectFrom('friend_requests').selectAll().where('status', '=', 'PENDING')
      .where((eb) => eb.or([
        eb.and([eb('from_id', '=', a), eb('to_id', '=', b)]),
        eb.and([eb('from_id', '=', b), eb('to_id', '=', a)]),
      ])).execute()
    if (!rows.length) return []
    await trx.updateTable('friend_requests').set({ status: 'CANCELLED', responded_at: now }).where('id', 'in', rows.map((r) => r.id)).execute()
    return rows.map((r) => ({ ...toFriendRequest(r), status: 'CANCELLED' as const, respondedAt: now }))
  }

  async addFriendship(trx: Transaction<DB>, a: string, b: string, now: number): Promise<void> {
    await trx.insertInto('friendships').values([
      { user_id: a, friend_id: b, created_at: now },
      { user_id: b, friend_id: a, created_at: now },
    ]).onConflict((oc) => oc.doNothing()).execute()
  }

  /** true when they were friends */
  async removeFriendship(trx: Transaction<DB>, a: string, b: string): Promise<boolean> {
    const res = await trx.deleteFrom('friendships')
      .where((eb) => eb.or([
        eb.and([eb('user_id', '=', a), eb('friend_id', '=', b)]),
        eb.and([eb('user_id', '=', b), eb('friend_id', '=', a)]),
      ])).executeTakeFirst()
    return Number(res.numDeletedRows) > 0
  }

  async addBlock(trx: Transaction<DB>, blocker: string, blocked: string, now: number): Promise<boolean> {
    const res = await trx.insertInto('blocks').values({ blocker_id: blocker, blocked_id: blocked, created_at: now })
      .onConflict((oc) => oc.doNothing()).executeTakeFirst()
    const added = Number(res.numInsertedOrUpdatedRows ?? 0) > 0
    // their direct room's member epoch moves under its lock: a send that read the room before this
    // commits and waits for the lock stores nothing, and its next attempt sees the block
    // (MessagesRepository.runPgSend)
    if (added) await trx.updateTable('rooms').set((eb) => ({ member_epoch: eb('member_epoch', '+', 1) })).where('direct_key', '=', [blocker, blocked].sort().join(':')).execute()
    return added
  }

  async removeBlock(blocker: string, blocked: string): Promise<boolean> {
    const res = await this.db.deleteFrom('blocks').where('blocker_id', '=', blocker).where('blocked_id', '=', blocked).executeTakeFirst()
    return Number(res.numDeletedRows) > 0
  }

  /** true when `blocker` blocked `blocked` */
  async isBlocked(blocker: string, blocked: string): Promise<boolean> {
    const r = await this.db.selectFrom('blocks').select('blocker_id').where('blocker_id', '=', blocker).where('blocked_id', '=', blocked).executeTakeFirst()
    return !!r
  }

  async blockedIds(blocker: string): Promise<string[]> {
    const rows = await this.db.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', blocker).execute()
    return rows.map((r) => r.blocked_id)
  }

  async friendIds(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('friendships').select('friend_id').where('user_id', '=', userId).execute()
    return rows.map((r) => r.friend_id)
  }

  async areFriends(a: string, b: string): Promise<boolean> {
    const r = await this.db.selectFrom('friendships').select('user_id').where('user_id', '=', a).where('friend_id', '=', b).executeTakeFirst()
    return !!r
  }

  /** how many friends, outgoing pending requests or blocks the user has (the caps of src/lib/limits.ts) */
  async countOf(trx: Transaction<DB> | Kysely<DB>, what: 'friends' | 'outgoing' | 'blocks', userId: string): Promise<number> {
    const n = sql<number>`count(*)`.as('n')
    const r = what === 'friends'
      ? await trx.selectFrom('friendships').select(n).where('user_id', '=', userId).executeTakeFirstOrThrow()
      : what === 'blocks'
        ? await trx.selectFrom('blocks').select(n).where('blocker_id', '=', userId).executeTakeFirstOrThrow()
        : await trx.selectFrom('friend_requests').select(n).where('from_id', '=', userId).where('status', '=', 'PENDING').executeTakeFirstOrThrow()
    return Number(r.n)
  }

  async friends(userId: string): Promise<UserModel[]> {
    const rows = await this.db.selectFrom('friendships').innerJoin('users', 'users.id', 'friendships.friend_id')
      .selectAll('users').where('friendships.user_id', '=', userId).orderBy('users.username_key').limit(MAX_FRIENDS).execute()
    return rows.map(toUser)
  }

  async blockedUsers(userId: string): Promise<UserModel[]> {
    const rows = await this.db.selectFrom('blocks').innerJoin('users', 'users.id', 'blocks.blocked_id')
      .selectAll('users').where('blocks.blocker_id', '=', userId).orderBy('users.username_key').limit(MAX_BLOCKS).execute()
    return rows.map(toUser)
  }

  async pending(userId: string, direction: 'INCOMING' | 'OUTGOING'): Promise<FriendRequestModel[]> {
    const col = direction === 'INCOMING' ? 'to_id' : 'from_id'
    const rows = await this.db.selectFrom('friend_requests').selectAll().where(col, '=', userId).where('status', '=', 'PENDING')
      .orderBy('created_at', 'desc').orderBy('id').limit(MAX_PENDING_REQUESTS).execute()
    return rows.map(toFriendRequest)
  }

  // --- direct rooms -------------------------------------------------------------------------

  async directRoom(key: string): Promise<RoomModel | null> {
    const r = await this.db.selectFrom('rooms').selectAll().where('direct_key', '=', key).executeTakeFirst()
    return r ? toRoom(r) : null
  }

  /** puts both people back into their direct room (one of them may have left it) */
  async ensureDirectMembers(roomId: string, userIds: string[], now: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const room = await trx.selectFrom('rooms').select('msg_seq').where('id', '=', roomId).executeTakeFirst()
      if (!room) return []
      const have = new Set((await trx.selectFrom('room_members').select('user_id').where('room_id', '=', roomId).execute()).map((r) => r.user_id))
      const added: string[] = []
      const missing = userIds.filter((u) => !have.has(u))
      // one over MAX_ROOMS_PER_USER: RoomQuotaError, nothing added
      if (missing.length) await assertRoomQuota(trx, this.dialect, missing)
      for (const u of missing) {
        await trx.insertInto('room_members').values({ room_id: roomId, user_id: u, role: 'MEMBER', joined_at: now, last_read_seq: room.msg_seq })
          .onConflict((oc) => oc.doNothing()).execute()
        added.push(u)
      }
      return added
    })
  }

  /** the other member of a DIRECT room */
  async directPeer(roomId: string, userId: string): Promise<string | null> {
    const r = await this.db.selectFrom('rooms').select('direct_key').where('id', '=', roomId).executeTakeFirst()
    if (!r?.direct_key) return null
    const [a, b] = r.direct_key.split(':')
    return a === userId ? b : b === userId ? a : null
  }
}
