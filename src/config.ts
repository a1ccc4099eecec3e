// The one place that reads the environment. Everything else receives a Config.
//
// The variables are declared once, as a zod schema (ENV below): each one's type, default, range
// and the one line it reports when its value is bad. zod rather than env-schema or @fastify/env:
// those are JSON Schema read by ajv, whose type coercion is not ours (a blank value is not "unset",
// `yes`/`on` are not booleans), whose messages are ajv's ("must be <= 65535", without the value
// given) joined for all variables, and which cannot express a list split on commas, a JSON
// variable checked entry by entry, or defaults that follow NODE_ENV; @fastify/env also needs the
// Fastify instance, while the config is read before there is one (server.ts, db:migrate).
import { z } from 'zod'

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  /** SQLite file path (or ':memory:') or a postgres:// URL */
  databaseUrl: string
  /** unset: in-process pub/sub and in-memory counters */
  redisUrl: string | null
  redisPrefix: string
  /**
   * with Redis (several instances): how often open room streams compare their position with the
   * database, finding events an instance stored and died before publishing (not read from the
   * environment; tests set it)
   */
  streamSweepMs: number
  /**
   * how long a reaction change's event may be owed before any instance writes it (its own instance
   * died within the tick), and how often each instance looks (not read from the environment)
   */
  reactionSweepMs: number
  /** WebSocket Origin allow-list; empty = any origin */
  allowedOrigins: string[]
  /** signUp/logIn attempts per minute per client IP */
  authRateLimitPerIp: number
  /** failed logIns per username within 15 minutes (the window is fixed in auth.service.ts) */
  authRateLimitPerUser: number
  /**
   * per minute per user, for each of: messages, signals, call actions, typing, presence changes,
   * timer actions and profile edits (each its own bucket); 0 = off, and the per-user flood buckets
   * below are off with it
   */
  sendRateLimitPerUser: number
  /** reaction changes to one message within this many ms share one REACTIONS_CHANGED event; 0 = one event per change */
  reactionTickMs: number
  /** SQLite: how long a stored message may wait for the full-text index when nobody searches (a search indexes what waits first) */
  searchIndexDelayMs: number
  /** wrong join codes per minute per user */
  joinCodeRateLimit: number
  /** createRoom per minute per user; off when sendRateLimitPerUser is 0 */
  roomCreateRateLimit: number
  /** joinRoom + leaveRoom per minute per user; off when sendRateLimitPerUser is 0 */
  roomJoinRateLimit: number
  /** sendFriendRequest + cancelFriendRequest per minute per user; off when sendRateLimitPerUser is 0 */
  friendRequestRateLimit: number
  /** recordStudySession per minute per user; off when sendRateLimitPerUser is 0 */
  studyRecordRateLimit: number
  logLevel: string
  /** a request that took at least this long is logged at warn; every request is logged at debug */
  logSlowRequestMs: number
  sessionTtlSeconds: number
  graphiql: boolean
  introspection: boolean
  /** SQLite `synchronous` pragma: FULL survives power loss, NORMAL only process crashes */
  sqliteSynchronous: 'FULL' | 'NORMAL'
  /** SQLite page cache of the main connection, in MiB (a ceiling: it fills as pages are read) */
  sqliteCacheMb: number
  /** SQLite: how long a send under load waits for others to share its group commit, in ms (0: none; every turn of the event loop commits) */
  sqliteGroupCommitMs: number
  /** false: the socket's address; true: the first X-Forwarded-For entry; a number: that many proxies in front are trusted */
  trustProxy: boolean | number
  webDistDir: string | null
  /** STUN/TURN servers handed to signed-in clients for calls; empty = host candidates only (one network) */
  iceServers: IceServer[]
  limits: {
    bodyBytes: number
    queryDepth: number
    aliases: number
    directives: number
    tokens: number
    /** estimated field resolutions per operation (page sizes multiply) */
    cost: number
    wsMaxPayloadBytes: number
    wsInitTimeoutMs: number
    wsSubscriptionsPerSocket: number
    wsSocketsPerUser: number
    wsSocketsPerIp: number
    /** sockets per client IP that are not signed in yet (or never: anonymous) */
    wsUnauthenticatedPerIp: number
    wsMaxBufferedBytes: number
    wsHeartbeatMs: number
    argon2Concurrency: number
    /** time to receive a whole HTTP request, headers and body (408 / connection closed) */
    requestTimeoutMs: number
    /** time to receive an HTTP request's headers */
    headersTimeoutMs: number
    /** an HTTP connection with no traffic either way is closed after this */
    connectionTimeoutMs: number
  }
  presence: {
    leaseTtlMs: number
    heartbeatMs: number
    offlineGraceMs: number
    idleAwayMs: number
  }
  typingTtlMs: number
  uploads: {
    /** the largest upload kept (POST /uploads answers 413 beyond) */
    maxBytes: number
    /** uploads per minute per user; 0 = off */
    rateLimit: number
    /** how often unsent uploads older than 24 hours are swept */
    sweepIntervalMs: number
  }
}

