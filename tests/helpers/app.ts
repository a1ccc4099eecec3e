// Builds real app instances listening on loopback ports, with their own SQLite file (or a
// fresh PostgreSQL database) and their own Redis prefix, so test files run side by side.
import crypto from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'
import { PG_URL, freshPgDatabase, tempSqlitePath, testDatabaseUrl } from './databases.js'

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
export { BACKENDS, BACKEND_NAMES, PG_URL, canRun, databaseFor, TEST_BACKEND, dropUndroppedDatabases, freshPgDatabase, tempSqlitePath, testDatabaseUrl } from './databases.js'

export interface TestApp {
  app: FastifyInstance
  url: string
  wsUrl: string
  config: Config
  close(): Promise<void>
}

export interface StartOptions {
  databaseUrl?: string
  redis?: boolean
  redisPrefix?: string
  env?: Record<string, string>
  overrides?: Partial<Config>
}

export async function startApp(opts: StartOptions = {}): Promise<TestApp> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    AUTH_RATE_LIMIT_PER_IP: '100000',
    WEB_DIST_DIR: '',
    ...opts.env,
  }
  // TEST_DATABASE=postgres runs every app without an explicit database on a fresh PostgreSQL one
  const databaseUrl = opts.databaseUrl ?? await testDatabaseUrl()
  const config = loadConfig(env, {
    port: 0,
    databaseUrl,
    redisUrl: opts.redis ? REDIS_URL : null,
    webDistDir: null,
    ...opts.overrides,
  })
  // an env REDIS_PREFIX is the test's own: the config's is used
  const app = await buildApp(config, { redisPrefix: opts.redisPrefix ?? (opts.redis && opts.env?.REDIS_PREFIX === undefined ? 't' + crypto.randomBytes(4).toString('hex') + ':' : undefined) })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return {
    app, config,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    close: () => app.close(),
  }
}

/** Resolves once `count` subscriptions on this app have started their feeds: live from then on. */
export async function waitLive(t: TestApp | FastifyInstance, count: number, timeoutMs = 10_000): Promise<void> {
  const app = 'app' in t ? t.app : t
  const end = Date.now() + timeoutMs
  while (app.hearth.realtime.liveSubscriptions < count) {
    if (Date.now() > end) throw new Error(`only ${app.hearth.realtime.liveSubscriptions} of ${count} subscriptions went live`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/**
 * The fewest database queries `run` took in `times` runs, and its last result. The counter is the
 * whole instance's: work left from earlier sends (notifications read after an answer, a session's
 * periodic touch) can land in a counted request under load, and only ever adds; the fewest is
 * what the request itself needs.
 */
export async function fewestQueries<T>(stats: { queries: number }, run: () => Promise<T>, times = 3): Promise<{ queries: number; result: T }> {
  let queries = Infinity
  let result!: T
  for (let i = 0; i < times; i++) {
    const before = stats.queries
    result = await run()
    queries = Math.min(queries, stats.queries - before)
  }
  return { queries, result }
}

/**
 * Two instances sharing one database and one Redis prefix: PostgreSQL when TEST_PG_URL is set
 * (several instances belong on it), else two connections to one WAL SQLite file.
 */
export async function startPair(tag: string, overrides: Partial<Config> = {}): Promise<{ a: TestApp; b: TestApp; close(): Promise<void> }> {
  let databaseUrl: string
  let drop: (() => Promise<void>) | null = null
  if (PG_URL) {
    const pg = await freshPgDatabase()
    databaseUrl = pg.url
    drop = pg.drop
  } else {
    databaseUrl = tempSqlitePath()
  }
  const redisPrefix = tag + crypto.randomBytes(4).toString('hex') + ':'
  const a = await startApp({ databaseUrl, redis: true, redisPrefix, overrides })
  const b = await startApp({ databaseUrl, redis: true, redisPrefix, overrides })
  return {
    a, b,
    async close() {
      await a.close()
      await b.close()
      await drop?.()
    },
  }
}
