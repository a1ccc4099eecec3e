import { compiledOnce } from '../../db/compiled.js'
import type { Kysely, Selectable } from 'kysely'
import type { DB, UsersTable } from '../../db/types.js'
import type { UserModel } from '../../graphql/models.js'
import { likePattern, nameKey } from '../../lib/text.js'
import { sql } from 'kysely'

/**
 * users.updated_at for a change made at `now`: after the row's previous one, always (by 1 ms when
 * the clock says otherwise), so that it orders a user's versions. userUpdated subscribers keep
 * the newest version they were sent: two changes at once, on two instances, could reach them in
 * either order, and ended some on the older profile.
 */
export const nextUpdatedAt = (now: number) => sql<number>`CASE WHEN updated_at >= ${now} THEN updated_at + 1 ELSE ${now} END`

export function toUser(r: Omit<Selectable<UsersTable>, 'avatar_id' | 'display_name_key'> & { avatar_id?: string | null }): UserModel {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    firstName: r.first_name,
    lastName: r.last_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastSeenAt: r.last_seen_at,
    avatarId: r.avatar_id ?? null,
  }
}

export class UsersRepository {
  /** one user by id, compiled once (the sender of every live message is rendered through it) */
  private userById
  constructor(private db: Kysely<DB>) {
    this.userById = compiledOnce(db, 1, (id: string) => db.selectFrom('users').selectAll().where('id', '=', id))
  }

  async insert(row: UsersTable): Promise<UserModel> {
    await this.db.insertInto('users').values({ ...row, display_name_key: nameKey(row.display_name) }).execute()
    return toUser(row)
  }

  async byId(id: string): Promise<UserModel | null> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? toUser(r) : null
  }

  async byIds(ids: string[]): Promise<Map<string, UserModel>> {
    const out = new Map<string, UserModel>()
    if (!ids.length) return out
    const rows = ids.length === 1 ? await this.userById(ids[0]) : await this.db.selectFrom('users').selectAll().where('id', 'in', ids).execute()
    for (const r of rows) out.set(r.id, toUser(r))
    return out
  }

  async credentialsByKey(key: string): Promise<{ user: UserModel; passwordHash: string } | null> {
    const r = await this.db.selectFrom('users').selectAll().where('username_key', '=', key).executeTakeFirst()
    return r ? { user: toUser(r), passwordHash: r.password_hash } : null
  }

  async credentialsById(id: string): Promise<{ user: UserModel; key: string; passwordHash: string } | null> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
    return r ? { user: toUser(r), key: r.username_key, passwordHash: r.password_hash } : null
  }

  async keyTaken(key: string): Promise<boolean> {
    const r = await this.db.selectFrom('users').select('id').where('username_key', '=', key).executeTakeFirst()
    return !!r
  }

  async update(id: string, patch: Partial<Pick<UsersTable, 'display_name' | 'first_name' | 'last_name' | 'last_seen_at'>>, now: number): Promise<UserModel | null> {
    const key = patch.display_name === undefined ? {} : { display_name_key: nameKey(patch.display_name) }
    await this.db.updateTable('users').set({ ...patch, ...key, updated_at: nextUpdatedAt(now) }).where('id', '=', id).execute()
    return this.byId(id)
  }

  async touchLastSeen(id: string, at: number): Promise<void> {
    await this.db.updateTable('users').set({ last_seen_at: at }).where('id', '=', id).execute()
  }

  /** page ordered by username_key; `afterKey` excludes everything up to and including it */
  async search(search: string | null, afterKey: string | null, limit: number): Promise<{ key: string; user: UserModel }[]> {
    // "Deleted user" placeholders (account.repository.ts) are no one to find
    let q = this.db.selectFrom('users').selectAll().where('username_key', 'not like', '~deleted:%')
    if (search) {
      // both keys are folded by the server (nameKey): the databases' own lower() differ
      const p = likePattern(nameKey(search))
      q = q.where((eb) => eb.or([
        eb('username_key', 'like', sql<string>`${p} escape '\\'`),
        eb('display_name_key', 'like', sql<string>`${p} escape '\\'`),
      ]))
    }
    if (afterKey !== null) q = q.where('username_key', '>', afterKey)
    const rows = await q.orderBy('username_key').limit(limit).execute()
    return rows.map((r) => ({ key: r.username_key, user: toUser(r) }))
  }
}
