// Ended sessions do not pile up: their rows go ENDED_SESSION_RETENTION_MS after they ended (every
// sign-in adds one; none was ever deleted), while a recently ended one still answers revokeSession
// with CONFLICT and live ones go on. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp } from '../helpers/client.js'
import { ENDED_SESSION_RETENTION_MS } from '../../src/modules/auth/auth.service.js'

const LOG_IN = 'mutation($u: String!, $p: String!) { logIn(input: { username: $u, password: $p }) { token session { id } } }'
const REVOKE = 'mutation($id: ID!) { revokeSession(id: $id) }'

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`ended sessions' rows (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend) }) })
    afterAll(async () => { await t?.close() })

    it('go a retention period after they ended; recent ended and live ones stay', async () => {
      const u = await signUp(t.url, undefined, 'correct horse battery')
      const logIn = async () => (await ok(t.url, LOG_IN, { u: u.username, p: 'correct horse battery' })).logIn
      const [oldRevoked, oldExpired, recent, live] = [await logIn(), await logIn(), await logIn(), await logIn()]
      for (const s of [oldRevoked, recent]) expect(await ok(t.url, REVOKE, { id: s.session.id }, u.token)).toEqual({ revokeSession: true })
      const db = t.app.hearth.database.db
      const now = Date.now()
      const longAgo = now - ENDED_SESSION_RETENTION_MS - 60_000
      await db.updateTable('sessions').set({ revoked_at: longAgo }).where('id', '=', oldRevoked.session.id).execute()
      await db.updateTable('sessions').set({ expires_at: longAgo }).where('id', '=', oldExpired.session.id).execute()
      const count = async () => Number((await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', u.id).executeTakeFirstOrThrow()).n)
      expect(await count()).toBe(5)

      expect(await t.app.hearth.auth.sweepEndedSessions(now)).toBeGreaterThanOrEqual(2)
      expect(await count()).toBe(3)
      const left = (await db.selectFrom('sessions').select('id').where('user_id', '=', u.id).execute()).map((r) => r.id).sort()
      expect(left).toEqual([u.sessionId, recent.session.id, live.session.id].sort())
      // the recently ended one still says so; the swept ones name nothing now
      expect((await gql(t.url, REVOKE, { id: recent.session.id }, u.token)).errors?.[0]?.extensions?.code).toBe('CONFLICT')
      expect((await gql(t.url, REVOKE, { id: oldRevoked.session.id }, u.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
      // live sessions go on
      for (const token of [u.token, live.token]) expect((await ok(t.url, '{ me { id } }', {}, token)).me.id).toBe(u.id)
    })
  })
}
