// One ordered event stream per room per instance. Redis pub/sub is only the doorbell: events
// may arrive out of order (several instances publish) or not at all (reconnects), so the stream
// keeps the last seq it dispatched and fills every hole from the database before it moves on.
// Every subscriber of the room on this instance gets the very same event object, which lets the
// gateway execute and serialise it once for all of them.
import type { MessageEventModel } from '../graphql/models.js'
import type { PubSub } from './pubsub.js'
import { topics } from './topics.js'

export interface StreamSource {
  head(roomId: string): Promise<number | null>
  /** the heads of several rooms in one read (the sweep) */
  heads(roomIds: readonly string[]): Promise<Map<string, number>>
  eventsBetween(roomId: string, afterSeq: number, uptoSeq: number, limit: number): Promise<MessageEventModel[]>
}

export interface StreamListener {
  userId: string
  /** PRIVATE and DIRECT rooms: leaving ends the subscription */
  needsMembership: boolean
  onEvent(ev: MessageEventModel): void
  onEnd(reason: 'deleted' | 'left'): void
}

type Control = { type: 'joined' | 'left' | 'deleted'; userId?: string }

const FILL_PAGE = 500

class RoomStream {
  last = 0
  readonly listeners = new Set<StreamListener>()
  /** attaches in progress: the stream stays open for them */
  pending = 0
  private chain: Promise<void> = Promise.resolve()
  private offs: (() => void)[] = []
  readonly ready: Promise<void>
  closed = false

  constructor(readonly roomId: string, private source: StreamSource, private pubsub: PubSub, private onError: (e: unknown) => void) {
    this.ready = this.open()
    this.chain = this.ready.catch(() => {})
  }

  private async open() {
    // live first, then read where the database is: nothing published in between is missed
    // another instance that skipped the room's doorbells while nobody else listened says so: read what it stored
    this.offs.push(await this.pubsub.subscribe(topics.roomEvents(this.roomId), (ev) => this.enqueue(ev), { onRecheck: () => this.catchUp() }))
    this.offs.push(await this.pubsub.subscribe(topics.roomControl(this.roomId), (c: Control) => this.control(c)))
    this.last = (await this.source.head(this.roomId)) ?? 0
  }

  enqueue(ev: MessageEventModel) {
    if (!ev || typeof ev.seq !== 'number') return
    this.chain = this.chain.then(() => this.process(ev)).catch(this.onError)
  }

  /** after a reconnect of the doorbell: whatever was published meanwhile is in the database */
  catchUp() {
    this.chain = this.chain.then(async () => {
      const head = await this.source.head(this.roomId)
      if (head !== null) await this.fill(head)
    }).catch(this.onError)
  }

  /** the sweep found the database ahead: read up to that head, in order with the live events */
  fillTo(head: number) {
    this.chain = this.chain.then(() => this.fill(head)).catch(this.onError)
  }

  private async process(ev: MessageEventModel) {
    if (this.closed || ev.seq <= this.last) return
    if (ev.seq > this.last + 1) await this.fill(ev.seq - 1)
    if (ev.seq <= this.last) return
    this.dispatch(ev)
  }

  private async fill(upto: number) {
    while (!this.closed && this.last < upto) {
      const rows = await this.source.eventsBetween(this.roomId, this.last, upto, FILL_PAGE)
      if (!rows.length) break
      for (const r of rows) if (r.seq > this.last) this.dispatch(r)
    }
  }

  private dispatch(ev: MessageEventModel) {
    this.last = ev.seq
    for (const l of this.listeners) {
      try { l.onEvent(ev) } catch (e) { this.onError(e) }
    }
  }

  private control(c: Control) {
    if (!c || typeof c.type !== 'string') return
    // ordered with the events: a member's last messages arrive before the end
    this.chain = this.chain.then(async () => {
      if (c.type === 'deleted') {
        for (const l of [...this.listeners]) { this.listeners.delete(l); l.onEnd('deleted') }
      } else if (c.type === 'left' && c.userId) {
        for (const l of [...this.listeners]) {
          if (l.needsMembership && l.userId === c.userId) { this.listeners.delete(l); l.onEnd('left') }
        }
      }
    }).catch(this.onError)
  }

