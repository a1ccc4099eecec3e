import type { Kysely, Selectable } from 'kysely'
import type { DB, SessionsTable } from '../../db/types.js'
import type { SessionModel, UserModel } from '../../graphql/models.js'
import { toUser } from '../users/users.repository.js'
import { MAX_SESSIONS_LISTED } from '../../lib/limits.js'
import { compiledOnce } from '../../db/compiled.js'

export function toSession(r: Selectable<SessionsTable>): SessionModel {
  return {
    id: r.id,
    userId: r.user_id,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
    userAgent: r.user_agent,
  }
}

export class SessionsRepository {
  private byTokenHash
  constructor(private db: Kysely<DB>) {
    this.byTokenHash = compiledOnce(db, 2, (hash: string, now: number) => db.selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .selectAll('s')
      .select(['u.username', 'u.username_key', 'u.display_name', 'u.first_name', 'u.last_name', 'u.password_hash',
        'u.created_at as u_created_at', 'u.updated_at as u_updated_at', 'u.last_seen_at'])
      .where('s.token_hash', '=', hash)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', now)
      .limit(1))
  }

  async insert(row: SessionsTable): Promise<SessionModel> {
    await this.db.insertInto('sessions').values(row).execute()
    return toSession(row)
  }

  /** the live session a token hash names, with its user (every request and every socket asks) */
  async liveByTokenHash(hash: string, now: number): Promise<{ session: SessionModel; user: UserModel } | null> {
    const [r] = await this.byTokenHash(hash, now)
    if (!r) return null
    const userRow: Parameters<typeof toUser>[0] = {
      id: r.user_id, username: r.username, username_key: r.username_key, display_name: r.display_name,
      first_name: r.first_name, last_name: r.last_name, password_hash: r.password_hash,
      created_at: r.u_created_at, updated_at: r.u_updated_at, last_seen_at: r.last_seen_at,
    }
    return { session: toSession(r), user: toUser(userRow) }
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', id).execute()
  }

  async liveForUser(userId: string, now: number): Promise<SessionModel[]> {
    const rows = await this.db.selectFrom('sessions').selectAll()
      .where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', now)
      .orderBy('created_at', 'desc').limit(MAX_SESSIONS_LISTED).execute()
    return rows.map(toSession)
  }

  /** whether the user ever had a session with that id (live or ended) */
  async ownedBy(userId: string, id: string): Promise<boolean> {
    const row = await this.db.selectFrom('sessions').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
    return row !== undefined
  }

  /** revokes one live session of the user; false when there is none with that id */
  async revoke(userId: string, id: string, now: number): Promise<boolean> {
    const res = await this.db.updateTable('sessions').set({ revoked_at: now })
      .where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', now)
      .executeTakeFirst()
    return Number(res.numUpdatedRows) > 0
  }
}
