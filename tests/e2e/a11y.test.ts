// Findings of the accessibility audit (keyboard only, screen reader, Chromium), one test each:
// what a screen reader hears (live regions, labels, errors linked to their fields), where the
// keyboard focus goes after an action or a page change, and colour contrast from computed styles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
import { launch, newPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'

let app: TestApp
let browser: Browser

beforeAll(async () => {
  app = await startWebApp({ env: { SEND_RATE_LIMIT_PER_USER: '0' } })
  browser = await launch()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

const PASSWORD = 'correct horse battery'
async function tokenOf(username: string): Promise<string> {
  return (await ok(app.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username, password: PASSWORD } })).logIn.token
}

/** the focused element as a screen reader names it: aria-label, its label, else its text ('' for <body>) */
const activeName = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null
  if (!el || el === document.body) return ''
  const labelled = el.getAttribute('aria-labelledby')
  if (labelled) return labelled.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim()
  const labels = (el as HTMLInputElement).labels
  return (el.getAttribute('aria-label') ?? (labels?.length ? labels[0].textContent : el.textContent) ?? '').trim()
})

/**
 * The texts a screen reader would announce as they appear: those inside a live region (aria-live
 * polite or assertive, or role log / status / alert without aria-live="off").
 */
const liveTexts = (page: Page) => page.evaluate(() => {
  const isLive = (el: Element) => {
    const live = el.getAttribute('aria-live')
    if (live) return live !== 'off'
    return ['log', 'status', 'alert'].includes(el.getAttribute('role') ?? '')
  }
  const out: string[] = []
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.textContent?.trim()
    if (!t) continue
    for (let el = n.parentElement; el; el = el.parentElement) if (isLive(el)) { out.push(t); break }
  }
  return out
})

describe('the message log announces live arrivals only', () => {
  it('history (the first page and older pages) is outside any live region; a message arriving live is announced once', async () => {
    const me = uname('lia')
    const p = await newPage(browser)
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, me, PASSWORD)
    const ann = await signUp(app.url, uname('ann'))
    await ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d: 'Ann Lima' }, ann.token)
    const room = await createRoom(app.url, ann.token, 'Quiet Log')
    await joinByCode(app.url, await tokenOf(me), room.code)
    // more than one page (50) of history
    for (let i = 1; i <= 55; i++) await send(app.url, ann.token, room.id, `old message ${i}`)

    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const log = p.page.getByRole('log', { name: 'Messages in Quiet Log' })
    await expect.poll(() => log.locator('li.message .body').count(), { timeout: 10_000 }).toBe(50)
    expect((await liveTexts(p.page)).filter((t) => t.includes('old message'))).toEqual([])

    // the older page, loaded from the keyboard
    await log.getByRole('button', { name: 'Load older messages' }).focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => log.locator('li.message .body').count(), { timeout: 10_000 }).toBe(55)
    expect((await liveTexts(p.page)).filter((t) => t.includes('old message'))).toEqual([])

    // a new message from someone else: announced, once, with who wrote it
    await send(app.url, ann.token, room.id, 'fresh news')
    await expect.poll(() => log.locator('li.message .body').last().textContent(), { timeout: 10_000 }).toBe('fresh news')
    await expect.poll(() => liveTexts(p.page).then((l) => l.filter((t) => t.includes('fresh news')))).toHaveLength(1)
    expect((await liveTexts(p.page)).find((t) => t.includes('fresh news'))).toBe('Ann Lima: fresh news')
    expect((await liveTexts(p.page)).filter((t) => t.includes('old message'))).toEqual([])
    expect(errors).toEqual([])
    await p.context.close()
  }, 90_000)
})

describe('the Room menu from the keyboard', () => {
  it("on a wide screen an owner's menu opens on its first visible item and the arrow keys go round the visible items", async () => {
    const me = uname('own')
    const p = await newPage(browser)
    await signUpInPage(p.page, app.url, me, PASSWORD)
    const room = await createRoom(app.url, await tokenOf(me), 'Menu Room')
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const button = p.page.getByRole('button', { name: 'Room menu' })
    await button.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page)).toBe('Room settings')
    await p.page.keyboard.press('ArrowDown')
    expect(await activeName(p.page)).toBe('Leave room')
    await p.page.keyboard.press('ArrowDown')
    expect(await activeName(p.page)).toBe('Delete room')
    await p.page.keyboard.press('ArrowDown')
    expect(await activeName(p.page)).toBe('Room settings')
    await p.page.keyboard.press('ArrowUp')
    expect(await activeName(p.page)).toBe('Delete room')
    await p.page.keyboard.press('Escape')
    await expect.poll(() => activeName(p.page)).toBe('Room menu')
    await p.context.close()
  }, 60_000)
})
