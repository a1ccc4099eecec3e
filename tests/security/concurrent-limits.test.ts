// Limits that hold under concurrency (issue 13, findings 4 and 11). Each test is the attack:
// many guesses fired at once, so that a limit that reads its counter before the slow work and
// counts after it lets every one of them through. On one instance (in-process limits) and on two
// instances sharing Redis, on SQLite and PostgreSQL.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, canRun, freshPgDatabase, startApp, tempSqlitePath, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp, uniqueName } from '../helpers/client.js'
import { createRoom } from '../helpers/rooms.js'
import { Semaphore } from '../../src/lib/semaphore.js'

const LOG_IN = 'mutation($i: LogInInput!) { logIn(input: $i) { token } }'
const JOIN = 'mutation($c: String!) { joinRoom(code: $c) { id } }'
const BY_CODE = 'query($c: String!) { roomByCode(code: $c) { id } }'
const PER_USER = 10
const CODES = 20
const N = 60
const IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3']

const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code ?? 'OK'
const tally = (codes: string[]) => codes.reduce<Record<string, number>>((m, c) => { m[c] = (m[c] ?? 0) + 1; return m }, {})

/** counts the join-code lookups an app makes (a pass-through spy on its repository, not a mock) */
function countLookups(t: TestApp): { n: number } {
  const repo = (t.app.hearth.rooms as unknown as { repo: { byCode(code: string): Promise<unknown> } }).repo
  const counter = { n: 0 }
  const real = repo.byCode.bind(repo)
  repo.byCode = (code: string) => { counter.n++; return real(code) }
  return counter
}

for (const backend of BACKENDS) {
  for (const shared of ['in-process', 'Redis, two instances'] as const) {
    describe.runIf(canRun(backend))(`concurrent guesses (${backend}, ${shared} limits)`, () => {
      let apps: TestApp[] = []
      let drop: (() => Promise<void>) | null = null
      beforeAll(async () => {
        let databaseUrl = tempSqlitePath()
        if (backend === 'postgres') { const db = await freshPgDatabase(); databaseUrl = db.url; drop = db.drop }
        const env = { TRUST_PROXY: 'true', AUTH_RATE_LIMIT_PER_USER: String(PER_USER), JOIN_CODE_RATE_LIMIT: String(CODES) }
        if (shared === 'in-process') apps = [await startApp({ databaseUrl, env })]
        else {
          const redisPrefix = 'cl' + crypto.randomBytes(4).toString('hex') + ':'
          apps = [await startApp({ databaseUrl, env, redis: true, redisPrefix }), await startApp({ databaseUrl, env, redis: true, redisPrefix })]
        }
      })
      afterAll(async () => { for (const t of apps) await t.close(); await drop?.() })

      it(`${N} concurrent wrong passwords for one username from ${IPS.length} addresses: at most AUTH_RATE_LIMIT_PER_USER + 1 argon2 verifications, then even the right password waits`, async () => {
        const victim = await signUp(apps[0].url, uniqueName('victim'))
        const before = apps.map((t) => t.app.hearth.auth.hashing.runs)
        const results = await Promise.all(Array.from({ length: N }, (_, i) => {
          const t = apps[i % apps.length]
          return gql(t.url, LOG_IN, { i: { username: victim.username, password: `guess number ${i}` } }, null, { 'x-forwarded-for': IPS[i % IPS.length] })
        }))
        const verifications = apps.reduce((sum, t, i) => sum + t.app.hearth.auth.hashing.runs - before[i], 0)
        const codes = tally(results.map(codeOf))
        console.log(`[${backend}, ${shared}] ${N} concurrent wrong passwords: ${verifications} argon2 verifications (limit ${PER_USER}); answers ${JSON.stringify(codes)}`)
        expect(verifications).toBeLessThanOrEqual(PER_USER + 1)
        expect(codes.OK).toBeUndefined()
        expect(codes.UNAUTHENTICATED).toBeLessThanOrEqual(PER_USER + 1)
        expect((codes.UNAUTHENTICATED ?? 0) + (codes.RATE_LIMITED ?? 0)).toBe(N)
        const limited = results.find((r) => codeOf(r) === 'RATE_LIMITED')!
        expect(limited.errors![0].extensions!.retryAfterSeconds).toBeGreaterThanOrEqual(1)
        expect(limited.errors![0].extensions!.retryAfterSeconds).toBeLessThanOrEqual(15 * 60)
        // the username is locked for the window: the right password is refused too, on every instance
        for (const t of apps) {
          expect(codeOf(await gql(t.url, LOG_IN, { i: { username: victim.username, password: 'correct horse battery' } }))).toBe('RATE_LIMITED')
        }
      }, 120_000)

      it('a right password is refunded: it never counts as a failure', async () => {
        const u = await signUp(apps[0].url, uniqueName('owner'))
        // twice the limit of successful logins, then the limit of wrong ones still all get evaluated
        for (let i = 0; i < PER_USER * 2; i++) await ok(apps[i % apps.length].url, LOG_IN, { i: { username: u.username, password: 'correct horse battery' } })
        const wrong = await Promise.all(Array.from({ length: PER_USER }, (_, i) =>
          gql(apps[i % apps.length].url, LOG_IN, { i: { username: u.username, password: `nope ${i}` } })))
        expect(wrong.map(codeOf)).toEqual(Array(PER_USER).fill('UNAUTHENTICATED'))
      }, 60_000)

      it(`${N} concurrent join-code guesses (one of them right, sent late): at most JOIN_CODE_RATE_LIMIT + 1 codes looked up, and the right one does not get in`, async () => {
        const owner = await signUp(apps[0].url, uniqueName('owner'))
        const guesser = await signUp(apps[0].url, uniqueName('guesser'))
        const secret = await createRoom(apps[0].url, owner.token, 'Secret', 'PRIVATE')
        const counters = apps.map(countLookups)
        const guesses = Array.from({ length: N }, (_, i) => i === N - 5 ? secret.code : crypto.randomBytes(6).toString('hex').toUpperCase())
        const results = await Promise.all(guesses.map((c, i) =>
          gql(apps[i % apps.length].url, i % 2 ? JOIN : BY_CODE, { c }, guesser.token)))
        const lookups = counters.reduce((s, c) => s + c.n, 0)
        const codes = tally(results.map(codeOf))
        console.log(`[${backend}, ${shared}] ${N} concurrent join-code guesses: ${lookups} lookups (limit ${CODES}); answers ${JSON.stringify(codes)}`)
        expect(lookups).toBeLessThanOrEqual(CODES + 1)
        expect((codes.NOT_FOUND ?? 0) + (codes.RATE_LIMITED ?? 0) + (codes.OK ?? 0)).toBe(N)
        expect(codes.RATE_LIMITED).toBeGreaterThanOrEqual(N - CODES - 1)
        // the guesser is not in the room, and is refused before any lookup while limited
        const room = await gql(apps[0].url, 'query($id: ID!) { room(id: $id) { id viewerIsMember } }', { id: secret.id }, guesser.token)
        expect(room.data?.room?.viewerIsMember ?? false).toBe(false)
        const lookupsNow = counters.reduce((s, c) => s + c.n, 0)
        expect(codeOf(await gql(apps[0].url, JOIN, { c: secret.code }, guesser.token))).toBe('RATE_LIMITED')
        expect(counters.reduce((s, c) => s + c.n, 0)).toBe(lookupsNow)
      }, 60_000)

      it('a right join code is refunded: members joining by code never lock themselves out', async () => {
        const owner = await signUp(apps[0].url, uniqueName('owner'))
        const joiner = await signUp(apps[0].url, uniqueName('joiner'))
        const rooms = []
        for (let i = 0; i < 3; i++) rooms.push(await createRoom(apps[0].url, owner.token, `Room ${i}`, 'PRIVATE'))
        // the limit's worth of right codes (looked at and joined), then wrong guesses still get their full limit
        for (let i = 0; i < CODES + 5; i++) {
          const r = rooms[i % rooms.length]
          expect(codeOf(await gql(apps[i % apps.length].url, i % 2 ? JOIN : BY_CODE, { c: r.code }, joiner.token))).toBe('OK')
        }
        for (let i = 0; i < CODES; i++) expect(codeOf(await gql(apps[i % apps.length].url, BY_CODE, { c: `WRONG${i}` }, joiner.token))).toBe('NOT_FOUND')
        expect(codeOf(await gql(apps[0].url, BY_CODE, { c: rooms[0].code }, joiner.token))).toBe('RATE_LIMITED')
      }, 60_000)
    })
  }
}

