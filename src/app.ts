// The whole app as one Fastify instance; tests build it with their own config and never listen.
import fs from 'node:fs'
import { EventEmitter } from 'node:events'
import path from 'node:path'
import { type DocumentNode, parse } from 'graphql'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import cookie from '@fastify/cookie'
import fastifyStatic from '@fastify/static'
import mercurius from 'mercurius'
import type { Config } from './config.js'
import { isPostgresUrl, openDatabase } from './db/index.js'
import { lockSqliteInstance } from './db/instance-lock.js'
import { rateLimitedErrors } from './lib/error-log.js'
import { OutageRecheck } from './realtime/recheck.js'
import { migrateToLatest } from './db/migrate.js'
import { MemoryPubSub, RedisBackedPubSub, type PubSub, type PublishOptions } from './realtime/pubsub.js'
import { FallbackStore, MemoryStore, RedisStore, type SharedStore } from './realtime/store.js'
import { RateLimits } from './lib/rate-limit.js'
import { Gateway } from './realtime/gateway.js'
import { topics } from './realtime/topics.js'
import type { DomainEvents, Services } from './services.js'
import { buildAppSchema } from './graphql/schema.js'
import { checkCostWithVariables, httpRules, MAX_NESTING, nestingDepth, TOO_DEEP } from './graphql/validation.js'
import { formatErrors } from './graphql/format.js'
import { AppError } from './graphql/errors.js'
import { type Ctx, Loaders } from './graphql/context.js'
import { AuthService } from './modules/auth/auth.service.js'
import { authResolvers, SESSION_COOKIE } from './modules/auth/auth.resolvers.js'
import { bearerToken } from './modules/auth/bearer.js'
import { UsersService } from './modules/users/users.service.js'
import { usersResolvers } from './modules/users/users.resolvers.js'
import { RoomsService } from './modules/rooms/rooms.service.js'
import { TypingService } from './modules/rooms/typing.service.js'
import { roomsResolvers } from './modules/rooms/rooms.resolvers.js'
import { MessagesService } from './modules/messages/messages.service.js'
import { messagesResolvers } from './modules/messages/messages.resolvers.js'
import { FriendsService } from './modules/friends/friends.service.js'
import { friendsResolvers } from './modules/friends/friends.resolvers.js'
import { NotificationsService } from './modules/notifications/notifications.service.js'
import { notificationsResolvers } from './modules/notifications/notifications.resolvers.js'
import { PresenceService } from './modules/presence/presence.service.js'
import { presenceResolvers } from './modules/presence/presence.resolvers.js'
import { StudyService } from './modules/study/study.service.js'
import { TimerService } from './modules/study/timer.service.js'
import { studyResolvers } from './modules/study/study.resolvers.js'
import { withRoomPresence } from './modules/study/room-presence.js'
import { SignalsService } from './modules/signals/signals.service.js'
import { CallsService } from './modules/signals/calls.service.js'
import { signalsResolvers } from './modules/signals/signals.resolvers.js'
import { AttachmentsService } from './modules/attachments/attachments.service.js'
import { attachmentsResolvers } from './modules/attachments/attachments.resolvers.js'
import { attachmentRoutes } from './modules/attachments/attachments.routes.js'

declare module 'fastify' {
  interface FastifyInstance { hearth: Services }
}

export interface BuildOptions {
  /** prefix for Redis channels and keys: lets parallel test files share one Redis */
  redisPrefix?: string
  /** where log lines go (default stdout): tests count what a failure logs */
  logStream?: NodeJS.WritableStream
}

function bearer(req: FastifyRequest): string | null {
  return bearerToken(req.headers.authorization)
}

/**
 * Content-Security-Policy of every answer. The built web client is script files from this
 * origin only (no inline script); Solid and GraphiQL set style attributes, hence 'unsafe-inline'
 * for styles only. Sockets go to this origin (ws:/wss: spelled out for browsers whose 'self'
 * does not cover them). Nothing may frame a page of ours (clickjacking).
 */
