// Issue 13, finding 10, as the attack: a client trickles its request a byte at a time to hold a
// connection forever, and one address opens socket after socket to take every file descriptor.
// Requests and headers have timeouts (REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS); sockets per IP are
// capped well below the descriptor limit, and sockets not signed in get a much smaller cap.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { loadConfig } from '../../src/config.js'
import { startApp, type TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { raw, until, type Raw } from './raw.js'

/** A raw TCP client that sends `head`, then one byte of `trickle` every `everyMs` until the server hangs up. */
function trickle(url: string, head: string, drip: string, everyMs: number) {
  const u = new URL(url)
  const socket = net.connect(Number(u.port), u.hostname)
  let received = ''
  socket.on('data', (d) => { received += d.toString('latin1') })
  socket.on('error', () => {})
  let i = 0
  let timer: NodeJS.Timeout | undefined
  socket.on('connect', () => {
    if (head) socket.write(head)
    timer = setInterval(() => {
      if (socket.destroyed || i >= drip.length) return
      socket.write(drip[i++])
    }, everyMs)
  })
  const closed = new Promise<void>((resolve) => socket.on('close', () => { clearInterval(timer); resolve() }))
  return { closed, received: () => received, sent: () => i, destroy: () => socket.destroy() }
}

async function signIn(s: Raw, token: string) {
  s.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })
  await until(() => s.frames.some((f) => f.type === 'connection_ack'), 5000, 'ack')
}

describe('slow requests (REQUEST_TIMEOUT_MS, HEADERS_TIMEOUT_MS)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000' } }) })
  afterAll(async () => { await t?.close() })

  it('closes a connection whose body trickles in a byte at a time', async () => {
    const body = JSON.stringify({ query: '{ me { id } }' }).padEnd(400, ' ')
    const c = trickle(t.url, `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body, 100)
    // the attack's point is to stay open forever (40 s of drip here); the timeout ends it
    const outcome = await Promise.race([c.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 15_000))])
    c.destroy()
    expect(outcome).toBe('closed')
    expect(c.sent()).toBeLessThan(body.length)
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/)
  }, 20_000)

  it('closes a connection whose headers trickle in', async () => {
    const head = `GET /health HTTP/1.1\r\nHost: x\r\n${'X-Slow: ' + 'a'.repeat(300)}\r\n\r\n`
    const c = trickle(t.url, '', head, 100)
    const outcome = await Promise.race([c.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 15_000))])
    c.destroy()
    expect(outcome).toBe('closed')
    expect(c.sent()).toBeLessThan(head.length)
  }, 20_000)

  it('leaves signed-in WebSockets open past those timeouts', async () => {
    const u = await signUp(t.url)
    const s = await raw(t.wsUrl)
    await signIn(s, u.token)
    // a trickled request opened now is cut off by the timeouts; the socket outlives it
    const c = trickle(t.url, 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n', 'x'.repeat(100), 100)
    await c.closed
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    s.send({ id: 'm', type: 'subscribe', payload: { query: '{ me { id } }' } })
    await until(() => s.of('m', 'next').length === 1, 5000, 'me')
    s.ws.close()
  }, 20_000)

  it('still answers ordinary requests', async () => {
    const u = await signUp(t.url)
    expect((await ok(t.url, '{ me { id } }', {}, u.token)).me.id).toBe(u.id)
  })
})

describe('idle connections (CONNECTION_TIMEOUT_MS)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { REQUEST_TIMEOUT_MS: '600000', HEADERS_TIMEOUT_MS: '600000', CONNECTION_TIMEOUT_MS: '1000' } }) })
  afterAll(async () => { await t?.close() })

  it('closes a connection that stops sending halfway through its request', async () => {
    const c = trickle(t.url, 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{', '', 100)
    const outcome = await Promise.race([c.closed.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 15_000))])
    c.destroy()
    expect(outcome).toBe('closed')
  }, 20_000)
})

describe('sockets per IP (WS_SOCKETS_PER_IP, WS_UNAUTHENTICATED_PER_IP)', () => {
  let t: TestApp
  const open: Raw[] = []
  beforeAll(async () => { t = await startApp({ env: { WS_SOCKETS_PER_IP: '6', WS_UNAUTHENTICATED_PER_IP: '3' } }) })
  afterAll(async () => {
    for (const s of open) s.ws.close()
    await t?.close()
  })

  const connect = async () => { const s = await raw(t.wsUrl); open.push(s); return s }
  const refused = (p: Promise<unknown>) => p.then(() => 'opened', (e: { status?: number }) => e.status)

  it('defaults sit well below the descriptor limit', () => {
    const c = loadConfig({})
    expect(c.limits.wsSocketsPerIp).toBeLessThanOrEqual(200)
    expect(c.limits.wsUnauthenticatedPerIp).toBeLessThanOrEqual(20)
  })

  it('refuses sockets past the caps with 429 at the upgrade; signed-in sockets keep working', async () => {
    const u = await signUp(t.url)
    const [p1, p2, p3] = [await connect(), await connect(), await connect()]
    // three sockets that never sign in are all this address gets of that kind
    expect(await refused(connect())).toBe(429)
    // an anonymous connection_init does not sign a socket in: it still counts
    p3.send({ type: 'connection_init' })
    await until(() => p3.frames.some((f) => f.type === 'connection_ack'), 5000, 'anonymous ack')
    expect(await refused(connect())).toBe(429)

    // signed in, they make room for more, up to the cap of all sockets
    await signIn(p1, u.token)
    await signIn(p2, u.token)
    const p4 = await connect()
    const p5 = await connect()
    expect(await refused(connect())).toBe(429)
    await signIn(p4, u.token)
    await signIn(p5, u.token)
    const p6 = await connect()
    expect(await refused(connect())).toBe(429)
    await signIn(p6, u.token)
    // six open, all but one signed in: the total cap holds even for sockets that would sign in
    expect(await refused(connect())).toBe(429)

    // the signed-in ones work
    p1.send({ id: 'm', type: 'subscribe', payload: { query: '{ me { id } }' } })
    await until(() => p1.of('m', 'next').length === 1, 5000, 'me')
    expect(p1.of('m', 'next')[0].payload.data.me.id).toBe(u.id)
    for (const s of [p1, p2, p3, p4, p5, p6]) expect(s.ws.readyState).toBe(WebSocket.OPEN)

    // a closed socket gives its place back
    p6.ws.close()
    await p6.closed
    // the server hears of the close a moment later: poll until a new socket gets in
    let again: Raw | null = null
    for (let i = 0; i < 100 && !again; i++) {
      again = await connect().catch(() => null)
      if (!again) await new Promise((r) => setTimeout(r, 20))
    }
    expect(again).not.toBeNull()
  })
})
