// The same cases against the in-process pub/sub and the Redis-backed one: the app must not be
// able to tell them apart, except that Redis also reaches other instances.
import crypto from 'node:crypto'
import { Redis } from 'ioredis'
import { afterEach, describe, expect, it } from 'vitest'
import { MemoryPubSub, RedisBackedPubSub, type PubSub } from '../../src/realtime/pubsub.js'
import { REDIS_URL } from '../helpers/app.js'
import { eventually, sleep } from '../helpers/client.js'

const made: PubSub[] = []
afterEach(async () => { for (const p of made.splice(0)) await p.close() })

type Factory = () => PubSub
const prefix = () => 'ps' + crypto.randomBytes(4).toString('hex') + ':'

const kinds: [string, () => Factory][] = [
  ['MemoryPubSub', () => () => { const p = new MemoryPubSub(); made.push(p); return p }],
  ['RedisBackedPubSub', () => {
    const pre = prefix()
    return () => { const p = new RedisBackedPubSub(REDIS_URL, { prefix: pre }); made.push(p); return p }
  }],
]

describe.each(kinds)('%s', (kind, factoryFor) => {
  function receiver() {
    const got: any[] = []
    return { got, handler: (m: any) => { got.push(m) } }
  }

  it('delivers a published payload to a subscriber that was live before the publish', async () => {
    const ps = factoryFor()()
    const r = receiver()
    await ps.subscribe('room.1.events', r.handler)
    await ps.publish('room.1.events', { seq: 1, text: 'hi', nested: { list: [1, 2] } })
    await eventually(() => r.got.length === 1, 3000, 'one delivery')
    expect(r.got).toEqual([{ seq: 1, text: 'hi', nested: { list: [1, 2] } }])
  })

  it('delivers a JSON copy: later changes by the publisher do not reach subscribers, and Dates become strings', async () => {
    const ps = factoryFor()()
    const r = receiver()
    await ps.subscribe('t', r.handler)
    const payload = { n: 1, at: new Date('2026-11-21T23:27:07.123Z') }
    await ps.publish('t', payload)
    payload.n = 2
    await eventually(() => r.got.length === 1, 3000)
    expect(r.got[0]).toEqual({ n: 1, at: '2026-11-21T23:27:07.123Z' })
  })

  it('keeps topics apart', async () => {
    const ps = factoryFor()()
    const a = receiver()
    const b = receiver()
    await ps.subscribe('user.a.profile', a.handler)
    await ps.subscribe('user.b.profile', b.handler)
    await ps.publish('user.a.profile', { to: 'a' })
    await ps.publish('user.b.profile', { to: 'b' })
    // markers: one more event per topic; a crossed event would have come before it
    await ps.publish('user.a.profile', { marker: 'a' })
    await ps.publish('user.b.profile', { marker: 'b' })
    await eventually(() => a.got.length >= 2 && b.got.length >= 2, 3000)
    expect(a.got).toEqual([{ to: 'a' }, { marker: 'a' }])
    expect(b.got).toEqual([{ to: 'b' }, { marker: 'b' }])
  })

  it('every subscriber of a topic gets each event once, in publish order', async () => {
    const ps = factoryFor()()
    const a = receiver()
    const b = receiver()
    await ps.subscribe('t', a.handler)
    await ps.subscribe('t', b.handler)
    for (let i = 0; i < 50; i++) await ps.publish('t', { i })
    // a last event is the marker: a repeated one would have come before it
    await ps.publish('t', { i: 50 })
    await eventually(() => a.got.length >= 51 && b.got.length >= 51, 5000, '51 each')
    const want = Array.from({ length: 51 }, (_, i) => ({ i }))
    expect(a.got).toEqual(want)
    expect(b.got).toEqual(want)
  })

  it('the same function subscribed twice is two subscriptions; each unsubscribes on its own', async () => {
    const ps = factoryFor()()
    const r = receiver()
    const off1 = await ps.subscribe('t', r.handler)
    await ps.subscribe('t', r.handler)
    await ps.publish('t', { n: 1 })
    await eventually(() => r.got.length === 2, 3000)
    off1()
    off1() // twice is harmless
    await sleep(50)
    await ps.publish('t', { n: 2 })
    // n: 3 is the marker: a second copy of n: 2 would have come before it
    await ps.publish('t', { n: 3 })
    await eventually(() => r.got.length >= 4, 3000)
    expect(r.got).toEqual([{ n: 1 }, { n: 1 }, { n: 2 }, { n: 3 }])
  })

  it('after unsubscribe nothing more arrives, and other subscribers keep theirs', async () => {
    const ps = factoryFor()()
    const gone = receiver()
    const stays = receiver()
    const off = await ps.subscribe('t', gone.handler)
    await ps.subscribe('t', stays.handler)
    off()
    await sleep(50)
    await ps.publish('t', { n: 1 })
    await eventually(() => stays.got.length === 1, 3000)
    // one event goes to all of a topic's handlers in one loop: once `stays` has it, `gone` would too
    expect(gone.got).toEqual([])
  })

  it('a subscriber that throws does not stop delivery to the others', async () => {
    const ps = factoryFor()()
    const r = receiver()
    await ps.subscribe('t', () => { throw new Error('bad subscriber') })
    await ps.subscribe('t', r.handler)
    await ps.publish('t', { n: 1 })
    await ps.publish('t', { n: 2 })
    await eventually(() => r.got.length === 2, 3000)
    expect(r.got).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('publishing to a topic nobody listens to is fine', async () => {
    const ps = factoryFor()()
    await expect(ps.publish('nobody.listens', { x: 1 })).resolves.toBeUndefined()
    // the publisher answered; the subscriber connection may still be finishing its handshake
    await eventually(() => ps.healthy(), 5000)
    expect(ps.healthy()).toBe(true)
    expect(ps.kind).toBe(kind === 'MemoryPubSub' ? 'memory' : 'redis')
  })
})

describe('RedisBackedPubSub across instances', () => {
  it('an event published by one instance reaches subscribers of another with the same prefix, not of another prefix', async () => {
    const pre = prefix()
    const a = new RedisBackedPubSub(REDIS_URL, { prefix: pre })
    const b = new RedisBackedPubSub(REDIS_URL, { prefix: pre })
    const other = new RedisBackedPubSub(REDIS_URL, { prefix: prefix() })
    made.push(a, b, other)
    const onB: any[] = []
    const onOther: any[] = []
    await b.subscribe('user.x.profile', (m) => onB.push(m))
    await other.subscribe('user.x.profile', (m) => onOther.push(m))
    await a.publish('user.x.profile', { from: 'a' })
    // markers, published after (Redis hands out messages in order): a stray or repeated event would come first
    await a.publish('user.x.profile', { from: 'a', marker: true })
    await other.publish('user.x.profile', { marker: true })
    await eventually(() => onB.length >= 2 && onOther.length >= 1, 3000)
    expect(onB).toEqual([{ from: 'a' }, { from: 'a', marker: true }])
    expect(onOther).toEqual([{ marker: true }])
  })

  it('othersOnly reaches every other instance as it was published, and never comes back to its publisher', async () => {
    const pre = prefix()
    const a = new RedisBackedPubSub(REDIS_URL, { prefix: pre })
    const b = new RedisBackedPubSub(REDIS_URL, { prefix: pre })
    made.push(a, b)
    const onA: any[] = []
    const onB: any[] = []
    await a.subscribe('room.r.events', (m) => onA.push(m))
    await b.subscribe('room.r.events', (m) => onB.push(m))
    await a.publish('room.r.events', { seq: 1, body: '\u0001 starts like a mark' }, { othersOnly: true })
    await b.publish('room.r.events', { seq: 2 }, { othersOnly: true })
    // a plain publish after them, from each: whatever was going to arrive has arrived before it
    await a.publish('room.r.events', { marker: 'a' })
    await b.publish('room.r.events', { marker: 'b' })
    await eventually(() => onA.length >= 2 && onB.length >= 2 && onA.some((m) => m.marker === 'b') && onB.some((m) => m.marker === 'b'), 3000)
    expect(onA.filter((m) => !m.marker)).toEqual([{ seq: 2 }])
    expect(onB.filter((m) => !m.marker)).toEqual([{ seq: 1, body: '\u0001 starts like a mark' }])
  })

  it('skipWhenAlone: skipped once a publish reached nobody else; a subscriber elsewhere that says hello is told to re-check, then published to', async () => {
    const pre = prefix()
    const a = new RedisBackedPubSub(REDIS_URL, { prefix: pre })
    const b = new RedisBackedPubSub(REDIS_URL, { prefix: pre })
    made.push(a, b)
    await a.subscribe('room.s.events', () => {})
    await a.publish('room.s.events', { seq: 1 }, { othersOnly: true, skipWhenAlone: true })
    await a.publish('room.s.events', { seq: 2 }, { othersOnly: true, skipWhenAlone: true })
    expect(a.skipped).toBe(1)
    const onB: any[] = []
    let rechecks = 0
    await b.subscribe('room.s.events', (m) => onB.push(m), { onRecheck: () => { rechecks++ } })
    // A heard B's hello: it had skipped the topic, so B is told to read what it missed
    await eventually(() => rechecks === 1, 3000, 'the re-check')
    await a.publish('room.s.events', { seq: 3 }, { othersOnly: true, skipWhenAlone: true })
    await eventually(() => onB.length === 1, 3000, 'the next publish')
    expect(onB).toEqual([{ seq: 3 }])
    expect(a.skipped).toBe(1)
  })

  it('publishes asked for in one turn (one pipeline) all arrive, each once, in the order asked, across topics and with othersOnly mixed in', async () => {
    const pre = prefix()
    const a = new RedisBackedPubSub(REDIS_URL, { prefix: pre })
    const b = new RedisBackedPubSub(REDIS_URL, { prefix: pre })
    made.push(a, b)
    const onB: any[] = []
    await b.subscribe('room.p.events', (m) => onB.push(m))
    await b.subscribe('room.q.events', (m) => onB.push(m))
    // 300 publishes without yielding, as a large group commit announces its events
    const asked = Array.from({ length: 300 }, (_, i) => a.publish(i % 2 ? 'room.p.events' : 'room.q.events', { n: i }, { othersOnly: i % 3 === 0 }))
    await Promise.all(asked)
    await eventually(() => onB.length >= 300, 5000, 'all 300 on the other instance')
    expect(onB.map((m) => m.n)).toEqual(Array.from({ length: 300 }, (_, i) => i))
  })

  it('publishes of one turn whose connection closes before they go out are refused, each, and nothing throws elsewhere', async () => {
    const a = new RedisBackedPubSub(REDIS_URL, { prefix: prefix() })
    made.push(a)
    await a.connected(5000)
    const asked = [a.publish('t1', { n: 1 }), a.publish('t2', { n: 2 }), a.publish('t3', { n: 3 })]
    // the publishes passed the connection check; they go out at the end of this turn, on a closed connection
    a.publisher.disconnect()
    const settled = await Promise.allSettled(asked)
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
  })

  it('MemoryPubSub: othersOnly reaches nobody (there is no other instance)', async () => {
    const p = new MemoryPubSub()
    made.push(p)
    const got: any[] = []
    await p.subscribe('room.r.events', (m) => got.push(m))
    await p.publish('room.r.events', { seq: 1 }, { othersOnly: true })
    await p.publish('room.r.events', { marker: true })
    await eventually(() => got.length >= 1, 3000)
    expect(got).toEqual([{ marker: true }])
  })

  it('releases the Redis channel when its last subscriber leaves', async () => {
    const pre = prefix()
    const ps = new RedisBackedPubSub(REDIS_URL, { prefix: pre })
    made.push(ps)
    const probe = new Redis(REDIS_URL)
    try {
      const numsub = async () => Number(((await probe.pubsub('NUMSUB', pre + 'quiet.topic')) as any[])[1])
      const off1 = await ps.subscribe('quiet.topic', () => {})
      const off2 = await ps.subscribe('quiet.topic', () => {})
      expect(await numsub()).toBe(1) // one Redis SUBSCRIBE per channel per process
      off1()
      // marker: a SUBSCRIBE on the same connection; an UNSUBSCRIBE sent by off1 would be done before it
      await ps.subscribe('marker.topic', () => {})
      expect(await numsub()).toBe(1)
      off2()
      await eventually(async () => (await numsub()) === 0, 3000, 'the channel to be released')
    } finally {
      probe.disconnect()
    }
  })

  it('a subscription made while the connection is still being readied is not lost', async () => {
    // the window between ioredis' 'connect' and 'ready' events, wide on a loaded machine
    const errors: Error[] = []
    const ps = new RedisBackedPubSub(REDIS_URL, { prefix: prefix(), onError: (e) => errors.push(e) })
    made.push(ps)
    const got: any[] = []
    await new Promise<void>((resolve, reject) => ps.subscriber.once('connect', () => {
      ps.subscribe('early', (m) => got.push(m)).then(() => resolve(), reject)
    }))
    await ps.publish('early', { n: 1 })
    await eventually(() => got.length === 1, 3000, 'the early subscription to receive')
    expect(errors).toEqual([])
  })

  it('reports unhealthy while Redis cannot be reached, without throwing', async () => {
    const errors: Error[] = []
    // nothing listens on port 1: the connection keeps failing and retrying
    const ps = new RedisBackedPubSub('redis://127.0.0.1:1', { onError: (e) => errors.push(e) })
    made.push(ps)
    await eventually(() => errors.length > 0, 3000, 'a connection error')
    expect(ps.healthy()).toBe(false)
  })
})
