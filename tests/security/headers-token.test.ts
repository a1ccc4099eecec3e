// Issue 13, finding 9, as the attack: a script on the page (one future XSS) looks for the session
// token in everything page scripts can read, and another site tries to frame the app or take a
// socket ticket. The web client holds no token (httpOnly cookie for HTTP, single-use 30 s ticket
// for the socket), and every answer carries CSP, X-Frame-Options, nosniff and Referrer-Policy.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import WebSocket from 'ws'
import type { TestApp } from '../helpers/app.js'
import { freshPgDatabase, PG_URL, REDIS_URL, startApp } from '../helpers/app.js'
import { Redis } from 'ioredis'
import { hashToken } from '../../src/lib/ids.js'
import { ok, signUp } from '../helpers/client.js'
import { launch, newPage, signUpInPage, startWebApp, uname, watchErrors } from '../e2e/browser.js'
import { raw, until } from './raw.js'

const BACKENDS = ['sqlite', ...(PG_URL ? ['postgres'] : [])]

let app: TestApp
let browser: Browser

beforeAll(async () => {
  app = await startWebApp()
  browser = await launch()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

function expectSecurityHeaders(h: Headers, what: string) {
  const csp = h.get('content-security-policy') ?? ''
  expect(csp, what).toContain("script-src 'self'")
  expect(csp, what).toContain("frame-ancestors 'none'")
  expect(csp, what).toContain("object-src 'none'")
  expect(csp, what).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/)
  expect(h.get('x-frame-options'), what).toBe('DENY')
  expect(h.get('x-content-type-options'), what).toBe('nosniff')
  expect(h.get('referrer-policy'), what).toBe('no-referrer')
}

const ticket = (url: string, headers: Record<string, string> = {}) => fetch(url + '/ws-ticket', { method: 'POST', headers })

describe('security headers', () => {
  it('are on every kind of answer: page, script, GraphiQL, API, errors, 404s, health, tickets', async () => {
    const asset = fs.readdirSync(path.resolve('web/dist/assets')).find((f) => f.endsWith('.js'))!
    const html = { accept: 'text/html' }
    const json = { 'content-type': 'application/json' }
    const cases: [string, string, RequestInit][] = [
      ['web client', '/', { headers: html }],
      ['client route', '/rooms', { headers: html }],
      ['static script', `/assets/${asset}`, {}],
      ['GraphiQL', '/graphiql', { headers: html }],
      ['API answer', '/graphql', { method: 'POST', headers: json, body: JSON.stringify({ query: '{ me { id } }' }) }],
      ['GraphQL error', '/graphql', { method: 'POST', headers: json, body: JSON.stringify({ query: '{ nope' }) }],
      ['malformed JSON (400)', '/graphql', { method: 'POST', headers: json, body: '{' }],
      ['CSRF refusal', '/graphql', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }],
      ['404', '/no/such/thing', { headers: { accept: 'application/json' } }],
      ['health', '/health', {}],
      ['ticket refused', '/ws-ticket', { method: 'POST' }],
    ]
    for (const [what, p, init] of cases) {
      const r = await fetch(app.url + p, init)
      await r.arrayBuffer()
      expectSecurityHeaders(r.headers, `${what} (${r.status})`)
    }
  })
})

describe('socket tickets', () => {
  it('are single-use, for signed-in callers of this origin only', async () => {
    const u = await signUp(app.url, uname('tk'))
    // anonymous, a dead token, a foreign origin: no ticket
    expect((await ticket(app.url)).status).toBe(401)
    expect((await ticket(app.url, { cookie: 'hearth_session=forged' })).status).toBe(401)
    const foreign = await ticket(app.url, { cookie: `hearth_session=${u.token}`, origin: 'https://evil.example' })
    expect(foreign.status).toBe(403)
    const sibling = await ticket(app.url, { authorization: `Bearer ${u.token}`, origin: 'http://127.0.0.1:1' })
    expect(sibling.status).toBe(403)

    // the page's own origin with the cookie gets one; it signs one socket in, once
    const r = await ticket(app.url, { cookie: `hearth_session=${u.token}`, origin: new URL(app.url).origin })
    expect(r.status).toBe(200)
    expect(r.headers.get('cache-control')).toBe('no-store')
    const { ticket: t } = (await r.json()) as { ticket: string }
    expect(t).not.toContain(u.token)
    const first = await raw(app.wsUrl)
    first.send({ type: 'connection_init', payload: { ticket: t } })
    await until(() => first.frames.some((f) => f.type === 'connection_ack'), 5000, 'ack')
    first.send({ id: '1', type: 'subscribe', payload: { query: '{ me { username } }' } })
    await until(() => first.of('1', 'next').length === 1, 5000, 'me over the socket')
    expect(first.of('1', 'next')[0].payload.data.me.username).toBe(u.username)

    const again = await raw(app.wsUrl)
    again.send({ type: 'connection_init', payload: { ticket: t } })
    expect(await again.closeCode()).toBe(4403)
    // not a ticket at all
    const junk = await raw(app.wsUrl)
    junk.send({ type: 'connection_init', payload: { ticket: 42 } })
    expect(await junk.closeCode()).toBe(4403)
    first.ws.close()
  })

  it('expire, and die with their session', async () => {
    const u = await signUp(app.url, uname('tx'))
    const take = async () => ((await (await ticket(app.url, { authorization: `Bearer ${u.token}` })).json()) as { ticket: string }).ticket
    const t1 = await take()
    // its 30 s run out: the shared store drops it (the Redis case below checks the TTL itself)
    await app.app.hearth.store.delValue(`wsticket:${hashToken(t1)}`)
    const late = await raw(app.wsUrl)
    late.send({ type: 'connection_init', payload: { ticket: t1 } })
    expect(await late.closeCode()).toBe(4403)

    const t2 = await take()
    await ok(app.url, 'mutation { logOut }', {}, u.token)
    const revoked = await raw(app.wsUrl)
    revoked.send({ type: 'connection_init', payload: { ticket: t2 } })
    expect(await revoked.closeCode()).toBe(4403)
  })

  it.each(BACKENDS)('work on any instance through Redis, once across all of them, for 30 s at most (%s)', async (backend) => {
    const prefix = `tk${process.pid}${Date.now() % 100000}:`
    const pgDb = backend === 'postgres' ? await freshPgDatabase() : null
    const a = await startApp({ redis: true, redisPrefix: prefix, databaseUrl: pgDb?.url })
    const b = await startApp({ redis: true, redisPrefix: prefix, databaseUrl: a.config.databaseUrl })
    const redis = new Redis(REDIS_URL)
    try {
      const u = await signUp(a.url, uname('tr'))
      const t = ((await (await ticket(a.url, { authorization: `Bearer ${u.token}` })).json()) as { ticket: string }).ticket
      // stored hashed, never as itself, and gone after 30 s
      const keys = await redis.keys(`${prefix}*wsticket*`)
      expect(keys.join(' ')).not.toContain(t)
      const ttl = await redis.pttl(`${prefix}hearth:v:wsticket:${hashToken(t)}`)
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(30_000)
      const on = (url: string) => raw(url).then((s) => { s.send({ type: 'connection_init', payload: { ticket: t } }); return s })
      const [x, y] = await Promise.all([on(a.wsUrl), on(b.wsUrl)])
      await until(() => [x, y].every((s) => s.frames.some((f) => f.type === 'connection_ack') || s.ws.readyState !== WebSocket.OPEN), 5000, 'both answered')
      const acked = [x, y].filter((s) => s.ws.readyState === WebSocket.OPEN && s.frames.some((f) => f.type === 'connection_ack'))
      expect(acked).toHaveLength(1)
      for (const s of [x, y]) s.ws.close()
    } finally {
      redis.disconnect()
      await b.close()
      await a.close()
      await pgDb?.drop()
    }
  })
})

