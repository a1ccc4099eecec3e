// A migration cut off halfway leaves the database as it was before it, on SQLite as on PostgreSQL,
// and the next start applies it whole. On SQLite kysely's Migrator ran migrations outside any
// transaction: name_keys' ALTER stayed applied and unrecorded when its fill failed (or the process
// was stopped during it, as an operator's SIGTERM at start did), and every later start failed with
// "duplicate column name".
import { Migrator, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/index.js'
import { migrateToLatest, migrationProvider } from '../../src/db/migrate.js'
import { BACKENDS, BACKEND_NAMES, canRun, freshPgDatabase, tempSqlitePath } from '../helpers/app.js'

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`a failed migration (${BACKEND_NAMES[backend]})`, () => {
    it('leaves nothing of itself behind, and runs whole at the next start', async () => {
      const made = backend === 'postgres' ? await freshPgDatabase() : { url: tempSqlitePath(), drop: async () => {} }
      try {
        let database = openDatabase(made.url)
        const migrator = new Migrator({ db: database.db, provider: migrationProvider })
        expect((await migrator.migrateTo('2026_12_07_0300_reaction_events_pending')).error).toBeUndefined()
        const now = Date.now()
        await database.db.insertInto('users').values({ id: 'u1', username: 'emile', username_key: 'emile', display_name: 'Émile', password_hash: 'x', created_at: now, updated_at: now } as never).execute()
        // the fill after name_keys' ALTER fails half-way: a row it cannot update (a trigger refuses it)
        if (backend === 'postgres') {
          await sql`CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ LANGUAGE plpgsql`.execute(database.db)
          await sql`CREATE TRIGGER refuse BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION refuse()`.execute(database.db)
        } else {
          await sql`CREATE TRIGGER refuse BEFORE UPDATE ON users BEGIN SELECT RAISE(ABORT, 'refused'); END`.execute(database.db)
        }
        await expect(migrateToLatest(database.db)).rejects.toThrow(/refused/)
        const columns = async () => backend === 'postgres'
          ? (await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'users'`.execute(database.db)).rows.map((r) => r.name)
          : (await sql<{ name: string }>`SELECT name FROM pragma_table_info('users')`.execute(database.db)).rows.map((r) => r.name)
        // nothing of it: no column, no record
        expect(await columns()).not.toContain('display_name_key')
        const applied = (await database.db.selectFrom('kysely_migration' as never).select('name' as never).execute() as { name: string }[]).map((r) => r.name)
        expect(applied).not.toContain('2026_12_07_0400_name_keys')
        await sql`DROP TRIGGER refuse${backend === 'postgres' ? sql` ON users` : sql``}`.execute(database.db)
        await database.close()
        // the next start: applied whole
        database = openDatabase(made.url)
        expect(await migrateToLatest(database.db)).toContain('2026_12_07_0400_name_keys')
        expect(await columns()).toContain('display_name_key')
        const u = await database.db.selectFrom('users').select(['display_name_key']).where('id', '=', 'u1').executeTakeFirstOrThrow()
        expect(u.display_name_key).toBe('emile')
        await database.close()
      } finally {
        await made.drop()
      }
    })
  })
}