describe('argon2 concurrency (p-limit): a caller never slips in between a release and the woken waiter', () => {
  /** runs one task that holds the only slot, one waiter, and a newcomer `delay` microtask turns after the release */
  async function interleave(s: Semaphore, delay: number): Promise<number> {
    let now = 0
    let peak = 0
    const task = (hold: Promise<void>) => async () => { now++; peak = Math.max(peak, now); await hold; now-- }
    let release!: () => void
    const first = s.run(task(new Promise<void>((r) => { release = r })))
    const waiter = s.run(task(Promise.resolve()))
    release()
    let p: Promise<unknown> = Promise.resolve()
    for (let i = 0; i < delay; i++) p = p.then(() => undefined)
    const newcomer = p.then(() => s.run(task(Promise.resolve())))
    await Promise.all([first, waiter, newcomer])
    return peak
  }

  it('Semaphore(1) with a newcomer arriving at every microtask offset after a release: never two at once', async () => {
    const peaks: number[] = []
    for (let delay = 0; delay < 8; delay++) peaks.push(await interleave(new Semaphore(1), delay))
    console.log(`Semaphore(1) peaks by newcomer offset: ${peaks.join(',')}`)
    expect(Math.max(...peaks)).toBe(1)
  })

  it("the app's argon2 line with ARGON2_CONCURRENCY=1 holds it under the same interleaving and under a login stampede", async () => {
    // 20 logIns of one user at once hold 20 reservations of the failed-login limit: raised here
    const t = await startApp({ env: { ARGON2_CONCURRENCY: '1', AUTH_RATE_LIMIT_PER_USER: '1000' } })
    try {
      const hashing = t.app.hearth.auth.hashing
      for (let delay = 0; delay < 8; delay++) expect(await interleave(hashing, delay)).toBe(1)
      const u = await signUp(t.url, uniqueName('one'))
      hashing.peak = 0
      const results = await Promise.all(Array.from({ length: 20 }, () =>
        gql(t.url, LOG_IN, { i: { username: u.username, password: 'correct horse battery' } })))
      expect(results.map(codeOf)).toEqual(Array(20).fill('OK'))
      expect(hashing.peak).toBe(1)
    } finally {
      await t.close()
    }
  }, 60_000)
})
