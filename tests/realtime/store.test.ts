// The shared store (leases, values, claims) and the rate limits behave the same in process
// memory and in Redis: presence, calls and limits rely on these rules on every instance.
import crypto from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { MemoryStore, RedisStore, type SharedStore } from '../../src/realtime/store.js'
import { RateLimits } from '../../src/lib/rate-limit.js'
import { REDIS_URL } from '../helpers/app.js'
import { eventually } from '../helpers/client.js'

const clients: Redis[] = []
afterAll(async () => { for (const c of clients) await c.quit() })

const kinds: [string, () => SharedStore][] = [
  ['MemoryStore', () => new MemoryStore()],
  ['RedisStore', () => {
    const r = new Redis(REDIS_URL, { lazyConnect: false })
    clients.push(r)
    return new RedisStore(r, 'st' + crypto.randomBytes(4).toString('hex') + ':')
  }],
]

describe.each(kinds)('%s', (_kind, make) => {
  it('a lease lives until its time, is renewed by a later put and ends on drop', async () => {
    const s = make()
    const now = Date.now()
    await s.leasePut('L', 'a', now + 250)
    await s.leasePut('L', 'b', now + 10_000)
    await s.leasePut('L', 'c', now + 10_000)
    // asked as of the time the leases were given: 'a' is live then however long the puts took
    // (a loaded machine once took more than its 250 ms over the three round trips)
    expect((await s.leaseLive('L', now)).sort()).toEqual(['a', 'b', 'c'])
    await s.leaseDrop('L', 'c')
    // 'a' was given 250 ms: wait for it to run out
    await eventually(async () => !(await s.leaseLive('L', Date.now())).includes('a'), 5000, 'lease a to expire')
    expect((await s.leaseLive('L', Date.now())).sort()).toEqual(['b'])
    // a renewed lease outlives its first time
    await s.leasePut('L', 'a', Date.now() + 10_000)
    expect((await s.leaseLive('L', Date.now())).sort()).toEqual(['a', 'b'])
    expect(await s.leaseLive('nobody', Date.now())).toEqual([])
  })

  it('20 concurrent claims of one lock: exactly one takes it', async () => {
    const s = make()
    const got = await Promise.all(Array.from({ length: 20 }, () => s.claim('race', 5000)))
    expect(got.filter(Boolean).length).toBe(1)
  })

  it('values expire; a claim is taken once until it expires or is deleted', async () => {
    const s = make()
    // 1.5 s: long enough that a loaded machine reads them back before they run out (the lease
    // test above once lost 250 ms to three round trips), short enough to wait for
    await s.setValue('v', 'x', 1500)
    await s.setValue('forever', 'y', null)
    expect(await s.getValue('v')).toBe('x')
    expect(await s.claim('lock', 1500)).toBe(true)
    expect(await s.claim('lock', 1500)).toBe(false)
    // wait for both to run out (the claim, set after the value, polled by claiming)
    await eventually(async () => (await s.getValue('v')) === null, 5000, 'the value to expire')
    expect(await s.getValue('forever')).toBe('y')
    expect(await eventually(() => s.claim('lock', 200), 5000, 'the claim to expire')).toBe(true)
    await s.delValue('lock')
    expect(await s.claim('lock', 200)).toBe(true)
  })
})

const limitKinds: [string, () => RateLimits][] = [
  ['RateLimits in memory', () => new RateLimits()],
  ['RateLimits in Redis', () => {
    const r = new Redis(REDIS_URL, { lazyConnect: false })
    clients.push(r)
    return new RateLimits(r, 'rl' + crypto.randomBytes(4).toString('hex'))
  }],
]

const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string; extra?: { retryAfterSeconds?: number } }) => `${e.code}:${e.extra?.retryAfterSeconds}`)

describe.each(limitKinds)('%s', (_kind, make) => {
  it('counts attempts in a fixed window, refuses past the limit with retryAfterSeconds, refunds, and starts again after the window', async () => {
    const l = make()
    await l.spend('k', 2, 1000)
    await l.spend('k', 2, 1000)
    expect(await code(l.spend('k', 2, 1000))).toBe('RATE_LIMITED:1')
    await l.spend('other', 2, 1000)
    // nothing is counted with limit 0
    for (let i = 0; i < 5; i++) await l.spend('off', 0, 1000)
    await eventually(async () => (await code(l.spend('k', 2, 1000))) === 'ok', 3000, 'the window to end')
    // a refund gives one attempt back
    await l.spend('k', 2, 1000)
    await l.refund('k', 2, 1000)
    expect(await code(l.spend('k', 2, 1000))).toBe('ok')
    expect(await code(l.spend('k', 2, 1000))).toMatch(/^RATE_LIMITED/)
  })
})

describe('RateLimits while Redis is unreachable', () => {
  it('counts in process memory at once instead of waiting for Redis', async () => {
    // a closed port; ioredis queues commands forever (maxRetriesPerRequest: null, as the app sets)
    const r = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: null, lazyConnect: false, retryStrategy: () => 1000 })
    r.on('error', () => {})
    try {
      const l = new RateLimits(r, 'down')
      await l.spend('k', 2, 60_000)
      await l.spend('k', 2, 60_000)
      expect(await code(l.spend('k', 2, 60_000))).toMatch(/^RATE_LIMITED/)
    } finally {
      r.disconnect()
    }
  })
})
