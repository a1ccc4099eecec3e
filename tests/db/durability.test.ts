// SQLITE_SYNCHRONOUS=FULL without an fsync on the event loop: the connection runs NORMAL and
// every acknowledgement waits for an fdatasync of the WAL made after its write (src/db/wal-sync.ts).
// SQLite only, on every pass (TEST_DATABASE=postgres too): PostgreSQL syncs its own commits.
import fs from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { openDatabase } from '../../src/db/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { Database } from '../../src/db/types.js'
import { startApp, tempSqlitePath, type TestApp } from '../helpers/app.js'
import { signUp } from '../helpers/client.js'
import { createRoom, send } from '../helpers/rooms.js'

const open: Database[] = []
afterEach(async () => { for (const d of open.splice(0)) await d.close() })

async function fresh(synchronous: 'FULL' | 'NORMAL' = 'FULL') {
  const file = tempSqlitePath()
  const d = openDatabase(file, { synchronous })
  open.push(d)
  await migrateToLatest(d.db)
  return { d, file }
}

const insertUser = (d: Database, name: string) => d.db.insertInto('users').values({
  id: crypto.randomUUID(), username: name, username_key: name, display_name: name, first_name: null, last_name: null,
  password_hash: 'x', created_at: 1, updated_at: 1, last_seen_at: null,
}).execute()

describe('WAL sync (SQLite, synchronous FULL)', () => {
  it('the connection itself does not fsync: PRAGMA synchronous is NORMAL, and the WAL is synced on demand', async () => {
    const { d, file } = await fresh()
    const mode = await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(d.db)
    expect(mode.rows[0].synchronous).toBe(1)
    await insertUser(d, 'walsync_a')
    const before = d.stats.syncs
    await d.durable()
    expect(d.stats.syncs).toBe(before + 1)
    expect(fs.existsSync(file + '-wal')).toBe(true)
    // nothing written since: nothing to sync
    await d.durable()
    expect(d.stats.syncs).toBe(before + 1)
  })

  it('callers that arrive together share one sync; a write during a running sync gets a later one', async () => {
    const { d } = await fresh()
    await insertUser(d, 'walsync_b')
    const before = d.stats.syncs
    const first = Array.from({ length: 50 }, () => d.durable())
    expect(d.stats.syncs).toBe(before + 1)
    // written while that sync runs: covered only by a sync that starts after it
    await insertUser(d, 'walsync_c')
    const second = Array.from({ length: 50 }, () => d.durable())
    await Promise.all([...first, ...second])
    expect(d.stats.syncs).toBe(before + 2)
  })

  it('callers resolve in the order they called, across consecutive syncs', async () => {
    const { d } = await fresh()
    const order: string[] = []
    await insertUser(d, 'walsync_o1')
    const a0 = d.durable().then(() => order.push('a0'))
    await insertUser(d, 'walsync_o2')
    // waits for the sync after the running one
    const a = d.durable().then(() => order.push('a'))
    // the moment that next sync starts, with nothing written since: it shares it
    const b = a0.then(() => new Promise<void>((r) => setImmediate(r))).then(() => d.durable()).then(() => order.push('b'))
    await Promise.all([a0, a, b])
    expect(order).toEqual(['a0', 'a', 'b'])
  })

  it('NORMAL acknowledges without syncing', async () => {
    const { d } = await fresh('NORMAL')
    await insertUser(d, 'walsync_d')
    await d.durable()
    expect(d.stats.syncs).toBe(0)
  })

  it('closing leaves no file descriptor behind', async () => {
    const fds = () => fs.readdirSync('/proc/self/fd').length
    const { d } = await fresh()
    await insertUser(d, 'walsync_e')
    await d.durable()
    open.pop()
    await d.close()
    const base = fds()
    for (let i = 0; i < 5; i++) {
      const { d: x } = await fresh()
      await insertUser(x, 'walsync_f' + i)
      await x.durable()
      open.pop()
      await x.close()
    }
    expect(fds()).toBe(base)
  })
})