describe('the web client holds no session token', () => {
  it('signs up, opens a room, chats live and survives a reload with nothing readable by page scripts', async () => {
    const { context, page } = await newPage(browser)
    const errors = watchErrors(page)
    const violations: string[] = []
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()) })
    const name = uname('nt')
    await signUpInPage(page, app.url, name)

    // the session the browser really uses: the httpOnly cookie (playwright can read it, a page cannot)
    const cookie = (await context.cookies()).find((c) => c.name === 'hearth_session')!
    expect(cookie.httpOnly).toBe(true)
    const token = cookie.value
    expect(token.length).toBeGreaterThan(20)
    expect((await ok(app.url, '{ me { username } }', {}, token)).me.username).toBe(name)

    await page.getByLabel('Room name').fill('No Token Room')
    await page.getByRole('button', { name: 'Create room' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'No Token Room' }).count(), { timeout: 10_000 }).toBe(1)
    const code = (await page.getByTestId('room-code').textContent())!.trim()

    const readable = () => page.evaluate(() => {
      const all: string[] = [document.cookie]
      for (const s of [localStorage, sessionStorage]) for (let i = 0; i < s.length; i++) all.push(s.key(i)!, s.getItem(s.key(i)!) ?? '')
      return all.join('\n')
    })
    const noToken = async () => {
      const text = await readable()
      expect(text).not.toContain(token)
      expect(text).not.toMatch(/hearth_session/)
    }
    await noToken()

    // live over the socket: a message another member sends over HTTP shows up without a reload
    const other = await signUp(app.url, uname('ot'))
    const room = await ok(app.url, 'mutation($c: String!) { joinRoom(code: $c) { id } }', { c: code }, other.token)
    await ok(app.url, 'mutation($r: ID!) { sendMessage(roomId: $r, body: "over the socket") { id } }', { r: room.joinRoom.id }, other.token)
    await expect.poll(() => page.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toContain('over the socket')

    // a reload keeps the user signed in (the cookie) and reconnects the socket (a new ticket)
    await page.reload()
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')
    await expect.poll(() => page.getByRole('heading', { name: 'No Token Room' }).count(), { timeout: 10_000 }).toBe(1)
    await ok(app.url, 'mutation($r: ID!) { sendMessage(roomId: $r, body: "after the reload") { id } }', { r: room.joinRoom.id }, other.token)
    await expect.poll(() => page.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toContain('after the reload')
    await noToken()

    // the page's own scripts ran under the CSP without a single violation
    expect(violations).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  }, 90_000)

  it('tabs of one browser follow each other in and out without a stored token', async () => {
    const { context, page: a } = await newPage(browser)
    const b = await context.newPage()
    await b.goto(app.url + '/signin')
    await expect.poll(() => b.getByRole('button', { name: 'Sign in' }).count(), { timeout: 10_000 }).toBe(1)
    const name = uname('tab')
    await signUpInPage(a, app.url, name)
    // the other tab hears of it and signs in over the shared cookie
    await expect.poll(() => b.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')
    await a.getByRole('button', { name: 'Sign out' }).click()
    await expect.poll(() => b.getByTestId('whoami').count(), { timeout: 10_000 }).toBe(0)
    await context.close()
  }, 60_000)

  it('GraphiQL runs under its CSP', async () => {
    const { context, page } = await newPage(browser)
    const violations: string[] = []
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()) })
    await page.goto(app.url + '/graphiql')
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor()
    expect(violations).toEqual([])
    await context.close()
  }, 60_000)
})
