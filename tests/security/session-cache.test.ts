// The per-instance cache of live sessions (src/modules/auth/session-cache.ts): what it must never
// do is answer for a session that has ended. The instances' side (revocations on one instance
// reaching the others, outages) is in tests/realtime/multi-instance and tests/security/redis-outage.
import { describe, expect, it } from 'vitest'
import { SessionCache } from '../../src/modules/auth/session-cache.js'
import type { SessionModel } from '../../src/graphql/models.js'
import { startApp } from '../helpers/app.js'
import { errorCode, ok, signUp } from '../helpers/client.js'

const T = 1_800_000_000_000
const session = (id: string, expiresAt = T + 3_600_000): SessionModel => ({ id, userId: `user-${id}`, createdAt: T, lastUsedAt: T, expiresAt, userAgent: null })

describe('SessionCache', () => {
  it('answers for a session it was given, until the session is revoked', () => {
    const c = new SessionCache(() => true)
    c.put('h1', session('s1'), c.stamp(), T)
    expect(c.get('h1', T + 1)?.id).toBe('s1')
    c.revoke('s1')
    expect(c.get('h1', T + 2)).toBeNull()
  })

  it('does not keep what a read that began before a revocation found', () => {
    const c = new SessionCache(() => true)
    const stamp = c.stamp()
    // the read runs; meanwhile a session (this one or any other) is revoked
    c.revoke('s1')
    c.put('h1', session('s1'), stamp, T)
    expect(c.get('h1', T)).toBeNull()
    // a read begun after it is kept
    c.put('h1', session('s1'), c.stamp(), T)
    expect(c.get('h1', T)?.id).toBe('s1')
  })

  it('forgets a session at its expiry and after the time to live', () => {
    const c = new SessionCache(() => true, 10_000)
    c.put('short', session('s1', T + 5_000), c.stamp(), T)
    c.put('long', session('s2'), c.stamp(), T)
    expect(c.get('short', T + 4_999)?.id).toBe('s1')
    expect(c.get('short', T + 5_000)).toBeNull()
    expect(c.get('long', T + 9_999)?.id).toBe('s2')
    expect(c.get('long', T + 10_000)).toBeNull()
  })

  it('serves and stores nothing while pub/sub is unhealthy, and a clear drops everything', () => {
    let healthy = true
    const c = new SessionCache(() => healthy)
    c.put('h1', session('s1'), c.stamp(), T)
    healthy = false
    expect(c.get('h1', T)).toBeNull()
    c.put('h2', session('s2'), c.stamp(), T)
    healthy = true
    expect(c.get('h2', T)).toBeNull()
    c.put('h3', session('s3'), c.stamp(), T)
    const stamp = c.stamp()
    c.clear()
    expect(c.get('h3', T)).toBeNull()
    c.put('h3', session('s3'), stamp, T)
    expect(c.get('h3', T)).toBeNull()
  })

  it('keeps at most `max` sessions, dropping the oldest, and a token read again replaces its entry', () => {
    const c = new SessionCache(() => true, 10_000, 2)
    c.put('h1', session('s1'), c.stamp(), T)
    c.put('h2', session('s2'), c.stamp(), T)
    c.put('h3', session('s3'), c.stamp(), T)
    expect([c.get('h1', T), c.get('h2', T)?.id, c.get('h3', T)?.id]).toEqual([null, 's2', 's3'])
    c.put('h2', session('s2'), c.stamp(), T + 1)
    expect(c.size).toBe(2)
    c.revoke('s2')
    expect(c.get('h2', T + 1)).toBeNull()
    expect(c.size).toBe(1)
  })
})

for (const redis of [false, true]) describe(`a cached session over HTTP, ${redis ? 'Redis' : 'in-process'} pub/sub`, () => {
  it('ends with logOut, revokeSession and changePassword at once on the same instance', async () => {
    const t = await startApp({ redis })
    try {
      const q = '{ me { id } }'
      const a = await signUp(t.url)
      await ok(t.url, q, {}, a.token)
      expect(t.app.hearth.auth.sessionCache.size).toBeGreaterThan(0)
      await ok(t.url, 'mutation { logOut }', {}, a.token)
      expect(await errorCode(t.url, q, {}, a.token)).toBe('UNAUTHENTICATED')

      const b = await signUp(t.url)
      const phone = (await ok(t.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token session { id } } }', { i: { username: b.username, password: 'correct horse battery' } })).logIn
      await ok(t.url, q, {}, phone.token)
      await ok(t.url, 'mutation($id: ID!) { revokeSession(id: $id) }', { id: phone.session.id }, b.token)
      expect(await errorCode(t.url, q, {}, phone.token)).toBe('UNAUTHENTICATED')

      const laptop = (await ok(t.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username: b.username, password: 'correct horse battery' } })).logIn
      await ok(t.url, q, {}, laptop.token)
      await ok(t.url, 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', { c: 'correct horse battery', n: 'another staple for the horse' }, b.token)
      expect(await errorCode(t.url, q, {}, laptop.token)).toBe('UNAUTHENTICATED')
      expect((await ok(t.url, q, {}, b.token)).me.id).toBe(b.id)
    } finally {
      await t.close()
    }
  })
})
