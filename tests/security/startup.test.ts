// What an operator sees at start (the real entry, src/server.ts, in a child process): a misspelt
// NODE_ENV and a missing web client are said at once, a database migrated by a newer Hearth is
// refused in one line and left as it is, and an address that does not resolve is one line, not a
// stack trace.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { startApp, tempSqlitePath } from '../helpers/app.js'
import { InstanceLockedError } from '../../src/db/instance-lock.js'

const children: ChildServer[] = []
afterAll(() => { for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL') })
const ROOT = path.resolve(import.meta.dirname, '../..')

/** the real entry run to its end (it is expected not to start) */
function runToEnd(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', WEB_DIST_DIR: '', PORT: '0', HOST: '127.0.0.1', ...env },
  })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

describe('start-up', () => {
  it('says when NODE_ENV is none of production, development and test, and when the web client is missing', async () => {
    const a = await startChildServer({ DATABASE_URL: tempSqlitePath(), NODE_ENV: 'prodution', WEB_DIST_DIR: '/nonexistent/web/dist' })
    children.push(a)
    // before: it ran as development without a word (GraphiQL on, cookies not Secure), and without a web client silently
    await expect.poll(() => a.output(), { timeout: 5000 }).toContain('NODE_ENV=prodution is not production, development or test')
    expect(a.output()).toContain('no web client at /nonexistent/web/dist')
    a.proc.kill('SIGTERM')
    expect((await a.exited).code).toBe(0)
  }, 60_000)

  it('refuses a database migrated by a newer Hearth in one line, changing nothing', async () => {
    const file = tempSqlitePath()
    const db = openDatabase(file)
    await migrateToLatest(db.db)
    await db.db.insertInto('kysely_migration' as never).values({ name: '2099_01_01_0000_from_the_future', timestamp: new Date().toISOString() } as never).execute()
    const recorded = async () => {
      const d = openDatabase(file)
      try { return (await d.db.selectFrom('kysely_migration' as never).select('name' as never).execute() as { name: string }[]).map((x) => x.name).sort() } finally { await d.close() }
    }
    await db.close()
    const before = await recorded()
    const r = runToEnd({ DATABASE_URL: file })
    expect(r.code).toBe(1)
    // before: kysely's "corrupted migrations" with a stack trace
    expect(r.out).toContain('Hearth could not start: This database was migrated by a newer version of Hearth (its migration 2099_01_01_0000_from_the_future is unknown to this one)')
    expect(r.out).not.toMatch(/\n\s+at /)
    expect(await recorded()).toEqual(before)
  }, 60_000)

  it('a second instance on the same SQLite file without Redis is refused in one line, and a killed one leaves no stale lock', async () => {
    const file = tempSqlitePath()
    const a = await startChildServer({ DATABASE_URL: file })
    children.push(a)
    // before: it started, and messages sent through it never reached the first one's subscribers
    const r = runToEnd({ DATABASE_URL: file })
    expect(r.code).toBe(1)
    expect(r.out).toContain(`Hearth could not start: another Hearth instance is already serving ${path.resolve(file)}`)
    expect(r.out).not.toMatch(/\n\s+at /)
    expect((await fetch(a.url + '/health')).status).toBe(200)
    // the lock is the operating system's: a process killed outright holds nothing afterwards
    a.proc.kill('SIGKILL')
    await a.exited
    const b = await startChildServer({ DATABASE_URL: file })
    children.push(b)
    expect((await fetch(b.url + '/health')).status).toBe(200)
    b.proc.kill('SIGTERM')
    expect((await b.exited).code).toBe(0)
  }, 120_000)

  it('in one process too; with Redis, instances on one file hear each other and a second one is welcome', async () => {
    const file = tempSqlitePath()
    const a = await startApp({ databaseUrl: file })
    try {
      await expect(startApp({ databaseUrl: file })).rejects.toThrow(InstanceLockedError)
    } finally { await a.close() }
    // closed: the file is free again
    const b = await startApp({ databaseUrl: file })
    await b.close()
    const c = await startApp({ databaseUrl: file, redis: true })
    const d = await startApp({ databaseUrl: file, redis: true })
    try {
      expect((await fetch(d.url + '/health')).status).toBe(200)
    } finally { await d.close(); await c.close() }
  }, 60_000)

  it('an address that does not resolve is one line', () => {
    const r = runToEnd({ DATABASE_URL: tempSqlitePath(), HOST: 'no.such.host.invalid' })
    expect(r.code).toBe(1)
    expect(r.out).toMatch(/Hearth could not start: .*no\.such\.host\.invalid/)
    expect(r.out).not.toMatch(/\n\s+at /)
  }, 60_000)
})
