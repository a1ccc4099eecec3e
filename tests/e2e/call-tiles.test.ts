// Call tiles in Chromium with the fake camera and microphone: the member list marks who is in
// the call, a participant whose camera is off is shown by name and initials, a muted one carries
// a muted mark, the speaker is outlined, and a tile can be enlarged (spotlight) from the keyboard
// and put back with Escape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'
import { launch, newPage, signInInPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'

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

describe('call tiles', () => {
  it('name the participant when the camera is off, mark the muted one, and enlarge by keyboard', async () => {
    const a = await newPage(browser)
    const b = await newPage(browser)
    const errors = [watchErrors(a.page), watchErrors(b.page)]
    await a.context.grantPermissions(['camera', 'microphone'])
    await b.context.grantPermissions(['camera', 'microphone'])
    await signUpInPage(a.page, app.url, uname('cara'), undefined, 'Cara Lopes')
    await signUpInPage(b.page, app.url, uname('dan'), undefined, 'Dan Okafor')
    await a.page.getByLabel('Room name').fill('Tile Room')
    await a.page.getByRole('button', { name: 'Create room' }).click()
    await expect.poll(() => a.page.getByRole('heading', { name: 'Tile Room' }).count()).toBe(1)
    const code = (await a.page.getByTestId('room-code').textContent())!.trim()
    await b.page.goto(`${app.url}/join/${code}`)
    await expect.poll(() => b.page.getByRole('heading', { name: 'Tile Room' }).count(), { timeout: 10_000 }).toBe(1)

    await a.page.getByRole('button', { name: 'Start call' }).click()
    await expect.poll(() => b.page.getByRole('button', { name: 'Join call' }).count(), { timeout: 10_000 }).toBe(1)
    await b.page.getByRole('button', { name: 'Join call' }).click()
    const danTile = a.page.getByRole('group', { name: 'Dan Okafor' })
    await expect.poll(() => danTile.getAttribute('data-connection'), { timeout: 20_000 }).toBe('connected')
    // the member list says who is in the call
    await expect.poll(() => a.page.getByRole('list', { name: 'Room members' }).getByText('In call').count(), { timeout: 10_000 }).toBe(2)
    // camera on: the video plays, no placeholder
    await expect.poll(() => danTile.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 10_000 }).toBeGreaterThan(0)
    expect(await danTile.getByRole('img', { name: 'Dan Okafor (camera off)' }).count()).toBe(0)

    // the call's buttons say what a press does, and nothing contradicts them: no "pressed" state
    // on a label that already changes ("Unmute, pressed" read as if the microphone were on)
    const callControls = b.page.getByRole('region', { name: 'Call' })
    const spoken = async (name: string) => (await callControls.getByRole('button', { name, exact: true }).ariaSnapshot()).trim()
    expect(await spoken('Mute')).toBe('- button "Mute"')
    expect(await spoken('Camera off')).toBe('- button "Camera off"')
    // Dan turns the camera off and mutes: Cara's tile for Dan shows his name and initials, and the mark
    await b.page.getByRole('button', { name: 'Camera off' }).click()
    await b.page.getByRole('button', { name: 'Mute', exact: true }).click()
    expect(await spoken('Unmute')).toBe('- button "Unmute"')
    expect(await spoken('Camera on')).toBe('- button "Camera on"')
    const placeholder = danTile.getByRole('img', { name: 'Dan Okafor (camera off)' })
    await expect.poll(() => placeholder.count(), { timeout: 10_000 }).toBe(1)
    expect(await placeholder.isVisible()).toBe(true)
    expect(await placeholder.textContent()).toContain('DO')
    expect(await placeholder.textContent()).toContain('Dan Okafor')
    await expect.poll(() => danTile.getByRole('img', { name: 'muted' }).count(), { timeout: 10_000 }).toBe(1)
    // his own tile says so too
    expect(await b.page.getByRole('group', { name: 'You' }).getByRole('img', { name: 'You (camera off)' }).count()).toBe(1)

    // back on: the video again, the mark gone
    await b.page.getByRole('button', { name: 'Camera on' }).click()
    await b.page.getByRole('button', { name: 'Unmute' }).click()
    await expect.poll(() => placeholder.count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(() => danTile.getByRole('img', { name: 'muted' }).count(), { timeout: 10_000 }).toBe(0)

    // the fake microphone beeps: Dan's voice, measured on Cara's side, marks him as the speaker
    await expect.poll(() => danTile.getAttribute('class'), { timeout: 15_000 }).toMatch(/\bspeaking\b/)

    // spotlight from the keyboard, Escape puts it back
    const enlarge = a.page.getByRole('button', { name: 'Enlarge Dan Okafor' })
    await enlarge.focus()
    await a.page.keyboard.press('Enter')
    await expect.poll(() => a.page.getByRole('button', { name: 'Show Dan Okafor smaller' }).getAttribute('aria-pressed')).toBe('true')
    const [big, small] = [await danTile.boundingBox(), await a.page.getByRole('group', { name: 'You' }).boundingBox()]
    expect(big!.width).toBeGreaterThan(small!.width * 2)
    await a.page.keyboard.press('Escape')
    await expect.poll(() => a.page.getByRole('button', { name: 'Enlarge Dan Okafor' }).getAttribute('aria-pressed')).toBe('false')

    expect(errors.flat()).toEqual([])
    await a.context.close()
    await b.context.close()
  }, 120_000)

  it('on a phone the own camera is a small picture-in-picture, not a tile as big as the other person', async () => {
    const eve = await signUp(app.url, uname('eve'))
    const finn = await signUp(app.url, uname('finn'))
    await ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d: 'Finn Berg' }, finn.token)
    const room = await createRoom(app.url, eve.token, 'Pocket Call')
    await joinByCode(app.url, finn.token, room.code)
    const phone = { width: 390, height: 844 }
    const a = await newPage(browser, phone)
    const b = await newPage(browser, phone)
    const errors = [watchErrors(a.page), watchErrors(b.page)]
    for (const [p, u] of [[a, eve], [b, finn]] as const) {
      await p.context.grantPermissions(['camera', 'microphone'])
      await signInInPage(p.page, app.url, u.username)
      await p.page.goto(`${app.url}/rooms/${room.id}`)
      await expect.poll(() => p.page.getByRole('heading', { name: 'Pocket Call' }).count(), { timeout: 10_000 }).toBe(1)
    }
    await a.page.getByRole('button', { name: 'Start call' }).click()
    await expect.poll(() => b.page.getByRole('button', { name: 'Join call' }).count(), { timeout: 10_000 }).toBe(1)
    await b.page.getByRole('button', { name: 'Join call' }).click()
    const finnTile = a.page.getByRole('group', { name: 'Finn Berg' })
    await expect.poll(() => finnTile.getAttribute('data-connection'), { timeout: 20_000 }).toBe('connected')
    await expect.poll(() => finnTile.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 10_000 }).toBeGreaterThan(0)
    const own = a.page.getByRole('group', { name: 'You' })
    expect(await own.isVisible()).toBe(true)
    const [other, self] = [(await finnTile.boundingBox())!, (await own.boundingBox())!]
    // the other person has the width of the screen; the own view is small, in a corner of theirs
    expect(other.width).toBeGreaterThan(phone.width * 0.8)
    expect(self.width).toBeLessThanOrEqual(other.width * 0.4)
    expect(self.x).toBeGreaterThanOrEqual(other.x)
    expect(self.x + self.width).toBeLessThanOrEqual(other.x + other.width)
    expect(self.y).toBeGreaterThanOrEqual(other.y)
    expect(self.y + self.height).toBeLessThanOrEqual(other.y + other.height)
    // the own view can still be enlarged, and then it takes the width like any spotlight
    await own.getByRole('button', { name: 'Enlarge You' }).click()
    await expect.poll(async () => (await own.boundingBox())!.width).toBeGreaterThan(phone.width * 0.8)
    expect(errors.flat()).toEqual([])
    await a.context.close()
    await b.context.close()
  }, 120_000)
})
