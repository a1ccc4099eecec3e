// The WebSocket side of /graphql: the graphql-transport-ws protocol, written for fan-out.
//
// Why not mercurius' own WebSocket handler: it executes every subscription document once per
// subscriber per event, keeps ~57 KB per connection, validates nothing, and leaves protocol
// gaps open (no init timeout, duplicate ids, re-init). Here a document is parsed and validated
// once per distinct text, an event is executed and serialised once for every subscriber that
// shares the document and variables (per viewer when the document selects viewer-dependent
// fields), and each subscriber gets the same bytes wrapped with its own id.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import crypto from 'node:crypto'
import { WebSocketServer, WebSocket } from 'ws'
import {
  type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode, type FieldNode, GraphQLError,
  type FragmentDefinitionNode, type SelectionNode, type SelectionSetNode, GraphQLIncludeDirective, GraphQLSkipDirective, Kind,
  execute, getArgumentValues, getDirectiveValues, getOperationAST, getVariableValues,
} from 'graphql'
import type { Services } from '../services.js'
import { type Ctx, Loaders, type Viewer } from '../graphql/context.js'
import { AppError, toPublicError } from '../graphql/errors.js'
import { DocumentCache, type PreparedDocument } from '../graphql/validation.js'
import { stripSuggestions } from '../graphql/format.js'
import { bearerToken } from '../modules/auth/bearer.js'
import { rateLimitedErrors, type ReportError } from '../lib/error-log.js'
import { WsTickets } from '../modules/auth/ws-tickets.js'

export const CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  TOO_BIG: 1009,
  RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  BAD_REQUEST: 4400,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  SUBPROTOCOL: 4406,
  INIT_TIMEOUT: 4408,
  DUPLICATE_ID: 4409,
  TOO_MANY_INITS: 4429,
} as const

const PROTOCOL = 'graphql-transport-ws'

/** the net.Socket under a ws WebSocket */
interface RawSocket { cork(): void; uncork(): void; write(b: Buffer): boolean; writableLength: number }

/** What a subscription field's `subscribe` returns: started by the gateway, stopped on complete/close. */
export interface Feed {
  start(sink: Sink): void | Promise<void>
  stop(): void
}
export interface Sink {
  /** the value of the subscription field for one event; every subscriber given the same object shares one execution */
  next(payload: object): void
  /** ends the subscription with an error frame (e.g. the viewer lost access) */
  error(err: unknown): void
  /** ends the subscription with a complete frame */
  complete(): void
  /**
   * Resolves when this subscription may write its next chunk of replayed history: the socket has
   * room again and no other replay on the same socket is writing. It resolves to how many frames
   * the chunk may hold; the caller writes them before its next await. Replays wait on it instead
   * of flooding the reader.
   */
  drained(): Promise<number>
}

export interface ConnectionHooks {
  /** after connection_ack */
  ready?(conn: Connection): void
  closed?(conn: Connection): void
  /** any message from the client: activity for presence */
  activity?(conn: Connection): void
}

export class Connection {
  readonly id = crypto.randomUUID()
  viewer: Viewer | null = null
  acknowledged = false
  initReceived = false
  alive = true
  closed = false
  /** its socket holds this tick's frames until the uncork at setImmediate */
  corked = false
  /** 1 once a frame went out in this tick: later ones are corked until setImmediate */
  tick = 0
  readonly subs = new Map<string, Subscription>()
  initTimer: NodeJS.Timeout | null = null
  lastActivity = Date.now()
  /** when the session it signed in with ends: the heartbeat closes it then (4403) */
  expiresAt = Infinity
  /** counted in its IP's sockets that are not signed in (until connection_init signs it in) */
  unauthenticated = true
  /** the replay whose turn it is to write a chunk: one at a time per socket */
  replayTurn: Promise<void> = Promise.resolve()
  constructor(readonly ws: WebSocket, readonly ip: string, readonly userAgent: string | null) {}
  get subscriptionCount() { return this.subs.size }
}

/** One execution result shared by every subscriber with the same share key, for one event. */
interface Rendered { bytes: Buffer | null; waiters: Subscription[] | null }
/** a frame that must keep its place behind pending results (complete) */
interface RawFrame { raw: string }
type QueueItem = Rendered | RawFrame

