import type { Kysely } from 'kysely'
import type { DB } from '../../db/types.js'

export class PresenceRepository {
  constructor(private db: Kysely<DB>) {}

  /**
   * Of these users, those whose real status the viewer may see: the viewer, friends and
   * room-mates, minus anyone the viewer blocked.
   */
  async visibleTo(viewerId: string, ids: string[]): Promise<Set<string>> {
    const out = new Set<string>()
    const others = ids.filter((id) => id !== viewerId)
    if (ids.includes(viewerId)) out.add(viewerId)
    if (!others.length) return out
    const [friends, mates, blocked] = await Promise.all([
      this.db.selectFrom('friendships').select('friend_id as id').where('user_id', '=', viewerId).where('friend_id', 'in', others).execute(),
      this.db.selectFrom('room_members as a').innerJoin('room_members as b', 'b.room_id', 'a.room_id')
        .select('b.user_id as id').distinct().where('a.user_id', '=', viewerId).where('b.user_id', 'in', others).execute(),
      this.db.selectFrom('blocks').select('blocked_id as id').where('blocker_id', '=', viewerId).where('blocked_id', 'in', others).execute(),
    ])
    const hidden = new Set(blocked.map((r) => r.id))
    for (const r of [...friends, ...mates]) if (!hidden.has(r.id)) out.add(r.id)
    return out
  }

  async roomIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('room_members').select('room_id').where('user_id', '=', userId).execute()
    return rows.map((r) => r.room_id)
  }

  async memberIds(roomId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('room_members').select('user_id').where('room_id', '=', roomId).execute()
    return rows.map((r) => r.user_id)
  }

  async touchLastSeen(userId: string, at: number): Promise<void> {
    await this.db.updateTable('users').set({ last_seen_at: at }).where('id', '=', userId).execute()
  }
}
