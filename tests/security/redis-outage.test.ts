// Issue 13, finding 11 (part): with Redis unreachable, a session revocation and room leave/delete
// control messages were dropped and never replayed, so sockets and room subscriptions on other
// instances stayed open until the session expired (up to 30 days). Two instances share a private
// redis-server that the test really stops; while it is down, instance one revokes a session,
// a member leaves a room and an owner deletes one. Once Redis is back, instance two re-checks
// what it holds open: the revoked socket closes with 4403 and the room subscriptions complete,
// while one the viewer is still entitled to stays live.
import crypto from 'node:crypto'
import { Writable } from 'node:stream'
import pg from 'pg'
import WebSocket from 'ws'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { rateLimitedErrors } from '../../src/lib/error-log.js'
import { MemoryPubSub, RedisBackedPubSub, type PubSub } from '../../src/realtime/pubsub.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, PG_URL, canRun, REDIS_URL, freshPgDatabase, startApp, tempSqlitePath, waitLive, type TestApp } from '../helpers/app.js'
import { collect, errorCode, eventually, ok, signUp, wsClient } from '../helpers/client.js'
import { PrivateRedis } from '../helpers/redis-server.js'
import { createRoom, joinByCode, MESSAGE_EVENTS, SEND } from '../helpers/rooms.js'

const PRESENCE = `subscription($r: ID) { presenceChanged(roomId: $r) { user { id } } }`