export interface IceServer { urls: string[]; username: string | null; credential: string | null }

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>
type NodeEnv = Config['env']

/** a variable set to blank counts as unset */
const unsetIfBlank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v)

/** a whole number from min to max, read as Number() reads it (so " 42 ", "1e3" and "0x10" are numbers) */
const int = (def: number, min: number, max: number) => z.preprocess(unsetIfBlank, z.string()
  .refine((raw) => { const n = Number(raw); return Number.isInteger(n) && n >= min && n <= max },
    { error: (iss) => `must be a whole number from ${min} to ${max} (got "${String(iss.input)}")` })
  .transform(Number)
  .default(def))

const bool = (def: boolean) => z.preprocess(unsetIfBlank, z.stringbool({
  truthy: ['1', 'true', 'yes', 'on'], falsy: ['0', 'false', 'no', 'off'], case: 'insensitive',
  error: (iss) => `must be true or false (got "${String(iss.input)}")`,
}).default(def))

/** trimmed; blank or unset: the default */
const text = <T extends z.ZodType<unknown, string>, D extends z.output<T> | null>(def: D, check: T) =>
  z.preprocess(unsetIfBlank, z.string().trim().pipe(check).optional()).transform((v): z.output<T> | D => (v === undefined ? def : v))

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

const ICE_URL = /^(stuns?|turns?):[^\s]{1,250}$/i
const ICE_URLS_ERROR = 'urls must be stun:, stuns:, turn: or turns: URLs'
const ICE_CREDENTIAL_ERROR = 'username and credential must be strings'
/** RTCIceServer: {urls, username?, credential?}, urls one or a list of stun:, stuns:, turn: or turns: URLs */
const iceServerList = z.array(z.object({
  urls: z.union([z.string().transform((u) => [u]), z.array(z.unknown())], { error: ICE_URLS_ERROR })
    .pipe(z.array(z.string({ error: ICE_URLS_ERROR }).regex(ICE_URL, { error: ICE_URLS_ERROR })).min(1, { error: ICE_URLS_ERROR })),
  username: z.string({ error: ICE_CREDENTIAL_ERROR }).optional().transform((v) => v ?? null),
  credential: z.string({ error: ICE_CREDENTIAL_ERROR }).optional().transform((v) => v ?? null),
}, { error: 'entries must be objects' })
  // a browser refuses a TURN server without both (RTCPeerConnection throws): no call could start
  .refine((e) => !e.urls.some((u) => /^turns?:/i.test(u)) || (e.username !== null && e.credential !== null), { error: 'a turn: or turns: server needs a username and a credential' }),
{ error: 'must be a JSON array of at most 20 servers' })
  .max(20, { error: 'must be a JSON array of at most 20 servers' })

/** anything but production or test is development */
const NODE_ENV = z.enum(['development', 'production', 'test']).catch('development')

/**
 * Every variable: its type, its default, its range and the line it reports when bad. A bad value
 * is one line (the first problem in it), an ALLOWED_ORIGINS entry one line each; the lines come in
 * this order.
 */
