// Two app instances in one process, sharing one database and one Redis: what one instance
// does must be seen by clients of the other.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApp, startPair, waitLive, type TestApp } from '../helpers/app.js'
import { SIGN_UP, collect, gql, ok, signUp, sleep, uniqueName, wsClient } from '../helpers/client.js'

const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token session { id } } }`
const UPDATE = 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id displayName } }'

let a: TestApp
let b: TestApp
let pair: Awaited<ReturnType<typeof startPair>> | null = null

beforeAll(async () => {
  pair = await startPair('mi')
  ;({ a, b } = pair)
})
afterAll(async () => { await pair?.close() })

async function ackedSocket(url: string, token: string) {
  const ws = new WebSocket(url, 'graphql-transport-ws')
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
  const acked = new Promise<void>((resolve) => ws.on('message', (d) => { if (JSON.parse(String(d)).type === 'connection_ack') resolve() }))
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }))
  await acked
  return { ws, closed }
}

async function closedWithin(closed: Promise<number>, ms: number) {
  const r = await Promise.race([closed, sleep(ms).then(() => null)])
  if (r === null) throw new Error(`socket still open after ${ms} ms`)
  return r
}

describe('two instances sharing Redis', () => {
  it('both report Redis up on /health', async () => {
    for (const t of [a, b]) {
      const res = await fetch(t.url + '/health')
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'ok', db: 'up', redis: 'up', pubsub: 'redis' })
    }
  })

  it('a profile edited through A reaches a userUpdated(userId) subscriber on B', async () => {
    const editor = await signUp(a.url)
    const watcher = await signUp(b.url)
    const client = wsClient(b.wsUrl, watcher.token)
    const live = b.app.hearth.realtime.liveSubscriptions
    const sub = collect(client, 'subscription($u: ID) { userUpdated(userId: $u) { id displayName } }', { u: editor.id })
    await waitLive(b, live + 1)
    await ok(a.url, UPDATE, { input: { displayName: 'Edited on A' } }, editor.token)
    await sub.waitCount(1)
    expect(sub.events).toEqual([{ userUpdated: { id: editor.id, displayName: 'Edited on A' } }])
    await client.dispose()
  })

  it('a profile edited through A reaches the same user\'s other session on B', async () => {
    const name = uniqueName()
    const u = await signUp(a.url, name)
    const other = (await ok(b.url, LOG_IN, { input: { username: name, password: 'correct horse battery' } })).logIn.token
    const client = wsClient(b.wsUrl, other)
    const live = b.app.hearth.realtime.liveSubscriptions
    const sub = collect(client, 'subscription { userUpdated { id displayName } }')
    await waitLive(b, live + 1)
    await ok(a.url, UPDATE, { input: { displayName: 'Phone edit' } }, u.token)
    await sub.waitCount(1)
    expect(sub.events[0].userUpdated).toEqual({ id: u.id, displayName: 'Phone edit' })
    await client.dispose()
  })

  it('logOut on A closes the session\'s socket on B with 4403 within a second', async () => {
    const u = await signUp(a.url)
    const s = await ackedSocket(b.wsUrl, u.token)
    await ok(a.url, 'mutation { logOut }', {}, u.token)
    expect(await closedWithin(s.closed, 1000)).toBe(4403)
    // and B refuses the token over HTTP too
    expect((await gql(b.url, '{ me { id } }', {}, u.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })

  it('revokeSession on A closes the revoked session\'s sockets on B (and on A) with 4403 within a second', async () => {
    const name = uniqueName()
    const u = await signUp(a.url, name)
    const phone = (await ok(b.url, LOG_IN, { input: { username: name, password: 'correct horse battery' } })).logIn
    const onB = await ackedSocket(b.wsUrl, phone.token)
    const onA = await ackedSocket(a.wsUrl, phone.token)
    const keeper = await ackedSocket(b.wsUrl, u.token)
    await ok(a.url, 'mutation($id: ID!) { revokeSession(id: $id) }', { id: phone.session.id }, u.token)
    expect(await closedWithin(onB.closed, 1000)).toBe(4403)
    expect(await closedWithin(onA.closed, 1000)).toBe(4403)
    // marker: B answers a ping on the keeper after it closed the revoked socket on B
    const pong = new Promise<void>((resolve) => keeper.ws.on('message', (d) => { if (JSON.parse(String(d)).type === 'pong') resolve() }))
    keeper.ws.send(JSON.stringify({ type: 'ping' }))
    await pong
    expect(keeper.ws.readyState).toBe(WebSocket.OPEN)
    keeper.ws.close()
  })

  it('a username taken through A is a CONFLICT through B, in any letter case', async () => {
    const name = uniqueName('Shared')
    await signUp(a.url, name)
    const r = await gql(b.url, SIGN_UP, { input: { username: name.toLowerCase(), password: 'correct horse battery' } })
    expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT')
  })
})

describe('rate limits across instances', () => {
  it('the per-IP signUp/logIn limit is counted once for both instances', async () => {
    const prefix = 'rl' + crypto.randomBytes(4).toString('hex') + ':'
    const x = await startApp({ redis: true, redisPrefix: prefix, env: { AUTH_RATE_LIMIT_PER_IP: '4' } })
    const y = await startApp({ redis: true, redisPrefix: prefix, env: { AUTH_RATE_LIMIT_PER_IP: '4' } })
    try {
      const codes: (string | undefined)[] = []
      for (const t of [x, y, x, y, x, y]) {
        const r = await gql(t.url, SIGN_UP, { input: { username: uniqueName(), password: 'correct horse battery' } })
        codes.push(r.errors?.[0]?.extensions?.code)
      }
      expect(codes).toEqual([undefined, undefined, undefined, undefined, 'RATE_LIMITED', 'RATE_LIMITED'])
    } finally {
      await x.close()
      await y.close()
    }
  })

  it('failed logIns for one username on A lock it on B as well', async () => {
    const prefix = 'rl' + crypto.randomBytes(4).toString('hex') + ':'
    const x = await startApp({ redis: true, redisPrefix: prefix, env: { AUTH_RATE_LIMIT_PER_USER: '3' } })
    const dbUrl = x.config.databaseUrl
    const y = await startApp({ redis: true, redisPrefix: prefix, databaseUrl: dbUrl, env: { AUTH_RATE_LIMIT_PER_USER: '3' } })
    try {
      const u = await signUp(x.url)
      for (const t of [x, y, x]) {
        const r = await gql(t.url, LOG_IN, { input: { username: u.username, password: 'wrong password' } })
        expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
      }
      const r = await gql(y.url, LOG_IN, { input: { username: u.username, password: 'correct horse battery' } })
      expect(r.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED')
      expect(r.errors?.[0]?.extensions?.retryAfterSeconds).toBeGreaterThan(0)
    } finally {
      await x.close()
      await y.close()
    }
  })
})
