// The WebSocket side of /graphql: the graphql-transport-ws protocol, written for fan-out.
//
// Why not mercurius' own WebSocket handler: it executes every subscription document once per
// subscriber per event, keeps ~57 KB per connection, validates nothing, and leaves protocol
// gaps open (no init timeout, duplicate ids, re-init). Here a document is parsed and validated
// once per distinct text, an event is executed and serialised once for every subscriber that
// shares the document and variables (per viewer when the document selects viewer-dependent
// fields), and each subscriber gets the same bytes wrapped with its own id.
// Measured against graphql-ws's makeServer with the same execution behind it (docs/ARCHITECTURE.md,
// "Why the WebSocket gateway is our own"): 2.7x the CPU per delivery and 3.4x the RSS per busy
// connection, because it serialises every message per subscriber and runs promises per frame.
//
// This file holds a socket's life (upgrade, messages, close) and wires the parts in ws/:
//   protocol.ts        wire constants, client message checks (graphql-ws's validateMessage), server message texts
//   upgrade.ts         who may open a socket (Origin, per-IP caps, draining)
//   client-socket.ts   one client's socket and its state (ClientSocket), socket hooks
//   registry.ts        open sockets by session, user and IP
//   auth.ts            the credential of connection_init, looked up
//   heartbeat.ts       pings, dead peers and ended sessions cut off
//   operations.ts      a subscribe message: checked, run once or started as a subscription
//   socket-queries.ts  queries and mutations over the socket
//   root-field.ts      the field a subscription runs
//   feed.ts            Feed and Sink: what subscription resolvers return
//   subscription.ts    one subscription and the frames it still owes
//   render-cache.ts    each event executed and serialised once per share key
//   outbox.ts          writes: ordered per subscription, slow readers cut off
//   frames.ts          the hot path's WebSocket frame encoding
//   corking.ts         one writev per socket per tick
//   replay-pacing.ts   replayed history at the reader's pace
//   shutdown.ts        sockets closed with 1012 on shutdown
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, WebSocket } from 'ws'
import { type GraphQLSchema, Kind } from 'graphql'
import type { Services } from '../services.js'
import type { Ctx } from '../graphql/context.js'
import { DocumentCache } from '../graphql/validation.js'
import { rateLimitedErrors, type ReportError } from '../lib/error-log.js'
import { WsTickets } from '../modules/auth/ws-tickets.js'
import { lookUpCredential } from './ws/auth.js'
import { ClientSocket, type SocketHooks } from './ws/client-socket.js'
import { startHeartbeat } from './ws/heartbeat.js'
import { Operations } from './ws/operations.js'
import { Outbox } from './ws/outbox.js'
import { CLOSE, CONNECTION_ACK, PROTOCOL, parseMessage, pongMessage, subscribeMessage } from './ws/protocol.js'
import { SocketRegistry } from './ws/registry.js'
import { closeAllSockets } from './ws/shutdown.js'
import { refuseUpgrade, upgradeRefusal } from './ws/upgrade.js'

/** how long a socket this side closed may take to answer the close frame before it is cut off */
export const CLOSE_GRACE_MS = 5000

export class Gateway {
  readonly wss: WebSocketServer
  private sockets = new SocketRegistry()
  /** single-use tickets that sign a socket in without the session token (the web client) */
  readonly tickets: WsTickets
  /** parsed and validated subscription documents; public so tests can see what it holds */
  readonly documents: DocumentCache
  private heartbeat: NodeJS.Timeout
  readonly hooks: SocketHooks[] = []
  private outbox: Outbox
  private operations: Operations
  private draining = false