describe('acknowledgements wait for the sync (SQLite)', () => {
  let t: TestApp | null = null
  afterEach(async () => { await t?.close(); t = null })

  it('each acknowledged send was preceded by a finished WAL sync that started after its commit', async () => {
    t = await startApp({ databaseUrl: tempSqlitePath() })
    const db = t.app.hearth.database
    const u = await signUp(t.url)
    const room = await createRoom(t.url, u.token, 'Durable')
    for (let i = 0; i < 10; i++) {
      const done = db.stats.synced
      const m = await send(t.url, u.token, room.id, `m${i}`)
      expect(m.seq).toBe(i + 1)
      expect(db.stats.synced).toBeGreaterThan(done)
    }
    // sends arriving together: at most one sync each (shared when they overlap)
    const before = db.stats.syncs
    const sent = await Promise.all(Array.from({ length: 20 }, (_, i) => send(t!.url, u.token, room.id, `c${i}`)))
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 11))
    expect(db.stats.syncs - before).toBeGreaterThan(0)
    expect(db.stats.syncs - before).toBeLessThanOrEqual(20)
  })
})

describe('checkpoints off the event loop (SQLite)', () => {
  for (const mode of ['FULL', 'NORMAL'] as const) {
    it(`${mode}: a busy writer's WAL is checkpointed by the worker and restarts, nothing lost, the main connection only a backstop`, async () => {
      const { d, file } = await fresh(mode)
      const auto = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(d.db)
      expect(auto.rows[0].wal_autocheckpoint).toBe(20_000)
      // ~2 KB rows in small transactions, as group commits would write them: some 16,000 pages in all
      const body = 'x'.repeat(2000)
      const rows = 32_000
      let maxWal = 0
      for (let i = 0; i < rows; i += 4) {
        const hold = d.writeGate?.()
        if (hold) await hold
        await d.db.transaction().execute(async (trx) => {
          for (let j = i; j < i + 4; j++) {
            await trx.insertInto('users').values({
              id: crypto.randomUUID(), username: `cp_${j}`, username_key: `cp_${j}`, display_name: body, first_name: null, last_name: null,
              password_hash: 'x', created_at: 1, updated_at: 1, last_seen_at: null,
            }).execute()
          }
        })
        if (i % 400 === 0) maxWal = Math.max(maxWal, fs.statSync(file + '-wal').size)
        // the worker's replies arrive between writes, as they do between requests
        await new Promise((resolve) => setImmediate(resolve))
      }
      await d.durable()
      expect(d.checkpoints!.holds).toBeGreaterThan(0)
      expect(d.checkpoints!.complete).toBeGreaterThan(1)
      expect(d.checkpoints!.failures).toBe(0)
      // the WAL restarted before SQLite's own backstop checkpoint (20,000 pages, 80 MB) had to run,
      // and never passed the checkpointer's hard bound (12,000 frames, 49.4 MB) by more than the
      // writes between two looks: with the disk busy elsewhere a pass can take long, and before
      // the bound the WAL grew meanwhile (59-68 MB beside two fsync loops, 107.9 MB beside a
      // traced process). The file's size is its high-water mark.
      expect(maxWal).toBeLessThan(56 * 1024 * 1024)
      const n = await d.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('username', 'like', 'cp_%').executeTakeFirstOrThrow()
      expect(Number(n.n)).toBe(rows)
      await d.close()
      open.splice(open.indexOf(d), 1)
      // everything is in the file once reopened (the WAL replays or was checkpointed)
      const again = openDatabase(file, { synchronous: mode })
      open.push(again)
      const m = await again.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('username', 'like', 'cp_%').executeTakeFirstOrThrow()
      expect(Number(m.n)).toBe(rows)
    }, 60_000)
  }
})