/** a raw graphql-transport-ws socket, signed in; resolves once acknowledged, records its close code */
async function rawSocket(wsUrl: string, token: string) {
  const ws = new WebSocket(wsUrl, 'graphql-transport-ws')
  const state: { closeCode: number | null } = { closeCode: null }
  ws.on('close', (code) => { state.closeCode = code })
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })))
    ws.on('message', (d) => { if (JSON.parse(String(d)).type === 'connection_ack') resolve() })
    ws.on('close', (code) => reject(new Error(`closed ${code} before ack`)))
  })
  return { ws, state }
}

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`revocations and room control survive a Redis outage (${backend})`, () => {
    let redis: PrivateRedis
    let one: TestApp
    let two: TestApp
    let drop: (() => Promise<void>) | null = null
    beforeAll(async () => {
      redis = await PrivateRedis.create()
      let databaseUrl = tempSqlitePath()
      if (backend === 'postgres') {
        const db = await freshPgDatabase()
        drop = db.drop
        databaseUrl = db.url
      }
      const redisPrefix = 't' + crypto.randomBytes(4).toString('hex') + ':'
      const opts = { databaseUrl, redisPrefix, env: { SEND_RATE_LIMIT_PER_USER: '0' }, overrides: { redisUrl: redis.url } }
      one = await startApp(opts)
      two = await startApp(opts)
    }, 60_000)
    afterAll(async () => {
      await one?.close()
      await two?.close()
      await redis?.kill()
      await drop?.()
    })

    it('a session revoked and rooms left or deleted while Redis is down end on the other instance once it is back', async () => {
      const victim = await signUp(one.url)
      const other = await ok(one.url, `mutation($i: LogInInput!) { logIn(input: $i) { token } }`, { i: { username: victim.username, password: 'correct horse battery' } })
      const [owner, member] = await Promise.all([signUp(one.url), signUp(one.url)])
      const left = await createRoom(one.url, owner.token, 'Left', 'PRIVATE')
      const deleted = await createRoom(one.url, owner.token, 'Deleted', 'PRIVATE')
      const kept = await createRoom(one.url, owner.token, 'Kept', 'PRIVATE')
      for (const r of [left, deleted, kept]) await joinByCode(one.url, member.token, r.code)

      // on instance two: the victim's socket, and the member's room subscriptions
      const sock = await rawSocket(two.wsUrl, victim.token)
      const wm = wsClient(two.wsUrl, member.token)
      const base = two.app.hearth.realtime.liveSubscriptions
      const leftEvents = collect(wm, MESSAGE_EVENTS, { roomId: left.id })
      const leftPresence = collect(wm, PRESENCE, { r: left.id })
      const deletedEvents = collect(wm, MESSAGE_EVENTS, { roomId: deleted.id })
      const keptEvents = collect(wm, MESSAGE_EVENTS, { roomId: kept.id })
      await waitLive(two, base + 4)

      // Redis goes away, and both instances notice
      await redis.kill()
      await eventually(() => !one.app.hearth.pubsub.healthy() && !two.app.hearth.pubsub.healthy(), 10_000, 'both instances to lose Redis')

      // meanwhile, through instance one: their control messages cannot be published
      expect((await ok(one.url, `mutation($id: ID!) { revokeSession(id: $id) }`, { id: victim.sessionId }, other.logIn.token)).revokeSession).toBe(true)
      expect((await ok(one.url, `mutation($r: ID!) { leaveRoom(roomId: $r) }`, { r: left.id }, member.token)).leaveRoom).toBe(true)
      expect((await ok(one.url, `mutation($id: ID!) { deleteRoom(id: $id) }`, { id: deleted.id }, owner.token)).deleteRoom).toBe(true)
      expect(sock.state.closeCode).toBeNull()

      // Redis is back: instance two re-checks what it holds open
      await redis.start()
      await eventually(() => sock.state.closeCode !== null, 20_000, 'the revoked session\'s socket to close')
      expect(sock.state.closeCode).toBe(4403)
      // instance two had the session cached (the socket's sign-in): refused over HTTP as well
      expect(await errorCode(two.url, '{ me { id } }', {}, victim.token)).toBe('UNAUTHENTICATED')
      await leftEvents.waitFor(() => leftEvents.state.done, 20_000, 'the left room\'s messageEvents to complete')
      await leftPresence.waitFor(() => leftPresence.state.done, 20_000, 'the left room\'s presenceChanged to complete')
      await deletedEvents.waitFor(() => deletedEvents.state.done, 20_000, 'the deleted room\'s messageEvents to complete')
      expect([leftEvents.state.errors, leftPresence.state.errors, deletedEvents.state.errors]).toEqual([null, null, null])
      // the room the member is still in stays live, and its messages still arrive
      expect(keptEvents.state.done).toBe(false)
      await eventually(() => one.app.hearth.pubsub.healthy(), 10_000, 'instance one to reconnect')
      await ok(one.url, SEND, { roomId: kept.id, body: 'still here' }, owner.token)
      await keptEvents.waitCount(1, 10_000)
      expect(keptEvents.events[0].messageEvents.message.body).toBe('still here')
      expect(keptEvents.state.done).toBe(false)
      await wm.dispose()
      sock.ws.close()
    }, 90_000)

    it('an instance cut off from Redis alone announces, once back, that the others must re-check', async () => {
      await eventually(() => one.app.hearth.pubsub.healthy() && two.app.hearth.pubsub.healthy(), 20_000, 'both instances on Redis')
      const victim = await signUp(one.url)
      const other = await ok(one.url, `mutation($i: LogInInput!) { logIn(input: $i) { token } }`, { i: { username: victim.username, password: 'correct horse battery' } })
      const sock = await rawSocket(two.wsUrl, victim.token)
      // instance two has the victim's session in its cache of live sessions
      await ok(two.url, '{ me { id } }', {}, victim.token)
      // instance one's publisher loses its connection; instance two never loses Redis
      const publisher = (one.app.hearth.pubsub as RedisBackedPubSub).publisher
      publisher.disconnect()
      await eventually(() => publisher.status === 'end', 5000, 'the publisher to be cut off')
      expect((await ok(one.url, `mutation($id: ID!) { revokeSession(id: $id) }`, { id: victim.sessionId }, other.logIn.token)).revokeSession).toBe(true)
      expect(sock.state.closeCode).toBeNull()
      await publisher.connect()
      await eventually(() => sock.state.closeCode !== null, 20_000, 'the revoked session\'s socket to close')
      expect(sock.state.closeCode).toBe(4403)
      // the announcement that closed the socket emptied the cache: the token is refused over HTTP too
      expect(await errorCode(two.url, '{ me { id } }', {}, victim.token)).toBe('UNAUTHENTICATED')
    }, 60_000)
  })
}

