// Two people asking each other at the same moment must end as friends, never with two pending
// requests; on PostgreSQL this rests on the row locks the friends repository takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, canRun, freshPgDatabase, startApp, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp } from '../helpers/client.js'

const SEND = `mutation($u: ID!) { sendFriendRequest(userId: $u) { id status } }`
const OPEN = `mutation($u: ID!) { openDirectRoom(userId: $u) { id } }`

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`simultaneous requests (${backend})`, () => {
    let t: TestApp
    let drop: (() => Promise<void>) | null = null
    beforeAll(async () => {
      if (backend === 'postgres') {
        const db = await freshPgDatabase()
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
  })
}
