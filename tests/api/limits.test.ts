// Rate limits on signUp / logIn and the baseline request limits, as a client meets them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import crypto from 'node:crypto'
import { Redis } from 'ioredis'
import { REDIS_URL, startApp, type TestApp } from '../helpers/app.js'
import { SIGN_UP, gql, ok, signUp, uniqueName } from '../helpers/client.js'

const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token } }`
const PASSWORD = 'correct horse battery'

describe('per-IP limit on signUp and logIn (AUTH_RATE_LIMIT_PER_IP)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { AUTH_RATE_LIMIT_PER_IP: '3' } }) })
  afterAll(async () => { await t?.close() })

  it('refuses the attempt past the limit with RATE_LIMITED and retryAfterSeconds, storing nothing', async () => {
    const first = await signUp(t.url)
    await signUp(t.url)
    // logIn counts against the same budget
    await ok(t.url, LOG_IN, { input: { username: first.username, password: PASSWORD } })
    const name = uniqueName('late')
    const r = await gql(t.url, SIGN_UP, { input: { username: name, password: PASSWORD } })
    expect(r.data).toBeNull()
    expect(r.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED')
    const retry = r.errors?.[0]?.extensions?.retryAfterSeconds
    expect(Number.isInteger(retry)).toBe(true)
    expect(retry).toBeGreaterThanOrEqual(1)
    expect(retry).toBeLessThanOrEqual(60)
    const li = await gql(t.url, LOG_IN, { input: { username: first.username, password: PASSWORD } })
    expect(li.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED')
    // the refused signUp stored nothing: the name is still free for the owner of the session
    const d = await ok(t.url, 'query($s: String) { users(search: $s) { edges { node { id } } } }', { s: name }, first.token)
    expect(d.users.edges).toEqual([])
  })

  it('other operations are not limited by it', async () => {
    const r = await gql(t.url, '{ me { id } }')
    expect(r.errors).toBeUndefined()
  })
})

describe('deployments sharing one Redis (REDIS_PREFIX)', () => {
  const apps: TestApp[] = []
  afterAll(async () => { for (const a of apps) await a.close() })

  it('keep their counters apart: one spending its per-IP budget leaves the other\'s whole', async () => {
    const tag = `rp${crypto.randomBytes(4).toString('hex')}`
    const staging = await startApp({ redis: true, env: { REDIS_PREFIX: `${tag}-staging:`, AUTH_RATE_LIMIT_PER_IP: '2' } })
    apps.push(staging)
    const production = await startApp({ redis: true, env: { REDIS_PREFIX: `${tag}-production:`, AUTH_RATE_LIMIT_PER_IP: '2' } })
    apps.push(production)
    await signUp(staging.url)
    await signUp(staging.url)
    expect((await gql(staging.url, SIGN_UP, { input: { username: uniqueName('st'), password: PASSWORD } })).errors?.[0]?.extensions?.code).toBe('RATE_LIMITED')
    // the same client IP, the other deployment: not limited
    await signUp(production.url)
    // and the keys carry each deployment's prefix
    const redis = new Redis(REDIS_URL)
    try {
      const keys = await redis.keys(`${tag}-*`)
      expect(keys.some((k) => k.startsWith(`${tag}-staging:hearth:rl`))).toBe(true)
      expect(keys.some((k) => k.startsWith(`${tag}-production:hearth:rl`))).toBe(true)
    } finally { redis.disconnect() }
  })
})

describe('failed logIns per username (AUTH_RATE_LIMIT_PER_USER)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { AUTH_RATE_LIMIT_PER_USER: '3' } }) })
  afterAll(async () => { await t?.close() })

  it('after the limit of failures even the right password is RATE_LIMITED, for every letter case', async () => {
    const u = await signUp(t.url, uniqueName('Locked'))
    for (let i = 0; i < 3; i++) {
      const r = await gql(t.url, LOG_IN, { input: { username: i === 1 ? u.username.toUpperCase() : u.username, password: `wrong ${i}` } })
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    }
    for (const username of [u.username, u.username.toLowerCase()]) {
      const r = await gql(t.url, LOG_IN, { input: { username, password: PASSWORD } })
      expect(r.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED')
      expect(r.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1)
    }
    // the existing session is untouched
    expect((await ok(t.url, '{ me { id } }', {}, u.token)).me.id).toBe(u.id)
  })

  it('failures for one username do not lock another', async () => {
    const victim = await signUp(t.url)
    const other = await signUp(t.url)
    for (let i = 0; i < 4; i++) await gql(t.url, LOG_IN, { input: { username: victim.username, password: 'nope nope' } })
    const r = await gql(t.url, LOG_IN, { input: { username: other.username, password: PASSWORD } })
    expect(r.errors).toBeUndefined()
  })

  it('guessing at unknown usernames is limited the same way (no hint that they do not exist)', async () => {
    const ghost = uniqueName('ghost')
    const codes: (string | undefined)[] = []
    for (let i = 0; i < 4; i++) {
      codes.push((await gql(t.url, LOG_IN, { input: { username: ghost, password: 'whatever1' } })).errors?.[0]?.extensions?.code)
    }
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED'])
  })
})

describe('request limits', () => {
  let t: TestApp
  let token: string
  beforeAll(async () => {
    t = await startApp({ env: { QUERY_DEPTH_LIMIT: '4', QUERY_ALIAS_LIMIT: '5', QUERY_TOKEN_LIMIT: '200', BODY_LIMIT_BYTES: '4096' } })
    token = (await signUp(t.url)).token
  })
  afterAll(async () => { await t?.close() })

  async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    const res = await fetch(t.url + '/graphql', { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body })
    const text = await res.text()
    let json: any = null
    try { json = JSON.parse(text) } catch { /* not JSON */ }
    return { status: res.status, json, text }
  }

  it('refuses a document deeper than QUERY_DEPTH_LIMIT with GRAPHQL_VALIDATION_FAILED (HTTP 400)', async () => {
    const shallow = await post(JSON.stringify({ query: '{ me { id } }' }))
    expect(shallow.status).toBe(200)
    const deep = await post(JSON.stringify({ query: 'query($id: ID!) { room(id: $id) { lastMessage { room { lastMessage { id } } } } }', variables: { id: 'x' } }))
    expect(deep.status).toBe(400)
    expect(deep.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('counts depth through named fragments', async () => {
    const query = `query($id: ID!) { room(id: $id) { ...R } }
      fragment R on Room { lastMessage { ...M } }
      fragment M on Message { room { lastMessage { id } } }`
    const r = await post(JSON.stringify({ query, variables: { id: 'x' } }))
    expect(r.status).toBe(400)
    expect(r.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('refuses more aliases than QUERY_ALIAS_LIMIT', async () => {
    const five = Array.from({ length: 5 }, (_, i) => `a${i}: me { id }`).join(' ')
    expect((await post(JSON.stringify({ query: `{ ${five} }` }))).status).toBe(200)
    const six = Array.from({ length: 6 }, (_, i) => `a${i}: me { id }`).join(' ')
    const r = await post(JSON.stringify({ query: `{ ${six} }` }))
    expect(r.status).toBe(400)
    expect(r.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('refuses a document with more tokens than QUERY_TOKEN_LIMIT as GRAPHQL_PARSE_FAILED', async () => {
    const r = await post(JSON.stringify({ query: `{ me { ${'id '.repeat(300)} } }` }))
    expect(r.status).toBe(400)
    expect(r.json.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED')
  })

  it('refuses a body over BODY_LIMIT_BYTES with 413', async () => {
    const r = await post(JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(5000) } }))
    expect(r.status).toBe(413)
    expect(r.text).not.toMatch(/\bat .*\(.*:\d+:\d+\)/)
  })

  it('refuses batched queries', async () => {
    const r = await post(JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]))
    expect(r.status).toBeGreaterThanOrEqual(400)
    expect(r.status).toBeLessThan(500)
    expect(r.json?.data?.length).toBeUndefined()
  })

  it('CSRF prevention: a simple cross-site form post is refused', async () => {
    const r = await post(JSON.stringify({ query: 'mutation { logOut }' }), { 'content-type': 'text/plain' })
    expect(r.status).toBe(400)
    // the session survived
    expect((await post(JSON.stringify({ query: '{ me { id } }' }))).json.data.me).not.toBeNull()
  })

  it('mutations are refused over GET', async () => {
    const res = await fetch(t.url + '/graphql?query=' + encodeURIComponent('mutation { logOut }'), { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect((await post(JSON.stringify({ query: '{ me { id } }' }))).json.data.me).not.toBeNull()
  })
})
