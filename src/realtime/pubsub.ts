// The doorbell: at-most-once fan-out of small JSON payloads between instances.
// The database stays the source of truth; anything missed here is replayed from it.
import { RedisPubSub } from 'graphql-redis-subscriptions'
import { Redis, type RedisOptions } from 'ioredis'

export type Handler = (payload: any) => void

/**
 * Runs one subscriber: a throw, or a rejected promise from an async handler (a database error
 * while filtering an event), must neither stop the other subscribers nor become an unhandled
 * rejection, which would end the process.
 */
function runHandler(handler: Handler, payload: unknown) {
  try {
    const r = (handler as (p: unknown) => unknown)(payload)
    if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch(() => {})
  } catch { /* a failing subscriber must not stop the others */ }
}

export interface PubSub {
  readonly kind: 'memory' | 'redis'
  publish(topic: string, payload: unknown): Promise<void>
  /** Resolves once the subscription is live (Redis confirmed it). Returns the unsubscribe function. */
  subscribe(topic: string, handler: Handler): Promise<() => void>
  healthy(): boolean
  /** called each time the subscriber connection comes back: missed events must be read from the database */
  onReconnect?(cb: () => void): void
  close(): Promise<void>
}

export class MemoryPubSub implements PubSub {
  readonly kind = 'memory'
  private topics = new Map<string, Set<Handler>>()

  async publish(topic: string, payload: unknown): Promise<void> {
    const handlers = this.topics.get(topic)
    if (!handlers) return
    // a copy through JSON, like Redis: subscribers never share mutable objects with the publisher.
    // Parsed once for all handlers (as graphql-redis-subscriptions does), so one event is one object.
    const text = JSON.stringify(payload)
    // deliver after the publisher's current tick, as a network hop would
    queueMicrotask(() => {
      const copy = JSON.parse(text)
      for (const h of [...handlers]) runHandler(h, copy)
    })
  }

  async subscribe(topic: string, handler: Handler): Promise<() => void> {
    let set = this.topics.get(topic)
    if (!set) this.topics.set(topic, (set = new Set()))
    // wrap so the same function subscribed twice gets two independent subscriptions
    const h: Handler = (p) => handler(p)
    set.add(h)
    return () => {
      const s = this.topics.get(topic)
      if (!s) return
      s.delete(h)
      if (s.size === 0) this.topics.delete(topic)
    }
  }

  healthy() { return true }
  async close() { this.topics.clear() }
}

export function redisOptions(): RedisOptions {
  return {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (n: number) => Math.min(n * 100, 2000),
    lazyConnect: false,
  }
}

export class RedisBackedPubSub implements PubSub {
  readonly kind = 'redis'
  readonly publisher: Redis
  readonly subscriber: Redis
  private inner: RedisPubSub
  private prefix: string

  constructor(url: string, opts: { prefix?: string; onError?: (e: Error) => void } = {}) {
    this.prefix = opts.prefix ?? ''
    this.publisher = new Redis(url, redisOptions())
    this.subscriber = new Redis(url, redisOptions())
    const onError = opts.onError ?? (() => {})
    this.publisher.on('error', onError)
    this.subscriber.on('error', onError)
    this.inner = new RedisPubSub({ publisher: this.publisher, subscriber: this.subscriber })
    this.firstReady = new Promise<void>((resolve) => this.publisher.once('ready', () => resolve()))
  }

  // Resolves on the publisher's first connection: a doorbell rung right after start-up waits
  // for it instead of being dropped as if Redis were away.
  private firstReady: Promise<void>
  private everReady = false
  private firstWait: Promise<void> | null = null

  async publish(topic: string, payload: unknown): Promise<void> {
    if (!this.everReady && this.publisher.status !== 'ready') {
      // one bounded wait shared by every early publish: with Redis away from the start, each
      // later publish must not wait its own 5 s
      this.firstWait ??= Promise.race([this.firstReady, new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())])
      await this.firstWait
    }
    // While Redis is away a doorbell is dropped, not queued: the row is committed and every
    // instance reads what it missed from the database when its subscriber reconnects.
    if (this.publisher.status !== 'ready') throw new Error(`redis publisher is ${this.publisher.status}`)
    this.everReady = true
    await this.inner.publish(this.prefix + topic, payload)
  }

  async subscribe(topic: string, handler: Handler): Promise<() => void> {
    // graphql-redis-subscriptions calls handlers in a loop: one that throws would stop the rest
    // and surface as an uncaught error in ioredis' message event
    const safe: Handler = (payload) => runHandler(handler, payload)
    // A SUBSCRIBE written between 'connect' and 'ready' puts the connection in subscriber mode
    // before ioredis' ready check (INFO) runs; the check then fails, the connection is torn down
    // and this subscription is silently lost. Under load that window is wide: wait it out.
    if (this.subscriber.status !== 'ready' && this.subscriber.status !== 'end') {
      await new Promise<void>((resolve) => {
        const done = () => { this.subscriber.off('ready', done); this.subscriber.off('end', done); resolve() }
        this.subscriber.on('ready', done)
        this.subscriber.on('end', done)
      })
    }
    const id = await this.inner.subscribe(this.prefix + topic, safe)
    let done = false
    return () => {
      // callers may stop twice (complete then close); the library throws on an unknown id
      if (done) return
      done = true
      this.inner.unsubscribe(id)
    }
  }

  healthy() {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready'
  }

  /** Waits (bounded) for both connections at start-up, so /health and the first events see Redis up. */
  async connected(timeoutMs: number): Promise<boolean> {
    const ready = (r: Redis) => r.status === 'ready' ? Promise.resolve() : new Promise<void>((resolve) => r.once('ready', () => resolve()))
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())
    await Promise.race([Promise.all([ready(this.publisher), ready(this.subscriber)]), timeout])
    return this.healthy()
  }

  onReconnect(cb: () => void) {
    let first = this.subscriber.status !== 'ready'
    this.subscriber.on('ready', () => {
      if (first) { first = false; return }
      cb()
      // the resubscription is confirmed a moment after 'ready': look once more after that
      setTimeout(cb, 1000).unref()
    })
  }

  async close() {
    // QUIT is queued while Redis is away and would wait for it forever: only a live connection gets one
    const quit = (r: Redis) => (r.status === 'ready' ? r.quit() : Promise.resolve())
    await Promise.allSettled([quit(this.publisher), quit(this.subscriber)])
    this.publisher.disconnect()
    this.subscriber.disconnect()
  }
}
