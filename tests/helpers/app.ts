// Builds real app instances listening on loopback ports, with their own SQLite file (or a
// fresh PostgreSQL database) and their own Redis prefix, so test files run side by side.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import crypto from 'node:crypto'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { type Config, loadConfig } from '../../src/config.js'

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
export const PG_URL = process.env.TEST_PG_URL ?? null

export interface TestApp {
  app: FastifyInstance
  url: string
  wsUrl: string
  config: Config
  close(): Promise<void>
}

export function tempSqlitePath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-test-'))
  return path.join(dir, 'hearth.db')
}

/** A fresh PostgreSQL database for one test file; dropped by the returned function. */
export async function freshPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!PG_URL) throw new Error('TEST_PG_URL is not set')
  const name = 'hearth_t_' + crypto.randomBytes(6).toString('hex')
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(PG_URL)
  u.pathname = '/' + name
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
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
  let databaseUrl = opts.databaseUrl
  if (!databaseUrl && process.env.TEST_DATABASE === 'postgres') databaseUrl = (await freshPgDatabase()).url
  const config = loadConfig(env, {
    port: 0,
    databaseUrl: databaseUrl ?? tempSqlitePath(),
    redisUrl: opts.redis ? REDIS_URL : null,
    webDistDir: null,
    ...opts.overrides,
  })
  const app = await buildApp(config, { redisPrefix: opts.redisPrefix ?? (opts.redis ? 't' + crypto.randomBytes(4).toString('hex') + ':' : undefined) })
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
