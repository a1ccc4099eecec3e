// A call between two pages with Chromium's fake camera and microphone, and the room's shared focus
// timer seen the same by two members.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { launch, newPage, signUpInPage, startWebApp, uname, watchErrors, zoneAwayFromMidnight } from './browser.js'

let app: TestApp
let browser: Browser

beforeAll(async () => {
  app = await startWebApp()
  browser = await launch(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'])
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

async function twoMembers(roomName: string) {
  const a = await newPage(browser)
  const b = await newPage(browser)
  await a.context.grantPermissions(['camera', 'microphone'])
  await b.context.grantPermissions(['camera', 'microphone'])
  await signUpInPage(a.page, app.url, uname('cara'), undefined, 'Cara')
  await signUpInPage(b.page, app.url, uname('dan'), undefined, 'Dan')
  await a.page.getByLabel('Room name').fill(roomName)
  await a.page.getByRole('button', { name: 'Create room' }).click()
  await expect.poll(() => a.page.getByRole('heading', { name: roomName }).count()).toBe(1)
  const code = (await a.page.getByTestId('room-code').textContent())!.trim()
  await b.page.goto(`${app.url}/join/${code}`)
  await expect.poll(() => b.page.getByRole('heading', { name: roomName }).count(), { timeout: 10_000 }).toBe(1)
  return { a, b }
}

const seconds = (s: string | null) => {
  const [m, sec] = (s ?? '').split(':').map(Number)
  return m * 60 + sec
}

describe('live room features', () => {
  it('a call between two pages connects both ways', async () => {
    const { a, b } = await twoMembers('Call Room')
    const errors = [watchErrors(a.page), watchErrors(b.page)]
    await a.page.getByRole('button', { name: 'Start call' }).click()
    await expect.poll(() => a.page.getByRole('button', { name: 'Hang up' }).count(), { timeout: 10_000 }).toBe(1)
    // the other member sees the call and joins it
    await expect.poll(() => b.page.getByRole('button', { name: 'Join call' }).count(), { timeout: 10_000 }).toBe(1)
    await b.page.getByRole('button', { name: 'Join call' }).click()

    const state = (p: Page) => p.locator('figure.tile[data-peer]').first().getAttribute('data-connection')
    await expect.poll(() => state(a.page), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => state(b.page), { timeout: 20_000 }).toBe('connected')
    // the remote video actually plays frames from the fake camera
    await expect.poll(() => b.page.locator('figure.tile[data-peer] video').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 10_000 }).toBeGreaterThan(0)

    await a.page.getByRole('button', { name: 'Mute' }).click()
    // the label says what a press does; no "pressed" state contradicts it
    await expect.poll(async () => (await a.page.getByRole('button', { name: 'Unmute' }).ariaSnapshot()).trim()).toBe('- button "Unmute"')

    // hanging up removes the tile on the other side
    await a.page.getByRole('button', { name: 'Hang up' }).click()
    await expect.poll(() => b.page.locator('figure.tile[data-peer]').count(), { timeout: 10_000 }).toBe(0)
    expect(errors.flat()).toEqual([])
    await a.context.close()
    await b.context.close()
  }, 120_000)

  it('going to another page during a call asks first: Cancel keeps the call, OK leaves it (a link, and Back)', async () => {
    const { a, b } = await twoMembers('Call Guard')
    const errors = [watchErrors(a.page), watchErrors(b.page)]
    // a second room in a's sidebar to go to; in-page history: Elsewhere, then the call's room
    const callUrl = a.page.url()
    await a.page.goto(`${app.url}/`)
    await a.page.getByLabel('Room name').fill('Elsewhere')
    await a.page.getByRole('button', { name: 'Create room' }).click()
    await expect.poll(() => a.page.getByRole('heading', { name: 'Elsewhere' }).count()).toBe(1)
    const sidebar = a.page.getByRole('navigation', { name: 'Conversations' })
    await sidebar.getByRole('link', { name: /Call Guard/ }).click()
    await expect.poll(() => a.page.getByRole('heading', { name: 'Call Guard' }).count(), { timeout: 10_000 }).toBe(1)
    expect(a.page.url()).toBe(callUrl)
    await a.page.getByRole('button', { name: 'Start call' }).click()
    await expect.poll(() => a.page.getByRole('button', { name: 'Hang up' }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => b.page.getByText(/In the call/).count(), { timeout: 10_000 }).toBeGreaterThan(0)

    const asked: string[] = []
    let answer = false
    a.page.on('dialog', (d) => { asked.push(d.message()); void (answer ? d.accept() : d.dismiss()) })
    const elsewhere = sidebar.getByRole('link', { name: /Elsewhere/ })
    // Cancel: still here, still in the call (before: the page changed and the call hung up silently)
    await elsewhere.click()
    await expect.poll(() => asked.length).toBe(1)
    expect(asked[0]).toMatch(/Leave the call\?/)
    expect(await a.page.getByRole('heading', { name: 'Call Guard' }).count()).toBe(1)
    expect(await a.page.getByRole('button', { name: 'Hang up' }).count()).toBe(1)
    // Back asks too, and Cancel stays
    await a.page.goBack()
    await expect.poll(() => asked.length).toBe(2)
    await expect.poll(() => a.page.getByRole('heading', { name: 'Call Guard' }).count()).toBe(1)
    expect(await a.page.getByRole('button', { name: 'Hang up' }).count()).toBe(1)
    // OK: there, and out of the call for the other member too
    answer = true
    await elsewhere.click()
    await expect.poll(() => a.page.getByRole('heading', { name: 'Elsewhere' }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => b.page.getByRole('button', { name: 'Start call' }).count(), { timeout: 10_000 }).toBe(1)
    expect(errors.flat()).toEqual([])
    await a.context.close()
    await b.context.close()
  }, 120_000)

  it('the room timer shows the same phase and countdown to both members', async () => {
    const { a, b } = await twoMembers('Timer Room')
    await a.page.getByLabel('Focus minutes').fill('25')
    await a.page.getByLabel('Break minutes').fill('5')
    await a.page.getByRole('button', { name: 'Start timer' }).click()
    await expect.poll(() => a.page.getByTestId('timer-phase').textContent(), { timeout: 10_000 }).toBe('Focus')
    await expect.poll(() => b.page.getByTestId('timer-phase').textContent(), { timeout: 10_000 }).toBe('Focus')
    const [ca, cb] = await Promise.all([a.page.getByTestId('timer-clock').textContent(), b.page.getByTestId('timer-clock').textContent()])
    expect(Math.abs(seconds(ca) - seconds(cb))).toBeLessThanOrEqual(1)
    expect(seconds(ca)).toBeGreaterThan(24 * 60)

    // pause from the other member: both show the same frozen time
    await b.page.getByRole('button', { name: 'Pause' }).click()
    await expect.poll(() => a.page.getByTestId('timer-phase').textContent(), { timeout: 10_000 }).toBe('Paused')
    const [pa, pb] = await Promise.all([a.page.getByTestId('timer-clock').textContent(), b.page.getByTestId('timer-clock').textContent()])
    expect(Math.abs(seconds(pa) - seconds(pb))).toBeLessThanOrEqual(1)
    await a.page.getByRole('button', { name: 'Resume' }).click()
    await expect.poll(() => b.page.getByTestId('timer-phase').textContent(), { timeout: 10_000 }).toBe('Focus')
    // a is focusing too: stopping asks first (part 2)
    await b.page.getByRole('button', { name: 'Stop timer' }).click()
    await b.page.getByRole('button', { name: 'Stop for everyone' }).click()
    await expect.poll(() => a.page.getByTestId('timer-phase').textContent(), { timeout: 10_000 }).toBe('Not running')
    await a.context.close()
    await b.context.close()
  }, 120_000)

  it('the progress page charts the minutes studied', async () => {
    // the browser's zone is the viewer's: one where the 45 minutes just logged are all today's
    const { context, page } = await newPage(browser, undefined, zoneAwayFromMidnight())
    await signUpInPage(page, app.url, uname('prog'))
    await page.getByRole('link', { name: 'Progress' }).click()
    await expect.poll(() => page.getByTestId('total-minutes').textContent(), { timeout: 10_000 }).toBe('0 min')
    await page.getByLabel('Minutes studied', { exact: true }).fill('45')
    await page.getByRole('button', { name: 'Log session' }).click()
    await expect.poll(() => page.getByTestId('total-minutes').textContent(), { timeout: 10_000 }).toBe('45 min')
    await expect.poll(() => page.getByTestId('streak').textContent()).toBe('1')
    // today's bar carries its value
    await expect.poll(() => page.locator('svg.chart rect.bar title').allTextContents()).toContainEqual(expect.stringMatching(/: 45 min$/))
    await context.close()
  }, 60_000)
})
