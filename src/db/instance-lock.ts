import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'

/**
 * One SQLite file without Redis is one instance's: events travel in that process's memory, so a
 * second instance started on the same file (a second `npm start`, a service manager's restart
 * overlapping the old process) would store messages the first one's subscribers never hear of.
 * The second one is refused at start instead.
 *
 * The lock is SQLite's own file lock, held by an open write transaction on a small file beside the
 * database (`<database>-instance`): the operating system releases it when the process ends in any
 * way (a crash or kill -9 leaves nothing stale to clean up), and SQLite also keeps two connections
 * of one process apart, so a second app in the same process is refused too.
 */
export class InstanceLockedError extends Error {
  readonly code = 'HEARTH_INSTANCE_LOCKED'
  constructor(file: string) {
    super(`another Hearth instance is already serving ${file}. Without REDIS_URL, instances on one SQLite file would not hear each other's events; stop the other one, or set REDIS_URL for both`)
  }
}

export interface InstanceLock { release(): void }

export function lockSqliteInstance(databaseFile: string): InstanceLock {
  const file = path.resolve(databaseFile)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const conn = new SQLite(`${file}-instance`)
  try {
    conn.pragma('busy_timeout = 0')
    conn.exec('BEGIN EXCLUSIVE')
  } catch (e) {
    conn.close()
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new InstanceLockedError(file)
    throw e
  }
  return {
    release() {
      if (!conn.open) return
      try { conn.exec('ROLLBACK') } catch { /* closing releases the lock anyway */ }
      conn.close()
    },
  }
}