class Subscription {
  closed = false
  /** its feed has started: events from now on reach it */
  live = false
  feed: Feed | null = null
  /** frames waiting for an earlier result to finish rendering: order is per subscription */
  queue: QueueItem[] = []
  /** `{"id":"<id>","type":"next","payload":` — the bytes around the shared payload */
  readonly prefix: Buffer
  constructor(
    readonly conn: Connection,
    readonly id: string,
    readonly prepared: PreparedDocument,
    readonly operationName: string | undefined,
    readonly variables: Record<string, unknown> | undefined,
    readonly shareKey: string,
    readonly ctx: Ctx,
  ) {
    this.prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`)
  }
}

export class Gateway {
  readonly wss: WebSocketServer
  private connections = new Set<Connection>()
  private bySession = new Map<string, Set<Connection>>()
  private byUser = new Map<string, Set<Connection>>()
  private byIp = new Map<string, number>()
  /** sockets per IP not signed in yet (no connection_init, or anonymous) */
  private unauthByIp = new Map<string, number>()
  /** single-use tickets that sign a socket in without the session token (the web client) */
  readonly tickets: WsTickets
  /** parsed and validated subscription documents; public so tests can see what it holds */
  readonly documents: DocumentCache
  private heartbeat: NodeJS.Timeout
  readonly hooks: ConnectionHooks[] = []
  /** payload object -> (share key -> serialised execution result) */
  private rendered = new WeakMap<object, Map<string, Rendered>>()
  private draining = false
  /** subscriptions whose feed has started; tests wait on it instead of sleeping */
  liveSubscriptions = 0

  constructor(private app: Services, private schema: GraphQLSchema) {
    const limits = app.config.limits
    this.documents = new DocumentCache(schema, app.config)
    this.tickets = new WsTickets(app)
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: limits.wsMaxPayloadBytes,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(PROTOCOL) ? PROTOCOL : false),
    })
    this.heartbeat = setInterval(() => this.beat(), limits.wsHeartbeatMs)
    this.heartbeat.unref()
  }

  get size() { return this.connections.size }

  socketsOfUser(userId: string): number { return this.byUser.get(userId)?.size ?? 0 }

  /** Handles an HTTP upgrade on /graphql. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ip: string) {
    const refuse = (status: number, text: string) => {
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      socket.destroy()
    }
    if (this.draining) return refuse(503, 'Service Unavailable')
    const origin = req.headers.origin
    const allowed = this.app.config.allowedOrigins
    if (origin && allowed.length && !allowed.includes(origin)) return refuse(403, 'Forbidden')
    // both caps sit well below the process's descriptor limit: one address cannot take them all,
    // and sockets that never sign in (they cost nothing to open) get a much smaller share
    if ((this.byIp.get(ip) ?? 0) >= this.app.config.limits.wsSocketsPerIp) return refuse(429, 'Too Many Requests')
    if ((this.unauthByIp.get(ip) ?? 0) >= this.app.config.limits.wsUnauthenticatedPerIp) return refuse(429, 'Too Many Requests')
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const ua = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null
      this.accept(ws, ip, ua)
    })
  }

  private accept(ws: WebSocket, ip: string, userAgent: string | null) {
    const conn = new Connection(ws, ip, userAgent)
    this.connections.add(conn)
    this.byIp.set(ip, (this.byIp.get(ip) ?? 0) + 1)
    this.unauthByIp.set(ip, (this.unauthByIp.get(ip) ?? 0) + 1)
    if (ws.protocol !== PROTOCOL) {
      ws.close(CLOSE.SUBPROTOCOL, 'Subprotocol not acceptable')
    }
    conn.initTimer = setTimeout(() => {
      if (!conn.acknowledged) this.close(conn, CLOSE.INIT_TIMEOUT, 'Connection initialisation timeout')
    }, this.app.config.limits.wsInitTimeoutMs)
    ws.on('message', (data, isBinary) => {
      // a throw here would be an uncaught exception: one frame must never take the process down
      try {
        this.onMessage(conn, data as Buffer, isBinary)
      } catch (err) {
        this.app.log.error({ err }, 'websocket message failed')
        this.close(conn, 1011, 'Internal error')
      }
    })
    ws.on('pong', () => { conn.alive = true })
    ws.on('close', () => this.cleanup(conn))
    ws.on('error', () => this.cleanup(conn))
  }

  private beat() {
    const now = Date.now()
    for (const conn of this.connections) {
      if (!conn.alive) { conn.ws.terminate(); this.cleanup(conn); continue }
      // a socket does not outlive its session: the client signs in again, like over HTTP
      if (conn.expiresAt <= now) { this.close(conn, CLOSE.FORBIDDEN, 'Forbidden'); continue }
      conn.alive = false
      try { conn.ws.ping() } catch { /* closed meanwhile */ }
    }
  }

  close(conn: Connection, code: number, reason: string) {
    if (conn.ws.readyState === WebSocket.OPEN || conn.ws.readyState === WebSocket.CONNECTING) conn.ws.close(code, reason)
    this.cleanup(conn)
  }

  private cleanup(conn: Connection) {
    if (conn.closed) return
    conn.closed = true
    if (conn.initTimer) clearTimeout(conn.initTimer)
    for (const sub of conn.subs.values()) this.stopSub(sub)
    conn.subs.clear()
    this.connections.delete(conn)
    const n = (this.byIp.get(conn.ip) ?? 1) - 1
    if (n <= 0) this.byIp.delete(conn.ip); else this.byIp.set(conn.ip, n)
    this.countedSignedIn(conn)
    if (conn.viewer) {
      removeFrom(this.bySession, conn.viewer.sessionId, conn)
      removeFrom(this.byUser, conn.viewer.userId, conn)
      if (conn.acknowledged) for (const h of this.hooks) this.safe('closed', () => h.closed?.(conn))
    }
  }

  /** sessions and users with a signed-in socket here: what the re-check after a pub/sub outage looks at */
  openSessionIds(): string[] { return [...this.bySession.keys()] }
  openUserIds(): string[] { return [...this.byUser.keys()] }

  /** Closes every socket of a revoked session on this instance with 4403. */
  closeSession(sessionId: string) {
    const set = this.bySession.get(sessionId)
    if (!set) return
    for (const conn of [...set]) this.close(conn, CLOSE.FORBIDDEN, 'Forbidden')
  }

  /** a hook must not break the socket; its failure is logged, at most one line per hook per 10 s */
  private hookFailed: ReportError | null = null
  private safe(hook: string, fn: () => void) {
    try { fn() } catch (err) {
      this.hookFailed ??= rateLimitedErrors(this.app.log)
      this.hookFailed(`socket hook ${hook} failed`, err)
    }
  }

  private send(conn: Connection, text: string | Buffer) {
    const ws = conn.ws
    if (ws.readyState !== WebSocket.OPEN) return
    // a reader that stopped reading is cut off before it costs everyone else memory
    if (ws.bufferedAmount > this.app.config.limits.wsMaxBufferedBytes) {
      this.close(conn, CLOSE.TRY_AGAIN_LATER, 'Too slow: resume with after')
      return
    }
    const raw = (ws as unknown as { _socket?: RawSocket })._socket
    if (raw) this.cork(conn, raw)
    ws.send(text, { binary: false })
  }

  /**
   * Before each write to a socket. Its first frame of a tick leaves at once (a lone event is not
   * held behind the rest of the fan-out); later frames of the same tick are corked and leave
   * together in one writev at setImmediate: under load several events reach a room together
   * (group commit, Redis batching), and the syscall per frame is most of the cost of fan-out.
   */
  private cork(conn: Connection, raw: RawSocket) {
    if (conn.corked) return
    if (conn.tick === 0) {
      conn.tick = 1
      this.touched.push(conn)
    } else {
      raw.cork()
      conn.corked = true
    }
    if (!this.uncorkScheduled) {
      this.uncorkScheduled = true
      setImmediate(this.uncorkAll)
    }
  }

  /** sockets written to in this tick: their tick marks reset, the corked ones uncork, at setImmediate */
  private touched: Connection[] = []
  private uncorkScheduled = false
  private uncorkAll = () => {
    this.uncorkScheduled = false
    const list = this.touched
    this.touched = []
    for (const conn of list) {
      conn.tick = 0
      if (!conn.corked) continue
      conn.corked = false
      ;(conn.ws as unknown as { _socket?: RawSocket })._socket?.uncork()
    }
  }

  private onMessage(conn: Connection, data: Buffer, isBinary: boolean) {
    if (conn.closed) return
    let msg: any
    try {
      if (isBinary) throw new Error('binary')
      msg = JSON.parse(data.toString('utf8'))
    } catch {
      return this.close(conn, CLOSE.BAD_REQUEST, 'Invalid message received')
    }
    if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return this.close(conn, CLOSE.BAD_REQUEST, 'Invalid message received')
    conn.lastActivity = Date.now()
    switch (msg.type) {
      case 'connection_init':
        if (conn.initReceived) return this.close(conn, CLOSE.TOO_MANY_INITS, 'Too many initialisation requests')
        conn.initReceived = true
        this.init(conn, msg.payload).catch((e) => {
          this.app.log.error({ err: e }, 'connection_init failed')
          this.close(conn, 1011, 'Internal error')
        })
        return
      case 'ping':
        return this.send(conn, msg.payload === undefined ? '{"type":"pong"}' : JSON.stringify({ type: 'pong', payload: msg.payload }))
      case 'pong':
        return
      case 'subscribe': {
        if (!conn.acknowledged) return this.close(conn, CLOSE.UNAUTHORIZED, 'Unauthorized')
        const id = msg.id
        const p = msg.payload
        if (typeof id !== 'string' || !id || id.length > 128 || !p || typeof p !== 'object' || typeof p.query !== 'string' ||
          (p.variables != null && typeof p.variables !== 'object') || (p.operationName != null && typeof p.operationName !== 'string')) {
          return this.close(conn, CLOSE.BAD_REQUEST, 'Invalid message received')
        }
        if (conn.subs.has(id)) return this.close(conn, CLOSE.DUPLICATE_ID, `Subscriber for ${id} already exists`)
        for (const h of this.hooks) this.safe('activity', () => h.activity?.(conn))
        this.subscribe(conn, id, p.query, p.variables ?? undefined, p.operationName ?? undefined)
        return
      }
      case 'complete': {
        if (typeof msg.id !== 'string') return this.close(conn, CLOSE.BAD_REQUEST, 'Invalid message received')
        const sub = conn.subs.get(msg.id)
        if (sub) { conn.subs.delete(msg.id); this.stopSub(sub) }
        return
      }
      default:
        return this.close(conn, CLOSE.BAD_REQUEST, `Invalid message type "${String(msg.type).slice(0, 40)}"`)
    }
  }

  /** the socket leaves its IP's count of sockets not signed in (signed in, or closed) */
  private countedSignedIn(conn: Connection) {
    if (!conn.unauthenticated) return
    conn.unauthenticated = false
    const n = (this.unauthByIp.get(conn.ip) ?? 1) - 1
    if (n <= 0) this.unauthByIp.delete(conn.ip); else this.unauthByIp.set(conn.ip, n)
  }

  private async init(conn: Connection, payload: unknown) {
    let token: string | null = null
    // the web client's credential: a single-use ticket from POST /ws-ticket (integrators send
    // `authorization`, which wins when both are present)
    let ticket: unknown
    if (payload && typeof payload === 'object') {
      token = bearerToken((payload as any).authorization ?? (payload as any).Authorization)
      ticket = (payload as any).ticket
    }
    if (token !== null || (ticket !== undefined && ticket !== null)) {
      const found = token !== null ? await this.app.auth.authenticate(token) : typeof ticket === 'string' ? await this.tickets.redeem(ticket) : null
      if (conn.closed) return
      if (!found) return this.close(conn, CLOSE.FORBIDDEN, 'Forbidden')
      // registered in the same tick as the lookup: a revocation cannot slip in between
      conn.viewer = found.viewer
      conn.expiresAt = found.session.expiresAt
      if (this.socketsOfUser(found.viewer.userId) >= this.app.config.limits.wsSocketsPerUser) {
        return this.close(conn, CLOSE.TOO_MANY_INITS, 'Too many sockets for this user')
      }
      addTo(this.bySession, found.viewer.sessionId, conn)
      addTo(this.byUser, found.viewer.userId, conn)
      this.countedSignedIn(conn)
    }
    if (conn.closed) return
    if (conn.initTimer) { clearTimeout(conn.initTimer); conn.initTimer = null }
    conn.acknowledged = true
    this.send(conn, '{"type":"connection_ack"}')
    if (conn.viewer) for (const h of this.hooks) this.safe('ready', () => h.ready?.(conn))
  }

  private makeCtx(conn: Connection): Ctx {
    return {
      svc: this.app,
      viewer: conn.viewer,
      tokenRejected: false,
      ip: conn.ip,
      userAgent: conn.userAgent,
      loaders: new Loaders(),
      connection: conn,
    }
  }

  private sendErrors(conn: Connection, id: string, errors: readonly GraphQLError[]) {
    this.send(conn, JSON.stringify({ id, type: 'error', payload: errors.map((e) => e.toJSON()) }))
  }

  private subscribe(conn: Connection, id: string, query: string, variables: Record<string, unknown> | undefined, operationName: string | undefined) {
    const prepared = this.documents.get(query)
    if (prepared.errors) return this.sendErrors(conn, id, prepared.errors)
    const op = getOperationAST(prepared.document, operationName)
    if (!op) return this.sendErrors(conn, id, [new GraphQLError('Unknown or ambiguous operation', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })])
    // subscriptions and queries/mutations still running share one budget per socket: a client
    // cannot pile up unbounded work on one connection
    if (conn.subs.size >= this.app.config.limits.wsSubscriptionsPerSocket) {
      return this.sendErrors(conn, id, [toPublicError(new AppError('RATE_LIMITED', `At most ${this.app.config.limits.wsSubscriptionsPerSocket} subscriptions and operations in flight per socket`, { retryAfterSeconds: 1 }))])
    }
    // variables of the wrong type are refused before anything runs, with the code HTTP gives them
    const coerced = getVariableValues(this.schema, op.variableDefinitions ?? [], variables ?? {})
    if (coerced.errors) {
      const hide = this.app.config.env === 'production'
      return this.sendErrors(conn, id, coerced.errors.map((e) => new GraphQLError(hide ? stripSuggestions(e.message) : e.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })))
    }
    // only the declared variables are kept (and keyed on) for the life of the subscription:
    // anything else the client sent along is dropped here
    const declared: Record<string, unknown> = {}
    for (const def of op.variableDefinitions ?? []) {
      const name = def.variable.name.value
      if (variables && Object.prototype.hasOwnProperty.call(variables, name)) declared[name] = variables[name]
    }
    if (op.operation !== 'subscription') return this.runOnce(conn, id, prepared.document, op, declared, operationName)
    // the root field may sit inside fragments or carry @skip/@include: find the one that runs
    const field = rootField(prepared.document, op.selectionSet, coerced.coerced)
    if (!field) return this.sendErrors(conn, id, [new GraphQLError('The subscription selects no field', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })])
    const subType = this.schema.getSubscriptionType()!
    const def = subType.getFields()[field.name.value]
    const ctx = this.makeCtx(conn)
    const shareKey = `${prepared.key}\u0000${operationName ?? ''}\u0000${JSON.stringify(declared)}\u0000${prepared.viewerDependent ? conn.viewer?.userId ?? '-' : ''}`
    const sub = new Subscription(conn, id, prepared, operationName, declared, shareKey, ctx)
    conn.subs.set(id, sub)
    const fail = (err: unknown) => {
      if (sub.closed) return
      this.stopSub(sub)
      if (conn.subs.get(id) === sub) conn.subs.delete(id)
      this.sendErrors(conn, id, [toPublicError(err, (e) => this.app.log.error({ err: e }, 'subscription failed'))])
    }
    ;(async () => {
      if (!conn.viewer) throw new AppError('UNAUTHENTICATED', 'Sign in first')
      const args = getArgumentValues(def, field, coerced.coerced)
      const subscribeFn = def.subscribe as unknown as (root: unknown, args: unknown, ctx: Ctx) => Promise<Feed> | Feed
      const feed = await subscribeFn(undefined, args, ctx)
      if (sub.closed) { feed.stop(); return }
      sub.feed = feed
      await feed.start({
        next: (payload) => { if (!sub.closed) this.deliver(sub, payload) },
        error: fail,
        drained: () => this.drained(conn),
        complete: () => {
          if (sub.closed) return
          this.stopSub(sub)
          if (conn.subs.get(id) === sub) conn.subs.delete(id)
          this.sendOrdered(sub, JSON.stringify({ id, type: 'complete' }))
        },
      })
      if (!sub.closed) { sub.live = true; this.liveSubscriptions++ }
      // what authorising the subscription cached (room, membership) would go stale and stay in
      // memory as long as the subscription: later reads by the feed start from an empty cache
      ctx.loaders = new Loaders()
    })().catch(fail)
  }

  private stopSub(sub: Subscription) {
    if (sub.closed) return
    sub.closed = true
    if (sub.live) { sub.live = false; this.liveSubscriptions-- }
    try { sub.feed?.stop() } catch (e) { this.app.log.error({ err: e }, 'feed stop failed') }
  }

  private deliver(sub: Subscription, payload: object) {
    const entry = this.render(sub, payload)
    if (sub.queue.length === 0 && entry.bytes !== null) return this.writeNext(sub, entry.bytes)
    sub.queue.push(entry)
    if (entry.bytes === null) entry.waiters!.push(sub)
  }

  /** sends a frame in order behind anything still rendering for this subscription */
  private sendOrdered(sub: Subscription, text: string) {
    if (sub.queue.length === 0) this.send(sub.conn, text)
    else sub.queue.push({ raw: text })
  }

  private flush(sub: Subscription) {
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
    if (sub.closed) return
    const conn = sub.conn
    const raw = (conn.ws as unknown as { _socket?: RawSocket })._socket
    if (!raw || conn.ws.readyState !== WebSocket.OPEN) return
    if (raw.writableLength > this.app.config.limits.wsMaxBufferedBytes) {
      this.close(conn, CLOSE.TRY_AGAIN_LATER, 'Too slow: resume with after')
      return
    }
    // The hot path writes the whole WebSocket text frame itself: header, the subscriber's
    // prefix, the shared payload and "}" in one buffer and one write. ws sends unmasked,
    // uncompressed server frames straight to the socket (perMessageDeflate is off), so these
    // writes keep their order with everything ws writes on the same socket.
    const len = sub.prefix.length + payload.length + 1
    const head = len < 126 ? 2 : len < 65536 ? 4 : 10
    const frame = Buffer.allocUnsafe(head + len)
    frame[0] = 0x81 // FIN + text
    if (head === 2) frame[1] = len
    else if (head === 4) { frame[1] = 126; frame.writeUInt16BE(len, 2) }
    else { frame[1] = 127; frame.writeUInt32BE(0, 2); frame.writeUInt32BE(len, 6) }
    sub.prefix.copy(frame, head)
    payload.copy(frame, head + sub.prefix.length)
    frame[frame.length - 1] = 0x7d // }
    this.cork(conn, raw)
    raw.write(frame)
  }

  /** Executes the subscription document for one event, once per share key. */
  private render(sub: Subscription, payload: object): Rendered {
    let byKey = this.rendered.get(payload)
    if (!byKey) this.rendered.set(payload, (byKey = new Map()))
    const hit = byKey.get(sub.shareKey)
    if (hit) return hit
    const ctx: Ctx = { ...sub.ctx, loaders: new Loaders() }
    const entry: Rendered = { bytes: null, waiters: null }
    let result: ExecutionResult | Promise<ExecutionResult>
    try {
      result = execute({
        schema: this.schema, document: sub.prepared.document, rootValue: payload, contextValue: ctx,
        variableValues: sub.variables, operationName: sub.operationName,
      }) as ExecutionResult | Promise<ExecutionResult>
    } catch (e) {
      result = { errors: [toPublicError(e)] }
    }
    if (result instanceof Promise) {
      entry.waiters = []
      result
        .then((res) => Buffer.from(this.serialise(res)), (e) => Buffer.from(this.serialise({ errors: [toPublicError(e)] })))
        .then((bytes) => {
          entry.bytes = bytes
          const waiters = entry.waiters!
          entry.waiters = null
          for (const w of waiters) this.flush(w)
        })
    } else {
      entry.bytes = Buffer.from(this.serialise(result))
    }
    byKey.set(sub.shareKey, entry)
    return entry
  }

  private serialise(res: ExecutionResult): string {
    if (res.errors?.length) {
      const errors = res.errors.map((e) => toPublicError(e, (err) => this.app.log.error({ err }, 'subscription resolver failed')).toJSON())
      return JSON.stringify({ data: res.data ?? null, errors })
    }
    return JSON.stringify({ data: res.data })
  }

  /**
   * Replays on one socket take turns, first come first served, and each waits until the socket's
   * buffer is low and no frame of the socket is still rendering (those are not in the buffer
   * yet). Without turns, several subscriptions resuming together each put a page into the same
   * buffer and a client reading at full speed was cut off with 1013. The turn passes on at the
   * next macrotask, once the caller has written its chunk (it writes before any other await).
   */
  private drained(conn: Connection): Promise<number> {
    const max = this.app.config.limits.wsMaxBufferedBytes
    const low = max / 4
    // a chunk of the largest frames (4000 code points, escaped) fills at most half the headroom
    const frames = Math.max(1, Math.min(50, Math.floor((max - low) / 2 / LARGEST_FRAME_BYTES)))
    const prev = conn.replayTurn
    let pass!: () => void
    conn.replayTurn = new Promise<void>((resolve) => { pass = resolve })
    const ready = () => conn.closed || (conn.ws.bufferedAmount <= low && !rendering(conn))
    return (async () => {
      await prev
      try {
        while (!ready()) await new Promise((r) => setTimeout(r, 5))
      } finally {
        setImmediate(pass)
      }
      return frames
    })()
  }

  /** Queries and mutations over the socket: one next, then complete. */
  private runOnce(conn: Connection, id: string, document: DocumentNode, op: OperationDefinitionNode, variables: Record<string, unknown> | undefined, operationName: string | undefined) {
    const ctx = this.makeCtx(conn)
    const marker = { closed: false } as Subscription
    conn.subs.set(id, marker)
    Promise.resolve(execute({ schema: this.schema, document, contextValue: ctx, variableValues: variables, operationName, rootValue: {} }))
      .then((res) => {
        if (conn.subs.get(id) !== marker) return
        conn.subs.delete(id)
        this.send(conn, `{"id":${JSON.stringify(id)},"type":"next","payload":${this.serialise(res)}}`)
        this.send(conn, JSON.stringify({ id, type: 'complete' }))
      })
      .catch((e) => {
        conn.subs.delete(id)
        this.sendErrors(conn, id, [toPublicError(e)])
      })
    void op
  }

  /** Graceful shutdown: refuse new sockets and close the open ones with 1012 (clients retry). */
  async shutdown(graceMs = 2000) {
    this.draining = true
    clearInterval(this.heartbeat)
    for (const conn of [...this.connections]) this.close(conn, CLOSE.RESTART, 'Service restarting')
    // ws waits 30 s for a client's close frame; one that never answers (a dead network, a stuck
    // client) is cut off after the grace, so shutdown stays within its bound
    const cutOff = setTimeout(() => { for (const ws of this.wss.clients) ws.terminate() }, graceMs)
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
    clearTimeout(cutOff)
  }
}

/** The field a subscription operation runs, through inline fragments and fragment spreads. */
function rootField(document: DocumentNode, set: SelectionSetNode, variables: Record<string, unknown>): FieldNode | null {
  const included = (node: SelectionNode) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false
  const seen = new Set<string>()
  const walk = (s: SelectionSetNode): FieldNode | null => {
    for (const sel of s.selections) {
      if (!included(sel)) continue
      if (sel.kind === Kind.FIELD) return sel
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const f = walk(sel.selectionSet)
        if (f) return f
        continue
      }
      if (seen.has(sel.name.value)) continue
      seen.add(sel.name.value)
      const frag = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value)
      const f = frag ? walk(frag.selectionSet) : null
      if (f) return f
    }
    return null
  }
  return walk(set)
}

function addTo(map: Map<string, Set<Connection>>, key: string, conn: Connection) {
  let s = map.get(key)
  if (!s) map.set(key, (s = new Set()))
  s.add(conn)
}

function removeFrom(map: Map<string, Set<Connection>>, key: string, conn: Connection) {
  const s = map.get(key)
  if (!s) return
  s.delete(conn)
  if (s.size === 0) map.delete(key)
}

/** about the largest frame a replay writes: a 4000-code-point body, JSON-escaped, with its fields */
const LARGEST_FRAME_BYTES = 32 * 1024

/** a frame of this socket waits for its rendering (it is not in the socket's buffer yet) */
function rendering(conn: Connection): boolean {
  for (const sub of conn.subs.values()) if (sub.queue?.length) return true
  return false
}
