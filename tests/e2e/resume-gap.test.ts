// An open room's live stream resumes, after a reconnect, exactly where it left off, even when the
// page already knows newer messages some other way (its own send's answer, an edit); and a page
// too busy to handle its pong at once keeps a healthy socket. The page's WebSocket is wrapped
// (an init script) to hold back frames as a slow or busy connection would; the server is real.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ok, signUp } from '../helpers/client.js'
import { createRoom, send } from '../helpers/rooms.js'
import { ensureWebBuilt, launch, newPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'
import type { TestApp } from '../helpers/app.js'

let browser: Browser
let app: TestApp

beforeAll(async () => {
  await ensureWebBuilt()
  browser = await launch()
  app = await startWebApp({ env: { SEND_RATE_LIMIT_PER_USER: '0' } })
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

interface Wire { hold: boolean; held: number; delayPong: number; pongsLate: number; closes: number[]; sockets: WebSocket[] }

/** wraps the page's WebSocket: `hold` keeps messageAdded frames back (dropped with the socket), `delayPong` delays pongs */
async function wrapSockets(page: Page) {
  await page.addInitScript(() => {
    const Native = window.WebSocket
    const wire: Wire = { hold: false, held: 0, delayPong: 0, pongsLate: 0, closes: [], sockets: [] }
    ;(window as unknown as { wire: Wire }).wire = wire
    class Wrapped extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols)
        wire.sockets.push(this)
        this.addEventListener('close', (e) => wire.closes.push(e.code))
      }
      override set onmessage(fn: ((this: WebSocket, ev: MessageEvent) => unknown) | null) {
        super.onmessage = fn && ((ev: MessageEvent) => {
          const text = typeof ev.data === 'string' ? ev.data : ''
          if (wire.hold && text.includes('"messageAdded"')) { wire.held++; return }
          if (wire.delayPong && text.includes('"type":"pong"')) {
            setTimeout(() => { wire.pongsLate++; fn.call(this, ev) }, wire.delayPong)
            return
          }
          fn.call(this, ev)
        })
      }
      override get onmessage() { return super.onmessage }
    }
    window.WebSocket = Wrapped
  })
}

const wire = (page: Page) => page.evaluate(() => { const w = (window as unknown as { wire: Wire }).wire; return { held: w.held, pongsLate: w.pongsLate, closes: [...w.closes], sockets: w.sockets.length } })

