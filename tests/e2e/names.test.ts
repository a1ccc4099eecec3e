// Issue 13, finding 8 (impersonation) in the browser: two people may share a display name, so the
// client shows each message's sender with their @username beside the name (contract part 2); and
// the sign-up form shows the server's reason under the password field when a password is refused
// as too common.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
import { launch, newPage, signInInPage, startWebApp, uname, watchErrors } from './browser.js'

const SIGN_UP = 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { id username } } }'
const PASSWORD = 'correct horse battery'

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

describe('names in the browser', () => {
  it('two senders with the same display name are told apart by the @username beside it', async () => {
    const make = async (prefix: string) => {
      const username = uname(prefix)
      const d = (await ok(app.url, SIGN_UP, { i: { username, password: PASSWORD, displayName: 'Ada' } })).signUp
      return { username, token: d.token as string }
    }
    const [real, impostor, viewer] = [await make('ada'), await make('imp'), await make('view')]
    const room = await createRoom(app.url, real.token, 'Names')
    await joinByCode(app.url, impostor.token, room.code)
    await joinByCode(app.url, viewer.token, room.code)
    await send(app.url, real.token, room.id, 'the real one speaking')
    await send(app.url, impostor.token, room.id, 'trust me, I am Ada')

    const v = await newPage(browser)
    const errors = watchErrors(v.page)
    await signInInPage(v.page, app.url, viewer.username)
    await v.page.goto(`${app.url}/rooms/${room.id}`)
    const row = (text: string) => v.page.getByRole('log').getByRole('listitem').filter({ hasText: text })
    for (const [text, who] of [['the real one speaking', real], ['trust me, I am Ada', impostor]] as const) {
      await expect.poll(() => row(text).count(), { timeout: 15_000 }).toBe(1)
      // the same display name on both, each with its own @username beside it
      expect(await row(text).getByText('Ada', { exact: true }).isVisible()).toBe(true)
      expect(await row(text).getByText(`@${who.username}`, { exact: true }).isVisible()).toBe(true)
    }
    expect(await row('trust me, I am Ada').getByText(`@${real.username}`, { exact: true }).count()).toBe(0)

    // the sidebar's last message of the room names its sender the same way
    await v.page.getByRole('link', { name: 'Rooms', exact: true }).click()
    await expect.poll(() => v.page.getByRole('link', { name: /Names/ }).getByText(`Ada @${impostor.username}: trust me, I am Ada`).count(), { timeout: 10_000 }).toBe(1)
    expect(errors).toEqual([])
    await v.context.close()
  }, 90_000)

  it('the sign-up form shows why a common password is refused, under the password field', async () => {
    const p = await newPage(browser)
    await p.page.goto(app.url + '/signup')
    await p.page.getByLabel('Username').fill(uname('weak'))
    await p.page.getByLabel('Password').fill('qwertyuiop')
    await p.page.getByRole('button', { name: 'Create account' }).click()
    await expect.poll(() => p.page.getByText(/password is too common/).count(), { timeout: 10_000 }).toBe(1)
    expect(await p.page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true')
    // still on the form, signed out
    expect(await p.page.getByRole('button', { name: 'Create account' }).isVisible()).toBe(true)
    await p.context.close()
  }, 60_000)
})
