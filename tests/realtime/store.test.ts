// The shared store (rate-limit counters, leases, values, claims) behaves the same in process
// memory and in Redis: presence, calls and limits rely on these rules on every instance.
import crypto from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { MemoryStore, RedisStore, type SharedStore } from '../../src/realtime/store.js'
import { REDIS_URL } from '../helpers/app.js'
import { sleep } from '../helpers/client.js'

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
  it('counts hits in a fixed window and starts again after it', async () => {
    const s = make()
    const a = await s.hit('k', 300)
    const b = await s.hit('k', 300)
    expect([a.count, b.count]).toEqual([1, 2])
    expect(b.resetInMs).toBeGreaterThan(0)
    expect(b.resetInMs).toBeLessThanOrEqual(300)
    expect((await s.peek('k')).count).toBe(2)
    expect((await s.hit('other', 300)).count).toBe(1)
    await sleep(350)
    expect((await s.peek('k')).count).toBe(0)
    expect((await s.hit('k', 300)).count).toBe(1)
    await s.reset('k')
    expect((await s.peek('k')).count).toBe(0)
  })

  it('a lease lives until its time, is renewed by a later put and ends on drop', async () => {
    const s = make()
    const now = Date.now()
    await s.leasePut('L', 'a', now + 250)
    await s.leasePut('L', 'b', now + 10_000)
    await s.leasePut('L', 'c', now + 10_000)
    expect((await s.leaseLive('L', Date.now())).sort()).toEqual(['a', 'b', 'c'])
    await s.leaseDrop('L', 'c')
    await sleep(300)
    expect((await s.leaseLive('L', Date.now())).sort()).toEqual(['b'])
    // a renewed lease outlives its first time
    await s.leasePut('L', 'a', Date.now() + 10_000)
    expect((await s.leaseLive('L', Date.now())).sort()).toEqual(['a', 'b'])
    expect(await s.leaseLive('nobody', Date.now())).toEqual([])
  })

  it('values expire; a claim is taken once until it expires or is deleted', async () => {
    const s = make()
    await s.setValue('v', 'x', 200)
    await s.setValue('forever', 'y', null)
    expect(await s.getValue('v')).toBe('x')
    expect(await s.claim('lock', 200)).toBe(true)
    expect(await s.claim('lock', 200)).toBe(false)
    await sleep(250)
    expect(await s.getValue('v')).toBeNull()
    expect(await s.getValue('forever')).toBe('y')
    expect(await s.claim('lock', 200)).toBe(true)
    await s.delValue('lock')
    expect(await s.claim('lock', 200)).toBe(true)
  })
})
