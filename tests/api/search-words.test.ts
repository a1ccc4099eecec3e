// searchMessages finds the same messages on SQLite and PostgreSQL: "every word of the query must
// match a word or word prefix, case-insensitively", with one definition of a word for both
// (src/lib/search-words.ts, the words of SQLite's FTS5 tokenizer; tests/db/search-words.test.ts
// checks it against FTS5 code point by code point). Each case asserts the exact set of bodies
// found, the same on both databases. PostgreSQL used to run bodies through its own parser: "½"
// gave no word (the query then matched every message), "example.com" and "3.14" stayed whole,
// "café" kept its accent; and on both, "İstanbul" became "i" + "stanbul" in the query.
import { Migrator, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, type TestApp } from '../helpers/app.js'
import { ok, signUp, type TestUser } from '../helpers/client.js'
import { createRoom, send } from '../helpers/rooms.js'
import { migrationProvider, migrateToLatest } from '../../src/db/migrate.js'
import { openDatabase } from '../../src/db/index.js'

const SEARCH = 'query($q: String!, $r: ID, $first: Int, $after: String) { searchMessages(query: $q, roomId: $r, first: $first, after: $after) { edges { cursor node { body } } pageInfo { hasNextPage } } }'
const EDIT = 'mutation($id: ID!, $body: String!) { editMessage(id: $id, body: $body) { id } }'
const DELETE = 'mutation($id: ID!) { deleteMessage(id: $id) { id } }'

const BODIES = {
  noon: 'lunch at noon',
  half: 'half a pizza: ½ for lunch',
  squared: 'the area is x²',
  sign: 'squared ² sign',
  circled: 'step ① then ②',
  x: 'x marks the spot',
  host: 'see example.com for details',
  mail: 'mail alice@example.org today',
  date: 'meeting 2026-12-07 at 10:30',
  path: 'open path/to/report.txt',
  version: 'released v1.2.3',
  pi: 'pi is 3.14',
  url: 'read http://host.test/some/page?q=1',
  cafe: 'the café is open',
  istanbulUpper: 'İstanbul in spring',
  istanbulLower: 'istanbul again',
  cyrillic: 'мой край',
  cyrillicPlain: 'мои краи',
}
type Key = keyof typeof BODIES

