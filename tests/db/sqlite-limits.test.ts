// SQLite: LIMIT and OFFSET numbers go into the SQL text, not as bound parameters (a prepared
// `LIMIT ?` is re-planned by SQLite on every run; see src/db/sqlite-limits.ts), and the rows are
// still the right ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { openDatabase } from '../../src/db/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { Database } from '../../src/db/types.js'
import { tempSqlitePath } from '../helpers/app.js'

describe('SQLite LIMIT and OFFSET', () => {
  let database: Database
  beforeAll(async () => {
    database = openDatabase(tempSqlitePath())
    await migrateToLatest(database.db)
    const now = Date.now()
    await database.db.insertInto('users').values(Array.from({ length: 12 }, (_, i) => ({
      id: `user-${String(i).padStart(2, '0')}`, username: `u${i}`, username_key: `u${i}`, display_name: `U ${i}`,
      password_hash: 'x', created_at: now, updated_at: now,
    }))).execute()
  })
  afterAll(async () => { await database.close() })

  it('writes the numbers into the statement and returns the page asked for', async () => {
    const q = database.db.selectFrom('users').select('id').where('id', '>=', 'user-').orderBy('id').limit(3).offset(4)
    const compiled = q.compile()
    expect(compiled.sql).toMatch(/ limit 3 offset 4$/)
    expect(compiled.parameters).toEqual(['user-'])
    expect((await q.execute()).map((r) => r.id)).toEqual(['user-04', 'user-05', 'user-06'])
  })

  it('keeps a limit that is not a plain number as a parameter or an expression', async () => {
    const q = database.db.selectFrom('users').select('id').orderBy('id').limit(sql<number>`1 + 1`)
    expect(q.compile().sql).toMatch(/ limit 1 \+ 1$/)
    expect((await q.execute()).map((r) => r.id)).toEqual(['user-00', 'user-01'])
  })

  it('rewrites a subquery\'s limit only when the outer query has one of its own', async () => {
    const q = database.db.selectFrom((eb) => eb.selectFrom('users').select('id').orderBy('id', 'desc').limit(2).as('last'))
      .select('last.id').orderBy('last.id').limit(5)
    expect(q.compile().sql).toMatch(/limit 2\) as "last" order by "last"\."id" limit 5$/)
    expect((await q.execute()).map((r) => r.id)).toEqual(['user-10', 'user-11'])
  })
})