const envSchema = (nodeEnv: NodeEnv) => z.object({
  NODE_ENV,
  /** SQLite file path (or ':memory:'; `sqlite:` and `file:` before it are allowed) or a postgres:// URL */
  DATABASE_URL: text('./data/hearth.db', z.string()
    // sqlite:/var/x.db was taken as a relative path: a folder named "sqlite:" in the working directory
    .transform((u) => u.replace(/^(sqlite|file):(\/\/(?=[/.~]))?/i, ''))
    .refine((u) => u.length > 0 && (!/^[a-z][a-z0-9+.-]+:/i.test(u) || /^postgres(ql)?:\/\//i.test(u)),
      { error: (iss) => `must be a SQLite file path or a postgres:// URL (got "${String(iss.input)}")` })),
  REDIS_PREFIX: text('', z.string().regex(/^[A-Za-z0-9_.:-]{0,64}$/, { error: 'letters, digits and _ . : - only, at most 64' })),
  REDIS_URL: text(null, z.string().regex(/^rediss?:\/\//i, { error: (iss) => `must start with redis:// or rediss:// (got "${String(iss.input)}")` })),
  ALLOWED_ORIGINS: z.string().default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/i, { error: (iss) => `entries must look like https://host[:port] (got "${String(iss.input)}")` }))),
  LOG_LEVEL: text(nodeEnv === 'test' ? 'silent' : 'info',
    z.enum(LOG_LEVELS, { error: (iss) => `must be one of ${LOG_LEVELS.join(', ')} (got "${String(iss.input)}")` })),
  LOG_SLOW_REQUEST_MS: int(1000, 0, 3_600_000),
  SQLITE_SYNCHRONOUS: text('FULL', z.string().toUpperCase().pipe(z.enum(['FULL', 'NORMAL'], { error: (iss) => `must be FULL or NORMAL (got "${String(iss.input)}")` }))),
  SQLITE_CACHE_MB: int(256, 2, 65536),
  SQLITE_GROUP_COMMIT_MS: int(1, 0, 10_000),
  PORT: int(4000, 0, 65535),
  HOST: text('127.0.0.1', z.string()),
  AUTH_RATE_LIMIT_PER_IP: int(30, 1, 1_000_000_000),
  AUTH_RATE_LIMIT_PER_USER: int(10, 1, 1_000_000_000),
  SEND_RATE_LIMIT_PER_USER: int(600, 0, 1_000_000_000),
  REACTION_TICK_MS: int(100, 0, 5000),
  SEARCH_INDEX_DELAY_MS: int(200, 0, 3_600_000),
  JOIN_CODE_RATE_LIMIT: int(20, 1, 1_000_000_000),
  ROOM_CREATE_RATE_LIMIT: int(10, 1, 1_000_000_000),
  ROOM_JOIN_RATE_LIMIT: int(30, 1, 1_000_000_000),
  FRIEND_REQUEST_RATE_LIMIT: int(20, 1, 1_000_000_000),
  STUDY_RECORD_RATE_LIMIT: int(20, 1, 1_000_000_000),
  SESSION_TTL_DAYS: int(30, 1, 3650),
  GRAPHIQL: bool(nodeEnv !== 'production'),
  INTROSPECTION: bool(nodeEnv !== 'production'),
  TRUST_PROXY: bool(false),
  TRUST_PROXY_HOPS: int(0, 0, 10),
  /** unset: web/dist; set but empty: no web client (the API alone) */
  WEB_DIST_DIR: z.string().optional().transform((dir) => (dir === undefined ? 'web/dist' : dir.trim() || null)),
  /** a JSON array of RTCIceServer; one line for the first problem in it */
  ICE_SERVERS: text([], z.string().transform((json, ctx) => {
    let parsed: unknown
    try { parsed = JSON.parse(json) } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {"urls": ..., "username"?, "credential"?}' })
      return z.NEVER
    }
    const list = iceServerList.safeParse(parsed)
    if (!list.success) { ctx.addIssue({ code: 'custom', message: list.error.issues[0].message }); return z.NEVER }
    return list.data
  })),
  BODY_LIMIT_BYTES: int(256 * 1024, 1024, 64 * 1024 * 1024),
  QUERY_DEPTH_LIMIT: int(10, 2, 100),
  QUERY_ALIAS_LIMIT: int(30, 1, 10_000),
  QUERY_DIRECTIVE_LIMIT: int(30, 1, 10_000),
  QUERY_TOKEN_LIMIT: int(5000, 100, 1_000_000),
  QUERY_COST_LIMIT: int(20_000, 100, 100_000_000),
  WS_MAX_PAYLOAD_BYTES: int(256 * 1024, 1024, 64 * 1024 * 1024),
  WS_INIT_TIMEOUT_MS: int(5000, 100, 600_000),
  WS_SUBSCRIPTIONS_PER_SOCKET: int(100, 1, 100_000),
  WS_SOCKETS_PER_USER: int(50, 1, 1_000_000),
  WS_SOCKETS_PER_IP: int(200, 1, 10_000_000),
  WS_UNAUTHENTICATED_PER_IP: int(20, 1, 10_000_000),
  WS_MAX_BUFFERED_BYTES: int(4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024),
  WS_HEARTBEAT_MS: int(20_000, 100, 600_000),
  ARGON2_CONCURRENCY: int(4, 1, 256),
  REQUEST_TIMEOUT_MS: int(30_000, 100, 3_600_000),
  HEADERS_TIMEOUT_MS: int(10_000, 100, 3_600_000),
  CONNECTION_TIMEOUT_MS: int(60_000, 100, 3_600_000),
  PRESENCE_LEASE_TTL_MS: int(60_000, 1000, 3_600_000),
  PRESENCE_HEARTBEAT_MS: int(20_000, 100, 3_600_000),
  PRESENCE_OFFLINE_GRACE_MS: int(2000, 0, 60_000),
  PRESENCE_IDLE_AWAY_MS: int(10 * 60_000, 1000, 86_400_000),
  TYPING_TTL_MS: int(6000, 500, 60_000),
  MAX_UPLOAD_BYTES: int(10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  UPLOAD_RATE_LIMIT: int(30, 0, 1_000_000_000),
  UPLOAD_SWEEP_INTERVAL_MS: int(10 * 60_000, 1000, 86_400_000),
})

