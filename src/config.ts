// The one place that reads the environment. Everything else receives a Config.
export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  /** SQLite file path (or ':memory:') or a postgres:// URL */
  databaseUrl: string
  /** unset: in-process pub/sub and in-memory counters */
  redisUrl: string | null
  /** WebSocket Origin allow-list; empty = any origin */
  allowedOrigins: string[]
  /** signUp/logIn attempts per minute per client IP */
  authRateLimitPerIp: number
  /** failed logIns per username within 15 minutes (the window is fixed in auth.service.ts) */
  authRateLimitPerUser: number
  /** messages and signals per minute per user; 0 = off */
  sendRateLimitPerUser: number
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
  sessionTtlSeconds: number
  graphiql: boolean
  introspection: boolean
  /** SQLite `synchronous` pragma: FULL survives power loss, NORMAL only process crashes */
  sqliteSynchronous: 'FULL' | 'NORMAL'
  trustProxy: boolean
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
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>

function int(env: Env, name: string, def: number, min: number, max: number, problems: string[]): number {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return def
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`)
    return def
  }
  return n
}

function bool(env: Env, name: string, def: boolean, problems: string[]): boolean {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return def
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  problems.push(`${name} must be true or false (got "${raw}")`)
  return def
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export interface IceServer { urls: string[]; username: string | null; credential: string | null }

/** ICE_SERVERS: a JSON array of {urls, username?, credential?} (RTCIceServer), urls stun:, stuns:, turn: or turns: */
function iceServers(env: Env, problems: string[]): IceServer[] {
  const text = (env.ICE_SERVERS ?? '').trim()
  if (!text) return []
  const bad = (why: string) => { problems.push(`ICE_SERVERS ${why}`); return [] }
  let parsed: unknown
  try { parsed = JSON.parse(text) } catch { return bad('must be a JSON array of {"urls": ..., "username"?, "credential"?}') }
  if (!Array.isArray(parsed) || parsed.length > 20) return bad('must be a JSON array of at most 20 servers')
  const out: IceServer[] = []
  for (const e of parsed) {
    if (!e || typeof e !== 'object') return bad('entries must be objects')
    const { urls, username, credential } = e as Record<string, unknown>
    const list = typeof urls === 'string' ? [urls] : urls
    if (!Array.isArray(list) || !list.length || !list.every((u) => typeof u === 'string' && /^(stuns?|turns?):[^\s]{1,250}$/i.test(u))) {
      return bad('urls must be stun:, stuns:, turn: or turns: URLs')
    }
    if ((username !== undefined && typeof username !== 'string') || (credential !== undefined && typeof credential !== 'string')) {
      return bad('username and credential must be strings')
    }
    out.push({ urls: list as string[], username: (username as string | undefined) ?? null, credential: (credential as string | undefined) ?? null })
  }
  return out
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = []
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development'

  const databaseUrl = (env.DATABASE_URL ?? '').trim() || './data/hearth.db'
  if (/^[a-z]+:\/\//i.test(databaseUrl) && !/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    problems.push(`DATABASE_URL must be a SQLite file path or a postgres:// URL (got "${databaseUrl}")`)
  }
  const redisUrl = (env.REDIS_URL ?? '').trim() || null
  if (redisUrl && !/^rediss?:\/\//i.test(redisUrl)) problems.push(`REDIS_URL must start with redis:// or rediss:// (got "${redisUrl}")`)

  const allowedOrigins = (env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  for (const o of allowedOrigins) {
    if (!/^https?:\/\/[^/\s]+$/i.test(o)) problems.push(`ALLOWED_ORIGINS entries must look like https://host[:port] (got "${o}")`)
  }
  const logLevel = (env.LOG_LEVEL ?? '').trim() || (nodeEnv === 'test' ? 'silent' : 'info')
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`)
  const sync = ((env.SQLITE_SYNCHRONOUS ?? '').trim() || 'FULL').toUpperCase()
  if (sync !== 'FULL' && sync !== 'NORMAL') problems.push(`SQLITE_SYNCHRONOUS must be FULL or NORMAL (got "${sync}")`)

  const config: Config = {
    env: nodeEnv,
    port: int(env, 'PORT', 4000, 0, 65535, problems),
    host: (env.HOST ?? '').trim() || '127.0.0.1',
    databaseUrl,
    redisUrl,
    allowedOrigins,
    authRateLimitPerIp: int(env, 'AUTH_RATE_LIMIT_PER_IP', 30, 1, 1_000_000_000, problems),
    authRateLimitPerUser: int(env, 'AUTH_RATE_LIMIT_PER_USER', 10, 1, 1_000_000_000, problems),
    sendRateLimitPerUser: int(env, 'SEND_RATE_LIMIT_PER_USER', 600, 0, 1_000_000_000, problems),
    joinCodeRateLimit: int(env, 'JOIN_CODE_RATE_LIMIT', 20, 1, 1_000_000_000, problems),
    roomCreateRateLimit: int(env, 'ROOM_CREATE_RATE_LIMIT', 10, 1, 1_000_000_000, problems),
    roomJoinRateLimit: int(env, 'ROOM_JOIN_RATE_LIMIT', 30, 1, 1_000_000_000, problems),
    friendRequestRateLimit: int(env, 'FRIEND_REQUEST_RATE_LIMIT', 20, 1, 1_000_000_000, problems),
    studyRecordRateLimit: int(env, 'STUDY_RECORD_RATE_LIMIT', 20, 1, 1_000_000_000, problems),
    logLevel,
    sessionTtlSeconds: int(env, 'SESSION_TTL_DAYS', 30, 1, 3650, problems) * 86400,
    graphiql: bool(env, 'GRAPHIQL', nodeEnv !== 'production', problems),
    introspection: bool(env, 'INTROSPECTION', nodeEnv !== 'production', problems),
    sqliteSynchronous: sync === 'NORMAL' ? 'NORMAL' : 'FULL',
    trustProxy: bool(env, 'TRUST_PROXY', false, problems),
    // unset: web/dist; set but empty: no web client (the API alone)
    webDistDir: env.WEB_DIST_DIR === undefined ? 'web/dist' : env.WEB_DIST_DIR.trim() || null,
    iceServers: iceServers(env, problems),
    limits: {
      bodyBytes: int(env, 'BODY_LIMIT_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024, problems),
      queryDepth: int(env, 'QUERY_DEPTH_LIMIT', 10, 2, 100, problems),
      aliases: int(env, 'QUERY_ALIAS_LIMIT', 30, 1, 10_000, problems),
      directives: int(env, 'QUERY_DIRECTIVE_LIMIT', 30, 1, 10_000, problems),
      tokens: int(env, 'QUERY_TOKEN_LIMIT', 5000, 100, 1_000_000, problems),
      cost: int(env, 'QUERY_COST_LIMIT', 20_000, 100, 100_000_000, problems),
      wsMaxPayloadBytes: int(env, 'WS_MAX_PAYLOAD_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024, problems),
      wsInitTimeoutMs: int(env, 'WS_INIT_TIMEOUT_MS', 5000, 100, 600_000, problems),
      wsSubscriptionsPerSocket: int(env, 'WS_SUBSCRIPTIONS_PER_SOCKET', 100, 1, 100_000, problems),
      wsSocketsPerUser: int(env, 'WS_SOCKETS_PER_USER', 50, 1, 1_000_000, problems),
      wsSocketsPerIp: int(env, 'WS_SOCKETS_PER_IP', 200, 1, 10_000_000, problems),
      wsUnauthenticatedPerIp: int(env, 'WS_UNAUTHENTICATED_PER_IP', 20, 1, 10_000_000, problems),
      wsMaxBufferedBytes: int(env, 'WS_MAX_BUFFERED_BYTES', 4 * 1024 * 1024, 64 * 1024, 1024 * 1024 * 1024, problems),
      wsHeartbeatMs: int(env, 'WS_HEARTBEAT_MS', 20_000, 100, 600_000, problems),
      argon2Concurrency: int(env, 'ARGON2_CONCURRENCY', 4, 1, 256, problems),
      requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000, problems),
      headersTimeoutMs: int(env, 'HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000, problems),
      connectionTimeoutMs: int(env, 'CONNECTION_TIMEOUT_MS', 60_000, 100, 3_600_000, problems),
    },
    presence: {
      leaseTtlMs: int(env, 'PRESENCE_LEASE_TTL_MS', 60_000, 1000, 3_600_000, problems),
      heartbeatMs: int(env, 'PRESENCE_HEARTBEAT_MS', 20_000, 100, 3_600_000, problems),
      offlineGraceMs: int(env, 'PRESENCE_OFFLINE_GRACE_MS', 2000, 0, 60_000, problems),
      idleAwayMs: int(env, 'PRESENCE_IDLE_AWAY_MS', 10 * 60_000, 1000, 86_400_000, problems),
    },
    typingTtlMs: int(env, 'TYPING_TTL_MS', 6000, 500, 60_000, problems),
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  return { ...config, ...overrides, limits: { ...config.limits, ...overrides.limits }, presence: { ...config.presence, ...overrides.presence } }
}