function contentSecurityPolicy(host: string | undefined): string {
  const self = host && /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host) ? ` ws://${host} wss://${host}` : ''
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' blob:",
    `connect-src 'self'${self}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ')
}

/** whether a browser's Origin header names this server (its Host) or an allowed origin */
/**
 * The client's address for a socket upgrade, as Fastify reads it for a request (trustProxy):
 * false, the peer; true, the first X-Forwarded-For entry; n, the entry n proxies back from the
 * peer (proxies that append to the header cannot be fooled by what the client put first).
 */
export function clientIp(trust: boolean | number, forwarded: string | string[] | undefined, peer: string | undefined): string {
  if (trust === false) return peer ?? ''
  const list = String(forwarded ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  if (trust === true) return list[0] || peer || ''
  const chain = [peer ?? '', ...list.reverse()]
  return chain[Math.min(trust, chain.length - 1)] || peer || ''
}

function originAllowed(req: FastifyRequest, origin: string, allowed: string[]): boolean {
  if (allowed.includes(origin)) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

/**
 * Request logs. Fastify's own wrote two lines per request at info ("incoming request", "request
 * completed"): a send over HTTP cost 8-11% more server CPU at the default level than at warn (the
 * rooms bench, http NORMAL: 116 -> 125-130 µs per delivery). Now one line per request at debug,
 * and at warn when it took LOG_SLOW_REQUEST_MS or more, the path without its query string (a
 * GET's GraphQL variables are the client's business). Errors are logged as Fastify logs them.
 */
class RequestLog extends LogController {
  constructor(private slowMs: number) { super() }

  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply) {
    const ms = reply.elapsedTime
    if (error) { reply.log.error({ res: reply, err: error, responseTime: ms }, 'request errored'); return }
    const slow = ms >= this.slowMs
    if (!slow && !(reply.log as { isLevelEnabled?(level: string): boolean }).isLevelEnabled?.('debug')) return
    const q = req.url.indexOf('?')
    const line = { req: { method: req.method, url: q < 0 ? req.url : req.url.slice(0, q) }, res: { statusCode: reply.statusCode }, responseTime: ms }
    if (slow) reply.log.warn(line, 'slow request')
    else reply.log.debug(line, 'request completed')
  }
}

/** how long requests in flight at shutdown may go on before their connections are cut */
const HTTP_DRAIN_MS = 3000

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, ...(opts.logStream ? { stream: opts.logStream } : {}) },
    logController: new RequestLog(config.logSlowRequestMs),
    bodyLimit: config.limits.bodyBytes,
    // a number of proxies: the n nearest hops are trusted (clientIp does the same for sockets)
    trustProxy: typeof config.trustProxy === 'number' ? ((_addr: string, hop: number) => hop < (config.trustProxy as number)) : config.trustProxy,
    requestIdHeader: false,
    // a client that trickles its request (or its headers) is cut off: without these a body sent
    // one byte every few seconds held its connection open forever
    requestTimeout: config.limits.requestTimeoutMs,
    connectionTimeout: config.limits.connectionTimeoutMs,
    http: {
      // Node checks headersTimeout <= requestTimeout when it creates the server (Fastify sets the latter after)
      requestTimeout: config.limits.requestTimeoutMs,
      headersTimeout: Math.min(config.limits.headersTimeoutMs, config.limits.requestTimeoutMs),
      // how often Node looks for requests past those timeouts (its default, 30 s, would let a
      // request outlive a short timeout by that much)
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(Math.min(config.limits.headersTimeoutMs, config.limits.requestTimeoutMs) / 4))),
    },
  })

  // Security headers on every answer: the API, the web client, GraphiQL, errors and 404s.
  app.addHook('onSend', async (req, reply) => {
    reply.header('content-security-policy', contentSecurityPolicy(req.headers.host))
    reply.header('x-frame-options', 'DENY')
    reply.header('x-content-type-options', 'nosniff')
    reply.header('referrer-policy', 'no-referrer')
    // served over HTTPS (directly, or behind a trusted proxy that says so): browsers keep to it
    if (config.env === 'production' && req.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000')
  })

  // failures that must not stop anything are still logged: one line per kind per 10 s, with a count
  const reportError = rateLimitedErrors(app.log)
  // one SQLite file without Redis is one instance's (src/db/instance-lock.ts)
  const instanceLock = !config.redisUrl && !isPostgresUrl(config.databaseUrl) && config.databaseUrl !== ':memory:' ? lockSqliteInstance(config.databaseUrl) : null
  const database = openDatabase(config.databaseUrl, { synchronous: config.sqliteSynchronous, cacheMb: config.sqliteCacheMb, onError: (err) => reportError('database pool error', err) })
  try {
    await migrateToLatest(database.db)
  } catch (e) {
    await database.close()
    instanceLock?.release()
    throw e
  }

  let redisErrorLogged = 0
  const onRedisError = (e: Error) => {
    // one line per burst, not one per retry
    if (Date.now() - redisErrorLogged > 10_000) { redisErrorLogged = Date.now(); app.log.error({ err: e }, 'redis error') }
  }
  let pubsub: PubSub
  let store: SharedStore
  let limits: RateLimits
  if (config.redisUrl) {
    const prefix = opts.redisPrefix ?? config.redisPrefix
    const r = new RedisBackedPubSub(config.redisUrl, { prefix, onError: onRedisError, onHandlerError: reportError })
    pubsub = r
    store = new FallbackStore(new RedisStore(r.publisher, `${prefix}hearth:`), r.publisher)
    limits = new RateLimits(r.publisher, `${prefix}hearth:rl`)
    // start degraded rather than not at all when Redis is away: the database is the truth
    if (!(await r.connected(5000))) app.log.warn('Redis is not reachable yet; starting degraded')
  } else {
    pubsub = new MemoryPubSub({ onHandlerError: reportError })
    store = new MemoryStore()
    limits = new RateLimits()
  }

  let publishErrorLogged = 0
  const services = {
    config, log: app.log, database, pubsub, store, limits,
    events: new EventEmitter<DomainEvents>(),
    hidden: (viewerId: string, otherId: string) => services.friends.hidden(viewerId, otherId),
    async publish(topic: string, payload: unknown, opts?: PublishOptions) {
      try {
        // events follow their commit to disk (SQLite FULL): nobody hears of a write a power loss could undo
        await database.durable()
        await pubsub.publish(topic, payload, opts)
      } catch (e) {
        if (Date.now() - publishErrorLogged > 10_000) { publishErrorLogged = Date.now(); app.log.error({ err: e, topic }, 'publish failed') }
      }
    },
  } as unknown as Services
  services.auth = new AuthService(services)
  services.users = new UsersService(services)
  services.rooms = new RoomsService(services)
  services.typing = new TypingService(services)
  services.messages = new MessagesService(services)
  services.friends = new FriendsService(services)
  services.notifications = new NotificationsService(services)
  services.presence = new PresenceService(services)
  services.study = new StudyService(services)
  services.timers = new TimerService(services)
  services.signals = new SignalsService(services)
  services.calls = new CallsService(services)
  services.attachments = new AttachmentsService(services)

  // every subscription naming a room marks its viewer present there (room timer study sessions)
  const schema = buildAppSchema(withRoomPresence(() => services.study.roomPresence, [usersResolvers, authResolvers, roomsResolvers, messagesResolvers, studyResolvers, signalsResolvers, friendsResolvers, notificationsResolvers, presenceResolvers, attachmentsResolvers]))
  const gateway = new Gateway(services, schema)
  services.realtime = gateway
  services.presence.attach(gateway)
  services.calls.start()
  services.attachments.start()
  services.auth.start()
  services.messages.start()
  // control messages dropped while Redis was away: re-check what this instance holds open
  const recheck = new OutageRecheck(services, gateway)
  pubsub.onReconnect?.(() => {
    // revocations published meanwhile may be lost: no cached session is trusted any more
    services.auth.sessionCache.clear()
    void recheck.request()
  })
  await services.study.start()
  app.decorate('hearth', services)

  // Joined before serving when Redis is up; when it is away (started degraded) the subscribe
  // waits for it to come back, and must not hold up the start meanwhile.
  let offRevoked: (() => void) | null = null
  let closing = false
  const revocations = pubsub.subscribe(topics.sessionsRevoked(), (msg: { sessionId?: unknown }) => {
    if (typeof msg?.sessionId !== 'string') return
    services.auth.sessionCache.revoke(msg.sessionId)
    gateway.closeSession(msg.sessionId)
  }).then((off) => { if (closing) off(); else offRevoked = off }, (err) => { if (!closing) app.log.error({ err }, 'revocation channel failed') })
  if (pubsub.healthy()) await revocations

  await app.register(cookie)
  await app.register(mercurius, {
    schema,
    graphiql: false,
    subscription: false,
    allowBatchedQueries: false,
    csrfPrevention: true,
    validationRules: httpRules(config),
    graphql: { parseOptions: { maxTokens: config.limits.tokens } },
    context: async (req, reply): Promise<Omit<Ctx, 'reply'>> => {
      const ctx: Omit<Ctx, 'reply'> = {
        svc: services, viewer: null, tokenRejected: false, ip: req.ip,
        userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : null,
        loaders: new Loaders(),
      }
      const header = bearer(req)
      const cookieToken = req.cookies?.[SESSION_COOKIE]
      const token = header ?? cookieToken ?? null
      if (token !== null) {
        let found: Awaited<ReturnType<typeof services.auth.authenticate>> = null
        try {
          found = await services.auth.authenticate(token)
        } catch (e) {
          // thrown here, mercurius' error handler would rebuild the context, fail again and let
          // Fastify answer with the raw message: fail the operation instead, masked as internal
          ctx.authError = e
          return ctx
        }
        if (found) ctx.viewer = found.viewer
        else if (header !== null) ctx.tokenRejected = true
        else {
          // a stale cookie is a rejected token too (the contract: UNAUTHENTICATED for every
          // operation, `me` included), but it is dropped and signUp / logIn still work, so the
          // page that holds it can sign in again
          ctx.cookieRejected = true
          reply.clearCookie(SESSION_COOKIE, { path: '/' })
        }
      }
      return ctx
    },
    errorFormatter: (execution, ctx) => {
      // the request's logger carries the request id; one line per internal error
      const log = (ctx as { reply?: { log?: FastifyBaseLogger } })?.reply?.log ?? app.log
      // the request's document, read again only for a variable's error (where its value goes)
      let request: { document: DocumentNode | null; operationName?: string | null } | null = null
      const requestOf = () => {
        if (request) return request
        const req = (ctx as { reply?: { request?: { body?: unknown; query?: unknown } } })?.reply?.request
        const src = (req?.body && typeof req.body === 'object' ? req.body : req?.query) as { query?: unknown; operationName?: unknown } | undefined
        let document: DocumentNode | null = null
        try { if (typeof src?.query === 'string') document = parse(src.query, { maxTokens: config.limits.tokens }) } catch { document = null }
        request = { document, operationName: typeof src?.operationName === 'string' ? src.operationName : null }
        return request
      }
      // a body the client stopped sending (cut off by REQUEST_TIMEOUT_MS, or the client went
      // away) is the client's doing: one debug line, not an internal error a slow client could
      // fill the error log with
      const internal = (err: unknown) => {
        const e = (err as { originalError?: unknown })?.originalError ?? err
        if ((e as { code?: string })?.code === 'ECONNRESET' || (e as Error)?.message === 'aborted') log.debug({ err }, 'request body aborted')
        else log.error({ err }, 'internal error')
      }
      return formatErrors(execution as any, internal, config.env === 'production', requestOf)
    },
  })

  // page sizes given as variables: validation counted them at their least; the operation is
  // checked again with the variables it runs with (a refusal answers 400, as validation's do)
  app.graphql.addHook('preExecution', async (schema, document, _ctx, variables) => {
    const refused = checkCostWithVariables(schema, document, undefined, variables as Record<string, unknown> | undefined, config.limits.cost)
    if (refused) throw Object.assign(new Error(refused.message), { errors: [refused], statusCode: 400 })
  })

  // Before mercurius' own checks (its schema would coerce a number to a string and its
  // executor then failed as an internal error): the query must be a string, nested within bounds.
  app.addHook('preValidation', async (req, reply) => {
    if (req.routeOptions.url !== '/graphql') return
    const source = req.method === 'GET' ? req.query : req.body
    if (!source || typeof source !== 'object' || Array.isArray(source) || !('query' in source)) return
    const query = (source as { query?: unknown }).query
    if (query === undefined || query === null) return
    const refuse = (message: string, extensions: Record<string, unknown>) =>
      reply.code(400).send({ data: null, errors: [{ message, extensions }] })
    if (typeof query !== 'string') return refuse('Syntax Error: the query must be a GraphQL document in a string', { code: 'GRAPHQL_PARSE_FAILED' })
    // mercurius reads a query that fails to parse as a JSON syntax tree instead (`"5"`, `"{}"`,
    // a hand-built tree): an internal error in validation, or a document that skipped the
    // parser's limits. A GraphQL document is text; one that is JSON is refused as unparseable,
    // as the socket refuses it.
    if (isJsonText(query)) return refuse('Syntax Error: the query must be a GraphQL document, not JSON', { code: 'GRAPHQL_PARSE_FAILED' })
    if (nestingDepth(query) > MAX_NESTING) return refuse(TOO_DEEP, { code: 'GRAPHQL_PARSE_FAILED' })
  })

  // A single-use ticket (30 s) that signs a WebSocket in for the session of the request: the web
  // client's cookie is httpOnly, so the page never holds a token. Only the page's own origin
  // (or ALLOWED_ORIGINS) gets one; integrators may ask with their Bearer token, or keep sending
  // `authorization` in connection_init.
  app.post('/ws-ticket', async (req, reply) => {
    reply.header('cache-control', 'no-store')
    const origin = req.headers.origin
    if (origin !== undefined && !originAllowed(req, origin, config.allowedOrigins)) {
      return reply.code(403).send({ error: 'Forbidden', code: 'FORBIDDEN' })
    }
    const header = bearer(req)
    const cookieToken = req.cookies?.[SESSION_COOKIE]
    const token = header ?? cookieToken ?? null
    const unauthenticated = () => reply.code(401).send({ error: 'Unauthorized', code: 'UNAUTHENTICATED' })
    if (!token) return unauthenticated()
    let issued: Awaited<ReturnType<typeof gateway.tickets.issue>>
    try {
      issued = await gateway.tickets.issue(token)
    } catch (e) {
      if (e instanceof AppError && e.code === 'RATE_LIMITED') {
        const after = e.extra.retryAfterSeconds ?? 60
        return reply.code(429).header('retry-after', String(after)).send({ error: 'Too Many Requests', code: 'RATE_LIMITED', retryAfterSeconds: after })
      }
      req.log.error({ err: e }, 'internal error')
      return reply.code(500).send({ error: 'Internal server error', code: 'INTERNAL_SERVER_ERROR' })
    }
    if (!issued) {
      if (header === null) reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return unauthenticated()
    }
    return reply.send(issued)
  })

  await attachmentRoutes(app, services, (req, origin) => originAllowed(req, origin, config.allowedOrigins))

  app.get('/health', async (_req, reply) => {
    const db = await database.ping()
    const redis = config.redisUrl ? (pubsub.healthy() ? 'up' : 'down') : 'not configured'
    const status = !db ? 'down' : redis === 'down' ? 'degraded' : 'ok'
    return reply.code(db ? 200 : 503).send({ status, db: db ? 'up' : 'down', redis, pubsub: pubsub.kind, connections: gateway.size })
  })

  // The web client (built by `npm run build`) and GraphiQL, served from the same origin.
  const dist = config.webDistDir ? path.resolve(config.webDistDir) : null
  if (dist && !fs.existsSync(path.join(dist, 'index.html'))) {
    app.log.warn(`no web client at ${dist} (npm run build makes it; WEB_DIST_DIR= serves the API alone without this warning): serving the API alone`)
  }
  if (dist && fs.existsSync(path.join(dist, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: dist, prefix: '/', decorateReply: false, wildcard: false, index: false,
      // with GraphiQL off (production) its page must not be reachable as a plain file either
      allowedPath: (pathName) => config.graphiql || !/^\/graphiql\.html$/i.test(pathName),
    })
    const indexHtml = fs.readFileSync(path.join(dist, 'index.html'), 'utf8')
    const graphiqlHtml = fs.existsSync(path.join(dist, 'graphiql.html')) ? fs.readFileSync(path.join(dist, 'graphiql.html'), 'utf8') : null
    if (config.graphiql && graphiqlHtml) app.get('/graphiql', (_req, reply) => reply.type('text/html').send(graphiqlHtml))
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/graphql') && (req.headers.accept ?? '').includes('text/html')) {
        return reply.type('text/html').send(indexHtml)
      }
      return reply.code(404).send({ error: 'Not Found' })
    })
  }

  app.server.on('upgrade', (req, socket, head) => {
    const url = req.url ?? ''
    if (url === '/graphql' || url.startsWith('/graphql?')) {
      const ip = clientIp(config.trustProxy, req.headers['x-forwarded-for'], req.socket.remoteAddress)
      gateway.handleUpgrade(req, socket, head, ip)
    } else {
      socket.destroy()
    }
  })

  // Once shutdown begins, every answer still being written ends its connection. The HTTP server's
  // close() drops the connections that are idle at that moment, once; one whose answer (say, a
  // send waiting for its commit) went out after that would otherwise stay open until the
  // keep-alive timeout and hold the process past its shutdown bound.
  let draining = false
  app.addHook('onSend', async (_req, reply) => {
    if (draining) reply.header('connection', 'close')
  })
  // before the HTTP server closes: it would otherwise wait forever on the upgraded sockets
  app.addHook('preClose', async () => {
    draining = true
    // call participants reconnect elsewhere and keep their calls (leases cover those who do not)
    services.calls.drain()
    await gateway.shutdown()
    // while the store and pub/sub still work: this instance's users go OFFLINE unless online elsewhere
    await services.presence.shutdown()
    // the HTTP server's close waits for requests in flight, which REQUEST_TIMEOUT_MS lets run 30 s
    // (a slow upload): past a short grace they are cut, so the cleanup below runs and the process
    // exits cleanly within its bound (it was killed at the 10 s bound, its cleanup skipped)
    const cut = setTimeout(() => app.server.closeAllConnections(), HTTP_DRAIN_MS)
    cut.unref()
  })
  app.addHook('onClose', async () => {
    services.calls.stop()
    services.auth.stop()
    await services.study.stop()
    // reaction changes waiting for their tick get their event now, while the database is open
    await services.messages.flushReactionTicks()
    await services.messages.repo.searchIndex?.close()
    await services.attachments.stop()
    services.messages.streams.closeAll()
    closing = true
    offRevoked?.()
    await pubsub.close()
    await database.close()
    instanceLock?.release()
  })

  return app
}

/**
 * Whether `text` is JSON (which no GraphQL document is). Only text that could start JSON is
 * tried: a document opening with `{` and a field name (`{ me { id } }`) is not parsed twice.
 */
function isJsonText(text: string): boolean {
  const m = /^\s*([\s\S])\s*([\s\S]?)/.exec(text)
  if (!m) return false
  const [, first, second] = m
  if (first === '{' && second !== '"' && second !== '}') return false
  if (!'{["-0123456789tfn'.includes(first)) return false
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}