/** an app whose log lines (JSON) the test reads */
async function startLogged(databaseUrl: string) {
  const lines: any[] = []
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) { try { lines.push(JSON.parse(l)) } catch { lines.push({ msg: l }) } }
      cb()
    },
  })
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', AUTH_RATE_LIMIT_PER_IP: '100000', WEB_DIST_DIR: '' }, {
    port: 0, databaseUrl, redisUrl: null, webDistDir: null,
  })
  const app = await buildApp(config, { logStream })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  return { app, lines, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/graphql` }
}

describe('failures that must not stop anything are logged, rate-limited', () => {
  for (const kind of ['memory', 'redis'] as const) {
    it(`a pub/sub subscriber that throws or rejects (${kind}): one line per 10 s, with the count left out`, async () => {
      const lines: { obj: any; msg: string }[] = []
      let now = 1_000_000
      const report = rateLimitedErrors({ error: (obj, msg) => lines.push({ obj, msg }) }, 10_000, () => now)
      const ps: PubSub = kind === 'memory' ? new MemoryPubSub({ onHandlerError: report })
        : new RedisBackedPubSub(REDIS_URL, { prefix: 't' + crypto.randomBytes(4).toString('hex') + ':', onHandlerError: report })
      let calls = 0
      const seen: number[] = []
      await ps.subscribe('t.topic', (p: { n: number }) => { calls++; if (p.n % 2) throw new Error(`sync ${p.n}`); return Promise.reject(new Error(`async ${p.n}`)) })
      // a healthy subscriber of the same topic still gets every event
      await ps.subscribe('t.topic', (p: { n: number }) => { seen.push(p.n) })
      for (let n = 0; n < 5; n++) await ps.publish('t.topic', { n })
      await eventually(() => seen.length === 5 && calls === 5, 5000, 'five deliveries')
      await eventually(() => lines.length === 1, 5000, 'the first report')
      expect(lines[0].msg).toBe('pub/sub subscriber failed')
      expect(lines[0].obj.err).toBeInstanceOf(Error)
      now += 10_001
      await ps.publish('t.topic', { n: 5 })
      await eventually(() => lines.length === 2, 5000, 'the second report')
      expect(lines[1].obj.suppressed).toBe(4)
      expect(lines[1].msg).toBe('pub/sub subscriber failed (4 more since the last report)')
      await ps.close()
    })
  }

  it('a failing socket hook is logged and the socket still works', async () => {
    const t = await startLogged(tempSqlitePath())
    try {
      t.app.hearth.realtime.hooks.push({ ready: () => { throw new Error('hook broke') } })
      const u = await signUp(t.url)
      const s = await rawSocket(t.wsUrl, u.token)
      await eventually(() => t.lines.some((l) => l.msg === 'socket hook ready failed' && l.err?.message === 'hook broke'), 5000, 'the hook failure to be logged')
      expect(s.state.closeCode).toBeNull()
      s.ws.close()
    } finally {
      await t.app.close()
    }
  })

  it.runIf(PG_URL)('an idle PostgreSQL connection dropped by the server is logged, and the next query works', async () => {
    const db = await freshPgDatabase()
    const t = await startLogged(db.url)
    try {
      await signUp(t.url) // the pool now holds idle clients
      const name = new URL(db.url).pathname.slice(1)
      const admin = new pg.Client({ connectionString: PG_URL! })
      await admin.connect()
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name])
      await admin.end()
      await eventually(() => t.lines.some((l) => l.msg === 'database pool error'), 10_000, 'the pool error to be logged')
      expect((await signUp(t.url)).id).toBeTruthy()
    } finally {
      await t.app.close()
      await db.drop()
    }
  })
})
