// The server restarts while a page is open, and messages are stored while the page cannot hear
// about them. The page says it is reconnecting, comes back, and shows every message exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { tempSqlitePath } from '../helpers/app.js'
import { signUp } from '../helpers/client.js'
import { createRoom, SEND } from '../helpers/rooms.js'
import { ensureWebBuilt, launch, newPage, signUpInPage, uname, watchErrors } from './browser.js'
import path from 'node:path'

const DIST = path.resolve(import.meta.dirname, '../../web/dist')
const dbFile = tempSqlitePath()
let browser: Browser
let app: FastifyInstance | null = null

function build() {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', AUTH_RATE_LIMIT_PER_IP: '100000' }, { port: 0, databaseUrl: dbFile, redisUrl: null, webDistDir: DIST })
  return buildApp(config)
}

beforeAll(async () => {
  await ensureWebBuilt()
  browser = await launch()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

describe('a server restart under an open page', () => {
  it('shows reconnecting, then every message exactly once', async () => {
    app = await build()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    const url = `http://127.0.0.1:${port}`

    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    await signUpInPage(page, url, uname('watch'))
    const other = await signUp(url, uname('talk'))
    const room = await createRoom(url, other.token, 'Restart Room')
    await page.goto(`${url}/join/${(room as { code: string }).code}`)
    await expect.poll(() => page.getByRole('heading', { name: 'Restart Room' }).count(), { timeout: 10_000 }).toBe(1)
    const bodies = () => page.getByRole('log').locator('li.message .body').allTextContents()

    const sendVia = async (a: FastifyInstance, body: string) => {
      const r = await a.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${other.token}` }, payload: { query: SEND, variables: { roomId: room.id, body } } })
      expect(r.json().errors).toBeUndefined()
    }
    await sendVia(app, 'before 1')
    await sendVia(app, 'before 2')
    await expect.poll(bodies, { timeout: 10_000 }).toEqual(['before 1', 'before 2'])

    // stop the server; the page notices at once (the socket closes) and keeps retrying
    await app.close()
    app = null
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 10_000 }).toMatch(/reconnecting/i)

    // the new instance stores messages before it accepts connections: the page cannot hear them live
    const next = await build()
    app = next
    await sendVia(next, 'while away 1')
    await sendVia(next, 'while away 2')
    await sendVia(next, 'while away 3')
    await next.listen({ port, host: '127.0.0.1' })

    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')
    await expect.poll(bodies, { timeout: 10_000 }).toEqual(['before 1', 'before 2', 'while away 1', 'while away 2', 'while away 3'])
    await sendVia(next, 'after')
    await expect.poll(bodies, { timeout: 10_000 }).toEqual(['before 1', 'before 2', 'while away 1', 'while away 2', 'while away 3', 'after'])
    // and nothing arrives twice later on: a last message is the marker, a repeat would come before it
    await sendVia(next, 'marker')
    await expect.poll(async () => (await bodies()).at(-1), { timeout: 10_000 }).toBe('marker')
    expect(await bodies()).toHaveLength(7)
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)

  it('shows offline while the browser has no network, and connected again after', async () => {
    if (!app) {
      app = await build()
      await app.listen({ port: 0, host: '127.0.0.1' })
    }
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
    const { page, context } = await newPage(browser)
    await signUpInPage(page, url, uname('offl'))
    await context.setOffline(true)
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 10_000 }).toBe('Offline')
    await context.setOffline(false)
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')
    await context.close()
  }, 60_000)
})