/** query -> the messages it finds, the same on both databases */
const CASES: [string, Key[]][] = [
  // number-like symbols are words of their own
  ['½', ['half']],
  ['lunch ½', ['half']],
  ['lunch', ['noon', 'half']],
  ['²', ['sign']],
  ['x²', ['squared']],
  ['x', ['x']],
  ['①', ['circled']],
  ['② step', ['circled']],
  // words inside host names, addresses, dates, paths, versions, decimals and URLs
  ['com', ['host']],
  ['example', ['host', 'mail']],
  ['exam', ['host', 'mail']],
  ['org', ['mail']],
  ['alice', ['mail']],
  ['12', ['date']],
  ['07', ['date']],
  ['10 30', ['date']],
  ['report', ['path']],
  ['txt', ['path']],
  ['2', ['version']],
  ['3', ['version', 'pi']],
  ['v1', ['version']],
  ['14', ['pi']],
  ['page', ['url']],
  ['test', ['url']],
  ['host', ['url']],
  ['example.com', ['host']],
  ['3.14', ['pi']],
  // Latin diacritics and case fold away
  ['cafe', ['cafe']],
  ['café', ['cafe']],
  ['CAFE\u0301', ['cafe']],
  ['caf', ['cafe']],
  ['İstanbul', ['istanbulUpper', 'istanbulLower']],
  ['istanbul', ['istanbulUpper', 'istanbulLower']],
  ['ISTANBUL', ['istanbulUpper', 'istanbulLower']],
  // Cyrillic letters keep theirs, as in FTS5: "й" is not "и"
  ['мой', ['cyrillic']],
  ['МОИ', ['cyrillicPlain']],
  ['край', ['cyrillic']],
]

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`search words (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    let a: TestUser
    let roomId: string
    const ids = {} as Record<Key, string>

    beforeAll(async () => {
      t = await startApp({ databaseUrl: await databaseFor(backend) })
      a = await signUp(t.url)
      roomId = (await createRoom(t.url, a.token, 'Words')).id
      for (const [k, body] of Object.entries(BODIES) as [Key, string][]) ids[k] = (await send(t.url, a.token, roomId, body)).id
    })
    afterAll(async () => { await t?.close() })

    const found = async (q: string) => {
      const r = await ok(t.url, SEARCH, { q, first: 50 }, a.token)
      return r.searchMessages.edges.map((e: any) => e.node.body).sort()
    }

    it.each(CASES)('%s', async (q, keys) => {
      expect(await found(q)).toEqual(keys.map((k) => BODIES[k]).sort())
    })

    it('an edit replaces the words, a delete removes them', async () => {
      await ok(t.url, EDIT, { id: ids.noon, body: 'dinner at ½ past eight' }, a.token)
      expect(await found('lunch')).toEqual([BODIES.half])
      expect(await found('½')).toEqual([BODIES.half, 'dinner at ½ past eight'].sort())
      expect(await found('noon')).toEqual([])
      await ok(t.url, DELETE, { id: ids.half }, a.token)
      expect(await found('½')).toEqual(['dinner at ½ past eight'])
      expect(await found('pizza')).toEqual([])
    })

    it('pages with after, and in one room only', async () => {
      const other = (await createRoom(t.url, a.token, 'Elsewhere')).id
      await send(t.url, a.token, other, 'also at example.net')
      const first = await ok(t.url, SEARCH, { q: 'example', first: 1 }, a.token)
      expect(first.searchMessages.edges.map((e: any) => e.node.body)).toEqual([BODIES.host])
      expect(first.searchMessages.pageInfo.hasNextPage).toBe(true)
      const rest = await ok(t.url, SEARCH, { q: 'example', first: 5, after: first.searchMessages.edges[0].cursor }, a.token)
      expect(rest.searchMessages.edges.map((e: any) => e.node.body)).toEqual([BODIES.mail, 'also at example.net'])
      const inOther = await ok(t.url, SEARCH, { q: 'example', r: other }, a.token)
      expect(inOther.searchMessages.edges.map((e: any) => e.node.body)).toEqual(['also at example.net'])
    })

    it('a room\'s token in the index is never a word', async () => {
      const hex = roomId.replace(/-/g, '')
      for (const q of [roomId, '@' + roomId, 'r' + hex, 'r' + hex.slice(0, 3), hex.slice(0, 4)]) expect(await found(q), q).toEqual([])
    })

    it('a very long word is stored and found by its start', async () => {
      const long = 'ab' + 'ç'.repeat(3998)
      await send(t.url, a.token, roomId, long)
      expect(await found('abc' + 'c'.repeat(196))).toEqual([long])
      expect(await found('ab')).toEqual([long])
    })

    // PostgreSQL only: the migration fills search_words for the messages stored before it
    if (backend === 'postgres') {
      it('the migration computes the words of existing messages, in batches', async () => {
        const url = t.config.databaseUrl
        await t.close()
        const database = openDatabase(url)
        onTestFinished(() => database.close())
        const db = database.db
        const migrator = new Migrator({ db, provider: migrationProvider })
        // back to before it: the old index over the bodies, no search_words
        const { error } = await migrator.migrateTo('2026_12_07_0100_member_epoch')
        expect(error).toBeUndefined()
        const { rows: [room] } = await sql<{ msg_seq: number; event_seq: number }>`SELECT msg_seq, event_seq FROM rooms WHERE id = ${roomId}`.execute(db)
        // more than one batch of messages stored meanwhile, a deleted one among them
        await sql`INSERT INTO messages (id, room_id, seq, sender_id, body, client_id, created_at, edited_at, deleted_at, added_event_seq, reply_to_id)
          SELECT gen_random_uuid()::text, ${roomId}, ${room.msg_seq}::int + i, ${a.id}, 'bulk №' || i || ' at example.edu', NULL, ${Date.now()}::bigint + i, NULL, NULL, ${room.event_seq}::int + i, NULL
          FROM generate_series(1, 2500) AS i`.execute(db)
        await sql`UPDATE rooms SET msg_seq = msg_seq + 2500, event_seq = event_seq + 2500 WHERE id = ${roomId}`.execute(db)
        await sql`UPDATE messages SET body = '', deleted_at = 1 WHERE room_id = ${roomId} AND body = 'bulk №7 at example.edu'`.execute(db)
        await migrateToLatest(db)
        const { rows: [n] } = await sql<{ empty: string; edu: string }>`SELECT count(*) FILTER (WHERE search_words = '{}' AND deleted_at IS NULL) AS empty,
          count(*) FILTER (WHERE search_words @> ARRAY['edu']) AS edu FROM messages`.execute(db)
        expect({ empty: Number(n.empty), edu: Number(n.edu) }).toEqual({ empty: 0, edu: 2499 })
        const { rows: [one] } = await sql<{ search_words: string[] }>`SELECT search_words FROM messages WHERE body = 'bulk №2345 at example.edu'`.execute(db)
        expect(one.search_words).toEqual(['bulk', '2345', 'at', 'example', 'edu'])
        t = await startApp({ databaseUrl: url })
        expect(await found('2345 edu')).toEqual(['bulk №2345 at example.edu'])
        expect(await found('7 edu')).toEqual([])
        expect(await found('½')).toEqual(['dinner at ½ past eight'])
      })
    }
  })
}
