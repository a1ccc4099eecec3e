// The account page (password change, account deletion) and the Progress page's weekly goal,
// streaks and calendar heat map, in Chromium, by roles and labels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { gql, ok, signUp } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
import { launch, newPage, signInInPage, startWebApp, uname, watchErrors, zoneAwayFromMidnight } from './browser.js'

const PASSWORD = 'correct horse battery'
const NEW_PASSWORD = 'tangerine kettle orbit'

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

describe('account page', () => {
  it('a password change gives the rule\'s feedback as one types and signs the other browser out', async () => {
    const u = await signUp(app.url, uname('pwd'))
    const a = await newPage(browser)
    const errors = watchErrors(a.page)
    await signInInPage(a.page, app.url, u.username)
    const b = await newPage(browser)
    await signInInPage(b.page, app.url, u.username)

    await a.page.getByRole('link', { name: 'Account' }).click()
    await a.page.getByLabel('Current password', { exact: true }).fill(PASSWORD)
    const next = a.page.getByLabel('New password', { exact: true })
    const feedback = a.page.locator('#new-password-strength')
    // the server's rule, applied in the page: too short, then a common password, then the username
    await next.fill('short')
    await expect.poll(() => feedback.textContent()).toMatch(/Too weak: password must be at least 8 characters/)
    await next.fill('password123')
    await expect.poll(() => feedback.textContent(), { timeout: 10_000 }).toMatch(/Too weak: password is too common/)
    await next.fill(u.username.toUpperCase())
    await expect.poll(() => feedback.textContent()).toMatch(/must not be your username/)
    expect(await a.page.getByRole('button', { name: 'Change password' }).isDisabled()).toBe(true)
    await next.fill(NEW_PASSWORD)
    await expect.poll(() => feedback.textContent()).toMatch(/Strong: meets the password rule/)
    // show / hide, from the keyboard
    expect(await next.getAttribute('type')).toBe('password')
    await a.page.getByRole('button', { name: 'Show new password' }).focus()
    await a.page.keyboard.press('Enter')
    expect(await next.getAttribute('type')).toBe('text')
    expect(await a.page.getByRole('button', { name: 'Hide new password' }).getAttribute('aria-pressed')).toBe('true')
    await a.page.getByRole('button', { name: 'Hide new password' }).click()
    expect(await next.getAttribute('type')).toBe('password')

    await a.page.getByRole('button', { name: 'Change password' }).click()
    // (two argon2 computations on a shared machine: allow time)
    await expect.poll(() => a.page.getByText('Password changed. Your other sessions were signed out.').count(), { timeout: 15_000 }).toBe(1)
    expect(await a.page.getByLabel('New password', { exact: true }).inputValue()).toBe('')
    // the other browser is signed out through its socket, without a reload
    await expect.poll(() => b.page.getByText('Your session has ended').count(), { timeout: 10_000 }).toBe(1)
    // this one goes on
    expect(await a.page.getByTestId('connection-status').textContent()).toBe('Connected')
    // the old password no longer signs in; the new one does
    expect((await gql(app.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username: u.username, password: PASSWORD } })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    await signInInPage(b.page, app.url, u.username, NEW_PASSWORD)
    expect(errors).toEqual([])
    await a.context.close()
    await b.context.close()
  }, 120_000)

  it('a wrong current password is shown on its field', async () => {
    const u = await signUp(app.url, uname('pwx'))
    const a = await newPage(browser)
    await signInInPage(a.page, app.url, u.username)
    await a.page.getByRole('link', { name: 'Account' }).click()
    await a.page.getByLabel('Current password', { exact: true }).fill('not my password')
    await a.page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
    await a.page.getByRole('button', { name: 'Change password' }).click()
    await expect.poll(() => a.page.getByText('That is not your current password').count()).toBe(1)
    expect(await a.page.getByLabel('Current password', { exact: true }).getAttribute('aria-invalid')).toBe('true')
    await a.context.close()
  }, 60_000)

  it('deleting the account signs out, and its messages show "Deleted user" to another user', async () => {
    const x = await signUp(app.url, uname('bye'))
    const y = await signUp(app.url, uname('hi'))
    const room = await createRoom(app.url, x.token, 'Farewell room', 'PRIVATE')
    await joinByCode(app.url, y.token, room.code)
    await send(app.url, x.token, room.id, 'last words before leaving')
    await send(app.url, y.token, room.id, 'see you')
    await send(app.url, x.token, room.id, 'one more thing')

    const b = await newPage(browser)
    await signInInPage(b.page, app.url, y.username)
    await b.page.goto(`${app.url}/rooms/${room.id}`)
    const firstRow = b.page.getByRole('listitem').filter({ hasText: 'last words before leaving' })
    await expect.poll(() => firstRow.textContent(), { timeout: 10_000 }).toContain(x.username)

    const a = await newPage(browser)
    await signInInPage(a.page, app.url, x.username)
    await a.page.getByRole('link', { name: 'Account' }).click()
    const deleteForm = a.page.getByRole('form', { name: 'Delete account' })
    // a wrong password first: refused on the field, nothing deleted
    await deleteForm.getByLabel('Password', { exact: true }).fill('wrong password here')
    await deleteForm.getByRole('button', { name: 'Delete my account…' }).click()
    await a.page.getByRole('button', { name: 'Yes, delete my account' }).click()
    await expect.poll(() => a.page.getByText('That is not your current password').count()).toBe(1)
    // then the right one: the question has the focus on Cancel, so Enter by reflex deletes
    // nothing and gives the focus back to "Delete my account…"; Escape cancels too
    await deleteForm.getByLabel('Password', { exact: true }).fill(PASSWORD)
    const ask = deleteForm.getByRole('button', { name: 'Delete my account…' })
    await ask.click()
    const question = a.page.getByRole('alertdialog')
    await expect.poll(() => question.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true)
    await a.page.keyboard.press('Enter')
    await expect.poll(() => question.count()).toBe(0)
    await expect.poll(() => ask.evaluate((el) => el === document.activeElement)).toBe(true)
    await a.page.keyboard.press('Enter')
    await expect.poll(() => question.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true)
    await a.page.keyboard.press('Escape')
    await expect.poll(() => question.count()).toBe(0)
    await expect.poll(() => ask.evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await a.page.getByRole('heading', { name: 'Account', exact: true }).count()).toBe(1)
    await ask.click()
    await question.getByRole('button', { name: 'Yes, delete my account' }).click()
    await expect.poll(() => a.page.getByText('Your account has been deleted.').count(), { timeout: 10_000 }).toBe(1)
    expect(await a.page.getByRole('heading', { name: 'Sign in' }).count()).toBe(1)

    // the other user sees the message kept, from "Deleted user": live, then after a reload
    // without the old @handle either
    await expect.poll(() => firstRow.locator('.sender').textContent(), { timeout: 10_000 }).toBe('Deleted user')
    // the freed @handle goes at once (the event carries the account's new name), not at a reload
    await expect.poll(() => firstRow.textContent(), { timeout: 10_000 }).not.toContain(x.username)
    await b.page.reload()
    await expect.poll(() => firstRow.textContent(), { timeout: 10_000 }).toContain('Deleted user')
    expect(await firstRow.textContent()).not.toContain(x.username)
    // the sidebar's last message and the room's card say "Deleted user", with no "@[deleted]"
    const sideRow = b.page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /^Farewell room/ })
    await expect.poll(() => sideRow.textContent(), { timeout: 10_000 }).toContain('Deleted user: one more thing')
    expect(await sideRow.textContent()).not.toContain('[deleted]')
    await b.page.goto(`${app.url}/`)
    await b.page.getByLabel('Search rooms').fill('Farewell')
    const card = b.page.getByRole('list', { name: 'Public rooms' }).getByRole('listitem').filter({ hasText: 'Farewell room' })
    await expect.poll(() => card.textContent(), { timeout: 10_000 }).toContain('Deleted user: one more thing')
    expect(await card.textContent()).not.toContain('[deleted]')
    // and the username is free again
    expect((await signUp(app.url, x.username)).id).not.toBe(x.id)
    await a.context.close()
    await b.context.close()
  }, 120_000)
})