export function loadConfig(source: Env = process.env, overrides: Partial<Config> = {}): Config {
  // the defaults of LOG_LEVEL, GRAPHIQL and INTROSPECTION follow NODE_ENV
  const nodeEnv = NODE_ENV.parse(source.NODE_ENV)
  const parsed = envSchema(nodeEnv).safeParse(source)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((iss) => `${String(iss.path[0])} ${iss.message}`)
    throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  }
  const env = parsed.data
  const config: Config = {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX,
    streamSweepMs: 2000,
    reactionSweepMs: 2000,
    allowedOrigins: env.ALLOWED_ORIGINS,
    authRateLimitPerIp: env.AUTH_RATE_LIMIT_PER_IP,
    authRateLimitPerUser: env.AUTH_RATE_LIMIT_PER_USER,
    sendRateLimitPerUser: env.SEND_RATE_LIMIT_PER_USER,
    reactionTickMs: env.REACTION_TICK_MS,
    searchIndexDelayMs: env.SEARCH_INDEX_DELAY_MS,
    joinCodeRateLimit: env.JOIN_CODE_RATE_LIMIT,
    roomCreateRateLimit: env.ROOM_CREATE_RATE_LIMIT,
    roomJoinRateLimit: env.ROOM_JOIN_RATE_LIMIT,
    friendRequestRateLimit: env.FRIEND_REQUEST_RATE_LIMIT,
    studyRecordRateLimit: env.STUDY_RECORD_RATE_LIMIT,
    logLevel: env.LOG_LEVEL,
    logSlowRequestMs: env.LOG_SLOW_REQUEST_MS,
    sessionTtlSeconds: env.SESSION_TTL_DAYS * 86400,
    graphiql: env.GRAPHIQL,
    introspection: env.INTROSPECTION,
    sqliteSynchronous: env.SQLITE_SYNCHRONOUS,
    sqliteCacheMb: env.SQLITE_CACHE_MB,
    sqliteGroupCommitMs: env.SQLITE_GROUP_COMMIT_MS,
    // behind proxies that append to X-Forwarded-For, the client picks its first entry: count the
    // proxies instead, and the address the nearest of them saw is the client's
    trustProxy: env.TRUST_PROXY_HOPS > 0 ? env.TRUST_PROXY_HOPS : env.TRUST_PROXY,
    webDistDir: env.WEB_DIST_DIR,
    iceServers: env.ICE_SERVERS,
    limits: {
      bodyBytes: env.BODY_LIMIT_BYTES,
      queryDepth: env.QUERY_DEPTH_LIMIT,
      aliases: env.QUERY_ALIAS_LIMIT,
      directives: env.QUERY_DIRECTIVE_LIMIT,
      tokens: env.QUERY_TOKEN_LIMIT,
      cost: env.QUERY_COST_LIMIT,
      wsMaxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
      wsInitTimeoutMs: env.WS_INIT_TIMEOUT_MS,
      wsSubscriptionsPerSocket: env.WS_SUBSCRIPTIONS_PER_SOCKET,
      wsSocketsPerUser: env.WS_SOCKETS_PER_USER,
      wsSocketsPerIp: env.WS_SOCKETS_PER_IP,
      wsUnauthenticatedPerIp: env.WS_UNAUTHENTICATED_PER_IP,
      wsMaxBufferedBytes: env.WS_MAX_BUFFERED_BYTES,
      wsHeartbeatMs: env.WS_HEARTBEAT_MS,
      argon2Concurrency: env.ARGON2_CONCURRENCY,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: env.HEADERS_TIMEOUT_MS,
      connectionTimeoutMs: env.CONNECTION_TIMEOUT_MS,
    },
    presence: {
      leaseTtlMs: env.PRESENCE_LEASE_TTL_MS,
      heartbeatMs: env.PRESENCE_HEARTBEAT_MS,
      offlineGraceMs: env.PRESENCE_OFFLINE_GRACE_MS,
      idleAwayMs: env.PRESENCE_IDLE_AWAY_MS,
    },
    typingTtlMs: env.TYPING_TTL_MS,
    uploads: {
      maxBytes: env.MAX_UPLOAD_BYTES,
      rateLimit: env.UPLOAD_RATE_LIMIT,
      sweepIntervalMs: env.UPLOAD_SWEEP_INTERVAL_MS,
    },
  }
  return {
    ...config, ...overrides,
    limits: { ...config.limits, ...overrides.limits },
    presence: { ...config.presence, ...overrides.presence },
    uploads: { ...config.uploads, ...overrides.uploads },
  }
}
