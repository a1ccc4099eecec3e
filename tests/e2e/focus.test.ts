// Focus rooms in Chromium (contract part 2): two members focus with goals and see each other's;
// one goes to Progress during the phase and keeps earning (the app keeps them present); at the
// phase end the page shows a browser Notification and the tab title turns to the break; "done /
// not yet" is shown to the room; who paused is shown; stopping others' focus asks first.
// The server runs on a ManualClock: a 25-minute phase passes in one call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok } from '../helpers/client.js'
import { joinByCode, createRoom } from '../helpers/rooms.js'
import { ManualClock } from '../../src/modules/study/clock.js'
import { launch, newPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'

const MIN = 60_000
let app: TestApp
let browser: Browser
let clock: ManualClock

beforeAll(async () => {
  app = await startWebApp({ env: { SEND_RATE_LIMIT_PER_USER: '0' } })
  clock = new ManualClock(Math.ceil(Date.now() / 1000) * 1000)
  await app.app.hearth.timers.useClock(clock)
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

// records every Notification the page constructs (the real one still runs)
const NOTIFICATION_SPY = `(() => {
  const N = window.Notification
  window.__notes = []
  if (!N) return
  function Spy(title, opts) { window.__notes.push({ title, body: opts && opts.body }); return new N(title, opts) }
  Object.defineProperty(Spy, 'permission', { get: () => N.permission })
  Spy.requestPermission = (...a) => N.requestPermission(...a)
  window.Notification = Spy
})()`

async function person(name: string) {
  const p = await newPage(browser)
  await p.context.grantPermissions(['notifications'], { origin: app.url })
  await p.context.addInitScript(NOTIFICATION_SPY)
  const username = uname(name.toLowerCase())
  await signUpInPage(p.page, app.url, username, PASSWORD, name)
  return { ...p, username, token: await tokenOf(username), errors: watchErrors(p.page) }
}
const notes = (page: Page) => page.evaluate(() => (window as unknown as { __notes: { title: string; body: string }[] }).__notes)
const participant = (page: Page, name: string) => page.getByRole('list', { name: 'Participants' }).getByRole('listitem').filter({ hasText: name })
const settle = () => app.app.hearth.study.roomPresence.idle()

describe('focus rooms in the browser', () => {
  it('two members focus with goals, one visits Progress and keeps the credit, and the phase end notifies and retitles the tab', async () => {
    const ana = await person('Ana')
    const ben = await person('Ben')
    const room = await createRoom(app.url, ana.token, 'Study Hall', 'PRIVATE')
    await joinByCode(app.url, ben.token, room.code)
    for (const u of [ana, ben]) {
      await u.page.goto(`${app.url}/rooms/${room.id}`)
      await expect.poll(() => u.page.getByTestId('timer-phase').textContent(), { timeout: 15_000 }).toBe('Not running')
    }
    await ana.page.getByLabel('Focus minutes').fill('25')
    await ana.page.getByLabel('Break minutes').fill('5')
    await ana.page.getByRole('button', { name: 'Start timer' }).click()
    for (const u of [ana, ben]) await expect.poll(() => u.page.getByTestId('timer-round').textContent(), { timeout: 10_000 }).toBe('Round 1')
    await expect.poll(() => ben.page.getByTestId('timer-last-action').textContent()).toBe('Ana started')

    // goals, typed and set from the keyboard
    await ana.page.getByLabel('Your goal for this round').fill('Chapter 3 exercises')
    await ana.page.getByLabel('Your goal for this round').press('Enter')
    await ben.page.getByLabel('Your goal for this round').fill('Essay outline')
    await ben.page.getByRole('button', { name: 'Set goal' }).click()
    await expect.poll(() => ben.page.getByText('Chapter 3 exercises').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => ana.page.getByText('Essay outline').count(), { timeout: 10_000 }).toBe(1)
    expect(await participant(ana.page, 'Ben').textContent()).toContain('Essay outline')
    // a goal over 140 characters is refused in place
    await ben.page.getByLabel('Your goal for this round').fill('x'.repeat(141))
    await expect.poll(() => ben.page.getByText('At most 140 characters (141 now)').count()).toBe(1)
    expect(await ben.page.getByRole('button', { name: 'Set goal' }).isDisabled()).toBe(true)
    await ben.page.getByLabel('Your goal for this round').fill('')

    // friends see "focusing until" the phase end, in their own time of day (Ben's friends page: he stays present meanwhile)
    const anaId = (await ok(app.url, '{ me { id } }', {}, ana.token)).me.id
    const req = (await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: anaId }, ben.token)).sendFriendRequest.id
    await ok(app.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req }, ana.token)
    await ben.page.getByRole('link', { name: 'Friends' }).click()
    const until = await ben.page.evaluate((iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), new Date(clock.now() + 25 * MIN).toISOString())
    await expect.poll(() => ben.page.getByTestId('focusing-until').textContent(), { timeout: 10_000 }).toBe(`focusing until ${until}`)
    await ben.page.getByRole('link', { name: 'Back to room' }).click()
    await expect.poll(() => ben.page.getByTestId('timer-round').textContent(), { timeout: 10_000 }).toBe('Round 1')

    // the countdown is in the tab title while the timer runs
    await expect.poll(() => ana.page.title(), { timeout: 10_000 }).toMatch(/^2[45]:\d\d Focus · /)
    expect(await ana.page.getByTestId('focus-kept').count()).toBe(1)
    await settle()

    // Ana opens Progress: the app says she is still focusing, and the server still counts her present
    await ana.page.getByRole('link', { name: 'Progress' }).click()
    await expect.poll(() => ana.page.getByTestId('focus-bar').textContent(), { timeout: 10_000 }).toContain('Still focusing in Study Hall')
    await settle()
    await clock.advance(10 * MIN)
    const present = async () => (await ok(app.url, `query($r: ID!) { room(id: $r) { timer { participants { user { displayName } presentSince minutesThisPhase } } } }`, { r: room.id }, ben.token))
      .room.timer.participants.find((p: any) => p.user.displayName === 'Ana')
    expect(await present()).toMatchObject({ minutesThisPhase: 10 })
    expect((await present()).presentSince).not.toBeNull()
    // a reload on Progress keeps her in the round (it dropped her until she opened the room again)
    await ana.page.reload()
    await expect.poll(() => ana.page.getByTestId('focus-bar').textContent(), { timeout: 10_000 }).toContain('Still focusing in Study Hall')
    await settle()
    await expect.poll(async () => (await present()).presentSince, { timeout: 10_000 }).not.toBeNull()
    await ana.page.getByRole('link', { name: 'Back to room' }).click()
    await expect.poll(() => ana.page.getByTestId('timer-round').textContent(), { timeout: 10_000 }).toBe('Round 1')
    await settle()

    expect(await notes(ana.page)).toEqual([])
    await clock.advance(15 * MIN)
    // the phase end: a notification, the break in the tab title, and the credit of the whole phase
    await expect.poll(() => notes(ana.page), { timeout: 10_000 }).toEqual([{ title: 'Break: round 1 done', body: '5 minutes of break in Study Hall.' }])
    await expect.poll(() => ana.page.title(), { timeout: 10_000 }).toMatch(/^0[45]:\d\d Break · /)
    await expect.poll(() => ben.page.getByTestId('timer-phase').textContent(), { timeout: 10_000 }).toBe('Break')
    // said once to a screen reader, in a polite status region
    for (const u of [ana, ben]) await expect.poll(() => u.page.getByRole('status').filter({ hasText: 'Break: 5 minutes' }).count(), { timeout: 10_000 }).toBe(1)
    const minutes = async (token: string) => (await ok(app.url, '{ studySessions { edges { node { minutes } } } }', {}, token)).studySessions.edges.map((e: any) => e.node.minutes)
    expect(await minutes(ana.token)).toEqual([25])
    expect(await minutes(ben.token)).toEqual([25])

    // at the break: "done / not yet", shown to the room
    await ana.page.getByRole('group', { name: 'Your goal' }).getByRole('button', { name: 'Done' }).click()
    await ben.page.getByRole('group', { name: 'Your goal' }).getByRole('button', { name: 'Not yet' }).click()
    await expect.poll(async () => (await participant(ben.page, 'Ana').textContent()) ?? '', { timeout: 10_000 }).toContain('✓ done')
    await expect.poll(async () => (await participant(ana.page, 'Ben').textContent()) ?? '', { timeout: 10_000 }).toContain('not yet')

    // who paused is shown; stopping while Ana focuses asks Ben first
    await clock.advance(5 * MIN)
    await expect.poll(() => ana.page.getByTestId('timer-round').textContent(), { timeout: 10_000 }).toBe('Round 2')
    await expect.poll(() => ana.page.getByRole('status').filter({ hasText: 'Focus: round 2' }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => notes(ana.page), { timeout: 10_000 }).toHaveLength(2)
    await ana.page.getByRole('button', { name: 'Pause' }).click()
    await expect.poll(() => ben.page.getByTestId('timer-last-action').textContent(), { timeout: 10_000 }).toBe('Ana paused')
    await ben.page.getByRole('button', { name: 'Stop timer' }).click()
    await expect.poll(() => ben.page.getByRole('alertdialog').textContent()).toContain('1 other is focusing here')
    // the safe choice has the focus: Enter by reflex keeps it running; Escape does too, and the
    // focus is back on Stop timer
    const isFocused = (name: string) => ben.page.getByRole('button', { name }).evaluate((el) => el === document.activeElement)
    await expect.poll(() => isFocused('Keep it running')).toBe(true)
    await ben.page.keyboard.press('Enter')
    await expect.poll(() => ben.page.getByRole('alertdialog').count()).toBe(0)
    await expect.poll(() => isFocused('Stop timer')).toBe(true)
    await ben.page.keyboard.press('Enter')
    await expect.poll(() => isFocused('Keep it running')).toBe(true)
    await ben.page.keyboard.press('Escape')
    await expect.poll(() => ben.page.getByRole('alertdialog').count()).toBe(0)
    await expect.poll(() => isFocused('Stop timer')).toBe(true)
    expect(await ana.page.getByTestId('timer-phase').textContent()).toBe('Paused')
    await ben.page.getByRole('button', { name: 'Stop timer' }).click()
    await ben.page.getByRole('button', { name: 'Stop for everyone' }).click()
    await expect.poll(() => ana.page.getByTestId('timer-last-action').textContent(), { timeout: 10_000 }).toBe('Ben stopped')
    await expect.poll(() => ana.page.title(), { timeout: 10_000 }).not.toMatch(/^\d\d:\d\d (Focus|Break)/)
    expect([...ana.errors, ...ben.errors]).toEqual([])
    await ana.context.close()
    await ben.context.close()
  }, 180_000)

  it('while focusing with notifications held, a direct message makes no desktop alert until the break', async () => {
    const cai = await person('Cai')
    const dev = await person('Dev')
    const caiId = (await ok(app.url, '{ me { id } }', {}, cai.token)).me.id
    const req = (await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: caiId }, dev.token)).sendFriendRequest.id
    await ok(app.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req }, cai.token)
    const direct = (await ok(app.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: caiId }, dev.token)).openDirectRoom.id
    const room = await createRoom(app.url, cai.token, 'Quiet Hall', 'PRIVATE')
    await cai.page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => cai.page.getByTestId('timer-phase').textContent(), { timeout: 15_000 }).toBe('Not running')
    await cai.page.getByLabel('Focus minutes').fill('25')
    await cai.page.getByLabel('Break minutes').fill('5')
    await cai.page.getByRole('button', { name: 'Start timer' }).click()
    await expect.poll(() => cai.page.getByTestId('timer-round').textContent(), { timeout: 10_000 }).toBe('Round 1')
    await cai.page.getByRole('link', { name: 'Progress' }).click()
    await expect.poll(() => cai.page.getByTestId('focus-bar').textContent(), { timeout: 10_000 }).toContain('Still focusing in Quiet Hall')
    await settle()

    // the tab is hidden: a direct message would alert, but Cai is focusing with the hold on (the default)
    await cai.page.evaluate(() => {
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => 'hidden' })
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => true })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await ok(app.url, 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: direct, b: 'sent during focus' }, dev.token)
    // the sidebar heard it (the same event that used to alert), and the list holds its notification
    const dmRow = cai.page.getByRole('list', { name: 'Direct messages' }).getByRole('link', { name: /Dev.*1 unread/ })
    await expect.poll(() => dmRow.count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(async () => (await ok(app.url, '{ me { heldNotificationCount } }', {}, cai.token)).me.heldNotificationCount, { timeout: 10_000 }).toBe(1)
    expect(await notes(cai.page)).toEqual([])

    // the break releases it: the alert comes now, with the phase's own
    await clock.advance(25 * MIN)
    await expect.poll(async () => (await notes(cai.page)).filter((n) => n.body.endsWith(': sent during focus')).length, { timeout: 10_000 }).toBe(1)
    expect((await notes(cai.page)).map((n) => n.title)).toContain('Break: round 1 done')
    expect([...cai.errors, ...dev.errors]).toEqual([])
    await cai.context.close()
    await dev.context.close()
  }, 120_000)

  it('a mention held while focusing and read in its room before the break neither counts, alerts nor shows a notice at the break', async () => {
    const eve = await person('Eve')
    const fox = await person('Fox')
    const eveId = (await ok(app.url, '{ me { id } }', {}, eve.token)).me.id
    const req = (await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: eveId }, fox.token)).sendFriendRequest.id
    await ok(app.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req }, eve.token)
    const direct = (await ok(app.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: eveId }, fox.token)).openDirectRoom.id
    // the friend request's notice is read: the mention is all there is to count
    await ok(app.url, 'mutation { markNotificationsRead }', {}, eve.token)
    const room = await createRoom(app.url, eve.token, 'Reading Room', 'PRIVATE')
    await joinByCode(app.url, fox.token, room.code)
    await eve.page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => eve.page.getByTestId('timer-phase').textContent(), { timeout: 15_000 }).toBe('Not running')
    await eve.page.getByLabel('Focus minutes').fill('25')
    await eve.page.getByLabel('Break minutes').fill('5')
    await eve.page.getByRole('button', { name: 'Start timer' }).click()
    await expect.poll(() => eve.page.getByTestId('timer-round').textContent(), { timeout: 10_000 }).toBe('Round 1')
    await eve.page.getByRole('link', { name: 'Progress' }).click()
    await expect.poll(() => eve.page.getByTestId('focus-bar').textContent(), { timeout: 10_000 }).toContain('Still focusing in Reading Room')
    await settle()

    // Fox mentions Eve while she focuses: held
    await ok(app.url, 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: room.id, b: `@${eve.username} page 12 please` }, fox.token)
    await expect.poll(async () => (await ok(app.url, '{ me { heldNotificationCount } }', {}, eve.token)).me.heldNotificationCount, { timeout: 10_000 }).toBe(1)
    // she reads the room without leaving the window: the held mention is not in her badge (it
    // arrives at the break), and is read before the break all the same (before: it was not, since
    // a badge of 0 meant nothing to mark, and arrived unread at the break)
    const badge = eve.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Notifications/ }).locator('.badge')
    expect(await badge.count()).toBe(0)
    await eve.page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /^Reading Room/ }).click()
    await expect.poll(() => eve.page.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toEqual([`@${eve.username} page 12 please`])
    await expect.poll(async () => (await ok(app.url, '{ unreadNotificationCount }', {}, eve.token)).unreadNotificationCount, { timeout: 10_000 }).toBe(0)
    await expect.poll(() => badge.count(), { timeout: 10_000 }).toBe(0)
    await eve.page.getByRole('link', { name: 'Progress' }).click()
    await expect.poll(() => eve.page.getByTestId('focus-bar').textContent(), { timeout: 10_000 }).toContain('Still focusing in Reading Room')
    await eve.page.evaluate(() => {
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => 'hidden' })
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => true })
      document.dispatchEvent(new Event('visibilitychange'))
    })

    // the break releases it, already read; a direct message after it is the one thing new
    await clock.advance(25 * MIN)
    await expect.poll(async () => (await notes(eve.page)).map((n) => n.title), { timeout: 10_000 }).toContain('Break: round 1 done')
    await expect.poll(async () => (await ok(app.url, '{ me { heldNotificationCount } }', {}, eve.token)).me.heldNotificationCount, { timeout: 10_000 }).toBe(0)
    await ok(app.url, 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: direct, b: 'after the break' }, fox.token)
    await expect.poll(async () => (await notes(eve.page)).filter((n) => n.body.includes('after the break')).length, { timeout: 10_000 }).toBe(1)
    await expect.poll(() => eve.page.getByRole('status').filter({ hasText: 'after the break' }).count(), { timeout: 10_000 }).toBe(1)
    expect(await badge.getAttribute('aria-label')).toBe('1 unread')
    expect((await notes(eve.page)).filter((n) => n.title === 'Mention in Reading Room')).toEqual([])
    expect(await eve.page.getByText(/mentioned you in Reading Room/).count()).toBe(0)
    expect([...eve.errors, ...fox.errors]).toEqual([])
    await eve.context.close()
    await fox.context.close()
  }, 120_000)
})
