// Frozen: never edit after it has shipped; add a new dated migration instead.
// Names are found case- and accent-insensitively alike on both databases. users(search:)
// compared lower(display_name): SQLite's lower() folds ASCII only, so "Émile" did not find
// "ÉMILE ZOLA" there (it did on PostgreSQL), and rooms' name_key was only lower-cased ("EMILE"
// did not find "Émile", and accented names sorted after "z"). users.display_name_key and
// rooms.name_key now hold nameKey() of the name (src/lib/text.ts), written by the server with
// the name; existing rows are filled here, a batch at a time.
import { type Kysely, sql } from 'kysely'
import { nameKey } from '../../lib/text.js'

const BATCH = 500

async function fill(db: Kysely<any>, table: 'users' | 'rooms', from: 'display_name' | 'name', to: 'display_name_key' | 'name_key') {
  let after = ''
  for (;;) {
    const rows: { id: string; name: string; key: string }[] = await db.selectFrom(table).select(['id', `${from} as name`, `${to} as key`])
      .where('id', '>', after).orderBy('id').limit(BATCH).execute()
    if (!rows.length) break
    for (const r of rows) {
      const key = nameKey(r.name)
      if (key !== r.key) await db.updateTable(table).set({ [to]: key }).where('id', '=', r.id).execute()
    }
    after = rows[rows.length - 1].id
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN display_name_key TEXT NOT NULL DEFAULT ''`.execute(db)
  await fill(db, 'users', 'display_name', 'display_name_key')
  await fill(db, 'rooms', 'name', 'name_key')
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE users DROP COLUMN display_name_key`.execute(db)
}
