// A minimal graphql-transport-ws subscriber for thousands of sockets in one process.
// Delivery frames are not JSON-parsed: seq and clientId are read straight from the received
// Buffer (the only allocation per frame is the one ws makes), and every frame is checked for
// order: each subscriber must see seq last+1, nothing else.
import WebSocket from 'ws'
import { Histogram } from './hist.js'

const SEQ = Buffer.from('"seq":')
const CID = Buffer.from('"clientId":"')

/** Shared by every subscriber: send times by message index, and the current phase's tallies. */
export class Recorder {
  sendTimes = new Float64Array(1 << 16)
  /** deliveries of messages with index >= phaseFrom count for the current phase */
  phaseFrom = Number.MAX_SAFE_INTEGER
  hist = new Histogram()
  delivered = 0
  lastDeliveryAt = 0
  /** deliveries whose clientId was missing or unknown */
  unknown = 0

  markSent(idx: number, at: number) {
    if (idx >= this.sendTimes.length) {
      const bigger = new Float64Array(Math.max(idx + 1, this.sendTimes.length * 2))
      bigger.set(this.sendTimes)
      this.sendTimes = bigger
    }
    this.sendTimes[idx] = at
  }

  startPhase(fromIdx: number) {
    this.phaseFrom = fromIdx
    this.hist.reset()
    this.delivered = 0
    this.lastDeliveryAt = 0
  }
}

export class Sub {
  /** last seq seen; starts at the seq the subscription resumes after */
  last = 0
  got = 0
  dups = 0
  /** seqs skipped over (a later seq arrived first) */
  gaps = 0
  /** frames of the extra subscription (open's `extra`) */
  extraFrames = 0
  error: string | null = null
  ws: WebSocket | null = null
  private closing = false
  /** mutations sent on this socket (ids "m<n>"), waiting for their `next` */
  private calls = new Map<string, { resolve: (data: any) => void; reject: (e: Error) => void }>()
  private nextCall = 0

  /** A mutation (or query) over the socket: a `subscribe` whose one `next` carries the answer. */
  operate(query: string, variables: Record<string, unknown>): Promise<any> {
    const ws = this.ws
    if (!ws || ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('socket not open'))
    const id = `m${this.nextCall++}`
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject })
      ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }))
    })
  }

  constructor(readonly room: number, readonly instance: number) {}

  /**
   * Connects, initialises (with a token when given) and subscribes; resolves once subscribed.
   * `extra`: a second subscription on the socket (id "2", as a web page's second live stream),
   * its frames counted in `extraFrames` and otherwise ignored.
   */
  open(url: string, token: string | null, query: string, variables: Record<string, unknown>, rec: Recorder, timeoutMs = 30_000, extra: { query: string; variables: Record<string, unknown> } | null = null): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false, skipUTF8Validation: true })
      this.ws = ws
      let settled = false
      const timer = setTimeout(() => fail(new Error('connection_ack timeout')), timeoutMs)
      const fail = (e: Error) => {
        if (!this.error) this.error = e.message
        if (!settled) { settled = true; clearTimeout(timer); reject(e) }
      }
      ws.on('open', () => {
        ws.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} }))
      })
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        // graphql-transport-ws is text only: a browser would get a Blob it cannot parse
        if (isBinary) { this.error ??= 'binary frame'; return }
        // {"id":"2"…: the extra subscription's frames
        if (data[7] === 50 && data[8] === 34 && data[0] === 123) {
          if (data.includes('"type":"next"') && !data.includes('"errors"')) this.extraFrames++
          else this.error ??= `extra subscription: ${data.toString('utf8').slice(0, 300)}`
          return
        }
        // {"id":"m…: the answer to a mutation sent on this socket (deliveries are id "1")
        if (data[7] === 109 && data[0] === 123) {
          let msg: any
          try { msg = JSON.parse(data.toString('utf8')) } catch { this.error ??= 'unparseable frame'; return }
          const call = this.calls.get(msg.id)
          if (!call) { if (msg.type !== 'complete') this.error ??= `frame for unknown id ${msg.id}`; return }
          if (msg.type === 'next') {
            this.calls.delete(msg.id)
            if (msg.payload?.errors?.length) call.reject(new Error(`GraphQL error: ${JSON.stringify(msg.payload.errors).slice(0, 400)}`))
            else call.resolve(msg.payload.data)
          } else if (msg.type === 'error') {
            this.calls.delete(msg.id)
            call.reject(new Error(`error frame: ${JSON.stringify(msg.payload).slice(0, 300)}`))
          }
          return
        }
        const p = data.indexOf(SEQ)
        if (p >= 0) {
          const now = performance.now()
          let i = p + 6
          let seq = 0
          let c = data[i]
          while (c >= 48 && c <= 57) { seq = seq * 10 + c - 48; c = data[++i] }
          if (seq === this.last + 1) this.last = seq
          else if (seq <= this.last) this.dups++
          else { this.gaps += seq - this.last - 1; this.last = seq }
          this.got++
          const q = data.indexOf(CID, i)
          if (q < 0) { rec.unknown++; return }
          let j = q + 12
          let idx = 0
          c = data[j]
          while (c >= 48 && c <= 57) { idx = idx * 10 + c - 48; c = data[++j] }
          if (idx >= rec.phaseFrom) {
            rec.delivered++
            rec.hist.add((now - rec.sendTimes[idx]) * 1000)
            rec.lastDeliveryAt = now
          }
          return
        }
        let msg: any
        try { msg = JSON.parse(data.toString('utf8')) } catch { this.error ??= 'unparseable frame'; return }
        switch (msg.type) {
          case 'connection_ack':
            ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }))
            if (extra) ws.send(JSON.stringify({ id: '2', type: 'subscribe', payload: extra }))
            if (!settled) { settled = true; clearTimeout(timer); resolve() }
            return
          case 'ping':
            ws.send('{"type":"pong"}')
            return
          case 'pong':
            return
          case 'error':
            this.error ??= `error frame: ${JSON.stringify(msg.payload).slice(0, 300)}`
            return
          case 'complete':
            this.error ??= 'subscription completed by the server'
            return
          default:
            // a next frame without a seq: a payload with data null and errors
            this.error ??= `unexpected frame: ${data.toString('utf8').slice(0, 300)}`
        }
      })
      ws.on('error', (e) => fail(e))
      ws.on('close', (code, reason) => {
        for (const c of this.calls.values()) c.reject(new Error(`socket closed ${code}`))
        this.calls.clear()
        if (!this.closing) fail(new Error(`socket closed ${code} ${reason.toString('utf8')}`))
      })
    })
  }

  close() {
    this.closing = true
    const ws = this.ws
    if (!ws) return
    if (ws.readyState === WebSocket.OPEN) ws.close(1000)
    else ws.terminate()
  }
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function pool<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i], i)
    }
  })
  await Promise.all(workers)
}
