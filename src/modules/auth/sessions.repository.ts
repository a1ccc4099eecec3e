import type { Kysely, Selectable } from 'kysely'
import type { DB, SessionsTable } from '../../db/types.js'
import type { SessionModel } from '../../graphql/models.js'
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
    // the session alone: every request and every socket asks, and what they need is the viewer's
    // ids and the session's times (the user's row, joined here once, doubled the read's cost)
    this.byTokenHash = compiledOnce(db, 2, (hash: string, now: number) => db.selectFrom('sessions as s')
      .selectAll('s')
      .where('s.token_hash', '=', hash)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', now)
      .limit(1))
  }

  async insert(row: SessionsTable): Promise<SessionModel> {
    await this.db.insertInto('sessions').values(row).execute()
    return toSession(row)
  }

  /** the live session a token hash names (every request and every socket asks) */
  async liveByTokenHash(hash: string, now: number): Promise<SessionModel | null> {
    const [r] = await this.byTokenHash(hash, now)
    return r ? toSession(r) : null
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

  /** deletes sessions that ended (revoked, logged out or expired) before `before`; answers how many */
  async deleteEndedBefore(before: number): Promise<number> {
    const res = await this.db.deleteFrom('sessions')
      .where((eb) => eb.or([eb('revoked_at', '<', before), eb('expires_at', '<', before)])).executeTakeFirst()
    return Number(res.numDeletedRows)
  }

  /** revokes one live session of the user; false when there is none with that id */
  async revoke(userId: string, id: string, now: number): Promise<boolean> {
    const res = await this.db.updateTable('sessions').set({ revoked_at: now })
      .where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).where('expires_at', '>', now)
      .executeTakeFirst()
    return Number(res.numUpdatedRows) > 0
  }
}
