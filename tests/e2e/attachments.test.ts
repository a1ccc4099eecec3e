// Attachments and avatars in the browser (issues 16 and 17): an image pasted into the composer
// and a file attached with the button reach the other member (the image inline, opening in a
// lightbox that Escape closes; the file as a named download), the thumbnail URL is refused to a
// signed-in non-member; and an avatar set on the profile page appears for the other user live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import sharp from 'sharp'
import type { TestApp } from '../helpers/app.js'
import { launch, newPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'

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

async function createRoom(page: Page, name: string, kind: 'Public' | 'Private') {
  await page.getByLabel('Room name').fill(name)
  await page.getByRole('radio', { name: new RegExp(`${kind}: `) }).check()
  await page.getByRole('button', { name: 'Create room' }).click()
  await expect.poll(() => page.getByRole('heading', { name }).count(), { timeout: 10_000 }).toBe(1)
  return (await page.getByTestId('room-code').textContent())!.trim()
}

/** status of a GET made by the page itself (its session cookie rides along) */
const statusOf = (page: Page, url: string) => page.evaluate(async (u) => (await fetch(u)).status, url)

describe('attachments in the browser', () => {
  it('an image pasted and a file attached reach the other member; the lightbox opens and Escape closes it; a non-member gets 404 for the thumbnail', async () => {
    const a = await newPage(browser)
    const b = await newPage(browser)
    const e = await newPage(browser)
    const errors = [watchErrors(a.page), watchErrors(b.page)]
    await signUpInPage(a.page, app.url, uname('ann'), undefined, 'Ann')
    await signUpInPage(b.page, app.url, uname('ben'), undefined, 'Ben')
    await signUpInPage(e.page, app.url, uname('eve'), undefined, 'Eve')
    const code = await createRoom(a.page, 'Problem sheets', 'Private')
    await b.page.goto(`${app.url}/join/${code}`)
    await expect.poll(() => b.page.getByRole('heading', { name: 'Problem sheets' }).count(), { timeout: 10_000 }).toBe(1)

    // paste an image into the composer
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#2a7' } }).png().toBuffer()
    const composer = a.page.getByLabel('Message', { exact: true })
    await composer.focus()
    await a.page.evaluate((b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      const dt = new DataTransfer()
      dt.items.add(new File([bytes], 'sheet.png', { type: 'image/png' }))
      document.getElementById('composer-input')!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }))
    }, png.toString('base64'))
    // and attach a file with the button
    const chooser = a.page.waitForEvent('filechooser')
    await a.page.getByRole('button', { name: 'Attach files' }).click()
    await (await chooser).setFiles({ name: 'answers.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n') })
    const files = a.page.getByRole('list', { name: 'Files to send' })
    await expect.poll(() => files.getByText('Ready').count(), { timeout: 10_000 }).toBe(2)
    await composer.fill('question 3')
    await a.page.getByRole('button', { name: 'Send' }).click()

    // the other member sees the image inline and the file as a named download
    const open = b.page.getByRole('button', { name: 'Open image sheet.png' })
    await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => open.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(320)
    const download = b.page.getByRole('link', { name: /answers\.pdf/ })
    expect(await download.getAttribute('download')).toBe('answers.pdf')
    expect(await statusOf(b.page, (await download.getAttribute('href'))!)).toBe(200)

    // the lightbox: a dialog with the full image; Escape closes it and focus goes back
    await open.click()
    const dialog = b.page.getByRole('dialog', { name: 'Image sheet.png' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await expect.poll(() => dialog.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBe(640)
    await b.page.keyboard.press('Escape')
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect(await open.evaluate((el) => el === document.activeElement)).toBe(true)

    // a signed-in non-member is refused the thumbnail (and the file)
    const thumb = (await open.locator('img').getAttribute('src'))!
    expect(thumb).toMatch(/^\/uploads\/[0-9a-f-]{36}\/thumbnail$/)
    expect(await statusOf(e.page, thumb)).toBe(404)
    expect(await statusOf(e.page, thumb.replace(/\/thumbnail$/, ''))).toBe(404)
    expect(await statusOf(b.page, thumb)).toBe(200)
    expect(errors.flat()).toEqual([])
    for (const p of [a, b, e]) await p.context.close()
  }, 120_000)

  it('a failed upload can be retried; a file dropped on the composer is attached too', async () => {
    const a = await newPage(browser)
    await signUpInPage(a.page, app.url, uname('rey'), undefined, 'Rey')
    await createRoom(a.page, 'Retry room', 'Public')
    // the first attempt fails on the way (the network drops it); the retry goes through
    let fail = true
    await a.page.route('**/uploads', (route) => (fail ? (fail = false, route.abort('failed')) : route.continue()))
    const chooser = a.page.waitForEvent('filechooser')
    await a.page.getByRole('button', { name: 'Attach files' }).click()
    await (await chooser).setFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
    const retry = a.page.getByRole('button', { name: 'Retry uploading notes.txt' })
    await expect.poll(() => retry.count(), { timeout: 10_000 }).toBe(1)
    expect(await a.page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true)
    await retry.click()
    await expect.poll(() => a.page.getByRole('list', { name: 'Files to send' }).getByText('Ready').count(), { timeout: 10_000 }).toBe(1)
    // a second file dropped onto the composer joins it
    await a.page.evaluate(() => {
      const dt = new DataTransfer()
      dt.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }))
      const form = document.querySelector('form.composer')!
      form.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }))
      form.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }))
    })
    await expect.poll(() => a.page.getByRole('list', { name: 'Files to send' }).getByText('Ready').count(), { timeout: 10_000 }).toBe(2)
    await a.page.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => a.page.getByRole('link', { name: /notes\.txt/ }).count(), { timeout: 10_000 }).toBe(1)
    expect(await a.page.getByRole('link', { name: /dropped\.txt/ }).count()).toBe(1)
    await a.context.close()
  }, 120_000)

  it('an avatar set on the profile page (cropped square, previewed) appears for the other user live', async () => {
    const a = await newPage(browser)
    const b = await newPage(browser)
    await signUpInPage(a.page, app.url, uname('ava'), undefined, 'Ava')
    await signUpInPage(b.page, app.url, uname('bo'), undefined, 'Bo')
    const code = await createRoom(a.page, 'Faces', 'Public')
    await a.page.getByLabel('Message', { exact: true }).fill('hello')
    await a.page.getByRole('button', { name: 'Send' }).click()
    await b.page.goto(`${app.url}/join/${code}`)
    const row = b.page.locator('li.message', { hasText: 'hello' })
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1)
    expect(await row.locator('img.avatar-img').count()).toBe(0)

    await a.page.getByRole('link', { name: 'Profile' }).click()
    const wide = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#c33' } }).jpeg().toBuffer()
    await a.page.getByLabel('Choose a picture').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: wide })
    await expect.poll(() => a.page.getByRole('img', { name: 'Preview of your picture' }).count(), { timeout: 10_000 }).toBe(1)
    await a.page.getByLabel('Zoom').fill('2')
    await a.page.getByRole('button', { name: 'Use this picture' }).click()
    await expect.poll(() => a.page.locator('.profile-card img.avatar-img').count(), { timeout: 10_000 }).toBe(1)

    // the other user's open room shows it without a reload: square, from the upload
    const img = row.locator('img.avatar-img')
    await expect.poll(() => img.count(), { timeout: 10_000 }).toBe(1)
    expect(await img.getAttribute('src')).toMatch(/^\/uploads\/[0-9a-f-]{36}\/thumbnail$/)
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && [el.naturalWidth, el.naturalHeight].join('x')), { timeout: 10_000 }).toBe('320x320')

    // removed: initials again, live
    await a.page.getByRole('button', { name: 'Remove picture' }).click()
    await expect.poll(() => img.count(), { timeout: 10_000 }).toBe(0)
    await a.context.close()
    await b.context.close()
  }, 120_000)

  it('a message of files only reads "📎 2 files" in the sidebar, live and after a reload', async () => {
    const a = await newPage(browser)
    const b = await newPage(browser)
    await signUpInPage(a.page, app.url, uname('fay'), undefined, 'Fay')
    await signUpInPage(b.page, app.url, uname('gus'), undefined, 'Gus')
    const code = await createRoom(a.page, 'Files only', 'Private')
    await b.page.goto(`${app.url}/join/${code}`)
    await expect.poll(() => b.page.getByRole('heading', { name: 'Files only' }).count(), { timeout: 10_000 }).toBe(1)
    await b.page.getByRole('link', { name: 'Progress' }).click()
    const chooser = a.page.waitForEvent('filechooser')
    await a.page.getByRole('button', { name: 'Attach files' }).click()
    await (await chooser).setFiles([
      { name: 'one.txt', mimeType: 'text/plain', buffer: Buffer.from('one') },
      { name: 'two.txt', mimeType: 'text/plain', buffer: Buffer.from('two') },
    ])
    await expect.poll(() => a.page.getByRole('list', { name: 'Files to send' }).getByText('Ready').count(), { timeout: 10_000 }).toBe(2)
    await a.page.getByRole('button', { name: 'Send' }).click()
    const row = (p: Page) => p.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /^Files only/ })
    await expect.poll(() => row(b.page).textContent(), { timeout: 10_000 }).toMatch(/Fay @\S+: 📎 2 files/)
    await b.page.reload()
    await expect.poll(() => row(b.page).textContent(), { timeout: 10_000 }).toMatch(/Fay @\S+: 📎 2 files/)
    await a.context.close()
    await b.context.close()
  }, 60_000)
})