describe('progress page: a browser without a time zone name, and an empty minutes field', () => {
  it('shows the figures in UTC and says so (it showed only an error); an empty "Minutes studied" logs nothing', async () => {
    const u = await signUp(app.url, uname('nozone'))
    await ok(app.url, 'mutation { recordStudySession(minutes: 30) { id } }', {}, u.token)
    const { context, page } = await newPage(browser)
    // a browser started with TZ=UTC+3 names its zone "Etc/Unknown", which no server knows
    await page.addInitScript(() => {
      const real = Intl.DateTimeFormat.prototype.resolvedOptions
      Intl.DateTimeFormat.prototype.resolvedOptions = function (this: Intl.DateTimeFormat) { return { ...real.call(this), timeZone: 'Etc/Unknown' } }
    })
    const errors = watchErrors(page)
    await signInInPage(page, app.url, u.username)
    await page.getByRole('link', { name: 'Progress' }).click()
    await expect.poll(() => page.getByTestId('total-minutes').textContent(), { timeout: 10_000 }).toBe('30 min')
    expect(await page.getByRole('note').filter({ hasText: 'Days are shown in UTC' }).count()).toBe(1)
    // the minutes field emptied: the form is not sent, nothing is logged
    await page.getByRole('spinbutton', { name: 'Minutes studied' }).fill('')
    await page.getByRole('button', { name: 'Log session' }).click()
    expect(await page.getByRole('spinbutton', { name: 'Minutes studied' }).evaluate((el) => (el as HTMLInputElement).validity.valueMissing)).toBe(true)
    // marker: 5 minutes logged after it; the list then holds 30 and 5 only
    await page.getByRole('spinbutton', { name: 'Minutes studied' }).fill('5')
    await page.getByRole('button', { name: 'Log session' }).click()
    await expect.poll(() => page.getByTestId('total-minutes').textContent(), { timeout: 10_000 }).toBe('35 min')
    const sessions = (await ok(app.url, '{ studySessions { edges { node { minutes } } } }', {}, u.token)).studySessions.edges.map((e: any) => e.node.minutes)
    expect(sessions).toEqual([5, 30])
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)
})

describe('progress page: weekly goal, streaks, heat map', () => {
  it('sets a goal and shows the week against it, the streaks and today\'s cell in the viewer\'s time zone', async () => {
    const u = await signUp(app.url, uname('goal'))
    await ok(app.url, 'mutation { recordStudySession(minutes: 90) { id } }', {}, u.token)
    // a zone where the 90 + 40 minutes logged now fall on today alone (and so in this week)
    const zone = zoneAwayFromMidnight()
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: zone })
    const page = await context.newPage()
    const errors = watchErrors(page)
    await signInInPage(page, app.url, u.username)
    await page.getByRole('link', { name: 'Progress' }).click()
    await expect.poll(() => page.getByTestId('week-label').textContent(), { timeout: 10_000 }).toBe('1 h 30 min this week. No weekly goal yet.')
    expect(await page.getByTestId('streak').textContent()).toBe('1')
    expect(await page.getByTestId('longest-streak').textContent()).toBe('1')

    await page.getByRole('button', { name: 'Set a weekly goal' }).click()
    await page.getByLabel('Weekly goal (hours)').fill('2')
    await page.getByRole('button', { name: 'Save goal' }).click()
    await expect.poll(() => page.getByTestId('week-label').textContent(), { timeout: 10_000 }).toBe('1 h 30 min of 2 h this week (75%)')
    const bar = page.getByRole('progressbar', { name: '1 h 30 min of 2 h this week (75%)' })
    expect(await bar.getAttribute('value')).toBe('90')
    expect(await bar.getAttribute('max')).toBe('120')

    // the heat map: a table with a labelled cell per day; today (in the browser's zone) has the 90 minutes
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
    const map = page.getByRole('table', { name: /Minutes studied per day, last 26 weeks/ })
    expect(await map.getByRole('cell', { name: new RegExp(`\\(${today}\\): 90 minutes`) }).count()).toBe(1)
    expect(await map.getByRole('cell', { name: /: 0 minutes$/ }).count()).toBeGreaterThan(150)

    // more minutes past the goal: it says so
    await page.getByRole('spinbutton', { name: 'Minutes studied' }).fill('40')
    await page.getByRole('button', { name: 'Log session' }).click()
    await expect.poll(() => page.getByTestId('week-label').textContent(), { timeout: 10_000 }).toBe('2 h 10 min of 2 h this week (108%): goal reached')
    expect(await map.getByRole('cell', { name: new RegExp(`\\(${today}\\): 130 minutes`) }).count()).toBe(1)

    // cleared: back to no goal
    await page.getByRole('button', { name: 'Clear goal' }).click()
    await expect.poll(() => page.getByTestId('week-label').textContent(), { timeout: 10_000 }).toBe('2 h 10 min this week. No weekly goal yet.')
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)

  it('on a phone the calendar keeps its weekday names in sight; the "Show me as" card holds its legend and choices', async () => {
    const u = await signUp(app.url, uname('cal'))
    const { page, context } = await newPage(browser, { width: 390, height: 844 })
    await signInInPage(page, app.url, u.username)
    await page.goto(`${app.url}/progress`)
    const table = page.getByRole('table', { name: /^Minutes studied per day/ })
    await expect.poll(() => table.count(), { timeout: 10_000 }).toBe(1)
    // the weeks are scrolled to the newest; the first weekday name is still inside the scrolled box
    const wrap = (await page.locator('.heatmap-wrap').boundingBox())!
    expect(await page.locator('.heatmap-wrap').evaluate((el) => el.scrollLeft)).toBeGreaterThan(0)
    const day = (await table.getByRole('rowheader').first().boundingBox())!
    expect(day.x).toBeGreaterThanOrEqual(wrap.x - 1)
    expect(day.x + day.width).toBeLessThanOrEqual(wrap.x + wrap.width)

    await page.goto(`${app.url}/profile`)
    const card = page.getByRole('group', { name: 'Show me as' })
    await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1)
    const box = (await card.boundingBox())!
    const legend = (await card.locator('legend').boundingBox())!
    // the legend sits inside the card, below its padding, and so do the choices
    expect(legend.y).toBeGreaterThanOrEqual(box.y + 8)
    for (const name of ['Online', 'Away']) {
      const r = (await card.locator('label', { hasText: name }).boundingBox())!
      expect(r.x, name).toBeGreaterThanOrEqual(box.x + 8)
      expect(r.y, name).toBeGreaterThan(legend.y + legend.height - 1)
    }
    await context.close()
  }, 60_000)
})
