// Races a PostgreSQL parity audit found (SQLite runs one write transaction at a time and never
// showed them): an edit racing a delete, an owner and the next owner leaving together, joins into
// an emptied room, and a room deleted while people send and join. Each runs on both backends.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, canRun, freshPgDatabase, startApp, type TestApp } from '../helpers/app.js'
import { eventually, gql, ok, signUp } from '../helpers/client.js'
import { createRoom, joinByCode, SEND } from '../helpers/rooms.js'

const ROLES = `query($r: ID!) { room(id: $r) { members(first: 100) { edges { node { role user { id } } } } } }`
const roles = async (url: string, token: string, roomId: string): Promise<string[]> =>
  (await ok(url, ROLES, { r: roomId }, token)).room.members.edges.map((e: any) => e.node.role).sort()

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`room races (${backend})`, () => {
    let t: TestApp
    let drop: (() => Promise<void>) | null = null
    beforeAll(async () => {
      if (backend === 'postgres') {
        const db = await freshPgDatabase()
        drop = db.drop
        t = await startApp({ databaseUrl: db.url, env: { SEND_RATE_LIMIT_PER_USER: '0' } })
      } else {
        t = await startApp({ env: { SEND_RATE_LIMIT_PER_USER: '0' } })
      }
    })
    afterAll(async () => { await t.close(); await drop?.() })

    it('an edit racing a delete never brings the text back: the message ends deleted and empty', async () => {
      const a = await signUp(t.url)
      const room = await createRoom(t.url, a.token, 'Race')
      for (let trial = 0; trial < 10; trial++) {
        const m = (await ok(t.url, SEND, { roomId: room.id, body: `original ${trial}` }, a.token)).sendMessage
        const results = await Promise.all([
          gql(t.url, 'mutation($id: ID!) { deleteMessage(id: $id) { id deletedAt } }', { id: m.id }, a.token),
          ...[1, 2, 3, 4].map((n) => gql(t.url, 'mutation($id: ID!, $b: String!) { editMessage(id: $id, body: $b) { id } }', { id: m.id, b: `edit ${n}` }, a.token)),
        ])
        expect(results[0].errors).toBeUndefined()
        // an edit that lost the race is CONFLICT ("deleted"), never an internal error
        for (const r of results.slice(1)) if (r.errors) expect(r.errors[0].extensions?.code).toBe('CONFLICT')
        const stored = (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 1) { edges { node { id body deletedAt } } } }', { r: room.id }, a.token)).messages.edges[0].node
        expect(stored.id).toBe(m.id)
        expect(stored.deletedAt).not.toBeNull()
        expect(stored.body).toBe('')
      }
    })

    it('the owner and the next in line leaving together still leave exactly one owner', async () => {
      for (let trial = 0; trial < 6; trial++) {
        const [o, n, x, y] = [await signUp(t.url), await signUp(t.url), await signUp(t.url), await signUp(t.url)]
        const room = await createRoom(t.url, o.token, 'Handover')
        for (const u of [n, x, y]) await joinByCode(t.url, u.token, room.code)
        const out = await Promise.all([o, n].map((u) => gql(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, u.token)))
        for (const r of out) expect(r.errors).toBeUndefined()
        expect(await roles(t.url, x.token, room.id)).toEqual(['MEMBER', 'OWNER'])
      }
    })

    it('people joining an emptied room together: one of them becomes its owner', async () => {
      for (let trial = 0; trial < 5; trial++) {
        const o = await signUp(t.url)
        const room = await createRoom(t.url, o.token, 'Emptied')
        await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, o.token)
        const people = await Promise.all(Array.from({ length: 5 }, () => signUp(t.url)))
        const joins = await Promise.all(people.map((u) => gql(t.url, 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', { r: room.id }, u.token)))
        for (const r of joins) expect(r.errors).toBeUndefined()
        expect(await roles(t.url, people[0].token, room.id)).toEqual(['MEMBER', 'MEMBER', 'MEMBER', 'MEMBER', 'OWNER'])
      }
    })

    it('NUL in any text or cursor is BAD_USER_INPUT (in logIn\'s credentials, the failed logIn), never an internal error', async () => {
      const a = await signUp(t.url)
      const b64 = (s: string) => Buffer.from(s).toString('base64url')
      const cases: [string, Record<string, unknown>, string | null, string][] = [
        ['query($a: String) { users(first: 2, after: $a) { edges { cursor } } }', { a: b64('u:a\u0000b') }, a.token, 'after'],
        ['query($a: String) { rooms(first: 2, after: $a) { edges { cursor } } }', { a: b64(`r:a\u0000b\u0000${crypto.randomUUID()}`) }, a.token, 'after'],
      ]
      for (const [query, vars, token, field] of cases) {
        const r = await gql(t.url, query, vars, token)
        expect(r.errors?.[0]?.extensions, query).toMatchObject({ code: 'BAD_USER_INPUT', field })
      }
      // a NUL in logIn's username names no account: the one failed logIn answer (contract part 1)
      const login = await gql(t.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username: 'x\u0000y', password: 'password123' } }, null)
      expect(login.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
      expect(login.errors?.[0]?.message).toBe('Wrong username or password')
      // a join code with NUL names no room, as any wrong code
      for (const query of ['query($c: String!) { roomByCode(code: $c) { id } }', 'mutation($c: String!) { joinRoom(code: $c) { id } }']) {
        const r = await gql(t.url, query, { c: 'x\u0000y' }, a.token)
        expect(r.errors?.[0]?.extensions?.code, query).toBe('NOT_FOUND')
      }
    })

    it('sends racing a ban: none is stored after the ban answered, and each answers as stored or refused', async () => {
      for (let trial = 0; trial < 8; trial++) {
        const [o, x] = [await signUp(t.url), await signUp(t.url)]
        const room = await createRoom(t.url, o.token, 'Ban race', trial % 2 ? 'PRIVATE' : 'PUBLIC')
        await joinByCode(t.url, x.token, room.code)
        const sends = Array.from({ length: 8 }, (_, k) => gql(t.url, SEND, { roomId: room.id, body: `race ${k}` }, x.token))
        const ban = await gql(t.url, 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u, ban: true) }', { r: room.id, u: x.id }, o.token)
        expect(ban.errors).toBeUndefined()
        // sent once the ban has answered: everything of the banned user's must come before it
        const marker = (await ok(t.url, SEND, { roomId: room.id, body: 'after the ban' }, o.token)).sendMessage
        const out = await Promise.all(sends)
        for (const r of out) {
          if (r.errors) expect(r.errors[0].extensions?.code).toBe(trial % 2 ? 'NOT_FOUND' : 'FORBIDDEN')
          else expect(r.data.sendMessage.seq).toBeLessThan(marker.seq)
        }
        const page = (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 50) { edges { node { seq sender { id } } } } }', { r: room.id }, o.token)).messages.edges
        const late = page.filter((e: any) => e.node.sender.id === x.id && e.node.seq > marker.seq)
        expect(late).toEqual([])
      }
    })

    // PostgreSQL only: SQLite runs one write transaction at a time, the send's checks inside it
    if (backend === 'postgres') it('a send that took its snapshot before a removal and got the room\'s lock after it stores nothing (PostgreSQL)', async () => {
      const [o, x] = [await signUp(t.url), await signUp(t.url)]
      const room = await createRoom(t.url, o.token, 'Snapshot', 'PUBLIC')
      await joinByCode(t.url, x.token, room.code)
      const svc = t.app.hearth
      let sends: Promise<any>[] = []
      // the removal, as leaveRoom / removeMember / deleteAccount make it, holding the room's lock
      // while the sends start: their statements read the membership before it commits
      await svc.database.db.transaction().execute(async (trx) => {
        await svc.rooms.repo.removeMemberIn(trx, room.id, x.id)
        sends = [1, 2, 3].map((k) => gql(t.url, SEND, { roomId: room.id, body: `waited ${k}` }, x.token))
        const { sql } = await import('kysely')
        await eventually(async () => {
          const r = await sql<{ n: string }>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(svc.database.db)
          return Number(r.rows[0].n) >= 3
        }, 10_000, 'the three sends waiting for the room\'s lock')
      })
      for (const r of await Promise.all(sends)) expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
      const page = (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 10) { edges { node { body } } } }', { r: room.id }, o.token)).messages.edges
      expect(page.map((e: any) => e.node.body)).toEqual([])
    })

    it('a room deleted while people send and join: the delete wins, everyone else gets NOT_FOUND, nothing fails inside', async () => {
      for (let trial = 0; trial < 6; trial++) {
        const [o, m, j] = [await signUp(t.url), await signUp(t.url), await signUp(t.url)]
        const room = await createRoom(t.url, o.token, 'Doomed')
        await joinByCode(t.url, m.token, room.code)
        const [del, ...rest] = await Promise.all([
          gql(t.url, 'mutation($id: ID!) { deleteRoom(id: $id) }', { id: room.id }, o.token),
          gql(t.url, SEND, { roomId: room.id, body: 'one' }, m.token),
          gql(t.url, SEND, { roomId: room.id, body: 'two' }, o.token),
          gql(t.url, SEND, { roomId: room.id, body: 'three' }, m.token),
          gql(t.url, 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', { r: room.id }, j.token),
        ])
        expect(del.errors).toBeUndefined()
        expect(del.data.deleteRoom).toBe(true)
        // a send or join that came first succeeded; the rest find no room
        for (const r of rest) if (r.errors) expect(r.errors[0].extensions?.code).toBe('NOT_FOUND')
        const gone = await gql(t.url, 'query($r: ID!) { room(id: $r) { id } }', { r: room.id }, o.token)
        expect(gone.data?.room ?? null).toBeNull()
      }
    })
  })
}
