// Failing infrastructure: Redis that is not there at all, and a database another process
// holds locked. Mutations are stored or cleanly refused, nothing half-written, logs stay quiet.
import crypto from 'node:crypto'
import { Writable } from 'node:stream'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startApp, tempSqlitePath, testDatabaseUrl, type TestApp } from '../helpers/app.js'
import { collect, eventually, gql, ok, signUp, wsClient } from '../helpers/client.js'
import { PrivateRedis } from '../helpers/redis-server.js'
import { createRoom, MESSAGE_ADDED, send, SEND } from '../helpers/rooms.js'
import { holdLock } from '../helpers/sqlite-lock.js'

/** an app whose log lines (JSON) the test can read */
async function startLogged(redisUrl: string) {
  const lines: any[] = []
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) { try { lines.push(JSON.parse(l)) } catch { lines.push({ msg: l }) } }
      cb()
    },
  })
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', AUTH_RATE_LIMIT_PER_IP: '100000', SEND_RATE_LIMIT_PER_USER: '600', WEB_DIST_DIR: '' }, {
    port: 0, databaseUrl: await testDatabaseUrl(), redisUrl, webDistDir: null,
  })
  const app = await buildApp(config, { redisPrefix: 't' + crypto.randomBytes(4).toString('hex') + ':', logStream })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return { app, lines, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/graphql` }
}

describe('Redis absent for a long time (REDIS_URL points at a closed port)', () => {
  let app: FastifyInstance
  let url: string
  let lines: any[]
  beforeAll(async () => {
    ({ app, url, lines } = await startLogged('redis://127.0.0.1:1'))
  }, 60_000)
  afterAll(async () => { await app?.close() })

  it('starts degraded: /health answers 200 with status degraded', async () => {
    const res = await fetch(url + '/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'degraded', db: 'up', redis: 'down' })
  })

  it('mutations still succeed and are stored; errors are logged once per burst, not per message', async () => {
    const errorsBefore = lines.filter((l) => l.level >= 50).length
    const u = await signUp(url)
    const room = await createRoom(url, u.token, 'No Redis')
    const N = 30
    const sent = []
    for (let i = 0; i < N; i++) sent.push(await send(url, u.token, room.id, `m${i}`, `c${i}`))
    expect(sent.map((m) => m.seq)).toEqual(Array.from({ length: N }, (_, i) => i + 1))
    const d = await ok(url, 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { body seq } } } }', { r: room.id }, u.token)
    expect(d.messages.edges.map((e: any) => e.node.body)).toEqual(sent.map((m) => m.body))
    // a burst of 30 sends (each with a doorbell that cannot ring) logs a handful of lines, not 30
    const errors = lines.filter((l) => l.level >= 50).slice(errorsBefore)
    expect(errors.length).toBeLessThanOrEqual(3)
    // (the stream does see them: Redis being away was logged at start-up)
    expect(lines.some((l) => l.level >= 50 && /redis/i.test(l.msg))).toBe(true)
    // no stack traces or internals reached the client on the way
    expect((await fetch(url + '/health')).status).toBe(200)
  }, 120_000)
})

// SQLite only: another process holding SQLite's file lock (PostgreSQL has no such state)
describe('the SQLite database briefly locked by another process', () => {
  let t: TestApp
  let token: string
  let roomId: string
  beforeAll(async () => {
    t = await startApp({ databaseUrl: tempSqlitePath() })
    token = (await signUp(t.url)).token
    roomId = (await createRoom(t.url, token, 'Locked')).id
    await send(t.url, token, roomId, 'before')
  })
  afterAll(async () => { await t?.close() })

  const history = async () => (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { body seq } } } }', { r: roomId }, token)).messages.edges.map((e: any) => e.node)
  const events = async () => {
    const d = await ok(t.url, 'query($r: ID!) { room(id: $r) { lastMessage { seq } } }', { r: roomId }, token)
    return d.room.lastMessage.seq
  }

  it('a lock shorter than the busy timeout: the send waits, then succeeds once', async () => {
    const { released } = await holdLock(t.config.databaseUrl, 1000)
    const r = await gql(t.url, SEND, { roomId, body: 'during a short lock', clientId: 'short' }, token)
    await released
    expect(r.errors).toBeUndefined()
    expect(r.data.sendMessage.seq).toBe(2)
    expect((await history()).map((m: any) => m.body)).toEqual(['before', 'during a short lock'])
  })

  it('a lock longer than the busy timeout: a clear, masked error, nothing half-written, and the retry stores it once', async () => {
    const { released } = await holdLock(t.config.databaseUrl, 15000)
    const r = await gql(t.url, SEND, { roomId, body: 'during a long lock', clientId: 'long' }, token)
    await released
    expect(r.data?.sendMessage ?? null).toBeNull()
    expect(r.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR')
    expect(JSON.stringify(r.errors)).not.toMatch(/SQLITE|database is locked|INSERT|select|at .*\.ts/i)
    expect((await history()).map((m: any) => m.body)).toEqual(['before', 'during a short lock'])
    // the retry with the same clientId stores it exactly once, with the next seq (no hole left behind)
    const again = await ok(t.url, SEND, { roomId, body: 'during a long lock', clientId: 'long' }, token)
    expect(again.sendMessage.seq).toBe(3)
    const again2 = await ok(t.url, SEND, { roomId, body: 'during a long lock', clientId: 'long' }, token)
    expect(again2.sendMessage.id).toBe(again.sendMessage.id)
    expect((await history()).map((m: any) => m.seq)).toEqual([1, 2, 3])
    expect(await events()).toBe(3)
    expect((await fetch(t.url + '/health')).status).toBe(200)
  }, 60_000)
})

describe('Redis going away mid-run, for long', () => {
  it('mutations keep succeeding and are stored, /health says degraded, few log lines; when Redis is back the subscriber has everything', async () => {
    const redis = await PrivateRedis.create()
    const { app, url, wsUrl, lines } = await startLogged(redis.url)
    try {
      const a = await signUp(url)
      const b = await signUp(url)
      const room = await createRoom(url, a.token, 'Outage')
      await ok(url, 'mutation($c: String) { joinRoom(code: $c) { id } }', { c: room.code }, b.token)
      const client = wsClient(wsUrl, b.token)
      const live = collect(client, MESSAGE_ADDED, { roomId: room.id, after: '0' })
      await send(url, a.token, room.id, 'before')
      await live.waitCount(1)

      await redis.kill()
      await eventually(async () => (await (await fetch(url + '/health')).json()).status === 'degraded', 10_000, 'degraded')
      const errorsBefore = lines.filter((l) => l.level >= 50).length
      // sends, a new account and a room while Redis is away (rate limits count in memory meanwhile)
      const sent = []
      for (let i = 0; i < 20; i++) sent.push(await send(url, a.token, room.id, `during ${i}`))
      expect(sent.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2))
      const c = await signUp(url)
      expect(c.token).toBeTruthy()
      const stored = await ok(url, 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { seq } } } }', { r: room.id }, a.token)
      expect(stored.messages.edges).toHaveLength(21)
      expect(lines.filter((l) => l.level >= 50).length - errorsBefore).toBeLessThanOrEqual(4)

      await redis.start()
      await eventually(async () => (await (await fetch(url + '/health')).json()).status === 'ok', 15_000, 'ok again')
      // the subscriber that stayed connected gets what it missed (from the database), in order
      await send(url, a.token, room.id, 'after')
      await live.waitCount(22, 15_000)
      expect(live.events.map((e: any) => e.messageAdded.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1))
      live.dispose()
      await client.dispose()
    } finally {
      await app.close()
      await redis.kill()
    }
  }, 120_000)
})

describe('a subscriber whose filter fails', () => {
  it('a database error while filtering a live event is contained: no crash, the server keeps serving (SQLite)', async () => {
    const file = tempSqlitePath()
    const t = await startApp({ databaseUrl: file })
    try {
      const typer = await signUp(t.url)
      const watcher = await signUp(t.url)
      const room = await createRoom(t.url, typer.token, 'Broken filter')
      await ok(t.url, 'mutation($c: String) { joinRoom(code: $c) { id } }', { c: room.code }, watcher.token)
      const client = wsClient(t.wsUrl, watcher.token)
      const live = collect(client, 'subscription($r: ID!) { typing(roomId: $r) { typing } }', { r: room.id })
      await eventually(() => t.app.hearth.realtime.liveSubscriptions === 1, 5000, 'live')
      // the typing feed checks blocks for every event: make that check fail
      const side = new Database(file)
      side.exec('ALTER TABLE blocks RENAME TO blocks_gone')
      side.close()
      await ok(t.url, 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', { r: room.id }, typer.token)
      // fixed wait: the failing check leaves nothing a client can see (the event is dropped), so
      // only time lets an unhandled rejection surface before the next assertions
      await new Promise((r) => setTimeout(r, 300))
      // (before: an unhandled rejection, which ends a Node process)
      expect((await fetch(t.url + '/health')).status).toBe(200)
      await send(t.url, typer.token, room.id, 'still here')
      live.dispose()
      await client.dispose()
    } finally {
      await t.close()
    }
  })
})
