// Accounts in a real browser: sign up, sign in, the sessions page, and a profile edit made in one
// window showing up in another window of the same user without a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { createRoom } from '../helpers/rooms.js'
import { launch, newPage, signInInPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'

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

describe('accounts in the browser', () => {
  it('signing in from a page that needed it lands on that page, once', async () => {
    const owner = await signUp(app.url, uname('deep'))
    const room = await createRoom(app.url, owner.token, 'Deep Link Room')
    for (const [path, heading] of [['/progress', 'Progress'], ['/notifications', 'Notifications'], [`/rooms/${room.id}`, 'Deep Link Room']]) {
      const { page, context } = await newPage(browser)
      // every path the address takes after the sign-in form is sent
      await context.addInitScript(`(() => {
        window.__paths = []
        for (const k of ['pushState', 'replaceState']) {
          const real = history[k].bind(history)
          history[k] = (s, t, u) => { real(s, t, u); window.__paths.push(location.pathname) }
        }
      })()`)
      await page.goto(app.url + path)
      await expect.poll(() => new URL(page.url()).pathname).toBe('/signin')
      expect(new URL(page.url()).searchParams.get('next')).toBe(path)
      await page.evaluate(() => { (window as any).__paths = [] })
      await page.getByLabel('Username').fill(owner.username)
      await page.getByLabel('Password').fill('correct horse battery')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')
      await expect.poll(() => page.getByRole('heading', { level: 1, name: heading }).count(), { timeout: 10_000 }).toBe(1)
      expect(new URL(page.url()).pathname).toBe(path)
      // never through the rooms page on the way
      expect(await page.evaluate(() => (window as any).__paths)).not.toContain('/')
      await context.close()
    }
  }, 90_000)

  it('a next that the browser would read as another site (a tab, a newline, a backslash) lands on the rooms page, signed in', async () => {
    const owner = await signUp(app.url, uname('nxt'))
    for (const next of ['%2F%09%2Fevil.example', '%2F%0A%2Fevil.example', '%2F%5Cevil.example']) {
      const { page, context } = await newPage(browser)
      const errors = watchErrors(page)
      await page.goto(`${app.url}/signin?next=${next}`)
      await page.getByLabel('Username').fill(owner.username)
      await page.getByLabel('Password').fill('correct horse battery')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')
      await expect.poll(() => new URL(page.url()).pathname, { timeout: 10_000 }).toBe('/')
      expect(new URL(page.url()).host).toBe(new URL(app.url).host)
      expect(errors, next).toEqual([])
      await context.close()
    }
  }, 60_000)

  it('a profile edit in one window appears in the other without reload', async () => {
    const username = uname('prof')
    const a = await newPage(browser)
    const errorsA = watchErrors(a.page)
    await signUpInPage(a.page, app.url, username)
    // a second window of the same user: its own context, signed in separately
    const b = await newPage(browser)
    await signInInPage(b.page, app.url, username)
    await b.page.getByRole('link', { name: 'Profile' }).click()
    await expect.poll(() => b.page.getByTestId('profile-display-name').textContent()).toBe(username)

    await a.page.getByRole('link', { name: 'Profile' }).click()
    await a.page.getByLabel('Display name').fill('Ada Lovelace')
    await a.page.getByLabel('First name').fill('Ada')
    await a.page.getByRole('button', { name: 'Save profile' }).click()
    await expect.poll(() => a.page.getByTestId('profile-display-name').textContent()).toBe('Ada Lovelace')

    // the other window was not reloaded: its header and profile card follow the edit live
    await expect.poll(() => b.page.getByTestId('profile-display-name').textContent(), { timeout: 10_000 }).toBe('Ada Lovelace')
    await expect.poll(() => b.page.getByTestId('whoami').textContent()).toBe('Ada Lovelace')
    expect(await b.page.getByLabel('Display name').inputValue()).toBe('Ada Lovelace')
    expect(errorsA).toEqual([])
    await a.context.close()
    await b.context.close()
  }, 90_000)

  it('lists sessions and revoking one signs that window out', async () => {
    const username = uname('sess')
    const a = await newPage(browser)
    await signUpInPage(a.page, app.url, username)
    const b = await newPage(browser)
    await signInInPage(b.page, app.url, username)

    await a.page.getByRole('link', { name: 'Sessions' }).click()
    const rows = a.page.getByRole('list', { name: 'Active sessions' }).getByRole('listitem')
    await expect.poll(() => rows.count()).toBe(2)
    await expect.poll(() => a.page.getByText('This device').count()).toBe(1)
    await a.page.getByRole('button', { name: /^Revoke session/ }).click()
    await expect.poll(() => rows.count()).toBe(1)

    // the revoked window learns it through its socket (closed with 4403) and asks to sign in again
    await expect.poll(() => b.page.getByRole('button', { name: 'Sign in' }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => b.page.getByText('Your session has ended').count()).toBe(1)

    // a wrong password is refused with a message, a right one gets back in
    await b.page.getByLabel('Username').fill(username)
    await b.page.getByLabel('Password').fill('wrong password!')
    await b.page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => b.page.getByRole('alert').count()).toBeGreaterThan(0)
    await b.page.getByLabel('Password').fill('correct horse battery')
    await b.page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => b.page.getByTestId('connection-status').textContent(), { timeout: 10_000 }).toBe('Connected')

    // and a script's session too: one button ends every session but this one
    await ok(app.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username, password: 'correct horse battery' } })
    await a.page.reload()
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(3)
    await a.page.getByRole('button', { name: 'Sign out all 2 other sessions' }).click()
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1)
    expect(await a.page.getByText('This device').count()).toBe(1)
    await expect.poll(() => b.page.getByText('Your session has ended').count(), { timeout: 10_000 }).toBe(1)

    // signing out returns to the sign-in page
    await a.page.getByRole('button', { name: 'Sign out' }).first().click()
    await expect.poll(() => a.page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1)
    await a.context.close()
    await b.context.close()
  }, 90_000)

  it('serves GraphiQL from the bundle, without any CDN', async () => {
    const { context, page } = await newPage(browser)
    const external: string[] = []
    page.on('request', (r) => { if (!r.url().startsWith(app.url)) external.push(r.url()) })
    await page.goto(app.url + '/graphiql')
    await expect.poll(() => page.locator('.graphiql-container').count(), { timeout: 15_000 }).toBe(1)
    expect(external).toEqual([])
    await context.close()
  }, 60_000)
})