  constructor(private svc: Services, schema: GraphQLSchema) {
    const limits = svc.config.limits
    this.documents = new DocumentCache(schema, svc.config)
    this.tickets = new WsTickets(svc)
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: limits.wsMaxPayloadBytes,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
    })
    this.outbox = new Outbox(svc, schema, (conn, code, reason) => this.close(conn, code, reason))
    this.operations = new Operations(svc, schema, this.documents, this.outbox)
    this.heartbeat = startHeartbeat({
      sockets: this.sockets.all,
      close: (conn, code, reason) => this.close(conn, code, reason),
      cleanup: (conn) => this.cleanup(conn),
    }, limits.wsHeartbeatMs)
  }

  get size() { return this.sockets.size }

  /** subscriptions whose feed has started; tests wait on it instead of sleeping */
  get liveSubscriptions() { return this.operations.live }
  /** executions of subscription documents for events (one per event and share key); tests read it */
  get eventExecutions() { return this.outbox.cache.executions }

  /** the user's sockets here, closing ones included (they count against the per-user cap until gone) */
  socketsOfUser(userId: string): number { return this.sockets.socketsOfUser(userId) }
  /** the user's open sockets here (not closing) */
  openSocketsOfUser(userId: string): number { return this.sockets.openSocketsOfUser(userId) }

  /** root fields of the user's subscriptions whose feed has started on this instance (tests wait on them) */
  liveFieldsOf(userId: string): string[] {
    const out: string[] = []
    for (const conn of this.sockets.all) {
      if (conn.viewer?.userId !== userId) continue
      for (const sub of conn.subs.values()) {
        if (!sub.live) continue
        for (const d of sub.prepared.document.definitions) {
          if (d.kind === Kind.OPERATION_DEFINITION) for (const s of d.selectionSet.selections) if (s.kind === Kind.FIELD) out.push(s.name.value)
        }
      }
    }
    return out
  }

  /** Handles an HTTP upgrade on /graphql. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ip: string) {
    const refused = upgradeRefusal(req, ip, this.svc.config, this.sockets, this.draining)
    if (refused) return refuseUpgrade(socket, refused[0], refused[1])
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const ua = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null
      this.accept(ws, ip, ua)
    })
  }

  private accept(ws: WebSocket, ip: string, userAgent: string | null) {
    const conn = new ClientSocket(ws, ip, userAgent)
    this.sockets.add(conn)
    if (ws.protocol !== PROTOCOL) {
      ws.close(CLOSE.SUBPROTOCOL, 'Subprotocol not acceptable')
    }
    conn.initTimer = setTimeout(() => {
      if (!conn.acknowledged) this.close(conn, CLOSE.INIT_TIMEOUT, 'Connection initialisation timeout')
    }, this.svc.config.limits.wsInitTimeoutMs)
    ws.on('message', (data, isBinary) => {
      // a throw here would be an uncaught exception: one frame must never take the process down
      try {
        this.onMessage(conn, data as Buffer, isBinary)
      } catch (err) {
        this.svc.log.error({ err }, 'websocket message failed')
        this.close(conn, CLOSE.INTERNAL_ERROR, 'Internal error')
      }
    })
    ws.on('pong', () => { conn.alive = true })
    ws.on('close', () => this.cleanup(conn))
    ws.on('error', () => this.cleanup(conn))
  }

  /**
   * Closes a socket from this side: its operations end now; it counts against the per-IP and
   * per-user caps until it is really gone. A peer that does not answer the close frame is cut
   * off after CLOSE_GRACE_MS instead of ws' own 30 s: a reader cut for reading too slowly has its
   * close frame queued behind megabytes it is not reading, and such sockets (forgotten at once
   * before) held their memory and descriptor for 30 s while the same IP opened new ones.
   */
  close(conn: ClientSocket, code: number, reason: string) {
    const ws = conn.ws
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
      ws.close(code, reason)
      const cut = setTimeout(() => { ws.terminate(); this.cleanup(conn) }, CLOSE_GRACE_MS)
      cut.unref()
      ws.once('close', () => clearTimeout(cut))
      this.retire(conn)
    } else if (ws.readyState === WebSocket.CLOSING) {
      // closing already: its close event (or the cut-off above) forgets it
      this.retire(conn)
    } else {
      this.cleanup(conn)
    }
  }

  /** the socket's operations end and its hooks hear it closed (it may still be closing) */
  private retire(conn: ClientSocket) {
    if (conn.closed) return
    conn.closed = true
    if (conn.initTimer) clearTimeout(conn.initTimer)
    for (const sub of conn.subs.values()) this.operations.stop(sub)
    conn.subs.clear()
    if (conn.viewer && conn.acknowledged) for (const h of this.hooks) this.safe('closed', () => h.closed?.(conn))
  }

  /** the socket is gone: retired, and no longer counted */
  private cleanup(conn: ClientSocket) {
    this.retire(conn)
    if (conn.forgotten) return
    conn.forgotten = true
    this.sockets.remove(conn)
  }

  /** sessions and users with a signed-in socket here: what the re-check after a pub/sub outage looks at */
  openSessionIds(): string[] { return this.sockets.sessionIds() }
  openUserIds(): string[] { return this.sockets.userIds() }

  /**
   * Closes every socket of a revoked session on this instance with 4403. The socket whose own
   * operation ended it (`ctx`: logOut or deleteAccount sent over the socket) takes no further
   * message and closes right after that operation's answer (the revocation's own pub/sub message,
   * which reaches this instance too, leaves it to that).
   */
  closeSession(sessionId: string, ctx?: Ctx) {
    const set = this.sockets.socketsOfSession(sessionId)
    if (!set) return
    for (const conn of [...set]) {
      if (ctx && ctx.connection === conn) {
        conn.closing = true
        ctx.closeAfterAnswer = true
      } else if (!conn.closing) this.close(conn, CLOSE.FORBIDDEN, 'Forbidden')
    }
  }

  /** a hook must not break the socket; its failure is logged, at most one line per hook per 10 s */
  private hookFailed: ReportError | null = null
  private safe(hook: string, fn: () => void) {
    try { fn() } catch (err) {
      this.hookFailed ??= rateLimitedErrors(this.svc.log)
      this.hookFailed(`socket hook ${hook} failed`, err)
    }
  }

  private onMessage(conn: ClientSocket, data: Buffer, isBinary: boolean) {
    if (conn.closed || conn.closing) return
    const msg = parseMessage(data, isBinary)
    if (!msg) return this.close(conn, CLOSE.BAD_REQUEST, 'Invalid message received')
    conn.lastActivity = Date.now()
    switch (msg.type) {
      case 'connection_init':
        if (conn.initReceived) return this.close(conn, CLOSE.TOO_MANY_INITS, 'Too many initialisation requests')
        conn.initReceived = true
        this.init(conn, msg.payload).catch((e) => {
          this.svc.log.error({ err: e }, 'connection_init failed')
          this.close(conn, CLOSE.INTERNAL_ERROR, 'Internal error')
        })
        return
      case 'ping':
        return this.outbox.send(conn, pongMessage(msg.payload))
      case 'pong':
        return
      case 'subscribe': {
        if (!conn.acknowledged) return this.close(conn, CLOSE.UNAUTHORIZED, 'Unauthorized')
        const m = subscribeMessage(msg)
        if (!m) return this.close(conn, CLOSE.BAD_REQUEST, 'Invalid message received')
        if (conn.subs.has(m.id)) return this.close(conn, CLOSE.DUPLICATE_ID, `Subscriber for ${m.id} already exists`)
        for (const h of this.hooks) this.safe('activity', () => h.activity?.(conn))
        this.operations.subscribe(conn, m.id, m.query, m.variables, m.operationName)
        return
      }
      case 'complete': {
        if (typeof msg.id !== 'string') return this.close(conn, CLOSE.BAD_REQUEST, 'Invalid message received')
        const sub = conn.subs.get(msg.id)
        if (sub) { conn.subs.delete(msg.id); this.operations.stop(sub) }
        return
      }
      default:
        return this.close(conn, CLOSE.BAD_REQUEST, `Invalid message type "${String(msg.type).slice(0, 40)}"`)
    }
  }

  private async init(conn: ClientSocket, payload: unknown) {
    const lookup = lookUpCredential(this.svc, this.tickets, payload)
    if (lookup) {
      const found = await lookup
      if (conn.closed) return
      if (!found) return this.close(conn, CLOSE.FORBIDDEN, 'Forbidden')
      // registered in the same tick as the lookup: a revocation cannot slip in between
      conn.viewer = found.viewer
      conn.expiresAt = found.session.expiresAt
      if (this.sockets.socketsOfUser(found.viewer.userId) >= this.svc.config.limits.wsSocketsPerUser) {
        // 1013 (Try Again Later), not 4429: graphql-ws clients treat 4429 as fatal and never
        // reconnect, so a tab refused while older sockets were still closing stayed dead; on 1013
        // they retry with backoff and get in once a socket is free
        return this.close(conn, CLOSE.TRY_AGAIN_LATER, 'Too many sockets for this user')
      }
      this.sockets.signedIn(conn, found.viewer)
    }
    if (conn.closed) return
    if (conn.initTimer) { clearTimeout(conn.initTimer); conn.initTimer = null }
    conn.acknowledged = true
    this.outbox.send(conn, CONNECTION_ACK)
    if (conn.viewer) for (const h of this.hooks) this.safe('ready', () => h.ready?.(conn))
  }

  /** Graceful shutdown: refuse new sockets and close the open ones with 1012 (clients retry). */
  async shutdown(graceMs = 2000) {
    this.draining = true
    clearInterval(this.heartbeat)
    await closeAllSockets(this.wss, this.sockets.all, (conn, code, reason) => this.close(conn, code, reason), graceMs)
  }
}