  close() {
    this.closed = true
    for (const off of this.offs) off()
    this.offs = []
  }
}

export class RoomStreams {
  private streams = new Map<string, RoomStream>()
  private sweeper: NodeJS.Timeout | null = null
  private sweeping = false
  /** the heads the last sweep read */
  private lastHeads = new Map<string, number>()

  /**
   * `sweepMs` (several instances): every so often the heads of all open rooms are read in one
   * query, and a stream still behind the head the previous sweep read reads up to it. An instance that stored events and
   * died before publishing them rang no doorbell: without the sweep its last messages reached the
   * other instances' subscribers only with the room's next event (and a retry of such a send,
   * answered from the database, publishes nothing).
   */
  constructor(private source: StreamSource, private pubsub: PubSub, private onError: (e: unknown) => void, sweepMs = 0) {
    pubsub.onReconnect?.(() => { for (const s of this.streams.values()) s.catchUp() })
    if (sweepMs > 0) {
      this.sweeper = setInterval(() => { void this.sweep() }, sweepMs)
      this.sweeper.unref()
    }
  }

  async sweep() {
    if (this.sweeping || this.streams.size === 0) return
    this.sweeping = true
    try {
      const open = [...this.streams.values()].filter((s) => !s.closed)
      const heads = await this.source.heads(open.map((s) => s.roomId))
      // a stream is behind only if it has not reached the head the previous sweep saw: events
      // committed since are on their way (this instance's own, or their PUBLISH), and reading them
      // here as well cost each busy room a query per sweep, on the send path's thread
      const seen = this.lastHeads
      this.lastHeads = heads
      for (const s of open) {
        const head = seen.get(s.roomId)
        if (head !== undefined && head > s.last && !s.closed) s.fillTo(head)
      }
    } catch (e) {
      this.onError(e)
    } finally {
      this.sweeping = false
    }
  }

  /** this instance learnt that the room's database may be ahead of its stream (a send's retry answered from it) */
  catchUp(roomId: string) {
    const s = this.streams.get(roomId)
    if (s && !s.closed) s.catchUp()
  }

  get size() { return this.streams.size }

  /**
   * An event committed by this instance, before its publish comes back through the pub/sub: the
   * room's stream (if anyone here listens) dispatches it now and ignores the published copy.
   */
  local(roomId: string, ev: MessageEventModel) {
    const s = this.streams.get(roomId)
    if (s && !s.closed) s.enqueue(ev)
  }

  /**
   * Attaches a listener. `replay(from, upto)` must deliver everything the listener needs from
   * event seq `from` (exclusive) to `upto` (inclusive); it is called until the listener has caught
   * up with the live stream, and the listener is attached in the same tick as the last check.
   * Returns the detach function.
   */
  async attach(roomId: string, listener: StreamListener, from: number | null, replay: ((from: number, upto: number) => Promise<void>) | null): Promise<() => void> {
    let stream = this.streams.get(roomId)
    if (!stream || stream.closed) {
      stream = new RoomStream(roomId, this.source, this.pubsub, this.onError)
      this.streams.set(roomId, stream)
    }
    const s = stream
    s.pending++
    let attached = false
    try {
      await s.ready
      if (replay && from !== null) {
        let cursor = from
        while (cursor < s.last) {
          const upto = s.last
          await replay(cursor, upto)
          cursor = upto
        }
      }
      s.listeners.add(listener)
      attached = true
      // the subscriber knows of events the stream has not seen: the database is ahead of it
      if (from !== null && from > s.last) s.catchUp()
    } finally {
      s.pending--
      if (!attached) this.release(s)
    }
    return () => {
      s.listeners.delete(listener)
      this.release(s)
    }
  }

  private release(s: RoomStream) {
    if (s.listeners.size === 0 && s.pending === 0 && !s.closed) {
      s.close()
      if (this.streams.get(s.roomId) === s) this.streams.delete(s.roomId)
    }
  }

  closeAll() {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
    for (const s of this.streams.values()) s.close()
    this.streams.clear()
  }
}
