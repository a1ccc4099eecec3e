// Writing to sockets: frames in order per subscription, slow readers cut off, writes corked.
import { WebSocket } from 'ws'
import type { GraphQLError, GraphQLSchema } from 'graphql'
import type { Services } from '../../services.js'
import { rawSocket, type ClientSocket } from './client-socket.js'
import { Corking } from './corking.js'
import { nextFrame, textFrames } from './frames.js'
import { CLOSE, errorMessage } from './protocol.js'
import { RenderCache } from './render-cache.js'
import type { Subscription } from './subscription.js'

export class Outbox {
  private corking = new Corking()
  /** renders each event once per share key */
  readonly cache: RenderCache

  constructor(
    private svc: Services,
    schema: GraphQLSchema,
    /** closes a socket (the gateway's close: the socket is forgotten too) */
    private close: (conn: ClientSocket, code: number, reason: string) => void,
  ) {
    this.cache = new RenderCache(schema, svc, (sub) => this.flush(sub))
  }

  send(conn: ClientSocket, text: string | Buffer) {
    if (!this.open(conn)) return
    const raw = rawSocket(conn.ws)
    if (raw) this.corking.cork(conn, raw)
    conn.ws.send(text, { binary: false })
  }

  /**
   * Several messages in one write (a query's or mutation's `next` and its `complete`): one
   * syscall where a send of each would make two, on every mutation over the socket.
   */
  sendAll(conn: ClientSocket, texts: readonly string[]) {
    if (!this.open(conn)) return
    const raw = rawSocket(conn.ws)
    if (!raw) { for (const t of texts) conn.ws.send(t, { binary: false }); return }
    this.corking.cork(conn, raw)
    raw.write(textFrames(texts))
  }

  /** whether the socket takes frames; a reader that stopped reading is cut off before it costs everyone else memory */
  private open(conn: ClientSocket): boolean {
    const ws = conn.ws
    if (ws.readyState !== WebSocket.OPEN) return false
    if (ws.bufferedAmount > this.svc.config.limits.wsMaxBufferedBytes) {
      this.close(conn, CLOSE.TRY_AGAIN_LATER, 'Too slow: resume with after')
      return false
    }
    return true
  }

  /** the socket's session ended by its own operation, whose answer was just written: 4403 now */
  closeForbidden(conn: ClientSocket) {
    this.close(conn, CLOSE.FORBIDDEN, 'Forbidden')
  }

  sendErrors(conn: ClientSocket, id: string, errors: readonly GraphQLError[]) {
    this.send(conn, errorMessage(id, errors))
  }

  /** one event for a subscription: written now, or queued behind results still rendering */
  deliver(sub: Subscription, payload: object) {
    const entry = this.cache.render(sub, payload)
    if (sub.queue.length === 0 && entry.bytes !== null) return this.writeNext(sub, entry.bytes)
    sub.queue.push(entry)
    if (entry.bytes === null) entry.waiters!.push(sub)
  }

  /** sends a frame in order behind anything still rendering for this subscription */
  sendOrdered(sub: Subscription, text: string) {
    if (sub.queue.length === 0) this.send(sub.conn, text)
    else sub.queue.push({ raw: text })
  }

  /** writes what a subscription has queued, up to the first result still rendering */
  flush(sub: Subscription) {
    while (sub.queue.length) {
      const head = sub.queue[0]
      if ('raw' in head) { sub.queue.shift(); this.send(sub.conn, head.raw); continue }
      if (head.bytes === null) return
      sub.queue.shift()
      this.writeNext(sub, head.bytes)
    }
  }

  /** the shared payload bytes wrapped with this subscriber's id: a copy, no re-serialisation */
  private writeNext(sub: Subscription, payload: Buffer) {
    // an event delivered just before the feed completed (e.g. roomChanged's MEMBER_REMOVED, then
    // the end) keeps its place before the complete frame even when it finished rendering later
    if (sub.closed && !sub.completedByFeed) return
    const conn = sub.conn
    const raw = rawSocket(conn.ws)
    if (!raw || conn.ws.readyState !== WebSocket.OPEN) return
    if (raw.writableLength > this.svc.config.limits.wsMaxBufferedBytes) {
      this.close(conn, CLOSE.TRY_AGAIN_LATER, 'Too slow: resume with after')
      return
    }
    // The hot path writes the whole WebSocket text frame itself (frames.ts), in one write.
    const frame = nextFrame(sub.prefix, payload)
    this.corking.cork(conn, raw)
    raw.write(frame)
  }
}
