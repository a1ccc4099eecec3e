// Password hashing as a resource: bounded concurrency under a login stampede, and oversized
// passwords refused before any argon2 work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp, uniqueName } from '../helpers/client.js'

const LOG_IN = 'mutation($i: LogInInput!) { logIn(input: $i) { token session { id } } }'
const SIGN_UP = 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }'

describe('argon2 under load', () => {
  let t: TestApp
  // each logIn reserves one of the username's failed-login attempts until its password is
  // checked (tests/security/concurrent-limits.test.ts): 200 at once for one user need a higher limit
  beforeAll(async () => { t = await startApp({ env: { ARGON2_CONCURRENCY: '4', AUTH_RATE_LIMIT_PER_USER: '1000' } }) })
  afterAll(async () => { await t?.close() })

  it('200 simultaneous logIns all answer, with at most ARGON2_CONCURRENCY hashes at once and bounded memory', async () => {
    const u = await signUp(t.url, uniqueName('crowd'))
    const hashing = t.app.hearth.auth.hashing
    hashing.peak = 0
    const runsBefore = hashing.runs
    const rssBefore = process.memoryUsage().rss
    let rssMax = rssBefore
    const sampler = setInterval(() => { rssMax = Math.max(rssMax, process.memoryUsage().rss) }, 20)
    const results = await Promise.all(Array.from({ length: 200 }, () =>
      gql(t.url, LOG_IN, { i: { username: u.username, password: 'correct horse battery' } })))
    clearInterval(sampler)
    expect(results.every((r) => r.status === 200 && !r.errors && typeof r.data.logIn.token === 'string')).toBe(true)
    expect(new Set(results.map((r) => r.data.logIn.session.id)).size).toBe(200)
    expect(hashing.runs - runsBefore).toBe(200)
    expect(hashing.peak).toBeGreaterThan(0)
    expect(hashing.peak).toBeLessThanOrEqual(4)
    // 200 argon2id hashes at 19 MiB each would need ~3.8 GB at once; four need ~76 MB. The bound
    // leaves room for 200 open requests and the garbage collector's timing.
    expect(rssMax - rssBefore).toBeLessThan(600 * 1024 * 1024)
    // and the server still answers
    expect((await ok(t.url, '{ me { id } }', {}, results[0].data.logIn.token)).me.id).toBe(u.id)
  }, 120_000)
})

describe('password length cap (256 code points)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp() })
  afterAll(async () => { await t?.close() })

  it('signUp refuses an oversized password with BAD_USER_INPUT before any hashing, and stores nothing', async () => {
    const hashing = t.app.hearth.auth.hashing
    for (const password of ['x'.repeat(100_000), 'y'.repeat(257), '\u{1F600}'.repeat(257)]) {
      const name = uniqueName('big')
      const before = hashing.runs
      const r = await gql(t.url, SIGN_UP, { i: { username: name, password } })
      expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT')
      expect(r.errors?.[0].extensions?.field).toBe('input.password')
      expect(hashing.runs).toBe(before)
      // the name was not taken
      expect((await ok(t.url, SIGN_UP, { i: { username: name, password: 'a fine password' } })).signUp.token).toBeTruthy()
    }
    // 256 code points is allowed, counted in code points (512 UTF-16 units here)
    const max = '\u{1F600}'.repeat(256)
    const name = uniqueName('max')
    await ok(t.url, SIGN_UP, { i: { username: name, password: max } })
    expect((await ok(t.url, LOG_IN, { i: { username: name, password: max } })).logIn.token).toBeTruthy()
  })

  it('logIn with an oversized password is a plain failed logIn (one code), never a hash of it', async () => {
    const u = await signUp(t.url)
    const r = await gql(t.url, LOG_IN, { i: { username: u.username, password: 'x'.repeat(100_000) } })
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED')
    expect(r.data?.logIn ?? null).toBeNull()
  })
})
