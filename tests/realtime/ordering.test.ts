// Every subscriber gets every message exactly once, in one order, seq 1..N with no gap:
// concurrent senders, two instances sharing Redis and one database, on SQLite and PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest'
import { BACKEND_NAMES, TEST_BACKEND, freshPgDatabase, PG_URL, startApp, tempSqlitePath, type TestApp } from '../helpers/app.js'
import { collect, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { MESSAGE_ADDED, createRoom, joinByCode, send } from '../helpers/rooms.js'

const cleanups: (() => Promise<void>)[] = []
afterAll(async () => { for (const c of cleanups.reverse()) await c().catch(() => {}) })

async function run(apps: TestApp[], senders = 10, perSender = 100) {
  const [first] = apps
  const owner = await signUp(first.url)
  const room = await createRoom(first.url, owner.token, 'Busy room')
  const users: TestUser[] = []
  for (let i = 0; i < senders; i++) {
    const u = await signUp(apps[i % apps.length].url)
    await joinByCode(apps[i % apps.length].url, u.token, room.code)
    users.push(u)
  }
  // one subscriber per instance, joined before the first send
  const subs = apps.map((app, i) => {
    const client = wsClient(app.wsUrl, users[i].token)
    cleanups.push(async () => { await client.dispose() })
    return collect(client, MESSAGE_ADDED, { roomId: room.id, after: '0' })
  })
  // and one that joins halfway with a resume point
  let late: ReturnType<typeof collect> | null = null
  let sent = 0
  await Promise.all(users.map(async (u, i) => {
    const app = apps[i % apps.length]
    for (let k = 0; k < perSender; k++) {
      await send(app.url, u.token, room.id, `m ${i} ${k}`, `c-${i}-${k}`)
      if (++sent === (senders * perSender) / 2 && !late) {
        const client = wsClient(apps[apps.length - 1].wsUrl, owner.token)
        cleanups.push(async () => { await client.dispose() })
        late = collect(client, MESSAGE_ADDED, { roomId: room.id, after: String(Math.floor(sent / 3)) })
      }
    }
  }))
  const total = senders * perSender
  for (const s of subs) await s.waitCount(total, 30_000)
  await late!.waitCount(total - Math.floor(total / 6), 30_000)
  const expected = Array.from({ length: total }, (_, i) => i + 1)
  const orders = subs.map((s) => s.events.map((e) => e.messageAdded.id))
  for (const s of subs) {
    expect(s.events.map((e) => e.messageAdded.seq)).toEqual(expected)
  }
  for (const o of orders) expect(o).toEqual(orders[0])
  const lateSeqs = late!.events.map((e: any) => e.messageAdded.seq)
  expect(lateSeqs).toEqual(expected.slice(Math.floor(total / 6)))
  // every body arrived once
  expect(new Set(subs[0].events.map((e) => e.messageAdded.body)).size).toBe(total)
}

describe('ordering under concurrent sends', () => {
  it(`one instance, ${BACKEND_NAMES[TEST_BACKEND]}: 10 senders x 100 messages reach every subscriber as seq 1..1000`, async () => {
    const app = await startApp()
    cleanups.push(() => app.close())
    await run([app])
  }, 120_000)

  it('two instances sharing Redis and one SQLite file', async () => {
    const db = tempSqlitePath()
    const prefix = `ord${Date.now()}:`
    const a = await startApp({ databaseUrl: db, redis: true, redisPrefix: prefix })
    const b = await startApp({ databaseUrl: db, redis: true, redisPrefix: prefix })
    cleanups.push(() => a.close(), () => b.close())
    await run([a, b])
  }, 120_000)

  it.runIf(PG_URL)('two instances sharing Redis and one PostgreSQL database', async () => {
    const pg = await freshPgDatabase()
    const prefix = `ordpg${Date.now()}:`
    const a = await startApp({ databaseUrl: pg.url, redis: true, redisPrefix: prefix })
    const b = await startApp({ databaseUrl: pg.url, redis: true, redisPrefix: prefix })
    cleanups.push(() => pg.drop(), () => a.close(), () => b.close())
    await run([a, b])
  }, 120_000)
})
