// Two changes of one pair made at once are announced in either order (each announcement reads the
// relation after its own commit, on PostgreSQL on any pool connection): a user who had just blocked
// someone was last told FRIENDS (an audit, 1-3% of crossing changes on PostgreSQL). A feed now
// delivers the relation as it is when the event arrives. Here the overtaken announcement is made
// certain: it is published again, late, on the real pub/sub, after the block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, ok, signUp, wsClient } from '../helpers/client.js'
import { topics } from '../../src/realtime/topics.js'

const FRIENDSHIP = 'subscription { friendshipChanged { friendship user { id } } }'
const PRESENCE = 'subscription { presenceChanged { status user { id } } }'

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`friendship events say what is true when they arrive (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '0' } }) })
    afterAll(async () => { await t?.close() })

    it('a late FRIENDS announcement after a block: the blocker is told BLOCKED, and their friends feed does not follow the blocked', async () => {
      const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
      const req = (await ok(t.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: b.id }, a.token)).sendFriendRequest
      await ok(t.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req.id }, b.token)
      const wa = wsClient(t.wsUrl, a.token)
      const base = t.app.hearth.realtime.liveSubscriptions
      const fa = collect(wa, FRIENDSHIP)
      const pa = collect(wa, PRESENCE)
      await waitLive(t, base + 2)
      await ok(t.url, 'mutation($u: ID!) { blockUser(userId: $u) }', { u: b.id }, a.token)
      await fa.waitFor(() => fa.events.some((e) => e.friendshipChanged.friendship === 'BLOCKED'), 5000, 'BLOCKED')
      // the announcement of the acceptance, overtaken: it arrives now
      const users = await t.app.hearth.users.repo.byIds([b.id])
      await t.app.hearth.publish(topics.userInbox(a.id), { type: 'friendship', event: { user: users.get(b.id), friendship: 'FRIENDS', request: null, at: Date.now() } })
      await fa.waitFor(() => fa.events.length >= 2, 5000, 'the late event')
      expect(fa.events.at(-1).friendshipChanged).toEqual({ friendship: 'BLOCKED', user: { id: b.id } })
      // b comes online: a, who blocked b, hears nothing of it; marker: a friend of a's comes online after
      const c = await signUp(t.url)
      const req2 = (await ok(t.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: c.id }, a.token)).sendFriendRequest
      await ok(t.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req2.id }, c.token)
      const wb = wsClient(t.wsUrl, b.token)
      collect(wb, 'subscription { notifications { id } }')
      await expect.poll(() => t.app.hearth.realtime.liveFieldsOf(b.id), { timeout: 10_000 }).toContain('notifications')
      const wc = wsClient(t.wsUrl, c.token)
      collect(wc, 'subscription { notifications { id } }')
      await pa.waitFor(() => pa.events.some((e) => e.presenceChanged.user.id === c.id && e.presenceChanged.status === 'ONLINE'), 10_000, 'c ONLINE')
      expect(pa.events.filter((e) => e.presenceChanged.user.id === b.id)).toEqual([])
      await Promise.all([wa.dispose(), wb.dispose(), wc.dispose()])
    })
  })
}
