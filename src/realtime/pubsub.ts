// The doorbell: at-most-once fan-out of small JSON payloads between instances.
// The database stays the source of truth; anything missed here is replayed from it.
import { RedisPubSub } from 'graphql-redis-subscriptions'
import { Redis, type RedisOptions } from 'ioredis'
import { randomBytes } from 'node:crypto'
import type { ReportError } from '../lib/error-log.js'

export type Handler = (payload: any) => void

export interface PublishOptions {
  /**
   * Only for the other instances: this one delivered the payload to its own subscribers already
   * (a room's events, dispatched locally after their commit). It then does not come back here to
   * be parsed and dropped as a duplicate (one JSON parse and one handler round per send saved).
   */
  othersOnly?: boolean
  /**
   * With othersOnly: skipped while no other instance listens to the topic (its last PUBLISH
   * reached nobody else). Whoever subscribes to such a topic must pass `onRecheck`: a new
   * subscription announces itself (a hello), and every instance that was skipping the topic
   * publishes a re-check on it, which runs onRecheck (read what was missed from the database).
   */
  skipWhenAlone?: boolean
}

export interface SubscribeOptions {
  /**
   * The topic's publishers may skip it while nobody else listens (skipWhenAlone): this
   * subscription announces itself, and this runs when one of them says it skipped something.
   */
  onRecheck?: () => void
}

/**
 * Runs one subscriber: a throw, or a rejected promise from an async handler (a database error
 * while filtering an event), must neither stop the other subscribers nor become an unhandled
 * rejection, which would end the process.
 */
function runHandler(handler: Handler, payload: unknown, report: ReportError) {
  try {
    const r = (handler as (p: unknown) => unknown)(payload)
    if (r && typeof (r as Promise<unknown>).catch === 'function') (r as Promise<unknown>).catch((e) => report('pub/sub subscriber failed', e))
  } catch (e) {
    // a failing subscriber must not stop the others; it is logged (rate-limited)
    report('pub/sub subscriber failed', e)
  }
}

const noReport: ReportError = () => {}

/**
 * Published by an instance whose publishes were dropped while Redis was away from it, once it is
 * back: every instance then re-checks what it holds open, as after its own reconnect (a
 * partition of one instance drops its messages without the others ever losing Redis).
 */
const RECHECK_TOPIC = 'pubsub.recheck'

/** an instance's new subscriptions to skipWhenAlone topics: { topics: [...] } */
const HELLO_TOPIC = 'pubsub.hello'
/** a skipWhenAlone topic's re-check: published on the topic itself, it runs the subscribers' onRecheck */
const RECHECK_KEY = '__hearthRecheck'
/** hellos name at most this many topics each (after a reconnect an instance names all of its own) */
const HELLO_CHUNK = 500
/** beyond this many topics marked alone, the marks are dropped (the topics are published again) */
const ALONE_MAX = 100_000

/** marks a message published with othersOnly: this byte, the publishing instance's tag, then the JSON */
const ORIGIN_MARK = '\u0001'
const TAG_LENGTH = 12
/** the event the library listens to: the subscriber's messages minus this instance's othersOnly ones */
const FILTERED_MESSAGE = 'hearth:message'

export interface PubSub {
  readonly kind: 'memory' | 'redis'
  publish(topic: string, payload: unknown, opts?: PublishOptions): Promise<void>
  /** Resolves once the subscription is live (Redis confirmed it). Returns the unsubscribe function. */
  subscribe(topic: string, handler: Handler, opts?: SubscribeOptions): Promise<() => void>
  healthy(): boolean
  /** called each time the subscriber connection comes back: missed events must be read from the database */
  onReconnect?(cb: () => void): void
  /**
   * Hands a payload to this instance's subscribers of a topic only, as if it had been published:
   * after an outage, the re-check delivers the control messages this instance missed.
   */
  deliverLocal(topic: string, payload: unknown): void
  /** topics with at least one subscriber on this instance */
  localTopics(): string[]
  close(): Promise<void>
}

