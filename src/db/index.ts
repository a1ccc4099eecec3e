import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import type { Database, DB, SqliteSync } from './types.js'
import { WalSync } from './wal-sync.js'
import { BACKSTOP_PAGES, Checkpointer } from './checkpointer.js'
import { SqliteInlineLimits } from './sqlite-limits.js'
import { PREPARED } from './compiled.js'

// int8 (bigint) columns hold epoch milliseconds, far below 2^53: read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v))

/** starts the SQL of statements that run in the background (the search index's batches), which stats.queries leaves out */
/**
 * SQLite runs schema changes inside transactions, but kysely's SQLite adapter says it does not,
 * so its Migrator ran each migration bare: a migration cut off halfway (a SIGTERM during a long
 * fill at start, a crash) left its ALTER applied and unrecorded, and every later start failed on
 * it ("duplicate column name"). Saying so runs the pending migrations and their records in one
 * transaction, as on PostgreSQL: all of them or none.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean { return true }
}
class TransactionalDdlSqliteDialect extends SqliteDialect {
  override createAdapter() { return new TransactionalDdlSqliteAdapter() }
}

export const BACKGROUND_SQL = '/* background */ '

/** how long a SQLite write waits for a lock another connection holds */
export const BUSY_TIMEOUT_MS = 5000

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

export function openDatabase(url: string, opts: { synchronous?: 'FULL' | 'NORMAL'; cacheMb?: number; poolSize?: number; onError?: (err: Error) => void; checkpointWorker?: boolean } = {}): Database {
  const stats = { queries: 0, syncs: 0, synced: 0 }
  // background statements (BACKGROUND_SQL first) are nobody's operation: not counted
  const log = (e: { level: string; query: { sql: string } }) => { if (e.level === 'query' && !e.query.sql.startsWith(BACKGROUND_SQL)) stats.queries++ }
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10 })
    // an idle client losing its connection must not crash the process; it is reported (the
    // caller rate-limits), never swallowed
    pool.on('error', (err) => { try { opts.onError?.(err) } catch { /* reporting must not throw here */ } })
    // the hot statements (PREPARED) go out as named prepared statements: kysely sends every query
    // unnamed, which PostgreSQL parses and plans on every call (the rooms bench on PostgreSQL:
    // four of those per send kept its backends busier than the whole send path of Hearth)
    const named = new WeakSet<object>()
    const preparing = {
      async connect() {
        const client = await pool.connect()
        if (!named.has(client)) {
          named.add(client)
          const query = client.query.bind(client) as (...a: unknown[]) => unknown
          ;(client as unknown as { query: (...a: unknown[]) => unknown }).query = (text: unknown, values?: unknown) => {
            const name = typeof text === 'string' ? PREPARED.get(text) : undefined
            return name ? query({ name, text, values }) : query(text, values)
          }
        }
        return client
      },
      end: () => pool.end(),
    }
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparing }), log })
    return {
      db,
      dialect: 'postgres',
      stats,
      async ping() {
        try { await sql`select 1`.execute(db); return true } catch { return false }
      },
      // PostgreSQL acknowledges a commit once it is durable
      durable: () => Promise.resolve(),
      close: () => db.destroy(),
    }
  }
  if (url !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(url)), { recursive: true })
  const sqlite = new SQLite(url)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  sqlite.pragma('foreign_keys = ON')
  // SQLite's default page cache (16 MiB in this build) was too small for the send path beside the
  // search index's batches: in the rooms bench (1000 sends/s) the connection read some four pages
  // a send back from the file (pread64 under strace: ~1250 in 2 s; none with 256 MiB), and CPU
  // per delivery fell 4-8% with the larger cache (ws 150.2/134.1 -> 138.5/125.4 µs, http
  // 175.2/154.8 -> 164.7/148.4, runs paired back to back). A ceiling, not an allocation.
  sqlite.pragma(`cache_size = ${-Math.round((opts.cacheMb ?? 256) * 1024)}`)
  // FULL (default): an acknowledged write survives power loss, not only a process crash. The
  // connection itself runs NORMAL (a commit does not fsync on the event loop) and WalSync
  // supplies the fsync, off the main thread, before anything is acknowledged or published.
  sqlite.pragma('synchronous = NORMAL')
  const walSync = url !== ':memory:' && (opts.synchronous ?? 'FULL') === 'FULL' ? new WalSync(fs.realpathSync(url) + '-wal', stats) : null
  // checkpoints in a worker (src/db/checkpointer.ts); SQLite's own, on this connection, only as a backstop
  const checkpointer = url !== ':memory:' && opts.checkpointWorker !== false ? new Checkpointer(fs.realpathSync(url)) : null
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`)
  const PLAIN_SELECT = /^\s*(\/\*.*?\*\/\s*)?select\b/i
  // kysely prepares every statement on every call; the same few dozen SQL texts repeat, so keep
  // their prepared statements (better-sqlite3 runs them synchronously: sharing one is safe)
  const prepared = new Map<string, ReturnType<typeof sqlite.prepare>>()
  const database = {
    prepare(text: string) {
      if ((walSync || checkpointer) && !PLAIN_SELECT.test(text)) {
        walSync?.wrote()
        checkpointer?.wrote()
      }
      let stmt = prepared.get(text)
      if (!stmt) {
        stmt = sqlite.prepare(text)
        if (prepared.size >= 500) prepared.delete(prepared.keys().next().value as string)
        prepared.set(text, stmt)
      }
      return stmt
    },
    close() { prepared.clear(); sqlite.close() },
  }
  const db = new Kysely<DB>({ dialect: new TransactionalDdlSqliteDialect({ database }), log, plugins: [new SqliteInlineLimits()] })
  const sync: SqliteSync = {
    exclusive: (fn) => db.connection().execute(async () => fn()),
    rows<R>(text: string, params: readonly unknown[]): R[] {
      stats.queries++
      const stmt = database.prepare(text) as SQLite.Statement<unknown[]>
      if (stmt.reader) return stmt.all(...params) as R[]
      stmt.run(...params)
      return []
    },
  }
  return {
    db,
    dialect: 'sqlite',
    sqlite: sync,
    stats,
    async ping() {
      try { sqlite.prepare('select 1').get(); return true } catch { return false }
    },
    durable: () => (walSync ? walSync.durable() : Promise.resolve()),
    writeGate: () => checkpointer?.gate() ?? null,
    checkpoints: checkpointer?.stats,
    async close() {
      await checkpointer?.close()
      await walSync?.close()
      await db.destroy()
    },
  }
}
