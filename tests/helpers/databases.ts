// The test databases: fresh SQLite files, or fresh PostgreSQL databases that are dropped by the
// end of the file that made them. Kept apart from app.ts so the per-file setup imports no app.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'
import pg from 'pg'

export const PG_URL = process.env.TEST_PG_URL ?? null

/**
 * The backend of the run: TEST_DATABASE=postgres puts every app and database a test does not
 * pin to one backend on a fresh PostgreSQL database (needs TEST_PG_URL); otherwise SQLite files.
 */
export const TEST_BACKEND: 'sqlite' | 'postgres' = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite'

/**
 * The backends of a test that runs its cases on each. In the PostgreSQL pass
 * (TEST_DATABASE=postgres) only PostgreSQL: the SQLite pass ran the rest. Without TEST_PG_URL the
 * PostgreSQL cases are skipped (`describe.runIf(canRun(backend))`), not left out, so the summary
 * counts them; their names carry "PostgreSQL" (BACKEND_NAMES), which is how it finds them.
 */
export const BACKENDS: ReadonlyArray<'sqlite' | 'postgres'> = TEST_BACKEND === 'postgres' ? ['postgres'] : ['sqlite', 'postgres']
export const BACKEND_NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL' } as const
export const canRun = (backend: 'sqlite' | 'postgres'): boolean => backend === 'sqlite' || PG_URL !== null

export function tempSqlitePath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-test-'))
  return path.join(dir, 'hearth.db')
}

// every PostgreSQL database this test file created and has not dropped yet
const undropped = new Map<string, () => Promise<void>>()

/**
 * A fresh PostgreSQL database; dropped by the returned function, and in any case at the end of
 * the test file (tests/helpers/setup-file.ts), so each file leaves none behind.
 */
export async function freshPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!PG_URL) throw new Error('TEST_PG_URL is not set')
  const name = 'hearth_t_' + crypto.randomBytes(6).toString('hex')
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(PG_URL)
  u.pathname = '/' + name
  const drop = async () => {
    undropped.delete(name)
    const c = new pg.Client({ connectionString: PG_URL })
    await c.connect()
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await c.end()
  }
  undropped.set(name, drop)
  return { url: u.toString(), drop }
}

/** Drops what the file left (run after its own afterAll hooks closed its apps). */
export async function dropUndroppedDatabases(): Promise<void> {
  for (const drop of [...undropped.values()]) await drop()
}

/**
 * A fresh database on the run's backend (TEST_BACKEND), for tests that share one between several
 * apps or reopen it: a new SQLite file, or a new PostgreSQL database dropped at the file's end.
 */
export function testDatabaseUrl(): Promise<string> {
  return databaseFor(TEST_BACKEND)
}

/** A fresh database of one backend, for a test that runs its cases on each (BACKENDS). */
export async function databaseFor(backend: 'sqlite' | 'postgres'): Promise<string> {
  return backend === 'postgres' ? (await freshPgDatabase()).url : tempSqlitePath()
}
