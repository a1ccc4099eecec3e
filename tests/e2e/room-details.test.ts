// What a first-time user tripped over (a UX audit of the web client): an invite link opened while
// signed out, the phone drawer that would not close, a member count that stayed stale, a badge
// that kept counting a read DM, a room deleted under the reader, a mention that swallowed Enter,
// and a raw field path in the profile form.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'
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
/** a second session of a user who signed up in a page: for setting the scene over the API */
async function tokenOf(username: string): Promise<string> {
  return (await ok(app.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username, password: PASSWORD } })).logIn.token
}
async function idOf(token: string): Promise<string> {
  return (await ok(app.url, '{ me { id } }', {}, token)).me.id
}
const messages = (page: Page) => page.getByRole('log').locator('li.message .body')

describe('rough edges of the web client', () => {
  it('an invite link opened while signed out lands in the room after signing in, and after signing up', async () => {
    const owner = uname('own')
    const o = await newPage(browser)
    await signUpInPage(o.page, app.url, owner)
    const room = await createRoom(app.url, await tokenOf(owner), 'Invite Only', 'PRIVATE')

    // a newcomer follows the link, then creates an account from the sign-in page
    const n = await newPage(browser)
    await n.page.goto(`${app.url}/join/${room.code}`)
    await expect.poll(() => new URL(n.page.url()).pathname).toBe('/signin')
    await n.page.getByRole('link', { name: 'Create an account' }).click()
    await n.page.getByLabel('Username').fill(uname('new'))
    await n.page.getByLabel('Password').fill(PASSWORD)
    await n.page.getByRole('button', { name: 'Create account' }).click()
    await expect.poll(() => n.page.getByRole('heading', { name: 'Invite Only' }).count(), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => n.page.getByLabel('Message', { exact: true }).count()).toBe(1)

    // someone with an account signs in from the same kind of link
    const existing = uname('old')
    const e = await newPage(browser)
    await signUpInPage(e.page, app.url, existing)
    await e.context.clearCookies()
    await e.page.goto(`${app.url}/join/${room.code}`)
    await expect.poll(() => new URL(e.page.url()).pathname, { timeout: 10_000 }).toBe('/signin')
    await e.page.getByLabel('Username').fill(existing)
    await e.page.getByLabel('Password').fill(PASSWORD)
    await e.page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => e.page.getByRole('heading', { name: 'Invite Only' }).count(), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => e.page.getByLabel('Message', { exact: true }).count()).toBe(1)
    await Promise.all([o.context.close(), n.context.close(), e.context.close()])
  })

  it('on a phone the members panel is a modal dialog (focus in and kept inside, back after), closes by Close, Escape or a tap beside it, and its count follows joins live', async () => {
    const owner = uname('ph')
    const p = await newPage(browser, { width: 390, height: 844 })
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, owner)
    const room = await createRoom(app.url, await tokenOf(owner), 'Pocket Room')
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const toggle = p.page.getByRole('button', { name: /^Members & timer \(\d+\)$/ })
    await expect.poll(() => toggle.textContent(), { timeout: 10_000 }).toBe('Members & timer (1)')
    // over the room it is a modal dialog
    const panel = p.page.getByRole('dialog', { name: 'Room details' })
    const inside = () => panel.evaluate((el) => el.contains(document.activeElement))
    const toggleFocused = () => toggle.evaluate((el) => el === document.activeElement)

    // by keyboard: the focus moves in, Tab and Shift+Tab stay inside, Escape closes and gives the
    // focus back to the button that opened it
    await toggle.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => panel.isVisible()).toBe(true)
    expect(await panel.getAttribute('aria-modal')).toBe('true')
    await expect.poll(inside).toBe(true)
    const stops = await panel.evaluate((el) => el.querySelectorAll('button, [href], input, select, textarea, summary').length)
    for (let i = 0; i <= stops; i++) {
      await p.page.keyboard.press('Tab')
      expect(await inside()).toBe(true)
    }
    for (let i = 0; i <= stops; i++) {
      await p.page.keyboard.press('Shift+Tab')
      expect(await inside()).toBe(true)
    }
    await p.page.keyboard.press('Escape')
    await expect.poll(() => panel.isVisible()).toBe(false)
    await expect.poll(toggleFocused).toBe(true)
    // Close gives the focus back too
    await p.page.keyboard.press('Enter')
    await expect.poll(inside).toBe(true)
    await panel.getByRole('button', { name: 'Close' }).press('Enter')
    await expect.poll(() => panel.isVisible()).toBe(false)
    await expect.poll(toggleFocused).toBe(true)

    await toggle.click()
    await expect.poll(() => panel.isVisible()).toBe(true)
    await panel.getByRole('button', { name: 'Close' }).click()
    await expect.poll(() => panel.isVisible()).toBe(false)

    await toggle.click()
    await expect.poll(() => panel.isVisible()).toBe(true)
    await p.page.keyboard.press('Escape')
    await expect.poll(() => panel.isVisible()).toBe(false)

    await toggle.click()
    await expect.poll(() => panel.isVisible()).toBe(true)
    await p.page.mouse.click(15, 500) // the strip of room left beside the panel
    await expect.poll(() => panel.isVisible()).toBe(false)

    // someone joins: the count on the button follows without a reload
    const joiner = await tokenOf(await (async () => { const u = uname('jn'); const j = await newPage(browser); await signUpInPage(j.page, app.url, u); await j.context.close(); return u })())
    await joinByCode(app.url, joiner, room.code)
    await expect.poll(() => toggle.textContent(), { timeout: 10_000 }).toBe('Members & timer (2)')
    expect(errors).toEqual([])
    await p.context.close()
  })

  it('reading a direct message clears its notification; Enter after a full @mention sends; a deleted room says so', async () => {
    const [annName, bobName] = [uname('ann'), uname('bob')]
    const a = await newPage(browser)
    const b = await newPage(browser)
    await signUpInPage(a.page, app.url, annName, PASSWORD, 'Ann')
    await signUpInPage(b.page, app.url, bobName, PASSWORD, 'Bob')
    const [ta, tb] = [await tokenOf(annName), await tokenOf(bobName)]
    const bobId = await idOf(tb)
    await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: bobId }, ta)
    const req = (await ok(app.url, '{ friendRequests(direction: INCOMING) { id } }', {}, tb)).friendRequests[0].id
    await ok(app.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req }, tb)
    const direct = (await ok(app.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: bobId }, ta)).openDirectRoom.id

    // Ann writes to Bob while he is on the rooms page: his badge counts it beside her friend request
    const badge = b.page.getByRole('link', { name: /Notifications/ }).locator('.badge')
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('1')
    await ok(app.url, 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: direct, b: 'are you there?' }, ta)
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('2')
    // he opens the conversation and reads it: the message's notification goes, without visiting Notifications
    await b.page.goto(`${app.url}/rooms/${direct}`)
    await expect.poll(() => messages(b.page).allTextContents(), { timeout: 10_000 }).toEqual(['are you there?'])
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('1')
    expect((await ok(app.url, '{ unreadNotificationCount }', {}, tb)).unreadNotificationCount).toBe(1)

    // a group room: Bob answers with a mention typed in full and Enter
    const room = await createRoom(app.url, ta, 'Soon Gone')
    await joinByCode(app.url, tb, room.code)
    await a.page.goto(`${app.url}/rooms/${room.id}`)
    await b.page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => b.page.getByLabel('Message', { exact: true }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => b.page.getByText(/Members/).count(), { timeout: 10_000 }).toBeGreaterThan(0)
    const box = b.page.getByLabel('Message', { exact: true })
    await box.click()
    await box.pressSequentially(`thanks @${annName}`)
    await expect.poll(() => b.page.getByRole('listbox', { name: 'Mention someone' }).count(), { timeout: 5000 }).toBe(1)
    await box.press('Enter')
    await expect.poll(() => messages(a.page).allTextContents(), { timeout: 10_000 }).toEqual([`thanks @${annName}`])
    expect(await box.inputValue()).toBe('')

    // Ann deletes the room while Bob has it open: he is told, and the room is gone from his screen
    await ok(app.url, 'mutation($id: ID!) { deleteRoom(id: $id) }', { id: room.id }, ta)
    await expect.poll(() => b.page.getByText('This room was deleted, or you are no longer in it.').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => b.page.getByRole('heading', { name: 'Room not found' }).count()).toBe(1)
    expect(await b.page.getByLabel('Message', { exact: true }).count()).toBe(0)
    await Promise.all([a.context.close(), b.context.close()])
  })

  it('a room of 130 members: the panel lists every one, and @-suggestions find the last to join', async () => {
    const ownerName = uname('host')
    const o = await newPage(browser)
    await signUpInPage(o.page, app.url, ownerName, PASSWORD, 'Host')
    const room = await createRoom(app.url, await tokenOf(ownerName), 'Big Hall', 'PUBLIC')
    const names: string[] = []
    for (let i = 0; i < 129; i++) {
      const u = await signUp(app.url, `${uname('m')}${String(i).padStart(3, '0')}`)
      await joinByCode(app.url, u.token, room.code)
      names.push(u.username)
    }
    await o.page.goto(`${app.url}/rooms/${room.id}`)
    const list = o.page.getByRole('list', { name: 'Room members' })
    // before: the first 100 only
    await expect.poll(() => list.getByRole('listitem').count(), { timeout: 15_000 }).toBe(130)
    const last = names[names.length - 1]!
    const box = o.page.getByLabel('Message', { exact: true })
    await box.click()
    await box.pressSequentially(`hi @${last}`)
    const suggestions = o.page.getByRole('listbox', { name: 'Mention someone' })
    await expect.poll(() => suggestions.getByRole('option').allTextContents(), { timeout: 5000 }).toEqual([expect.stringContaining(`@${last}`)])
    await o.context.close()
  }, 120_000)

  it('a declined friend request leaves the sender\'s page at once; a wrong room code says so plainly', async () => {
    const [annName, bobName] = [uname('ann'), uname('bob')]
    const a = await newPage(browser)
    const b = await newPage(browser)
    await signUpInPage(a.page, app.url, annName, PASSWORD, 'Ann')
    await signUpInPage(b.page, app.url, bobName, PASSWORD, 'Bob')
    const [ta, tb] = [await tokenOf(annName), await tokenOf(bobName)]
    await b.page.getByRole('link', { name: 'Friends' }).click()
    // the page's live feed is running before the request is sent: what follows is pushed
    const bobId = await idOf(tb)
    await expect.poll(() => app.app.hearth.realtime.liveFieldsOf(bobId), { timeout: 10_000 }).toContain('friendshipChanged')
    await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: await idOf(ta) }, tb)
    const cancel = b.page.getByRole('button', { name: 'Cancel request to Ann' })
    await expect.poll(() => cancel.count(), { timeout: 10_000 }).toBe(1)
    const req = (await ok(app.url, '{ friendRequests(direction: INCOMING) { id } }', {}, ta)).friendRequests[0].id
    await ok(app.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: false) { id } }', { id: req }, ta)
    // well before the page's 20 s refresh: the change is pushed
    await expect.poll(() => cancel.count(), { timeout: 5000 }).toBe(0)

    await b.page.goto(`${app.url}/join/NOPE234567`)
    await expect.poll(() => b.page.getByRole('alert').textContent(), { timeout: 10_000 }).toMatch(/No room has the code NOPE234567/)
    expect(await b.page.getByRole('button', { name: /Try again/ }).count()).toBe(0)
    await Promise.all([a.context.close(), b.context.close()])
  })

  it('the timer form refuses out-of-range minutes in place, and a stopped timer offers the lengths its clock shows', async () => {
    const owner = uname('tm')
    const p = await newPage(browser)
    await signUpInPage(p.page, app.url, owner)
    const t = await tokenOf(owner)
    const room = await createRoom(app.url, t, 'Timer Room')
    await ok(app.url, 'mutation($r: ID!) { startRoomTimer(roomId: $r, focusMinutes: 7, breakMinutes: 3) { phase } }', { r: room.id }, t)
    await ok(app.url, 'mutation($r: ID!) { stopRoomTimer(roomId: $r) { phase } }', { r: room.id }, t)
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const focus = p.page.getByLabel('Focus minutes')
    await expect.poll(() => focus.inputValue(), { timeout: 10_000 }).toBe('7')
    expect(await p.page.getByLabel('Break minutes').inputValue()).toBe('3')
    expect(await p.page.getByTestId('timer-clock').textContent()).toBe('07:00')
    await focus.fill('500')
    await expect.poll(() => p.page.getByText('1 to 180 minutes').count()).toBe(1)
    expect(await p.page.getByRole('button', { name: 'Start timer' }).isDisabled()).toBe(true)
    await focus.fill('20')
    expect(await p.page.getByRole('button', { name: 'Start timer' }).isDisabled()).toBe(false)
    expect(await p.page.getByTestId('timer-clock').textContent()).toBe('20:00')
    await p.context.close()
  })

  it('a profile error shows under its field in words, not as a field path', async () => {
    const p = await newPage(browser)
    await signUpInPage(p.page, app.url, uname('pro'))
    await p.page.getByRole('link', { name: 'Profile' }).click()
    const name = p.page.getByLabel('Display name')
    await name.fill('   ')
    await p.page.getByRole('button', { name: 'Save profile' }).click()
    const err = p.page.locator('.field', { has: name }).locator('.field-error')
    await expect.poll(() => err.textContent(), { timeout: 10_000 }).toBe('Display name must not be empty')
    expect(await p.page.getByText(/input\.displayName/).count()).toBe(0)
    await p.context.close()
  })

  it('a button that waits for its request keeps the keyboard focus, says it is busy, and ignores a second press', async () => {
    const p = await newPage(browser)
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, uname('kb'))
    await p.page.getByRole('link', { name: 'Profile' }).click()
    // the profile save is held at the network until the test has looked at the page meanwhile
    let release!: () => void
    const held = new Promise<void>((r) => { release = r })
    let saves = 0
    await p.page.route('**/graphql', async (route) => {
      if (route.request().postData()?.includes('mutation UpdateProfile')) { saves++; await held }
      await route.continue()
    })
    await p.page.getByLabel('Display name').fill('Kay Board')
    const save = p.page.getByRole('button', { name: /^(Save profile|Saving…)$/ })
    const hasFocus = () => save.evaluate((el) => el === document.activeElement)
    await save.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => save.textContent()).toBe('Saving…')
    expect(await save.getAttribute('aria-disabled')).toBe('true')
    // two frames later (the browser has dropped the focus of a disabled control by then) it is still there
    await p.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
    expect(await hasFocus()).toBe(true)
    await p.page.keyboard.press('Enter')
    release()
    await expect.poll(() => p.page.getByText('Profile saved').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => save.textContent()).toBe('Save profile')
    expect(await hasFocus()).toBe(true)
    expect(saves).toBe(1)
    expect(errors).toEqual([])
    await p.context.close()
  })
})
