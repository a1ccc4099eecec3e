// Nothing is lost across a disconnect, a Redis restart or a server restart: what a mutation
// acknowledged is in the database and reaches every subscriber that resumes with `after`.
import { afterAll, describe, expect, it } from 'vitest'
import { startApp, testDatabaseUrl, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, signUp, sleep, wsClient, ok } from '../helpers/client.js'
import { MESSAGE_ADDED, createRoom, joinByCode, send } from '../helpers/rooms.js'
import { PrivateRedis } from '../helpers/redis-server.js'
import { acked, bearer, until } from '../security/raw.js'

const cleanups: (() => Promise<void>)[] = []
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}) })

const seqs = (s: { events: any[] }) => s.events.map((e) => e.messageAdded.seq)
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i)

describe('recovery', () => {
  it('a client reading at full speed resumes several busy rooms on one socket without being cut off', async () => {
    // a small send buffer, so the history owed is many times what the socket may hold
    const app = await startApp({ env: { WS_MAX_BUFFERED_BYTES: String(256 * 1024), SEND_RATE_LIMIT_PER_USER: '0' } })
    cleanups.push(() => app.close())
    const a = await signUp(app.url)
    const rooms = [await createRoom(app.url, a.token, 'Busy 1'), await createRoom(app.url, a.token, 'Busy 2'), await createRoom(app.url, a.token, 'Busy 3')]
    // 16 KB bodies (4000 four-byte code points); 3 rooms x 40 = 1.9 MB of history
    const M = 40
    for (const room of rooms) {
      await Promise.all(Array.from({ length: 4 }, async (_, k) => {
        for (let i = k; i < M; i += 4) await send(app.url, a.token, room.id, String(i).padStart(3, '0') + '\u{1F525}'.repeat(3997))
      }))
    }
    const s = await acked(app.wsUrl, bearer(a.token))
    // two subscriptions per room, all resuming from the start at once
    const ids: string[] = []
    for (const [r, room] of rooms.entries()) {
      for (const k of [0, 1]) {
        const id = `r${r}-${k}`
        ids.push(id)
        s.send({ id, type: 'subscribe', payload: { query: 'subscription($r: ID!) { messageAdded(roomId: $r, after: "0") { seq body } }', variables: { r: room.id } } })
      }
    }
    await until(() => ids.every((id) => s.of(id, 'next').length === M) || s.ws.readyState !== 1, 30_000, 'every replay')
    expect(s.ws.readyState).toBe(1)
    for (const id of ids) {
      const got = s.of(id, 'next').map((f) => f.payload.data.messageAdded)
      expect(got.map((m: any) => m.seq)).toEqual(range(1, M))
      expect(got.every((m: any) => m.body.length === 3 + 2 * 3997)).toBe(true)
    }
    // and it is still live on all of them
    await send(app.url, a.token, rooms[2].id, 'live')
    await until(() => s.of('r2-0', 'next').length === M + 1 && s.of('r2-1', 'next').length === M + 1, 10_000, 'the live message')
    expect(s.of('r2-1', 'next').at(-1).payload.data.messageAdded).toEqual({ seq: M + 1, body: 'live' })
    s.ws.close()
  }, 90_000)

  it('a subscriber that reconnects with after gets every message exactly once while others keep sending', async () => {
    const app = await startApp()
    cleanups.push(() => app.close())
    const a = await signUp(app.url)
    const b = await signUp(app.url)
    const room = await createRoom(app.url, a.token, 'Resume', 'PRIVATE')
    await joinByCode(app.url, b.token, room.code)
    const c1 = wsClient(app.wsUrl, b.token)
    const first = collect(c1, MESSAGE_ADDED, { roomId: room.id, after: '0' })
    for (let i = 0; i < 10; i++) await send(app.url, a.token, room.id, `before ${i}`)
    await first.waitCount(10)
    first.dispose()
    await c1.dispose()
    for (let i = 0; i < 50; i++) await send(app.url, a.token, room.id, `while away ${i}`)
    const lastSeen = seqs(first).at(-1)!
    const c2 = wsClient(app.wsUrl, b.token)
    cleanups.push(async () => { await c2.dispose() })
    const sending = (async () => { for (let i = 0; i < 40; i++) await send(app.url, a.token, room.id, `during ${i}`) })()
    const resumed = collect(c2, MESSAGE_ADDED, { roomId: room.id, after: String(lastSeen) })
    await sending
    // one more message is the marker: a repeated or stray event would have come before it
    await send(app.url, a.token, room.id, 'marker')
    await resumed.waitCount(91, 15_000)
    expect(seqs(resumed)).toEqual(range(11, 101))
  }, 60_000)

  it('a Redis restart during a stream of sends loses nothing that was acknowledged', async () => {
    const redis = await PrivateRedis.create()
    cleanups.push(() => redis.kill())
    const db = await testDatabaseUrl()
    const prefix = `rr${Date.now()}:`
    const app1 = await startApp({ databaseUrl: db, redis: true, redisPrefix: prefix, overrides: { redisUrl: redis.url } })
    const app2 = await startApp({ databaseUrl: db, redis: true, redisPrefix: prefix, overrides: { redisUrl: redis.url } })
    cleanups.push(() => app1.close(), () => app2.close())
    const a = await signUp(app1.url)
    const b = await signUp(app2.url)
    const room = await createRoom(app1.url, a.token, 'Flaky')
    await joinByCode(app2.url, b.token, room.code)
    const cb = wsClient(app2.wsUrl, b.token)
    cleanups.push(async () => { await cb.dispose() })
    const live = collect(cb, MESSAGE_ADDED, { roomId: room.id, after: '0' })
    const acknowledged: number[] = []
    const sender = (async () => {
      for (let i = 0; i < 150; i++) {
        const m = await send(app1.url, a.token, room.id, `flaky ${i}`)
        acknowledged.push(m.seq)
        await sleep(10)
      }
    })()
    // Redis goes down with sends in flow, and stays down until both instances have noticed
    await eventually(() => acknowledged.length >= 20, 10_000, 'sends in flow')
    await redis.kill()
    const redisOf = async (x: TestApp) => ((await (await fetch(x.url + '/health')).json()) as { redis: string }).redis
    await eventually(async () => (await redisOf(app1)) === 'down' && (await redisOf(app2)) === 'down', 10_000, 'both instances to see Redis down')
    await redis.start()
    await sender
    expect(acknowledged).toEqual(range(1, 150))
    // stored
    const stored = await ok(app2.url, '{ q: messages(roomId: "' + room.id + '", last: 100) { edges { node { seq } } } }', {}, b.token)
    expect(stored.q.edges.at(-1).node.seq).toBe(150)
    // the subscriber that stayed connected to instance 2 catches up without any further message
    await live.waitCount(150, 15_000)
    expect(seqs(live)).toEqual(range(1, 150))
    // and one that resumes with after gets all of them too
    const resumed = collect(cb, MESSAGE_ADDED, { roomId: room.id, after: '0' })
    await resumed.waitCount(150, 15_000)
    expect(seqs(resumed)).toEqual(range(1, 150))
  }, 60_000)

  it('a server restart on the same database: the client resuming with after misses nothing', async () => {
    const db = await testDatabaseUrl()
    let app = await startApp({ databaseUrl: db })
    const a = await signUp(app.url)
    const b = await signUp(app.url)
    const room = await createRoom(app.url, a.token, 'Restart', 'PRIVATE')
    await joinByCode(app.url, b.token, room.code)
    const c1 = wsClient(app.wsUrl, b.token)
    const before = collect(c1, MESSAGE_ADDED, { roomId: room.id })
    await waitLive(app, 1)
    for (let i = 0; i < 20; i++) await send(app.url, a.token, room.id, `old ${i}`)
    await before.waitCount(20)
    await app.close()
    await before.waitFor(() => before.state.done, 5000, 'the socket to close')
    await c1.dispose()
    app = await startApp({ databaseUrl: db })
    cleanups.push(() => app.close())
    for (let i = 0; i < 30; i++) await send(app.url, a.token, room.id, `new ${i}`)
    const c2 = wsClient(app.wsUrl, b.token)
    cleanups.push(async () => { await c2.dispose() })
    const after = collect(c2, MESSAGE_ADDED, { roomId: room.id, after: String(seqs(before).at(-1)) })
    await after.waitCount(30)
    await send(app.url, a.token, room.id, 'live again')
    await after.waitCount(31)
    expect([...seqs(before), ...seqs(after)]).toEqual(range(1, 51))
  }, 60_000)
})
