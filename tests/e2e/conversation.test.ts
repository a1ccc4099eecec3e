// The conversation view in Chromium: search from a room to a highlighted hit (in this room and in
// all rooms, by keyboard), and "jump to first unread" when the unread messages reach back beyond
// the newest page: the page around the read marker is loaded, the divider sits before the first
// unread, and the rest follows with each message once; one sender's run grouped under one header;
// a "new messages" bar while scrolled up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { signUp } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
import { launch, newPage, signInInPage, startWebApp, uname, watchErrors } from './browser.js'

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

const row = (page: Page, text: string) => page.getByRole('log').locator('li.message', { hasText: text })
const bodies = (page: Page) => page.getByRole('log').locator('li.message .body').allTextContents()

/** whether the element is inside the log's visible area */
async function inView(page: Page, text: string): Promise<boolean> {
  const box = await row(page, text).boundingBox()
  const log = await page.getByRole('log').boundingBox()
  return !!box && !!log && box.y >= log.y - 1 && box.y + box.height <= log.y + log.height + 1
}

/** scrolls the log down until the newest message is loaded (a history opened further back pages newer messages in) */
async function readToNewest(page: Page) {
  const toLatest = page.getByRole('button', { name: 'Jump to latest' })
  await expect.poll(async () => {
    await page.getByRole('log').evaluate((el) => { el.scrollTop = el.scrollHeight })
    return toLatest.count()
  }, { timeout: 30_000 }).toBe(0)
}