export class MemoryPubSub implements PubSub {
  readonly kind = 'memory'
  private topics = new Map<string, Set<Handler>>()
  private report: ReportError
  constructor(opts: { onHandlerError?: ReportError } = {}) { this.report = opts.onHandlerError ?? noReport }

  async publish(topic: string, payload: unknown, opts?: PublishOptions): Promise<void> {
    // one process: there are no other instances
    if (opts?.othersOnly) return
    const handlers = this.topics.get(topic)
    if (!handlers) return
    // a copy through JSON, like Redis: subscribers never share mutable objects with the publisher.
    // Parsed once for all handlers (as graphql-redis-subscriptions does), so one event is one object.
    const text = JSON.stringify(payload)
    // deliver after the publisher's current tick, as a network hop would
    queueMicrotask(() => {
      const copy = JSON.parse(text)
      for (const h of [...handlers]) runHandler(h, copy, this.report)
    })
  }

  deliverLocal(topic: string, payload: unknown) {
    const handlers = this.topics.get(topic)
    if (!handlers) return
    const copy = JSON.parse(JSON.stringify(payload))
    for (const h of [...handlers]) runHandler(h, copy, this.report)
  }

  localTopics() { return [...this.topics.keys()] }

  async subscribe(topic: string, handler: Handler, _opts?: SubscribeOptions): Promise<() => void> {
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
  /** ORIGIN_MARK and this instance's random tag */
  private readonly origin: string
  private prefix: string
  private report: ReportError
  /** this instance's subscribers per (unprefixed) topic, for deliverLocal */
  private local = new Map<string, Set<Handler>>()
  private reconnectCbs: (() => void)[] = []
  /** a publish was dropped while the publisher was away: announce a re-check when it is back */
  private dropped = false
  /**
   * skipWhenAlone topics whose last PUBLISH reached no other instance: not published until an
   * instance says hello for them. Measured on the rooms bench (one instance with Redis, ws,
   * NORMAL): the PUBLISH of every send, nobody else listening, cost 9-16% of the server's CPU.
   */
  private alone = new Set<string>()
  /** bumped by every hello received and every drop or return of the subscriber connection: a PUBLISH's count from before one marks nothing */
  private epoch = 0
  /** onRecheck callbacks per topic subscribed here */
  private rechecks = new Map<string, Set<() => void>>()
  /** publishes skipped because nobody else listened (tests, bench) */
  skipped = 0
  /** this instance hears hellos: until then (start-up) nothing is marked alone */
  private helloLive = false

  constructor(url: string, opts: { prefix?: string; onError?: (e: Error) => void; onHandlerError?: ReportError } = {}) {
    this.prefix = opts.prefix ?? ''
    this.report = opts.onHandlerError ?? noReport
    this.publisher = new Redis(url, redisOptions())
    this.subscriber = new Redis(url, redisOptions())
    const onError = opts.onError ?? (() => {})
    this.publisher.on('error', onError)
    this.subscriber.on('error', onError)
    // othersOnly messages of this instance stop here, before the library parses them; the
    // other instances' lose their mark and go on as plain JSON
    this.origin = ORIGIN_MARK + randomBytes(TAG_LENGTH / 2).toString('hex')
    this.subscriber.on('message', (channel: string, message: string) => {
      if (message.charCodeAt(0) === 1) {
        if (message.startsWith(this.origin)) return
        message = message.slice(this.origin.length)
      }
      this.subscriber.emit(FILTERED_MESSAGE, channel, message)
    })
    this.inner = new RedisPubSub({ publisher: this.publisher, subscriber: this.subscriber, messageEventName: FILTERED_MESSAGE })
    this.firstReady = new Promise<void>((resolve) => this.publisher.once('ready', () => resolve()))
    let subscriberWasReady = false
    this.subscriber.on('ready', () => {
      if (!subscriberWasReady) { subscriberWasReady = true; return }
      this.reconnected()
      // the resubscription is confirmed a moment after 'ready': look once more after that
      setTimeout(() => this.reconnected(), 1000).unref()
    })
    this.publisher.on('ready', () => {
      if (!this.dropped) return
      this.dropped = false
      this.inner.publish(this.prefix + RECHECK_TOPIC, { at: Date.now() }).catch((e) => this.report('pub/sub re-check announcement failed', e))
    })
    this.subscribe(RECHECK_TOPIC, () => this.reconnected()).catch((e) => this.report('pub/sub re-check channel failed', e))
    // this instance's own subscriptions are not counted by a PUBLISH while its subscriber is away
    this.subscriber.on('close', () => { this.epoch++ })
    this.subscribe(HELLO_TOPIC, (m: { topics?: unknown }) => {
      if (!Array.isArray(m?.topics)) return
      this.epoch++
      for (const t of m.topics) if (typeof t === 'string' && this.alone.delete(t)) this.ringRecheck(t)
    }).then(() => { this.helloLive = true }, (e) => this.report('pub/sub hello channel failed', e))
  }

  /** another instance listens to a topic this one skipped: it reads what it missed */
  private ringRecheck(topic: string) {
    this.publish(topic, { [RECHECK_KEY]: 1 }, { othersOnly: true }).catch((e) => this.report('pub/sub re-check failed', e))
  }

  /** tells the other instances that this one listens to these topics now (they stop skipping them) */
  private hello(topics: string[]) {
    for (let i = 0; i < topics.length; i += HELLO_CHUNK) {
      this.publish(HELLO_TOPIC, { topics: topics.slice(i, i + HELLO_CHUNK) }, { othersOnly: true }).catch((e) => this.report('pub/sub hello failed', e))
    }
  }

  private reconnected() {
    // hellos may have been missed meanwhile: whatever was skipped is published again, and the
    // instances that may have skipped this one's topics hear from it again
    this.epoch++
    const wasAlone = [...this.alone]
    this.alone.clear()
    for (const t of wasAlone) this.ringRecheck(t)
    if (this.rechecks.size) this.hello([...this.rechecks.keys()])
    for (const cb of this.reconnectCbs) {
      try { cb() } catch (e) { this.report('pub/sub reconnect handler failed', e) }
    }
  }

  // Resolves on the publisher's first connection: a doorbell rung right after start-up waits
  // for it instead of being dropped as if Redis were away.
  private firstReady: Promise<void>
  private everReady = false
  private firstWait: Promise<void> | null = null

  async publish(topic: string, payload: unknown, opts?: PublishOptions): Promise<void> {
    const skippable = opts?.othersOnly === true && opts.skipWhenAlone === true
    if (skippable && this.alone.has(topic)) { this.skipped++; return }
    if (!this.everReady && this.publisher.status !== 'ready') {
      // one bounded wait shared by every early publish: with Redis away from the start, each
      // later publish must not wait its own 5 s
      this.firstWait ??= Promise.race([this.firstReady, new Promise<void>((resolve) => setTimeout(resolve, 5000).unref())])
      await this.firstWait
    }
    // While Redis is away a doorbell is dropped, not queued: the row is committed and every
    // instance reads what it missed from the database when its subscriber reconnects.
    if (this.publisher.status !== 'ready') {
      this.dropped = true
      throw new Error(`redis publisher is ${this.publisher.status}`)
    }
    this.everReady = true
    // as graphql-redis-subscriptions' publish writes it (JSON), behind the origin mark when only
    // the other instances need it
    const text = JSON.stringify(payload)
    const epoch = this.epoch
    // this instance's subscription to the topic: a new set each time one starts
    const mine = this.local.get(topic)
    const receivers = await this.publishBatched(this.prefix + topic, opts?.othersOnly ? this.origin + text : text)
    // nobody but this instance got it, and nothing changed meanwhile that could make the count
    // wrong (a hello, this instance's own subscription starting or ending): skip from now on
    if (skippable && this.helloLive && epoch === this.epoch && mine === this.local.get(topic) && this.subscriber.status === 'ready') {
      const self = mine ? 1 : 0
      if (receivers - self <= 0) {
        if (this.alone.size >= ALONE_MAX) this.alone.clear()
        this.alone.add(topic)
      }
    }
  }

  /** PUBLISHes waiting for the end of this turn of the event loop */
  private batch: { channel: string; message: string; resolve: (receivers: number) => void; reject: (e: unknown) => void }[] | null = null

  /**
   * The PUBLISHes of one turn of the event loop (a group commit's events, say) go out together,
   * as one pipeline: one write to Redis instead of one each, in the order they were asked for.
   * The rooms bench (ws, NORMAL, 2744 sends/s, one instance, together with the group commit's
   * direct statements): p99 39.7/48.0 -> 26.8/36.5 ms in two runs each. ioredis'
   * own enableAutoPipelining does the same but throws an uncaught TypeError from its callback
   * when the connection drops with a pipeline in flight (seen in tests/realtime/calls'
   * graceful restart), which would take the process down. Resolves with how many subscribers
   * (of every instance, this one's included) Redis handed the message to.
   */
  private publishBatched(channel: string, message: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (!this.batch) {
        this.batch = []
        process.nextTick(() => this.flushPublishes())
      }
      this.batch.push({ channel, message, resolve, reject })
    })
  }

  private flushPublishes() {
    const batch = this.batch ?? []
    this.batch = null
    if (batch.length === 1) {
      const [one] = batch
      this.publisher.publish(one.channel, one.message).then((n) => one.resolve(Number(n)), one.reject)
      return
    }
    const pipeline = this.publisher.pipeline()
    for (const b of batch) pipeline.publish(b.channel, b.message)
    pipeline.exec().then((results) => {
      batch.forEach((b, i) => {
        const err = results?.[i]?.[0]
        if (!results) b.reject(new Error('redis pipeline gave no results'))
        else if (err) b.reject(err)
        else b.resolve(Number(results[i][1]))
      })
    }, (e) => { for (const b of batch) b.reject(e) })
  }

  async subscribe(topic: string, handler: Handler, opts?: SubscribeOptions): Promise<() => void> {
    // graphql-redis-subscriptions calls handlers in a loop: one that throws would stop the rest
    // and surface as an uncaught error in ioredis' message event
    const onRecheck = opts?.onRecheck
    const safe: Handler = onRecheck
      ? (payload) => { if (payload?.[RECHECK_KEY] === 1) runHandler(onRecheck, undefined, this.report); else runHandler(handler, payload, this.report) }
      : (payload) => runHandler(handler, payload, this.report)
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
    let set = this.local.get(topic)
    const first = !set
    if (!set) this.local.set(topic, (set = new Set()))
    set.add(safe)
    if (onRecheck) {
      let cbs = this.rechecks.get(topic)
      if (!cbs) this.rechecks.set(topic, (cbs = new Set()))
      cbs.add(onRecheck)
      // confirmed by Redis: an instance that skipped the topic hears of it after this subscription counts
      if (first) this.hello([topic])
    }
    let done = false
    return () => {
      // callers may stop twice (complete then close); the library throws on an unknown id
      if (done) return
      done = true
      const s = this.local.get(topic)
      if (s) {
        s.delete(safe)
        if (s.size === 0) this.local.delete(topic)
      }
      if (onRecheck) {
        const cbs = this.rechecks.get(topic)
        if (cbs) { cbs.delete(onRecheck); if (cbs.size === 0) this.rechecks.delete(topic) }
      }
      this.inner.unsubscribe(id)
    }
  }

  deliverLocal(topic: string, payload: unknown) {
    const handlers = this.local.get(topic)
    if (!handlers) return
    // one parsed copy for every handler, as graphql-redis-subscriptions does
    const copy = JSON.parse(JSON.stringify(payload))
    for (const h of [...handlers]) h(copy)
  }

  localTopics() { return [...this.local.keys()] }

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

  /**
   * cb runs each time the subscriber connection comes back (and once more a second later), and
   * when another instance announces that its publishes were dropped while Redis was away from it.
   */
  onReconnect(cb: () => void) {
    this.reconnectCbs.push(cb)
  }

  async close() {
    // QUIT is queued while Redis is away and would wait for it forever: only a live connection gets one
    const quit = (r: Redis) => (r.status === 'ready' ? r.quit() : Promise.resolve())
    await Promise.allSettled([quit(this.publisher), quit(this.subscriber)])
    this.publisher.disconnect()
    this.subscriber.disconnect()
  }
}
