// loadConfig: the defaults, how values are read, and one line per bad value naming the variable
// and what it got. Written against the hand-rolled reader and kept when it moved to a zod schema:
// the move changed none of this.
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'

/** the message loadConfig throws for `env`, or null when it does not throw */
function problems(env: Record<string, string>): string[] | null {
  try {
    loadConfig(env)
    return null
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError)
    const [head, ...lines] = (e as Error).message.split('\n')
    expect(head).toBe('Invalid configuration:')
    return lines.map((l) => l.replace(/^ {2}- /, ''))
  }
}

describe('loadConfig', () => {
  it('gives these defaults with nothing set', () => {
    expect(loadConfig({})).toEqual({
      env: 'development',
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: './data/hearth.db',
      redisUrl: null,
      redisPrefix: '',
      streamSweepMs: 2000,
      reactionSweepMs: 2000,
      allowedOrigins: [],
      authRateLimitPerIp: 30,
      authRateLimitPerUser: 10,
      sendRateLimitPerUser: 600,
      reactionTickMs: 100,
      searchIndexDelayMs: 200,
      joinCodeRateLimit: 20,
      roomCreateRateLimit: 10,
      roomJoinRateLimit: 30,
      friendRequestRateLimit: 20,
      studyRecordRateLimit: 20,
      logLevel: 'info',
      logSlowRequestMs: 1000,
      sessionTtlSeconds: 30 * 86400,
      graphiql: true,
      introspection: true,
      sqliteSynchronous: 'FULL', sqliteCacheMb: 256, sqliteGroupCommitMs: 1,
      trustProxy: false,
      webDistDir: 'web/dist',
      iceServers: [],
      limits: {
        bodyBytes: 262144,
        queryDepth: 10,
        aliases: 30,
        directives: 30,
        tokens: 5000,
        cost: 20000,
        wsMaxPayloadBytes: 262144,
        wsInitTimeoutMs: 5000,
        wsSubscriptionsPerSocket: 100,
        wsSocketsPerUser: 50,
        wsSocketsPerIp: 200,
        wsUnauthenticatedPerIp: 20,
        wsMaxBufferedBytes: 4194304,
        wsHeartbeatMs: 20000,
        argon2Concurrency: 4,
        requestTimeoutMs: 30000,
        headersTimeoutMs: 10000,
        connectionTimeoutMs: 60000,
      },
      presence: { leaseTtlMs: 60000, heartbeatMs: 20000, offlineGraceMs: 2000, idleAwayMs: 600000 },
      typingTtlMs: 6000,
      uploads: { maxBytes: 10 * 1024 * 1024, rateLimit: 30, sweepIntervalMs: 600_000 },
    })
  })

  it('NODE_ENV picks the defaults that depend on it; anything else is development', () => {
    const prod = loadConfig({ NODE_ENV: 'production' })
    expect([prod.env, prod.graphiql, prod.introspection, prod.logLevel]).toEqual(['production', false, false, 'info'])
    const test = loadConfig({ NODE_ENV: 'test' })
    expect([test.env, test.graphiql, test.introspection, test.logLevel]).toEqual(['test', true, true, 'silent'])
    expect(loadConfig({ NODE_ENV: 'staging' }).env).toBe('development')
    expect(loadConfig({ NODE_ENV: 'Production' }).env).toBe('development')
    expect(loadConfig({ NODE_ENV: 'production', GRAPHIQL: 'on', INTROSPECTION: 'YES', LOG_LEVEL: 'debug' })).toMatchObject({ graphiql: true, introspection: true, logLevel: 'debug' })
  })

  it('reads values as before: blank is unset, numbers as Number() reads them, booleans in words, lists split on commas', () => {
    const c = loadConfig({
      PORT: ' 8080 ', HOST: ' 0.0.0.0 ', QUERY_DEPTH_LIMIT: '1e1', BODY_LIMIT_BYTES: '0x800', TYPING_TTL_MS: '   ',
      SESSION_TTL_DAYS: '2', TRUST_PROXY: 'Yes', GRAPHIQL: '0', INTROSPECTION: 'off', SEND_RATE_LIMIT_PER_USER: '0',
      DATABASE_URL: '  postgresql://u@h/db  ', REDIS_URL: ' rediss://r:6380 ', SQLITE_SYNCHRONOUS: ' normal ', SQLITE_CACHE_MB: '64',
      LOG_LEVEL: ' warn ', ALLOWED_ORIGINS: ' https://a.example , ,http://b.example:8080,', PRESENCE_OFFLINE_GRACE_MS: '0',
    })
    expect(c).toMatchObject({
      port: 8080, host: '0.0.0.0', sessionTtlSeconds: 2 * 86400, trustProxy: true, graphiql: false, introspection: false,
      sendRateLimitPerUser: 0, databaseUrl: 'postgresql://u@h/db', redisUrl: 'rediss://r:6380', sqliteSynchronous: 'NORMAL', sqliteCacheMb: 64,
      logLevel: 'warn', allowedOrigins: ['https://a.example', 'http://b.example:8080'],
    })
    expect(c.limits).toMatchObject({ queryDepth: 10, bodyBytes: 2048 })
    expect(c.presence.offlineGraceMs).toBe(0)
    expect(c.typingTtlMs).toBe(6000)
    expect(loadConfig({ DATABASE_URL: ':memory:' }).databaseUrl).toBe(':memory:')
    expect(loadConfig({ DATABASE_URL: '/var/lib/hearth/h.db' }).databaseUrl).toBe('/var/lib/hearth/h.db')
    // the scheme other tools write before a SQLite path: before, "sqlite:" became a folder in the working directory
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/hearth/h.db' }).databaseUrl).toBe('/var/lib/hearth/h.db')
    expect(loadConfig({ DATABASE_URL: 'sqlite:///var/lib/hearth/h.db' }).databaseUrl).toBe('/var/lib/hearth/h.db')
    expect(loadConfig({ DATABASE_URL: 'sqlite://./data/h.db' }).databaseUrl).toBe('./data/h.db')
    expect(loadConfig({ DATABASE_URL: 'file:./h.db' }).databaseUrl).toBe('./h.db')
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).databaseUrl).toBe(':memory:')
    expect(() => loadConfig({ DATABASE_URL: 'mysql:/x' })).toThrow('DATABASE_URL must be a SQLite file path or a postgres:// URL (got "mysql:/x")')
    expect(loadConfig({ ICE_SERVERS: '[{"urls":"STUN:s.example:3478","extra":1},{"urls":["turn:t.example"],"username":"u","credential":"c"}]' }).iceServers).toEqual([
      { urls: ['STUN:s.example:3478'], username: null, credential: null },
      { urls: ['turn:t.example'], username: 'u', credential: 'c' },
    ])
  })

  it('overrides win over the environment, limits and presence field by field', () => {
    const c = loadConfig({ PORT: '5000', WS_HEARTBEAT_MS: '1000' }, { port: 0, webDistDir: null, limits: { wsInitTimeoutMs: 250 } as never })
    expect(c.port).toBe(0)
    expect(c.webDistDir).toBeNull()
    expect(c.limits.wsInitTimeoutMs).toBe(250)
    expect(c.limits.wsHeartbeatMs).toBe(1000)
    expect(c.limits.queryDepth).toBe(10)
  })

  it.each([
    ['PORT', '65536', 'PORT must be a whole number from 0 to 65535 (got "65536")'],
    ['PORT', 'eighty', 'PORT must be a whole number from 0 to 65535 (got "eighty")'],
    ['PORT', ' 1.5', 'PORT must be a whole number from 0 to 65535 (got " 1.5")'],
    ['AUTH_RATE_LIMIT_PER_IP', '0', 'AUTH_RATE_LIMIT_PER_IP must be a whole number from 1 to 1000000000 (got "0")'],
    ['SEND_RATE_LIMIT_PER_USER', '-1', 'SEND_RATE_LIMIT_PER_USER must be a whole number from 0 to 1000000000 (got "-1")'],
    ['SESSION_TTL_DAYS', '3651', 'SESSION_TTL_DAYS must be a whole number from 1 to 3650 (got "3651")'],
    ['QUERY_DEPTH_LIMIT', '1', 'QUERY_DEPTH_LIMIT must be a whole number from 2 to 100 (got "1")'],
    ['PRESENCE_OFFLINE_GRACE_MS', '60001', 'PRESENCE_OFFLINE_GRACE_MS must be a whole number from 0 to 60000 (got "60001")'],
    ['TYPING_TTL_MS', '499', 'TYPING_TTL_MS must be a whole number from 500 to 60000 (got "499")'],
    ['GRAPHIQL', 'maybe', 'GRAPHIQL must be true or false (got "maybe")'],
    ['TRUST_PROXY', ' true', 'TRUST_PROXY must be true or false (got " true")'],
    ['DATABASE_URL', ' mysql://x/y ', 'DATABASE_URL must be a SQLite file path or a postgres:// URL (got "mysql://x/y")'],
    ['REDIS_URL', 'http://r', 'REDIS_URL must start with redis:// or rediss:// (got "http://r")'],
    ['LOG_LEVEL', ' verbose ', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")'],
    ['LOG_LEVEL', 'INFO', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "INFO")'],
    ['LOG_SLOW_REQUEST_MS', '-1', 'LOG_SLOW_REQUEST_MS must be a whole number from 0 to 3600000 (got "-1")'],
    ['SQLITE_SYNCHRONOUS', 'off', 'SQLITE_SYNCHRONOUS must be FULL or NORMAL (got "OFF")'],
    ['SQLITE_CACHE_MB', '1', 'SQLITE_CACHE_MB must be a whole number from 2 to 65536 (got "1")'],
    ['ICE_SERVERS', '{', 'ICE_SERVERS must be a JSON array of {"urls": ..., "username"?, "credential"?}'],
    ['ICE_SERVERS', '{"urls":"stun:x"}', 'ICE_SERVERS must be a JSON array of at most 20 servers'],
    ['ICE_SERVERS', JSON.stringify(Array.from({ length: 21 }, () => ({ urls: 'stun:x' }))), 'ICE_SERVERS must be a JSON array of at most 20 servers'],
    ['ICE_SERVERS', '[{"urls":"stun:x"}, null]', 'ICE_SERVERS entries must be objects'],
    ['ICE_SERVERS', '[{"urls":"stun:x"}, "stun:y"]', 'ICE_SERVERS entries must be objects'],
    // (the hand-rolled reader said "urls must be ..." for an entry that is a list)
    ['ICE_SERVERS', '[["stun:x"]]', 'ICE_SERVERS entries must be objects'],
    ['ICE_SERVERS', '[{"urls":[]}]', 'ICE_SERVERS urls must be stun:, stuns:, turn: or turns: URLs'],
    ['ICE_SERVERS', '[{"urls":"http://x"}]', 'ICE_SERVERS urls must be stun:, stuns:, turn: or turns: URLs'],
    // a browser throws for a TURN server without both: no call could start
    ['ICE_SERVERS', '[{"urls":"turn:t.example"}]', 'ICE_SERVERS a turn: or turns: server needs a username and a credential'],
    ['ICE_SERVERS', '[{"urls":["stun:s.example","turns:t.example"],"username":"u"}]', 'ICE_SERVERS a turn: or turns: server needs a username and a credential'],
    ['ICE_SERVERS', '[{"urls":["stun:x", 5]}]', 'ICE_SERVERS urls must be stun:, stuns:, turn: or turns: URLs'],
    ['ICE_SERVERS', '[{"urls":"stun:x","username":null}]', 'ICE_SERVERS username and credential must be strings'],
    ['ICE_SERVERS', '[{"urls":"stun:x","credential":5}]', 'ICE_SERVERS username and credential must be strings'],
  ])('refuses %s=%j with one line', (name, value, line) => {
    expect(problems({ [name]: value })).toEqual([line])
  })

  it('lists every bad value, one line each, in the order of the declaration', () => {
    expect(problems({
      TYPING_TTL_MS: '1', ICE_SERVERS: '[{"urls":"x"},{"nope":1}]', PORT: '-1', GRAPHIQL: '2', ALLOWED_ORIGINS: 'ftp://a, https://ok.example, https://b/path',
      SQLITE_SYNCHRONOUS: 'sometimes', DATABASE_URL: 'redis://x', LOG_LEVEL: 'loud', REDIS_URL: 'r', WS_HEARTBEAT_MS: '99',
    })).toEqual([
      'DATABASE_URL must be a SQLite file path or a postgres:// URL (got "redis://x")',
      'REDIS_URL must start with redis:// or rediss:// (got "r")',
      'ALLOWED_ORIGINS entries must look like https://host[:port] (got "ftp://a")',
      'ALLOWED_ORIGINS entries must look like https://host[:port] (got "https://b/path")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'SQLITE_SYNCHRONOUS must be FULL or NORMAL (got "SOMETIMES")',
      'PORT must be a whole number from 0 to 65535 (got "-1")',
      'GRAPHIQL must be true or false (got "2")',
      'ICE_SERVERS urls must be stun:, stuns:, turn: or turns: URLs',
      'WS_HEARTBEAT_MS must be a whole number from 100 to 600000 (got "99")',
      'TYPING_TTL_MS must be a whole number from 500 to 60000 (got "1")',
    ])
  })
})
