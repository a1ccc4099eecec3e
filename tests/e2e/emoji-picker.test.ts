// The emoji picker's first opening and its size: while its data is on the way it says "Loading
// emoji…" at once (it showed an empty box for a second or two), a room opened fetches that data
// before anyone asks for the picker, and the picker lies inside the window with every column of
// its grid inside its own visible area, on a desktop with classic scrollbars and on a phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Locator, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { launch, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'

let app: TestApp
let browser: Browser

beforeAll(async () => {
  app = await startWebApp()
  browser = await launch([], { scrollbars: true })
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

const DATA = /\/assets\/data-[^/]*\.json(\?.*)?$/

async function roomWithMessage(page: Page, roomName: string) {
  await signUpInPage(page, app.url, uname('emo'))
  await page.getByLabel('Room name').fill(roomName)
  await page.getByRole('button', { name: 'Create room' }).click()
  await expect.poll(() => page.getByRole('heading', { name: roomName }).count(), { timeout: 10_000 }).toBe(1)
  await page.getByLabel('Message', { exact: true }).fill('pick an emoji for this')
  await page.getByRole('button', { name: 'Send' }).click()
  const row = page.getByRole('log').locator('li.message').filter({ hasText: 'pick an emoji for this' })
  await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1)
  return row
}

/** the picker inside the window, and every emoji of its grid's first row and every category tab inside its visible area */
async function expectFits(page: Page, dialog: Locator) {
  const vp = page.viewportSize()!
  const box = (await dialog.boundingBox())!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.y).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(vp.width)
  expect(box.y + box.height).toBeLessThanOrEqual(vp.height)
  const panel = dialog.getByRole('tabpanel')
  // the visible area of the grid: its content box without a scrollbar; nothing scrolls sideways
  const area = await panel.evaluate((el) => {
    const r = el.getBoundingClientRect()
    return { left: r.left + el.clientLeft, right: r.left + el.clientLeft + el.clientWidth, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }
  })
  expect(area.scrollWidth).toBeLessThanOrEqual(area.clientWidth)
  const cells = await panel.getByRole('menuitem').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { top: r.top, left: r.left, right: r.right } }))
  const row = cells.filter((c) => Math.abs(c.top - cells[0].top) < 1)
  expect(row.length).toBeGreaterThanOrEqual(6)
  for (const c of row) {
    expect(c.left).toBeGreaterThanOrEqual(area.left - 0.5)
    expect(c.right).toBeLessThanOrEqual(area.right + 0.5)
  }
  const tabs = await dialog.getByRole('tab').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right } }))
  expect(tabs.length).toBeGreaterThan(5)
  for (const t of tabs) {
    expect(t.left).toBeGreaterThanOrEqual(box.x - 0.5)
    expect(t.right).toBeLessThanOrEqual(box.x + box.width + 0.5)
  }
}

describe('the emoji picker', () => {
  it('its first opening says "Loading emoji…" at once while its data is on the way, then shows the emoji, inside the window (desktop, classic scrollbars)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    const errors = watchErrors(page)
    // the emoji data is held back until the test lets it go
    let release!: () => void
    const gate = new Promise<void>((r) => { release = r })
    await page.route(DATA, async (route) => { await gate; await route.continue() })
    const row = await roomWithMessage(page, 'Emoji first')
    await row.getByRole('button', { name: 'Add reaction' }).click()
    const dialog = page.getByRole('dialog', { name: 'Choose an emoji' })
    await dialog.waitFor()
    // said at once, in the same frame as the dialog: not an empty box
    expect(await dialog.getByRole('status').isVisible()).toBe(true)
    expect(await dialog.getByRole('status').textContent()).toContain('Loading emoji…')
    release()
    await expect.poll(() => dialog.getByRole('menuitem').first().isVisible(), { timeout: 15_000 }).toBe(true)
    await expect.poll(() => dialog.getByRole('status').count()).toBe(0)
    // the search box has the focus once it is there
    await expect.poll(() => dialog.getByRole('combobox', { name: 'Search' }).evaluate((el) => el.matches(':focus'))).toBe(true)
    await expectFits(page, dialog)
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, 90_000)

  it('a room opened fetches the picker\'s data before it is asked for, and the picker fits a phone screen (390x844)', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const page = await context.newPage()
    const errors = watchErrors(page)
    const fetched = page.waitForResponse((r) => DATA.test(r.url()) && r.ok(), { timeout: 20_000 })
    const row = await roomWithMessage(page, 'Emoji phone')
    // nobody has touched "Add reaction" yet
    await fetched
    await row.getByRole('button', { name: 'Add reaction' }).click()
    const dialog = page.getByRole('dialog', { name: 'Choose an emoji' })
    await expect.poll(() => dialog.getByRole('menuitem').first().isVisible(), { timeout: 15_000 }).toBe(true)
    await expectFits(page, dialog)
    // and it still works: search, choose, the reaction shows
    await dialog.getByRole('combobox', { name: 'Search' }).fill('hedgehog')
    await dialog.getByRole('option', { name: /^🦔, hedgehog/ }).click()
    await expect.poll(() => row.getByRole('button', { name: /^🦔 1/ }).count(), { timeout: 10_000 }).toBe(1)
    expect(errors).toEqual([])
    await context.close()
  }, 90_000)
})
