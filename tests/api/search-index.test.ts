// Search finds what was stored, whenever the full-text index gets it. On SQLite a send only
// marks its message and the index takes the marked rows in batches (src/modules/messages/
// search-index.ts): a search right after a send, an edit or a delete, or after a restart that
// left marks behind, answers as if every message had been indexed at once; the batches empty
// the marks without any search, and a row deleted before its batch leaves no trace.
import { sql } from 'kysely'
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, tempSqlitePath, type TestApp } from '../helpers/app.js'
import { eventually, ok, signUp, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
import { holdLock } from '../helpers/sqlite-lock.js'

const SEARCH = 'query($q: String!, $r: ID) { searchMessages(query: $q, roomId: $r, first: 50) { edges { node { id body } } } }'
const EDIT = 'mutation($id: ID!, $body: String!) { editMessage(id: $id, body: $body) { id body } }'
const DELETE = 'mutation($id: ID!) { deleteMessage(id: $id) { id deletedAt } }'

async function search(t: TestApp, u: TestUser, q: string, roomId?: string): Promise<string[]> {
  const r = await ok(t.url, SEARCH, { q, r: roomId ?? null }, u.token)
  return r.searchMessages.edges.map((e: any) => e.node.body)
}

/** SQLite: how many messages wait for the index */
async function pending(app: TestApp): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM messages_fts_pending`.execute(app.app.hearth.database.db)
  return Number(rows[0].n)
}

/** a word no other message of the database holds */
const word = () => 'w' + Math.random().toString(36).slice(2, 10)

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`search sees every stored message at once (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    let a: TestUser
    let roomId: string

    beforeAll(async () => {
      t = await startApp({ databaseUrl: await databaseFor(backend) })
      a = await signUp(t.url)
      roomId = (await createRoom(t.url, a.token, 'Index')).id
    })
    afterAll(async () => { await t?.close() })

    it('a message sent, edited, then deleted is found by its current words only, right after each step', async () => {
      const [w1, w2] = [word(), word()]
      const m = await send(t.url, a.token, roomId, `first ${w1} draft`)
      expect(await search(t, a, w1)).toEqual([`first ${w1} draft`])
      await ok(t.url, EDIT, { id: m.id, body: `second ${w2} draft` }, a.token)
      expect(await search(t, a, w1)).toEqual([])
      expect(await search(t, a, w2, roomId)).toEqual([`second ${w2} draft`])
      await ok(t.url, DELETE, { id: m.id }, a.token)
      expect(await search(t, a, w2)).toEqual([])
    })

    it('a burst of sends is searchable as soon as each send is answered', async () => {
      const w = word()
      const bodies = Array.from({ length: 40 }, (_, i) => `${w} burst ${i}`)
      await Promise.all(bodies.map((b) => send(t.url, a.token, roomId, b)))
      expect((await search(t, a, w)).sort()).toEqual([...bodies].sort())
    })
  })
}

describe('SQLite: the index batches', () => {
  let t: TestApp | null = null
  const file = tempSqlitePath()
  afterAll(async () => { await t?.close() })

  const indexed = async (app: TestApp, w: string) => {
    const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ${`{body} : "${w}"`}`.execute(app.app.hearth.database.db)
    return Number(rows[0].n)
  }

  it('take the marked messages in without a search, and a message deleted before its batch leaves nothing', async () => {
    t = await startApp({ databaseUrl: file })
    const a = await signUp(t.url)
    const roomId = (await createRoom(t.url, a.token, 'Batches')).id
    const [w1, w2] = [word(), word()]
    const kept = await send(t.url, a.token, roomId, `kept ${w1}`)
    const gone = await send(t.url, a.token, roomId, `gone ${w2}`)
    await ok(t.url, DELETE, { id: gone.id }, a.token)
    await eventually(async () => expect(await pending(t!)).toBe(0), 5000, 'the marks emptied by a batch')
    expect(await indexed(t, w1)).toBe(1)
    expect(await indexed(t, w2)).toBe(0)
    // the index agrees with itself after inserts and deletes of marked and indexed rows
    await ok(t.url, DELETE, { id: kept.id }, a.token)
    expect(await indexed(t, w1)).toBe(0)
    await sql`INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 0)`.execute(t.app.hearth.database.db)
  })

  it('marks left by a shutdown are indexed after the restart, and found by the first search', async () => {
    await t?.close()
    // no batch before the close
    t = await startApp({ databaseUrl: file, env: { SEARCH_INDEX_DELAY_MS: '3600000' } })
    const a = await signUp(t.url)
    const roomId = (await createRoom(t.url, a.token, 'Restart')).id
    const w = word()
    await send(t.url, a.token, roomId, `before the restart ${w}`)
    expect(await pending(t)).toBeGreaterThan(0)
    await t.close()
    t = await startApp({ databaseUrl: file })
    // the session is in the database: the same token works on the new process
    expect(await search(t, a, w)).toEqual([`before the restart ${w}`])
    expect(await pending(t)).toBe(0)
  })
})

describe('SQLite: a batch when another process holds the write lock', () => {
  let t: TestApp | null = null
  afterAll(async () => { await t?.close() })

  it('a batch in the background gives up at once and leaves the marks; a search waits for the lock and finds the message', async () => {
    const file = tempSqlitePath()
    // batches only when asked (the timer would race the lock holder)
    t = await startApp({ databaseUrl: file, env: { SEARCH_INDEX_DELAY_MS: '3600000' } })
    const a = await signUp(t.url)
    const roomId = (await createRoom(t.url, a.token, 'Locked')).id
    const w = word()
    await send(t.url, a.token, roomId, `while locked ${w}`)
    expect(await pending(t)).toBeGreaterThan(0)
    const { released } = await holdLock(file, 3000)
    let releasedYet = false
    void released.then(() => { releasedYet = true })
    const index = t.app.hearth.messages.repo.searchIndex!
    // what the timer runs: it must not sit in SQLite's busy wait (the event loop would stall)
    await (index as unknown as { run(wait: boolean): Promise<void> }).run(false)
    expect(releasedYet).toBe(false)
    expect(await pending(t)).toBeGreaterThan(0)
    // a search waits for the lock like any write, then finds the message
    expect(await search(t, a, w)).toEqual([`while locked ${w}`])
    expect(await pending(t)).toBe(0)
    await released
  }, 30_000)
})

describe('SQLite: two instances on one file', () => {
  let a: TestApp
  let b: TestApp
  beforeAll(async () => {
    const databaseUrl = tempSqlitePath()
    const redisPrefix = 'si' + crypto.randomBytes(4).toString('hex') + ':'
    a = await startApp({ databaseUrl, redis: true, redisPrefix })
    b = await startApp({ databaseUrl, redis: true, redisPrefix })
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
  })

  it('a message sent through one is found by a search through the other right after, while both keep sending', async () => {
    const [u, v] = await Promise.all([signUp(a.url), signUp(a.url)])
    const room = await createRoom(a.url, u.token, 'Shared file')
    await joinByCode(b.url, v.token, room.code)
    let sending = true
    // the other instance writes (and indexes) all along
    const noise = (async () => {
      let i = 0
      while (sending) await send(b.url, v.token, room.id, `noise ${i++}`)
    })()
    try {
      for (let i = 0; i < 15; i++) {
        const w = word()
        await send(a.url, u.token, room.id, `found ${w}`)
        expect(await search(b, v, w)).toEqual([`found ${w}`])
      }
    } finally {
      sending = false
      await noise
    }
  })
})