describe('search', () => {
  it('finds a message beyond the loaded page, opens the room at it highlighted; all rooms too', async () => {
    const ana = await signUp(app.url, uname('ana'))
    const viewer = await signUp(app.url, uname('view'))
    const room = await createRoom(app.url, ana.token, 'Haystack')
    const other = await createRoom(app.url, ana.token, 'Other Room')
    await joinByCode(app.url, viewer.token, room.code)
    await joinByCode(app.url, viewer.token, other.code)
    await send(app.url, ana.token, room.id, 'the <b>needle</b> in the haystack')
    for (let i = 1; i <= 70; i++) await send(app.url, ana.token, room.id, `filler ${i}`)
    await send(app.url, ana.token, other.id, 'another needle over here')

    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    await signInInPage(page, app.url, viewer.username)
    await page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => row(page, 'filler 70').count(), { timeout: 15_000 }).toBe(1)
    expect(await row(page, 'needle').count()).toBe(0)

    // "/" opens the search from the page (not while typing)
    await page.getByRole('log').focus()
    await page.keyboard.press('/')
    const dialog = page.getByRole('dialog', { name: 'Search messages' })
    await expect.poll(() => dialog.isVisible(), { timeout: 5_000 }).toBe(true)
    await page.keyboard.type('NEEDL')
    const hit = dialog.getByRole('button', { name: /the <b>needle<\/b> in the haystack/ })
    await expect.poll(() => hit.count(), { timeout: 10_000 }).toBe(1)
    // room, sender with @username, and the matched word marked (as text: the markup stays text)
    expect(await hit.textContent()).toContain('Haystack')
    expect(await hit.textContent()).toContain(`@${ana.username}`)
    expect(await hit.locator('mark').allTextContents()).toEqual(['needle'])
    expect(await hit.locator('b').count()).toBe(0)
    // only this room: the other room's needle is not listed
    expect(await dialog.getByRole('button', { name: /another needle/ }).count()).toBe(0)

    // chosen with the keyboard: the room opens at the hit, loaded around it, highlighted and in view
    await hit.focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => dialog.count(), { timeout: 5_000 }).toBe(0)
    await expect.poll(() => row(page, 'needle').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => row(page, 'needle').getAttribute('aria-current')).toBe('true')
    await expect.poll(() => inView(page, 'needle'), { timeout: 5_000 }).toBe(true)
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('in the haystack')
    // the newer messages follow as the reader goes down, page by page, each once
    await readToNewest(page)
    await expect.poll(async () => (await bodies(page)).length, { timeout: 15_000 }).toBe(71)
    expect(new Set(await bodies(page)).size).toBe(71)

    // the Search button; all rooms: the other room's hit opens that room at it
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('radio', { name: 'In all my rooms' }).check()
    const otherHit = dialog.getByRole('button', { name: /another needle over here/ })
    await expect.poll(() => otherHit.count(), { timeout: 10_000 }).toBe(1)
    expect(await otherHit.textContent()).toContain('Other Room')
    expect(await dialog.getByRole('button', { name: /in the haystack/ }).count()).toBe(1)
    await otherHit.click()
    await expect.poll(() => page.getByRole('heading', { name: 'Other Room' }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => row(page, 'another needle').getAttribute('aria-current'), { timeout: 10_000 }).toBe('true')
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})

describe('jump to first unread', () => {
  it('loads the page around the read marker, with the divider before the first unread', async () => {
    const ana = await signUp(app.url, uname('ana'))
    const viewer = await signUp(app.url, uname('view'))
    const room = await createRoom(app.url, ana.token, 'Busy Room')
    await send(app.url, ana.token, room.id, 'already read')
    await joinByCode(app.url, viewer.token, room.code)
    for (let i = 1; i <= 80; i++) await send(app.url, ana.token, room.id, `unread ${i}`)

    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    await signInInPage(page, app.url, viewer.username)
    await page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => row(page, 'unread 80').count(), { timeout: 15_000 }).toBe(1)
    // the newest page does not reach the first unread: the bar offers the jump
    expect(await page.getByRole('log').locator('li.message .body', { hasText: /^unread 1$/ }).count()).toBe(0)
    await expect.poll(() => page.getByText('80 unread messages above').count(), { timeout: 5_000 }).toBe(1)
    // nor does the "New messages" line stand above the oldest loaded message, which is not the first unread
    expect(await page.getByRole('separator', { name: 'New messages' }).count()).toBe(0)
    const jump = page.getByRole('button', { name: 'Jump to first unread' })
    await jump.focus()
    await page.keyboard.press('Enter')

    const first = page.getByRole('log').locator('li.message', { has: page.locator('.body', { hasText: /^unread 1$/ }) })
    await expect.poll(() => first.count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => first.getAttribute('aria-current'), { timeout: 5_000 }).toBe('true')
    // the divider sits right before it, after the message read before
    const order = await page.getByRole('log').locator('li').evaluateAll((els) => els.map((e) => e.querySelector('[role="separator"]')?.getAttribute('aria-label') ?? e.querySelector('.body')?.textContent ?? ''))
    const at = order.indexOf('New messages')
    expect(order.slice(at - 1, at + 2)).toEqual(['already read', 'New messages', 'unread 1'])
    expect(await page.getByRole('separator', { name: 'Today' }).count()).toBe(1)
    // the rest arrives as the reader goes down, each once
    await readToNewest(page)
    await expect.poll(async () => (await bodies(page)).length, { timeout: 15_000 }).toBe(81)
    expect(new Set(await bodies(page)).size).toBe(81)
    // one sender's run is grouped under one header (the divider starts a new one): two visible
    // "@ana" headers for 81 messages, while every row still names her for screen readers
    const handles = page.getByRole('log').getByText(`@${ana.username}`, { exact: true })
    // (a screen-reader-only name is a 1 px clipped box, which Playwright counts as visible)
    expect(await handles.evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().width > 1 && !e.closest('.sr-only')).length)).toBe(2)
    expect(await handles.count()).toBe(81)
    // the viewer is reading up there: a new message shows the bar instead of scrolling away
    await page.getByRole('log').evaluate((el) => { el.scrollTop = 0 })
    // the history the jump replayed is not "new"
    const bar = page.getByRole('button', { name: /new messages? ↓/ })
    expect(await bar.count()).toBe(0)
    await send(app.url, ana.token, room.id, 'fresh news')
    await expect.poll(() => bar.textContent(), { timeout: 10_000 }).toBe('1 new message ↓')
    await bar.click()
    await expect.poll(() => inView(page, 'fresh news'), { timeout: 5_000 }).toBe(true)
    await expect.poll(() => bar.count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})

describe('the "New messages" line', () => {
  it('stands above the first unread only once it is loaded: none on opening past the newest page, then there after "Load older messages"', async () => {
    const ana = await signUp(app.url, uname('ana'))
    const viewer = await signUp(app.url, uname('view'))
    const room = await createRoom(app.url, ana.token, 'Long Backlog')
    await send(app.url, ana.token, room.id, 'seen before')
    await joinByCode(app.url, viewer.token, room.code)
    for (let i = 1; i <= 80; i++) await send(app.url, ana.token, room.id, `backlog ${i}`)

    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    await signInInPage(page, app.url, viewer.username)
    await page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => row(page, 'backlog 80').count(), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => page.getByText('80 unread messages above').count(), { timeout: 5_000 }).toBe(1)
    const line = page.getByRole('separator', { name: 'New messages' })
    expect(await line.count()).toBe(0)
    // the older page reaches the read marker: the line stands between what was read and the first unread
    // (clicked where it is: scrolling it into view would load the page on its own first, and the
    // button, gone meanwhile, kept the click waiting)
    await page.getByRole('button', { name: 'Load older messages' }).dispatchEvent('click')
    await expect.poll(() => row(page, 'seen before').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => line.count(), { timeout: 5_000 }).toBe(1)
    const order = await page.getByRole('log').locator('li').evaluateAll((els) => els.map((e) => e.querySelector('[role="separator"]')?.getAttribute('aria-label') ?? e.querySelector('.body')?.textContent ?? ''))
    const at = order.indexOf('New messages')
    expect(order.slice(at - 1, at + 2)).toEqual(['seen before', 'New messages', 'backlog 1'])
    expect(await page.getByText('80 unread messages above').count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})

describe('message actions by keyboard', () => {
  const focused = (page: Page) => page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body) return 'body'
    return el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName
  })
  it('the focus comes back to the action after editing (Enter, Escape) and after Keep or Escape on a delete; the delete question focuses Keep', async () => {
    const zoe = await signUp(app.url, uname('zoe'))
    const room = await createRoom(app.url, zoe.token, 'Keyboard Edits')
    await send(app.url, zoe.token, room.id, 'one')
    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    await signInInPage(page, app.url, zoe.username)
    await page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => bodies(page), { timeout: 10_000 }).toEqual(['one'])
    const edit = row(page, 'one').getByRole('button', { name: 'Edit message' })

    // Edit, type, Enter: saved, and the focus is on Edit again
    await edit.focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA')
    await page.keyboard.type(' edited')
    await page.keyboard.press('Enter')
    await expect.poll(() => bodies(page), { timeout: 10_000 }).toEqual(['one edited'])
    await expect.poll(() => focused(page)).toMatch(/^Edit message from /)
    // Edit, Escape: nothing changes, the focus is on Edit again
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('TEXTAREA')
    await page.keyboard.press('Escape')
    await expect.poll(() => focused(page)).toMatch(/^Edit message from /)
    expect(await bodies(page)).toEqual(['one edited'])

    // Delete: the question has the focus on Keep (the safe choice), so a second Enter by reflex
    // keeps the message and puts the focus back on Delete
    const del = row(page, 'one edited').getByRole('button', { name: 'Delete message' })
    await del.focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => focused(page)).toBe('Keep')
    await page.keyboard.press('Enter')
    await expect.poll(() => focused(page)).toMatch(/^Delete message from /)
    expect(await bodies(page)).toEqual(['one edited'])
    // Delete, then Escape: cancelled, back on Delete
    await page.keyboard.press('Enter')
    await expect.poll(() => focused(page)).toBe('Keep')
    await page.keyboard.press('Escape')
    await expect.poll(() => focused(page)).toMatch(/^Delete message from /)
    expect(await page.getByRole('button', { name: 'Confirm delete' }).count()).toBe(0)
    expect(await bodies(page)).toEqual(['one edited'])
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('emptying a message in the edit box says why it is not saved, and points to Delete', async () => {
    const una = await signUp(app.url, uname('una'))
    const room = await createRoom(app.url, una.token, 'Empty Edits')
    await send(app.url, una.token, room.id, 'keep me')
    const { page, context } = await newPage(browser)
    await signInInPage(page, app.url, una.username)
    await page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => bodies(page), { timeout: 10_000 }).toEqual(['keep me'])
    await row(page, 'keep me').getByRole('button', { name: 'Edit message' }).click()
    await page.getByLabel('Edit message', { exact: true }).fill('   ')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByText('A message cannot be empty. To remove it, cancel and use Delete.').count()).toBe(1)
    // still editing, nothing changed on the server
    expect(await page.getByLabel('Edit message', { exact: true }).count()).toBe(1)
    await page.keyboard.press('Escape')
    await expect.poll(() => bodies(page)).toEqual(['keep me'])
    await context.close()
  }, 60_000)
})

describe('the search dialog', () => {
  it('one Escape closes it even with text in the box, and a single hit is "1 message found"', async () => {
    const vic = await signUp(app.url, uname('vic'))
    const room = await createRoom(app.url, vic.token, 'Searchable')
    await send(app.url, vic.token, room.id, 'the only zebra here')
    const { page, context } = await newPage(browser)
    await signInInPage(page, app.url, vic.username)
    await page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => bodies(page), { timeout: 10_000 }).toEqual(['the only zebra here'])
    await page.locator('header.room-header').getByRole('button', { name: 'Search' }).click()
    const dialog = page.getByRole('dialog', { name: 'Search messages' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await page.keyboard.type('zebra')
    await page.keyboard.press('Enter')
    await expect.poll(() => dialog.getByRole('status').textContent(), { timeout: 10_000 }).toBe('1 message found')
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    // the focus is back on the button that opened it
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search')
    await context.close()
  }, 60_000)
})
