// Two people asking each other at the same moment must end as friends, never with two pending
// requests; on PostgreSQL this rests on the row locks the friends repository takes.
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { BACKENDS, canRun, freshPgDatabase, startApp, type TestApp } from '../helpers/app.js'
import { eventually, gql, ok, signUp } from '../helpers/client.js'
import pg from 'pg'

const SEND = `mutation($u: ID!) { sendFriendRequest(userId: $u) { id status } }`
const OPEN = `mutation($u: ID!) { openDirectRoom(userId: $u) { id } }`

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`simultaneous requests (${backend})`, () => {
    let t: TestApp
    let drop: (() => Promise<void>) | null = null
    let dbUrl = ''
    beforeAll(async () => {
      if (backend === 'postgres') {
        const db = await freshPgDatabase()
        dbUrl = db.url
        drop = db.drop
        t = await startApp({ databaseUrl: db.url })
      } else {
        t = await startApp()
      }
    })
    afterAll(async () => { await t.close(); await drop?.() })

    it('opposite requests sent together make one friendship and leave nothing pending', async () => {
      const pairs = await Promise.all(Array.from({ length: 8 }, async () => [await signUp(t.url), await signUp(t.url)] as const))
      await Promise.all(pairs.map(async ([a, b]) => {
        const [x, y] = await Promise.all([gql(t.url, SEND, { u: b.id }, a.token), gql(t.url, SEND, { u: a.id }, b.token)])
        // one of them may find the other's request already accepted (CONFLICT); none fails otherwise
        for (const r of [x, y]) if (r.errors) expect(r.errors[0].extensions?.code).toBe('CONFLICT')
      }))
      for (const [a, b] of pairs) {
        const seen = await ok(t.url, `query($u: ID!) { user(id: $u) { friendship } friendRequests(direction: OUTGOING) { id } }`, { u: b.id }, a.token)
        expect(seen.user.friendship).toBe('FRIENDS')
        expect(seen.friendRequests).toEqual([])
        const other = await ok(t.url, `{ friendRequests(direction: OUTGOING) { id } friends { id } }`, {}, b.token)
        expect(other.friendRequests).toEqual([])
        expect(other.friends.map((f: { id: string }) => f.id)).toEqual([a.id])
      }
      // and both opening their conversation at once still gives one room
      const [a, b] = pairs[0]
      const [r1, r2] = await Promise.all([ok(t.url, OPEN, { u: b.id }, a.token), ok(t.url, OPEN, { u: a.id }, b.token)])
      expect(r1.openDirectRoom.id).toBe(r2.openDirectRoom.id)
    })

    it('no direct message is stored after blockUser has answered: sends waiting to be stored when the block lands are refused', async () => {
      const SENDM = 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { seq } }'
      const [a, b] = [await signUp(t.url), await signUp(t.url)]
      const req = await ok(t.url, SEND, { u: b.id }, a.token)
      await ok(t.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req.sendFriendRequest.id }, b.token)
      const room = (await ok(t.url, OPEN, { u: a.id }, b.token)).openDirectRoom.id
      for (const body of ['one', 'two']) await ok(t.url, SENDM, { r: room, b: body }, b.token)
      // PostgreSQL: another transaction holds the room's row, so b's sends pass their checks and wait
      // there to be stored, the moment a block can land in between (on SQLite the sends and the
      // block share one connection, one at a time, and the window is a few turns of the loop)
      const holder = backend === 'postgres' ? new pg.Client({ connectionString: dbUrl }) : null
      const waiting = async () => Number((await holder!.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n)
      if (holder) {
        await holder.connect()
        await holder.query('BEGIN')
        await holder.query('SELECT id FROM rooms WHERE id = $1 FOR UPDATE', [room])
      }
      // a failure below must not leave the room held (the server's close would wait on it)
      onTestFinished(async () => { await holder?.end().catch(() => {}) })
      let answered = false
      const queued = (n: number, what: string) => holder ? eventually(async () => answered || (await waiting()) >= n, 5000, what) : Promise.resolve()
      const sends = [gql(t.url, SENDM, { r: room, b: 'late 1' }, b.token)]
      await queued(1, 'a send waiting for the room')
      // what a reads of the room the moment its block is answered
      const head = ok(t.url, 'mutation($u: ID!) { blockUser(userId: $u) }', { u: b.id }, a.token)
        .then(() => { answered = true; return ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 100) { edges { node { seq body } } } }', { r: room }, a.token) })
      // before the fix the block answered at once; now it waits for the room behind the first send
      await queued(2, 'the block answered or waiting')
      // a send that reaches the room after the block
      sends.push(gql(t.url, SENDM, { r: room, b: 'late 2' }, b.token))
      await queued(3, 'the second send waiting')
      await holder?.query('COMMIT')
      const seen = (await head).messages.edges.map((e: any) => e.node.seq)
      const results = await Promise.all(sends)
      const stored = results.filter((r) => !r.errors).map((r) => r.data.sendMessage.seq)
      for (const r of results) if (r.errors) expect(r.errors[0].extensions?.code).toBe('FORBIDDEN')
      // every message stored was there when a looked after the block's answer, and none came after
      for (const seq of stored) expect(seen).toContain(seq)
      const now = (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 100) { edges { node { seq } } } }', { r: room }, a.token)).messages.edges.map((e: any) => e.node.seq)
      expect(now).toEqual(seen)
      // and b is refused from now on
      expect((await gql(t.url, SENDM, { r: room, b: 'after' }, b.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    })
  })
}