describe('resuming the live stream', () => {
  it('after a reconnect, a message the stream had not delivered yet is not skipped because the page\'s own later send was answered first', async () => {
    const { page, context } = await newPage(browser)
    await wrapSockets(page)
    const errors = watchErrors(page)
    await signUpInPage(page, app.url, uname('ann'))
    const bob = await signUp(app.url, uname('bob'))
    const room = await createRoom(app.url, bob.token, 'Resume Room')
    await page.goto(`${app.url}/join/${(room as { code: string }).code}`)
    await expect.poll(() => page.getByRole('heading', { name: 'Resume Room', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    const bodies = () => page.getByRole('log').locator('li.message .body').allTextContents()
    const first = await send(app.url, bob.token, room.id, 'one')
    await expect.poll(bodies, { timeout: 10_000 }).toEqual(['one'])
    // an edit: the page has seen an event, so a reconnect does not re-read the newest page
    await ok(app.url, 'mutation($id: ID!) { editMessage(id: $id, body: "one (edited)") { id } }', { id: first.id }, bob.token)
    await expect.poll(bodies, { timeout: 10_000 }).toEqual(['one (edited)'])

    // Bob's "two" is on its way to the page (held back) when Ann sends "three" and is answered
    await page.evaluate(() => { (window as unknown as { wire: Wire }).wire.hold = true })
    await send(app.url, bob.token, room.id, 'two')
    await expect.poll(async () => (await wire(page)).held, { timeout: 10_000 }).toBe(1)
    await page.getByLabel('Message', { exact: true }).fill('three')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByRole('log').locator('li.message:not(.pending) .body').allTextContents(), { timeout: 10_000 }).toEqual(['one (edited)', 'three'])

    // the connection drops with "two" undelivered; the page reconnects and resumes
    const before = await wire(page)
    await page.evaluate(() => { const w = (window as unknown as { wire: Wire }).wire; w.hold = false; w.sockets[w.sockets.length - 1]!.close(4499, 'dropped') })
    await expect.poll(async () => (await wire(page)).sockets, { timeout: 15_000 }).toBeGreaterThan(before.sockets)
    // before: "two" never came (the stream resumed after "three")
    await expect.poll(bodies, { timeout: 15_000 }).toEqual(['one (edited)', 'two', 'three'])
    expect(errors).toEqual([])
    await context.close()
  }, 90_000)

  it('a page that handles its pong late, behind other frames, keeps its socket', async () => {
    const { page, context } = await newPage(browser)
    await wrapSockets(page)
    await signUpInPage(page, app.url, uname('cy'))
    const bob = await signUp(app.url, uname('dee'))
    const room = await createRoom(app.url, bob.token, 'Busy Room')
    await page.goto(`${app.url}/join/${(room as { code: string }).code}`)
    await expect.poll(() => page.getByRole('heading', { name: 'Busy Room', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    // every pong is handled 6 s late (the keep-alive gives it 5) while messages keep arriving
    await page.evaluate(() => { (window as unknown as { wire: Wire }).wire.delayPong = 6000 })
    let n = 0
    const traffic = setInterval(() => { void send(app.url, bob.token, room.id, `busy ${++n}`).catch(() => {}) }, 500)
    try {
      await expect.poll(async () => (await wire(page)).pongsLate, { timeout: 40_000 }).toBeGreaterThan(0)
    } finally { clearInterval(traffic) }
    // before: closed with 4408 (pong timeout) 5 s after each ping, and reconnected
    expect((await wire(page)).closes).toEqual([])
    expect((await wire(page)).sockets).toBe(1)
    await context.close()
  }, 90_000)
})

describe('a room left open while it is busy', () => {
  it('keeps the newest 400-600 messages on the page, and Load older messages brings back what went', async () => {
    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    await signUpInPage(page, app.url, uname('eve'))
    const bob = await signUp(app.url, uname('fay'))
    const room = await createRoom(app.url, bob.token, 'Busy Hall')
    await page.goto(`${app.url}/join/${(room as { code: string }).code}`)
    await expect.poll(() => page.getByRole('heading', { name: 'Busy Hall', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    const bodies = () => page.getByRole('log').locator('li.message .body').allTextContents()
    for (let i = 1; i <= 650; i++) await send(app.url, bob.token, room.id, `n${i}`)
    // before: all 650 stayed (and in a day-long busy room, tens of thousands)
    await expect.poll(async () => (await bodies()).at(-1), { timeout: 30_000 }).toBe('n650')
    const shown = await bodies()
    expect(shown.length).toBeLessThanOrEqual(600)
    expect(shown).toEqual(Array.from({ length: shown.length }, (_, i) => `n${651 - shown.length + i}`))
    await page.getByRole('button', { name: 'Load older messages' }).click()
    await expect.poll(async () => (await bodies())[0], { timeout: 10_000 }).toBe(`n${651 - shown.length - 50}`)
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})

describe('a history opened at an older message', () => {
  it('pages newer history in on demand instead of replaying all of it, then goes live at the newest; writing jumps to the newest', async () => {
    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    await signUpInPage(page, app.url, uname('gus'))
    const bob = await signUp(app.url, uname('hal'))
    const room = await createRoom(app.url, bob.token, 'Deep History')
    for (let i = 1; i <= 160; i++) await send(app.url, bob.token, room.id, `d${i}`)
    await page.goto(`${app.url}/join/${(room as { code: string }).code}`)
    await expect.poll(() => page.getByRole('heading', { name: 'Deep History', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    const bodies = () => page.getByRole('log').locator('li.message .body').allTextContents()
    await expect.poll(async () => (await bodies()).at(-1), { timeout: 10_000 }).toBe('d160')
    await page.goto(`${app.url}/rooms/${room.id}?at=5`)
    const newer = page.getByRole('button', { name: 'Load newer messages' })
    await expect.poll(() => newer.count(), { timeout: 10_000 }).toBe(1)
    // before: the 155 newer messages were all replayed into the page at once
    const first = await bodies()
    expect(first[0]).toBe('d1')
    expect(first.length).toBeLessThanOrEqual(50)
    // page by page to the newest, by reading down (the bottom of the log loads the next page), then
    // live ("Jump to latest" stays while there is newer history, its neighbour says Loading… meanwhile)
    const toLatest = page.getByRole('button', { name: 'Jump to latest' })
    await expect.poll(async () => {
      await page.getByRole('log').evaluate((el) => { el.scrollTop = el.scrollHeight })
      return toLatest.count()
    }, { timeout: 30_000 }).toBe(0)
    const all = await bodies()
    expect(all).toEqual(Array.from({ length: 160 }, (_, i) => `d${i + 1}`))
    await send(app.url, bob.token, room.id, 'live after')
    await expect.poll(async () => (await bodies()).at(-1), { timeout: 10_000 }).toBe('live after')

    // opened far back again, the reader writes: the page goes to the newest, where it shows
    await page.goto(`${app.url}/rooms/${room.id}?at=3`)
    await expect.poll(() => newer.count(), { timeout: 10_000 }).toBe(1)
    await page.getByLabel('Message', { exact: true }).fill('written from the past')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await bodies()).slice(-2), { timeout: 10_000 }).toEqual(['live after', 'written from the past'])
    expect(await toLatest.count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})
