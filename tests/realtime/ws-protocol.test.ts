// graphql-transport-ws at the frame level, with the raw `ws` package: what a misbehaving or
// foreign client gets, and that well-behaved clients keep working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, ok, signUp, sleep, wsClient } from '../helpers/client.js'

let t: TestApp
beforeAll(async () => {
  t = await startApp({
    env: { WS_INIT_TIMEOUT_MS: '300', WS_MAX_PAYLOAD_BYTES: '4096', ALLOWED_ORIGINS: 'http://good.example,https://also-good.example:8443' },
  })
})
afterAll(async () => { await t?.close() })

interface Raw {
  ws: WebSocket
  frames: any[]
  closed: Promise<{ code: number; reason: string }>
  send(m: unknown): void
}

function raw(url: string, opts: { protocol?: string | string[]; origin?: string } = {}): Promise<Raw> {
  const ws = new WebSocket(url, opts.protocol ?? 'graphql-transport-ws', opts.origin ? { headers: { origin: opts.origin } } : {})
  const frames: any[] = []
  ws.on('message', (d) => { try { frames.push(JSON.parse(String(d))) } catch { frames.push(String(d)) } })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed, send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) }))
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })))
    ws.once('error', reject)
  })
}

async function until(pred: () => boolean, ms = 10_000, what = 'condition') {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

async function acked(token?: string): Promise<Raw> {
  const s = await raw(t.wsUrl)
  s.send(token ? { type: 'connection_init', payload: { authorization: `Bearer ${token}` } } : { type: 'connection_init' })
  await until(() => s.frames.some((f) => f.type === 'connection_ack'), 10_000, 'connection_ack')
  return s
}

async function closeCode(s: Raw, ms = 10_000): Promise<number> {
  const r = await Promise.race([s.closed, sleep(ms).then(() => null)])
  if (!r) throw new Error(`still open after ${ms} ms`)
  return r.code
}

describe('handshake', () => {
  it('acknowledges connection_init and answers ping with pong', async () => {
    const s = await acked()
    s.send({ type: 'ping', payload: { n: 1 } })
    await until(() => s.frames.some((f) => f.type === 'pong'))
    expect(s.frames).toContainEqual({ type: 'pong', payload: { n: 1 } })
    s.ws.close()
  })

  it('closes 4408 when connection_init does not come within WS_INIT_TIMEOUT_MS', async () => {
    const s = await raw(t.wsUrl)
    expect(await closeCode(s)).toBe(4408)
  })

  it('a socket that did init in time is not closed by the init timer', async () => {
    const s = await acked()
    // marker: a socket opened after it that never inits; once its init timer has closed it, the
    // first socket's timer (started earlier) has run out too
    const late = await raw(t.wsUrl)
    expect(await closeCode(late)).toBe(4408)
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.ws.close()
  })

  it('closes 4429 on a second connection_init', async () => {
    const s = await acked()
    s.send({ type: 'connection_init' })
    expect(await closeCode(s)).toBe(4429)
  })

  it('an anonymous socket cannot become a user with a second connection_init', async () => {
    const u = await signUp(t.url)
    const s = await acked()
    s.send({ type: 'connection_init', payload: { authorization: `Bearer ${u.token}` } })
    s.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { userUpdated { id } }' } })
    expect(await closeCode(s)).toBe(4429)
    expect(s.frames.filter((f) => f.type === 'next')).toEqual([])
  })

  it('closes 4401 on subscribe before connection_ack', async () => {
    const s = await raw(t.wsUrl)
    s.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { userUpdated { id } }' } })
    expect(await closeCode(s)).toBe(4401)
  })

  it('refuses a socket that does not speak graphql-transport-ws', async () => {
    const s = await raw(t.wsUrl, { protocol: 'graphql-ws' }).catch((e) => e)
    // either refused at the upgrade or closed 4406 right after
    if (s instanceof Error) expect(s.message).toMatch(/HTTP|protocol/i)
    else expect(await closeCode(s)).toBe(4406)
  })
})

describe('malformed traffic', () => {
  it('closes 4400 on a non-JSON message', async () => {
    const s = await acked()
    s.send('this is not json')
    expect(await closeCode(s)).toBe(4400)
  })

  it.each([
    ['a JSON array', [1, 2]],
    ['no type', { id: '1' }],
    ['an unknown type', { type: 'launch_missiles' }],
    ['a subscribe without payload', { id: '1', type: 'subscribe' }],
    ['a subscribe without id', { type: 'subscribe', payload: { query: '{ me { id } }' } }],
    // the protocol's message shapes, as graphql-ws's validateMessage checks them
    ['a ping whose payload is not an object', { type: 'ping', payload: 'string' }],
    ['a ping whose payload is an array', { type: 'ping', payload: [1] }],
    ['a subscribe whose variables are an array', { id: '1', type: 'subscribe', payload: { query: '{ me { id } }', variables: [1] } }],
    ['a subscribe whose extensions are a number', { id: '1', type: 'subscribe', payload: { query: '{ me { id } }', extensions: 5 } }],
    ['a complete with an empty id', { id: '', type: 'complete' }],
  ])('closes 4400 on %s', async (_what, msg) => {
    const s = await acked()
    s.send(msg)
    expect(await closeCode(s)).toBe(4400)
  })

  it('closes 4400 on a connection_init whose payload is not an object', async () => {
    for (const payload of ['str', 5, [1]]) {
      const s = await raw(t.wsUrl)
      s.send({ type: 'connection_init', payload })
      expect(await closeCode(s), JSON.stringify(payload)).toBe(4400)
    }
  })

  it('closes 4400 on a binary frame', async () => {
    const s = await acked()
    s.ws.send(Buffer.from('{"type":"ping"}'), { binary: true })
    expect(await closeCode(s)).toBe(4400)
  })

  it('closes 1009 on a frame larger than WS_MAX_PAYLOAD_BYTES', async () => {
    const s = await acked()
    s.send({ id: '1', type: 'subscribe', payload: { query: `{ me { id } } # ${'x'.repeat(8000)}` } })
    expect(await closeCode(s)).toBe(1009)
  })

  it('a frame just under the limit is fine', async () => {
    const s = await acked()
    s.send({ type: 'ping', payload: { pad: 'x'.repeat(3000) } })
    await until(() => s.frames.some((f) => f.type === 'pong'))
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.ws.close()
  })
})

describe('subscriptions', () => {
  it('closes 4409 when a subscription id is reused while it runs, and the first stops delivering', async () => {
    const u = await signUp(t.url)
    const s = await acked(u.token)
    const q = { query: 'subscription { userUpdated { displayName } }' }
    const base = t.app.hearth.realtime.liveSubscriptions
    s.send({ id: 'dup', type: 'subscribe', payload: q })
    await waitLive(t, base + 1)
    s.send({ id: 'dup', type: 'subscribe', payload: q })
    expect(await closeCode(s)).toBe(4409)
    await ok(t.url, 'mutation { updateProfile(input: { displayName: "after close" }) { id } }', {}, u.token)
    // the socket is closed (awaited above): no frame can arrive after this point
    expect(s.frames.filter((f) => f.type === 'next')).toEqual([])
  })

  it('an id may be reused after complete', async () => {
    const u = await signUp(t.url)
    const s = await acked(u.token)
    const q = { query: 'subscription { userUpdated { displayName } }' }
    const base = t.app.hearth.realtime.liveSubscriptions
    s.send({ id: 'x', type: 'subscribe', payload: q })
    await waitLive(t, base + 1)
    s.send({ id: 'x', type: 'complete' })
    s.send({ id: 'x', type: 'subscribe', payload: q })
    // frames are handled in order: at the pong the first is stopped, so one live is the second
    s.send({ type: 'ping', payload: { after: 'x' } })
    await until(() => s.frames.some((f) => f.type === 'pong' && f.payload?.after === 'x'), 10_000, 'pong')
    await waitLive(t, base + 1)
    await ok(t.url, 'mutation { updateProfile(input: { displayName: "once" }) { id } }', {}, u.token)
    await until(() => s.frames.some((f) => f.type === 'next'))
    // a second edit is the marker: a duplicate of the first would have come before it
    await ok(t.url, 'mutation { updateProfile(input: { displayName: "twice" }) { id } }', {}, u.token)
    await until(() => s.frames.filter((f) => f.type === 'next').length >= 2)
    expect(s.frames.filter((f) => f.type === 'next')).toEqual([
      { id: 'x', type: 'next', payload: { data: { userUpdated: { displayName: 'once' } } } },
      { id: 'x', type: 'next', payload: { data: { userUpdated: { displayName: 'twice' } } } },
    ])
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.ws.close()
  })

  it('an invalid document gets an error frame with GRAPHQL_VALIDATION_FAILED and the socket stays open', async () => {
    const u = await signUp(t.url)
    const s = await acked(u.token)
    s.send({ id: 'v', type: 'subscribe', payload: { query: 'subscription { userUpdated { id noSuchField } }' } })
    s.send({ id: 'p', type: 'subscribe', payload: { query: 'subscription { userUpdated { ' } })
    await until(() => s.frames.filter((f) => f.type === 'error').length === 2)
    const byId = Object.fromEntries(s.frames.filter((f) => f.type === 'error').map((f) => [f.id, f.payload[0].extensions.code]))
    expect(byId).toEqual({ v: 'GRAPHQL_VALIDATION_FAILED', p: 'GRAPHQL_PARSE_FAILED' })
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.ws.close()
  })

  it('queries run over the socket too: one next, then complete', async () => {
    const u = await signUp(t.url)
    const s = await acked(u.token)
    s.send({ id: 'q', type: 'subscribe', payload: { query: '{ me { id } }' } })
    await until(() => s.frames.some((f) => f.type === 'complete'))
    expect(s.frames.filter((f) => f.id === 'q')).toEqual([
      { id: 'q', type: 'next', payload: { data: { me: { id: u.id } } } },
      { id: 'q', type: 'complete' },
    ])
    s.ws.close()
  })

  it('answers of every size arrive whole over the socket: next then complete, multi-byte text intact', async () => {
    const u = await signUp(t.url)
    const room = await ok(t.url, 'mutation { createRoom(input: { name: "big answers" }) { id } }', {}, u.token)
    const roomId = room.createRoom.id
    // characters of 1-4 bytes: an answer past 126 bytes (a 16-bit length; the subscribe itself
    // stays under this app's WS_MAX_PAYLOAD_BYTES), then a page past 64 KiB (a 64-bit length)
    const body = 'é😀a€'.repeat(300)
    const long = 'é😀a€'.repeat(1000)
    const s = await acked(u.token)
    s.send({ id: 'm', type: 'subscribe', payload: { query: 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { body } }', variables: { r: roomId, b: body } } })
    await until(() => s.frames.some((f) => f.id === 'm' && f.type === 'complete'), 10_000, 'the mutation to complete')
    expect(s.frames.filter((f) => f.id === 'm')).toEqual([
      { id: 'm', type: 'next', payload: { data: { sendMessage: { body } } } },
      { id: 'm', type: 'complete' },
    ])
    for (let i = 0; i < 20; i++) await ok(t.url, 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: roomId, b: long }, u.token)
    s.send({ id: 'page', type: 'subscribe', payload: { query: 'query($r: ID!) { messages(roomId: $r, last: 20) { edges { node { body } } } }', variables: { r: roomId } } })
    await until(() => s.frames.some((f) => f.id === 'page' && f.type === 'complete'), 10_000, 'the page to complete')
    const page = s.frames.filter((f) => f.id === 'page')
    expect(page.map((f) => f.type)).toEqual(['next', 'complete'])
    const bodies = page[0].payload.data.messages.edges.map((e: any) => e.node.body)
    expect(bodies).toHaveLength(20)
    expect(bodies.every((b: string) => b === long)).toBe(true)
    s.ws.close()
  })
})

describe('caps and validation on the socket', () => {
  let capped: TestApp
  beforeAll(async () => {
    capped = await startApp({ env: { WS_SUBSCRIPTIONS_PER_SOCKET: '2', WS_SOCKETS_PER_USER: '2', QUERY_DEPTH_LIMIT: '4', QUERY_ALIAS_LIMIT: '3', QUERY_TOKEN_LIMIT: '200' } })
  })
  afterAll(async () => { await capped?.close() })

  async function on(app: TestApp, token?: string): Promise<Raw> {
    const s = await raw(app.wsUrl)
    s.send(token ? { type: 'connection_init', payload: { authorization: `Bearer ${token}` } } : { type: 'connection_init' })
    await until(() => s.frames.some((f) => f.type === 'connection_ack') || s.ws.readyState !== WebSocket.OPEN, 10_000, 'ack or close')
    return s
  }

  it('refuses a subscription past WS_SUBSCRIPTIONS_PER_SOCKET with RATE_LIMITED; the others keep running', async () => {
    const u = await signUp(capped.url)
    const s = await on(capped, u.token)
    const base = capped.app.hearth.realtime.liveSubscriptions
    for (const id of ['1', '2', '3']) s.send({ id, type: 'subscribe', payload: { query: 'subscription { userUpdated { displayName } }' } })
    await until(() => s.frames.some((f) => f.type === 'error'))
    const err = s.frames.find((f) => f.type === 'error')
    expect(err.id).toBe('3')
    expect(err.payload[0].extensions.code).toBe('RATE_LIMITED')
    await waitLive(capped, base + 2)
    await ok(capped.url, 'mutation { updateProfile(input: { displayName: "capped" }) { id } }', {}, u.token)
    await until(() => s.frames.filter((f) => f.type === 'next').length === 2)
    expect(s.frames.filter((f) => f.type === 'next').map((f) => f.id).sort()).toEqual(['1', '2'])
    s.ws.close()
  })

  it('a query over a socket whose budget is held by subscriptions is RATE_LIMITED; once one completes it runs', async () => {
    const u = await signUp(capped.url)
    const s = await on(capped, u.token)
    const base = capped.app.hearth.realtime.liveSubscriptions
    for (const id of ['1', '2']) s.send({ id, type: 'subscribe', payload: { query: 'subscription { userUpdated { displayName } }' } })
    await waitLive(capped, base + 2)
    s.send({ id: 'q1', type: 'subscribe', payload: { query: '{ me { id } }' } })
    await until(() => s.frames.some((f) => f.id === 'q1'))
    const refused = s.frames.find((f) => f.id === 'q1')
    expect(refused.type).toBe('error')
    expect(refused.payload[0].extensions.code).toBe('RATE_LIMITED')
    s.send({ id: '1', type: 'complete' })
    await waitLive(capped, base + 1)
    s.send({ id: 'q2', type: 'subscribe', payload: { query: '{ me { id } }' } })
    await until(() => s.frames.some((f) => f.id === 'q2' && f.type === 'complete'))
    expect(s.frames.find((f) => f.id === 'q2' && f.type === 'next').payload).toEqual({ data: { me: { id: u.id } } })
    s.ws.close()
  })

  it('closes a socket past WS_SOCKETS_PER_USER with 1013 (try again later), leaving the earlier ones open', async () => {
    const u = await signUp(capped.url)
    const a = await on(capped, u.token)
    const b = await on(capped, u.token)
    const c = await raw(capped.wsUrl)
    c.send({ type: 'connection_init', payload: { authorization: `Bearer ${u.token}` } })
    expect(await closeCode(c)).toBe(1013)
    expect(a.ws.readyState).toBe(WebSocket.OPEN)
    expect(b.ws.readyState).toBe(WebSocket.OPEN)
    a.ws.close()
    b.ws.close()
  })

  it('a graphql-ws client refused at the cap keeps retrying with its defaults and gets in once a socket is free', async () => {
    const u = await signUp(capped.url)
    const a = await on(capped, u.token)
    const b = await on(capped, u.token)
    // graphql-ws's own retry policy (5 attempts, randomised backoff): before, 4429 was fatal to it
    let closes = 0
    let connected = false
    const client = wsClient(capped.wsUrl, u.token, { retryAttempts: 5, lazy: false, on: { closed: () => { closes++ }, connected: () => { connected = true } } })
    try {
      const me = collect<{ userUpdated: { id: string } }>(client, 'subscription { userUpdated { id displayName } }')
      await eventually(() => closes >= 1, 10_000, 'the refusal')
      expect(me.state.done).toBe(false)
      a.ws.close()
      await eventually(() => connected, 20_000, 'the retry to get in')
      // live once its feed has started: a change made from then on reaches it
      await eventually(async () => {
        await ok(capped.url, 'mutation { updateProfile(input: { displayName: "Back in" }) { id } }', {}, u.token)
        return me.events.length > 0
      }, 10_000, 'the profile change')
      expect(me.events[0]!.userUpdated.id).toBe(u.id)
    } finally {
      b.ws.close()
      await client.dispose()
    }
  }, 40_000)

  it('applies the HTTP document limits to subscriptions: depth, aliases and tokens', async () => {
    const u = await signUp(capped.url)
    const s = await on(capped, u.token)
    const docs: Record<string, string> = {
      deep: 'subscription { messageAdded(roomId: "x") { room { lastMessage { room { id } } } } }',
      aliases: 'subscription { userUpdated { a: id b: id c: id d: id } }',
      tokens: `subscription { userUpdated { ${'id '.repeat(300)} } }`,
    }
    for (const [id, query] of Object.entries(docs)) s.send({ id, type: 'subscribe', payload: { query } })
    await until(() => s.frames.filter((f) => f.type === 'error').length === 3)
    const codes = Object.fromEntries(s.frames.filter((f) => f.type === 'error').map((f) => [f.id, f.payload[0].extensions.code]))
    expect(codes).toEqual({ deep: 'GRAPHQL_VALIDATION_FAILED', aliases: 'GRAPHQL_VALIDATION_FAILED', tokens: 'GRAPHQL_PARSE_FAILED' })
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.ws.close()
  })
})

describe('shutdown', () => {
  it('closes open sockets with 1012 (a code clients retry on) when the app stops', async () => {
    const app = await startApp()
    const s = await raw(app.wsUrl)
    s.send({ type: 'connection_init' })
    await until(() => s.frames.some((f) => f.type === 'connection_ack'))
    await app.close()
    expect(await closeCode(s)).toBe(1012)
  })
})

describe('Origin allow-list', () => {
  it('refuses a foreign Origin at the upgrade', async () => {
    const err = await raw(t.wsUrl, { origin: 'http://evil.example' }).then(() => null, (e) => e)
    expect(err?.status).toBe(403)
  })

  it('refuses a look-alike Origin (different port or scheme)', async () => {
    for (const origin of ['https://good.example', 'http://good.example:8080', 'http://good.example.evil.example']) {
      const err = await raw(t.wsUrl, { origin }).then(() => null, (e) => e)
      expect(err?.status).toBe(403)
    }
  })

  it('accepts a listed Origin, and a client that sends none (not a browser)', async () => {
    for (const origin of ['http://good.example', 'https://also-good.example:8443', undefined]) {
      const s = await raw(t.wsUrl, { origin })
      s.send({ type: 'connection_init' })
      await until(() => s.frames.some((f) => f.type === 'connection_ack'))
      s.ws.close()
    }
  })

  it("the server's own origin may connect whatever ALLOWED_ORIGINS lists (the built-in web client)", async () => {
    const own = new URL(t.url).origin
    const s = await raw(t.wsUrl, { origin: own })
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    s.ws.close()
  })

  it('without ALLOWED_ORIGINS any Origin may connect', async () => {
    const open = await startApp()
    try {
      const s = await raw(open.wsUrl, { origin: 'http://anywhere.example' })
      s.send({ type: 'connection_init' })
      await until(() => s.frames.some((f) => f.type === 'connection_ack'))
      s.ws.close()
    } finally {
      await open.close()
    }
  })
})
