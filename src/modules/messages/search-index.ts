import { type Kysely, sql } from 'kysely'
import type { DB } from '../../db/types.js'
import { BACKGROUND_SQL, BUSY_TIMEOUT_MS } from '../../db/index.js'

/** the index's statements are background work (not counted as an operation's queries) */
const BG = sql.raw(BACKGROUND_SQL)

/** a batch's rows at most: a backlog (after a crash, or a burst) is indexed a slice at a time */
const BATCH_ROWS = 500
/**
 * SQLite: puts the messages marked in messages_fts_pending into the full-text index, many at a
 * time (see the 2026_12_06_1800 migration for why sends no longer index their own message).
 *
 * - `wrote()` after a commit that added or edited messages: a batch runs SEARCH_INDEX_DELAY_MS
 *   later (one per interval however many sends came meanwhile).
 * - `ready()` before a search: everything marked so far is indexed first, so a search finds
 *   every stored message, as when each send indexed its own.
 *
 * The marks are in the database, written by the same triggers in the same transaction as the
 * message, so no instance's message is ever left out: any instance's batch indexes every
 * instance's marks (two instances may share one SQLite file), and marks a crash left behind are
 * indexed at the next start. Each batch is one transaction (the marked rows go in, their marks
 * go out), at most BATCH_ROWS rows, with the event loop free between batches.
 */
export class SearchIndex {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private closed = false
  private readonly batch

  constructor(private db: Kysely<DB>, private delayMs: number, private onError: (e: unknown) => void) {
    /** `wait`: take the write lock as any write does (busy timeout); else only if it is free at once */
    this.batch = async (wait: boolean) => {
      // nothing marked (most searches): no write transaction at all
      const { rows: [any] } = await sql<{ marked: number }>`${BG}SELECT EXISTS (SELECT 1 FROM messages_fts_pending) AS marked`.execute(db)
      if (!any?.marked) return 0
      // BEGIN IMMEDIATE: the write lock from the start. A plain BEGIN would read the marks first
      // and fail with SQLITE_BUSY_SNAPSHOT when another instance sharing the file wrote meanwhile
      return db.connection().execute(async (conn) => {
        // a batch in the background never waits for the lock: better-sqlite3's busy wait blocks
        // the event loop, and another process holding the file (a backup, a second instance)
        // would stall every socket of this one for the whole timeout. It tries again later.
        // (The connection is this callback's alone until it returns: nothing else runs with the
        // short timeout.)
        if (!wait) await sql`${BG}PRAGMA busy_timeout = 0`.execute(conn)
        try {
          await sql`${BG}BEGIN IMMEDIATE`.execute(conn)
        } finally {
          if (!wait) await sql.raw(`${BACKGROUND_SQL}PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`).execute(conn)
        }
        try {
          // the highest mark of this batch; null when nothing is marked
          const { rows: [edge] } = await sql<{ last: number | null }>`${BG}SELECT max(msg_rowid) AS last FROM (SELECT msg_rowid FROM messages_fts_pending ORDER BY msg_rowid LIMIT ${sql.lit(BATCH_ROWS)})`.execute(conn)
          const last = edge?.last ?? null
          let n = 0
          if (last !== null) {
            await sql`${BG}INSERT INTO messages_fts(rowid, body, room)
              SELECT m.rowid, m.body, 'r' || replace(m.room_id, '-', '')
              FROM messages_fts_pending p JOIN messages m ON m.rowid = p.msg_rowid WHERE p.msg_rowid <= ${last}`.execute(conn)
            const res = await sql`${BG}DELETE FROM messages_fts_pending WHERE msg_rowid <= ${last}`.execute(conn)
            n = Number(res.numAffectedRows ?? 0n)
          }
          await sql`${BG}COMMIT`.execute(conn)
          return n
        } catch (e) {
          await sql`${BG}ROLLBACK`.execute(conn).catch(() => {})
          throw e
        }
      })
    }
  }

  /** a commit marked messages: index them soon */
  wrote() {
    if (this.timer || this.closed) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.run(false).catch(this.onError)
    }, this.delayMs)
    this.timer.unref()
  }

  /** resolves once every message marked before the call is in the index */
  ready(): Promise<void> {
    return this.run(true)
  }

  private run(wait: boolean): Promise<void> {
    // a batch already running may have read the marks before the caller's commit: run again after it
    const run = (this.running ?? Promise.resolve()).then(() => this.drain(wait))
    const mine = run.finally(() => { if (this.running === mine) this.running = null })
    this.running = mine
    return mine
  }

  private async drain(wait: boolean) {
    for (;;) {
      let n: number
      try {
        n = await this.batch(wait)
      } catch (e) {
        // the lock is taken (by another process): later, not now
        if (!wait && (e as { code?: unknown })?.code === 'SQLITE_BUSY') { this.wrote(); return }
        throw e
      }
      if (n < BATCH_ROWS) return
      // a backlog: let the event loop serve others between slices
      await new Promise<void>((r) => setImmediate(r))
    }
  }

  /** at shutdown: no new batch starts; one running finishes (marks left are indexed at the next start) */
  async close() {
    this.closed = true
    if (this.timer) { clearTimeout(this.timer); this.timer = null }
    await this.running?.catch(() => {})
  }
}
