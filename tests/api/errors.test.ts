// Error codes at the edges and masking of internal failures: a client never sees SQL or a stack.
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { PG_URL, freshPgDatabase, startApp, tempSqlitePath, type TestApp } from '../helpers/app.js'
import { SIGN_UP, gql, ok, signUp, sleep, uniqueName } from '../helpers/client.js'

const opened: (() => Promise<void>)[] = []
afterEach(async () => { for (const f of opened.splice(0).reverse()) await f() })

async function app(databaseUrl?: string): Promise<TestApp> {
  const t = await startApp(databaseUrl ? { databaseUrl } : {})
  opened.push(() => t.close())
  return t
}

/** Nothing in an answer may tell how the server is built. */
function expectNoLeak(text: string) {
  expect(text).not.toMatch(/select|insert|update .* set|sqlite|postgres|relation|no such table|users_gone|kysely/i)
  expect(text).not.toMatch(/\bat [^\s]+ \(|\.ts:\d+|node_modules|\/src\//)
}

describe('GraphQL document errors', () => {
  it('a syntax error is GRAPHQL_PARSE_FAILED with HTTP 400', async () => {
    const t = await app()
    const r = await gql(t.url, '{ me { id ')
    expect(r.status).toBe(400)
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED')
  })

  it('a request with no document to read (a body that is not JSON, an empty one, no query) is GRAPHQL_PARSE_FAILED with HTTP 400', async () => {
    const t = await app()
    // ... nor one whose query is not GraphQL text: a number, or JSON (mercurius would read that as a syntax tree)
    const asJson = (q: unknown) => JSON.stringify({ query: q })
    for (const body of ['not json', '', '{}', '{"variables": {}}', asJson(5), asJson('5'), asJson('null'), asJson('[]'), asJson('{}'),
      asJson('"x"'), asJson(JSON.stringify({ kind: 'Document', definitions: [] })),
      asJson(JSON.stringify({ kind: 'Document', definitions: [{ kind: 'OperationDefinition', operation: 'query', selectionSet: { kind: 'SelectionSet', selections: [{ kind: 'Field', name: { kind: 'Name', value: '__typename' } }] } }] }))]) {
      const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      const json = await res.json()
      expect(json.errors?.[0]?.extensions?.code, JSON.stringify(body)).toBe('GRAPHQL_PARSE_FAILED')
      expectNoLeak(JSON.stringify(json))
    }
  })

  it('an unknown field is GRAPHQL_VALIDATION_FAILED with HTTP 400', async () => {
    const t = await app()
    const r = await gql(t.url, '{ me { id password_hash } }')
    expect(r.status).toBe(400)
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('a subscription over HTTP is refused as invalid', async () => {
    const t = await app()
    const r = await gql(t.url, 'subscription { userUpdated { id } }')
    expect(r.status).toBe(400)
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('a variable of the wrong type is refused without running anything', async () => {
    const t = await app()
    const name = uniqueName()
    const r = await gql(t.url, SIGN_UP, { input: { username: name, password: 12345678 } })
    expect(r.status).toBe(400)
    expect(r.errors?.[0]?.extensions?.code).toMatch(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/)
    const u = await signUp(t.url)
    expect((await ok(t.url, 'query($s: String) { users(search: $s) { edges { node { id } } } }', { s: name }, u.token)).users.edges).toEqual([])
  })

  it('every error carries one of the contract\'s codes', async () => {
    const t = await app()
    const u = await signUp(t.url)
    const cases: [string, Record<string, unknown>?, string?][] = [
      ['{ sessions { id } }', undefined, undefined],
      ['query($id: ID!) { user(id: $id) { id } }', { id: 'nope' }, u.token],
      ['{ users(first: 0) { edges { cursor } } }', undefined, u.token],
      [SIGN_UP, { input: { username: u.username, password: 'whatever12' } }, undefined],
    ]
    const allowed = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'RATE_LIMITED', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED']
    for (const [q, v, token] of cases) {
      const r = await gql(t.url, q, v, token)
      expect(r.errors?.length).toBeGreaterThan(0)
      for (const e of r.errors!) expect(allowed).toContain(e.extensions?.code)
    }
  })
})

describe('internal errors are masked', () => {
  it('SQLite: a broken table gives INTERNAL_SERVER_ERROR with a generic message, over HTTP and WebSocket', async () => {
    const file = tempSqlitePath()
    const t = await app(file)
    const u = await signUp(t.url)
    const ws = new WebSocket(t.wsUrl, 'graphql-transport-ws')
    const frames: string[] = []
    ws.on('message', (d) => frames.push(String(d)))
    await new Promise((r) => ws.once('open', r))
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${u.token}` } }))
    while (!frames.some((f) => f.includes('connection_ack'))) await sleep(20)
    // break the database behind the running app's back, as a failed disk or a bad deploy would
    const side = new Database(file)
    side.exec('ALTER TABLE users RENAME TO users_gone')
    side.close()

    const res = await fetch(t.url + '/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SIGN_UP, variables: { input: { username: uniqueName(), password: 'correct horse battery' } } }),
    })
    const text = await res.text()
    const body = JSON.parse(text)
    expect(body.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR')
    expect(body.errors[0].message).toBe('Internal server error')
    expect(body.errors[0].extensions.exception).toBeUndefined()
    expectNoLeak(text)

    // the same over a socket that signed in before the failure
    ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'query($id: ID!) { user(id: $id) { id } }', variables: { id: u.id } } }))
    const end = Date.now() + 10_000
    while (!frames.some((f) => f.includes('"id":"1"')) && Date.now() < end) await sleep(20)
    const answer = frames.find((f) => f.includes('"id":"1"')) ?? ''
    expect(answer).toMatch(/INTERNAL_SERVER_ERROR/)
    expect(answer).toMatch(/Internal server error/)
    expectNoLeak(frames.join('\n'))
    ws.close()
  })

  it.runIf(PG_URL)('PostgreSQL: a broken table gives INTERNAL_SERVER_ERROR without SQL', async () => {
    const db = await freshPgDatabase()
    opened.push(() => db.drop())
    const t = await app(db.url)
    const u = await signUp(t.url)
    const c = new pg.Client({ connectionString: db.url })
    await c.connect()
    await c.query('ALTER TABLE users RENAME TO users_gone')
    await c.end()
    void u
    for (const [query, vars, token] of [
      [SIGN_UP, { input: { username: uniqueName(), password: 'correct horse battery' } }, undefined],
    ] as const) {
      const res = await fetch(t.url + '/graphql', {
        method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables: vars }),
      })
      const text = await res.text()
      expect(JSON.parse(text).errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } })
      expectNoLeak(text)
    }
  })

  it('a closed database: /health answers 503 and queries fail without details', async () => {
    const t = await app()
    await t.app.hearth.database.close()
    const health = await fetch(t.url + '/health')
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({ status: 'down', db: 'down' })
    const r = await fetch(t.url + '/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SIGN_UP, variables: { input: { username: uniqueName(), password: 'correct horse battery' } } }),
    })
    const text = await r.text()
    expect(JSON.parse(text).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR')
    expectNoLeak(text)
    // the app's own close must still work with the database already gone
    opened.pop()
    await t.close().catch(() => {})
  })

  // The HTTP context catches a failing session lookup and fails the operation inside execution,
  // where the errorFormatter masks it (mercurius would otherwise rebuild the context and leak).
  it('a failing session lookup (a token sent while the database fails) is masked too (SQLite)', async () => {
    const file = tempSqlitePath()
    const t = await app(file)
    const u = await signUp(t.url)
    const side = new Database(file)
    side.exec('ALTER TABLE users RENAME TO users_gone')
    side.close()
    const me = await fetch(t.url + '/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${u.token}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    })
    const text = await me.text()
    expect(JSON.parse(text).errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR')
    expectNoLeak(text)
  })
})

describe('GET /health', () => {
  it('answers 200 with JSON once ready: db up, Redis not configured, in-process pub/sub', async () => {
    const t = await app()
    const res = await fetch(t.url + '/health')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/application\/json/)
    expect(await res.json()).toMatchObject({ status: 'ok', db: 'up', redis: 'not configured', pubsub: 'memory' })
  })

  it('with Redis configured it reports Redis up', async () => {
    const t = await startApp({ redis: true })
    opened.push(() => t.close())
    expect(await (await fetch(t.url + '/health')).json()).toMatchObject({ status: 'ok', db: 'up', redis: 'up', pubsub: 'redis' })
  })
})
