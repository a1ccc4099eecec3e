// A room's messages are in time order as they are in seq order: search pages by time, and a
// client keeping a search's end cursor must not skip a message stored later with an earlier time.
// On PostgreSQL the send's time was read before its statement waited for the room's lock, so
// 8 people sending at once stored times running backwards against seq (26 of 200 in an audit)
// and a search continued from its cursor missed 39 of 480 messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, type TestApp } from '../helpers/app.js'
import { ok, signUp, type TestUser } from '../helpers/client.js'
import { SEND, createRoom, joinByCode } from '../helpers/rooms.js'

const PAGE = 'query($r: ID!, $after: String) { messages(roomId: $r, first: 100, after: $after) { edges { cursor node { id seq body createdAt } } pageInfo { hasNextPage endCursor } } }'
const SEARCH = 'query($q: String!, $r: ID, $after: String) { searchMessages(query: $q, roomId: $r, first: 100, after: $after) { edges { cursor node { seq } } pageInfo { hasNextPage endCursor } } }'

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`message times follow seq (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '0', SEARCH_INDEX_DELAY_MS: '20' } }) })
    afterAll(async () => { await t?.close() })

    it('8 people sending at once: createdAt rises with seq, in answers and history, and search lists the room in seq order', async () => {
      const owner = await signUp(t.url)
      const room = await createRoom(t.url, owner.token, 'Busy hour')
      const people: TestUser[] = [owner, ...await Promise.all(Array.from({ length: 7 }, () => signUp(t.url)))]
      for (const p of people.slice(1)) await joinByCode(t.url, p.token, room.code)
      const answers = (await Promise.all(people.map(async (p, i) => {
        const mine: { seq: number; createdAt: string }[] = []
        for (let j = 0; j < 25; j++) mine.push((await ok(t.url, SEND, { roomId: room.id, body: `rush ${i}-${j}` }, p.token)).sendMessage)
        return mine
      }))).flat()
      const history: { seq: number; createdAt: string }[] = []
      let after: string | null = null
      for (;;) {
        const page: any = (await ok(t.url, PAGE, { r: room.id, after }, owner.token)).messages
        history.push(...page.edges.map((e: any) => e.node))
        if (!page.pageInfo.hasNextPage) break
        after = page.pageInfo.endCursor
      }
      expect(history.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
      const backwards = history.filter((m, i) => i > 0 && Date.parse(m.createdAt) <= Date.parse(history[i - 1].createdAt))
      expect(backwards).toEqual([])
      // each sender's answer carried the time history shows
      const timeOf = new Map(history.map((m) => [m.seq, m.createdAt]))
      expect(answers.filter((a) => timeOf.get(a.seq) !== a.createdAt)).toEqual([])
      // search, oldest first, lists the room's messages in seq order
      const found: number[] = []
      let cursor: string | null = null
      for (;;) {
        const page: any = (await ok(t.url, SEARCH, { q: 'rush', r: room.id, after: cursor }, owner.token)).searchMessages
        found.push(...page.edges.map((e: any) => e.node.seq))
        if (!page.pageInfo.hasNextPage) break
        cursor = page.pageInfo.endCursor
      }
      expect(found).toEqual(Array.from({ length: 200 }, (_, i) => i + 1))
    })
  })
}
