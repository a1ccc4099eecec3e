// Issue 15, part A: the app's shell. A sidebar of the user's rooms and direct messages whose
// unread badges move live while another room is open; the Ctrl+K quick switcher; the unread count
// and the room's name in the tab title; desktop notifications for mentions while the tab is
// hidden, and none from a muted room; the phone layout (tab bar, full-screen conversation, the
// timer's countdown always in sight, no sideways scroll). Keyboard first throughout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
import { launch, newPage, signInInPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'

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
async function tokenOf(username: string): Promise<string> {
  return (await ok(app.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username, password: PASSWORD } })).logIn.token
}
async function idOf(token: string): Promise<string> {
  return (await ok(app.url, '{ me { id } }', {}, token)).me.id
}
async function befriend(a: string, b: string) {
  const req = (await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: await idOf(b) }, a)).sendFriendRequest
  await ok(app.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req.id }, b)
}
/** the page's session has these subscriptions live on the server */
async function liveOn(userId: string, ...fields: string[]) {
  for (const f of fields) await expect.poll(() => app.app.hearth.realtime.liveFieldsOf(userId), { timeout: 10_000 }).toContain(f)
}
const sidebarRooms = (page: Page) => page.getByRole('navigation', { name: 'Conversations' }).getByRole('list', { name: 'Your rooms' })
const activeName = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null
  if (!el || el === document.body) return ''
  const labels = (el as HTMLInputElement).labels
  return (el.getAttribute('aria-label') ?? (labels?.length ? labels[0].textContent : el.textContent) ?? '').trim()
})

/**
 * Records every desktop notification the page makes (the real constructor still runs), counts
 * permission prompts, and lets the test hide the page (document.visibilityState).
 */
const RECORDER = `(() => {
  const Real = window.Notification
  window.__notes = []
  window.__asked = 0
  let hidden = false
  window.__setHidden = (h) => { hidden = h; document.dispatchEvent(new Event('visibilitychange')) }
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get() { return hidden ? 'hidden' : 'visible' } })
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get() { return hidden } })
  if (!Real) return
  function Recorded(title, options) {
    window.__notes.push({ title: String(title), body: String((options && options.body) || '') })
    return new Real(title, options)
  }
  Recorded.prototype = Real.prototype
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission })
  Recorded.requestPermission = (...a) => { window.__asked++; return Real.requestPermission(...a) }
  window.Notification = Recorded
})()`

async function recordingPage(granted: boolean, viewport = { width: 1280, height: 800 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport })
  if (granted) await context.grantPermissions(['notifications'], { origin: app.url })
  await context.addInitScript(RECORDER)
  return { context, page: await context.newPage() }
}
const notes = (page: Page) => page.evaluate(() => (window as any).__notes as { title: string; body: string }[])

describe('the shell: sidebar, quick switcher, tab title', () => {
  it('the sidebar counts unread messages of another room live, newest activity first; the title counts them; Ctrl+K jumps by typing', async () => {
    const bea = uname('bea')
    const b = await newPage(browser)
    const errors = watchErrors(b.page)
    await signUpInPage(b.page, app.url, bea, PASSWORD, 'Bea')
    const tb = await tokenOf(bea)
    const ann = await signUp(app.url, uname('ann'))
    await ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d: 'Ann Lima' }, ann.token)
    const maths = await createRoom(app.url, ann.token, 'Maths')
    const physics = await createRoom(app.url, ann.token, 'Physics')
    await joinByCode(app.url, tb, maths.code)
    await joinByCode(app.url, tb, physics.code)
    await befriend(ann.token, tb)

    await b.page.goto(`${app.url}/rooms/${physics.id}`)
    await expect.poll(() => b.page.getByRole('heading', { name: 'Physics', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    await liveOn(await idOf(tb), 'roomActivity', 'notifications')
    const mathsLink = sidebarRooms(b.page).getByRole('link', { name: /^Maths/ })
    await expect.poll(() => mathsLink.getAttribute('aria-label'), { timeout: 10_000 }).toBe('Maths')
    await expect.poll(() => b.page.title()).toBe('Physics · Hearth')

    // a message in Maths while Bea reads Physics: its badge and the title count it, without a reload
    await send(app.url, ann.token, maths.id, 'first one')
    await expect.poll(() => mathsLink.getAttribute('aria-label'), { timeout: 5_000 }).toBe('Maths, 1 unread')
    await expect.poll(() => mathsLink.getByTestId('unread-badge').textContent()).toBe('1')
    await expect.poll(() => b.page.title()).toBe('(1) Physics · Hearth')
    await send(app.url, ann.token, maths.id, 'second one')
    await expect.poll(() => mathsLink.getAttribute('aria-label'), { timeout: 5_000 }).toBe('Maths, 2 unread')
    await expect.poll(() => b.page.title()).toBe('(2) Physics · Hearth')
    // most recent activity first
    const order = () => sidebarRooms(b.page).getByRole('link').evaluateAll((els) => els.map((e) => e.querySelector('.sb-name')?.textContent))
    await expect.poll(order).toEqual(['Maths', 'Physics'])
    await send(app.url, ann.token, physics.id, 'here too')
    await expect.poll(order).toEqual(['Physics', 'Maths'])
    // the open room does not count what is on screen
    expect(await sidebarRooms(b.page).getByRole('link', { name: /^Physics/ }).getAttribute('aria-label')).toBe('Physics')

    // the quick switcher, from the keyboard: Ctrl+K, type, Enter
    const composer = b.page.getByLabel('Message', { exact: true })
    await composer.focus()
    await b.page.keyboard.press('Control+k')
    const dialog = b.page.getByRole('dialog', { name: 'Jump to a room or friend' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    const box = dialog.getByRole('combobox', { name: 'Jump to a room or friend' })
    await expect.poll(() => activeName(b.page)).toBe('Jump to a room or friend')
    // Tab does not leave the dialog
    await b.page.keyboard.press('Tab')
    expect(await activeName(b.page)).toBe('Jump to a room or friend')
    // Escape closes it and gives the focus back
    await b.page.keyboard.press('Escape')
    await expect.poll(() => dialog.isVisible()).toBe(false)
    await expect.poll(() => activeName(b.page)).toBe('Message')

    await b.page.keyboard.press('Control+k')
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await b.page.keyboard.type('mat')
    const options = dialog.getByRole('listbox', { name: 'Matches' }).getByRole('option')
    await expect.poll(() => options.allTextContents()).toEqual(['MathsRoom · 2 unread'])
    expect(await options.first().getAttribute('aria-selected')).toBe('true')
    await b.page.keyboard.press('Enter')
    await expect.poll(() => b.page.getByRole('heading', { name: 'Maths', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => dialog.isVisible()).toBe(false)
    await expect.poll(() => b.page.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toEqual(['first one', 'second one'])
    // read: the badge and the count go
    await expect.poll(() => mathsLink.getAttribute('aria-label'), { timeout: 5_000 }).toBe('Maths')
    await expect.poll(() => b.page.title(), { timeout: 5_000 }).toBe('Maths · Hearth')

    // a friend, by name: the arrow keys choose among matches, Enter opens the direct room
    await b.page.keyboard.press('Control+k')
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await box.fill('')
    await b.page.keyboard.type(ann.username.slice(0, 6))
    await expect.poll(() => options.allTextContents()).toEqual([`Ann Lima @${ann.username}Friend · direct messages`])
    await b.page.keyboard.press('ArrowDown')
    await b.page.keyboard.press('ArrowUp')
    expect(await options.first().getAttribute('aria-selected')).toBe('true')
    await b.page.keyboard.press('Enter')
    // a direct room reads as the person: their name in the heading, the sidebar and the tab title
    await expect.poll(() => b.page.getByRole('heading', { name: 'Ann Lima', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    const direct = b.page.getByRole('navigation', { name: 'Conversations' }).getByRole('list', { name: 'Direct messages' }).getByRole('link')
    await expect.poll(() => direct.allTextContents(), { timeout: 10_000 }).toEqual([`@Ann Lima @${ann.username}`])
    await expect.poll(() => b.page.title()).toBe('Ann Lima · Hearth')
    expect(errors).toEqual([])
    await b.context.close()
  }, 90_000)
})

describe("the sidebar's last message", () => {
  it('follows an edit and a delete of the last message at once, in the window that made them', async () => {
    const u = uname('prev')
    const p = await newPage(browser)
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, u, PASSWORD)
    const room = await createRoom(app.url, await tokenOf(u), 'Preview Room')
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => p.page.getByRole('heading', { name: 'Preview Room' }).count(), { timeout: 10_000 }).toBe(1)
    await p.page.getByLabel('Message', { exact: true }).fill('draft one')
    await p.page.keyboard.press('Enter')
    const row = sidebarRooms(p.page).getByRole('listitem').filter({ hasText: 'Preview Room' }).locator('.sb-last')
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('draft one')
    const msg = p.page.getByRole('log').locator('li.message', { hasText: 'draft one' })
    await msg.hover()
    await msg.getByRole('button', { name: 'Edit message' }).click()
    await p.page.getByLabel('Edit message', { exact: true }).fill('draft two')
    await p.page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => row.textContent(), { timeout: 5_000 }).toContain('draft two')
    const edited = p.page.getByRole('log').locator('li.message', { hasText: 'draft two' })
    await edited.hover()
    await edited.getByRole('button', { name: 'Delete message' }).click()
    await edited.getByRole('button', { name: 'Confirm delete' }).click()
    await expect.poll(() => row.textContent(), { timeout: 5_000 }).toBe('Message deleted')
    expect(errors).toEqual([])
    await p.context.close()
  }, 60_000)
})

describe('the room list follows changes made elsewhere', () => {
  it('a rename, a deletion and a leave from another device show at once in a window that stays in front; the room left there is closed with a notice', async () => {
    const u = uname('list')
    const owner = await signUp(app.url)
    const p = await newPage(browser)
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, u, PASSWORD)
    const token = await tokenOf(u)
    const study = await createRoom(app.url, owner.token, 'Study Hall', 'PRIVATE')
    const doomed = await createRoom(app.url, owner.token, 'Doomed Room', 'PRIVATE')
    const mine = await createRoom(app.url, token, 'My Corner')
    await joinByCode(app.url, token, study.code)
    await joinByCode(app.url, token, doomed.code)
    await p.page.goto(`${app.url}/rooms/${mine.id}`)
    await expect.poll(() => p.page.getByRole('heading', { name: 'My Corner' }).count(), { timeout: 10_000 }).toBe(1)
    const names = () => sidebarRooms(p.page).getByRole('listitem').allTextContents()
    await expect.poll(async () => (await names()).join('|'), { timeout: 10_000 }).toContain('Doomed Room')
    await liveOn(await idOf(token), 'roomListChanged')
    // no window focus event anywhere below: only the live list can move the sidebar
    await ok(app.url, 'mutation($r: ID!) { updateRoom(id: $r, input: { name: "Study Hall 2" }) { id } }', { r: study.id }, owner.token)
    await expect.poll(async () => (await names()).join('|'), { timeout: 10_000 }).toContain('Study Hall 2')
    await ok(app.url, 'mutation($r: ID!) { deleteRoom(id: $r) }', { r: doomed.id }, owner.token)
    await expect.poll(async () => (await names()).join('|'), { timeout: 10_000 }).not.toContain('Doomed Room')
    // the room on screen is left from another device: this window leaves it too, and says why
    await ok(app.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: mine.id }, await tokenOf(u))
    await expect.poll(() => p.page.getByRole('status').filter({ hasText: 'You are no longer in My Corner' }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => new URL(p.page.url()).pathname, { timeout: 10_000 }).not.toContain(mine.id)
    await expect.poll(async () => (await names()).join('|'), { timeout: 10_000 }).not.toContain('My Corner')
    expect(errors).toEqual([])
    await p.context.close()
  }, 60_000)
})

describe('previews of Markdown', () => {
  it('the sidebar, the notice and the notifications list show a message as plain text, as it reads in the room', async () => {
    const u = uname('plain')
    const p = await newPage(browser)
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, u, PASSWORD)
    const ann = await signUp(app.url, uname('ann'))
    const room = await createRoom(app.url, ann.token, 'Marked Up', 'PRIVATE')
    const tu = await tokenOf(u)
    await joinByCode(app.url, tu, room.code)
    await p.page.reload()
    await liveOn(await idOf(tu), 'roomActivity', 'notifications')
    await expect.poll(() => sidebarRooms(p.page).getByRole('link', { name: /^Marked Up/ }).count(), { timeout: 10_000 }).toBe(1)
    const row = sidebarRooms(p.page).getByRole('listitem').filter({ hasText: 'Marked Up' }).locator('.sb-last')

    await send(app.url, ann.token, room.id, `@${u} **Exam** moved to \`room 4\`, see [the notes](https://example.org/notes) ~~not Friday~~\n\n\`\`\`\nfinal = 42\n\`\`\``)
    const plain = `@${u} Exam moved to room 4, see the notes not Friday final = 42`
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toBe(`${ann.username} @${ann.username}: ${plain}`)
    const notice = p.page.getByRole('status').filter({ hasText: 'mentioned you in Marked Up' })
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toContain(`mentioned you in Marked Up: ${plain}Open`)
    await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Notifications/ }).click()
    const item = p.page.getByRole('list', { name: 'Notifications' }).getByRole('link')
    await expect.poll(() => item.allTextContents(), { timeout: 10_000 }).toEqual([`${ann.username} @${ann.username} mentioned you in Marked Up: ${plain}`])
    // the room itself shows it rendered, as before
    await item.click()
    const body = p.page.getByRole('log').locator('li.message .body')
    await expect.poll(() => body.locator('strong').allTextContents(), { timeout: 10_000 }).toEqual(['Exam'])
    expect(await body.getByRole('link', { name: 'the notes' }).getAttribute('href')).toBe('https://example.org/notes')
    expect(errors).toEqual([])
    await p.context.close()
  }, 60_000)
})

describe('the notifications page', () => {
  it('shows the newest 50, and "Show older notifications" brings the rest, each once, oldest last', async () => {
    const reader = uname('rdr')
    const r = await newPage(browser)
    const errors = watchErrors(r.page)
    await signUpInPage(r.page, app.url, reader, PASSWORD)
    const ann = await signUp(app.url, uname('ann'))
    const room = await createRoom(app.url, ann.token, 'Many mentions', 'PRIVATE')
    await joinByCode(app.url, await tokenOf(reader), room.code)
    for (let i = 1; i <= 57; i++) await send(app.url, ann.token, room.id, `@${reader} mention ${i}`)
    await r.page.getByRole('link', { name: /Notifications/ }).click()
    const items = r.page.getByRole('list', { name: 'Notifications' }).getByRole('listitem')
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(50)
    const older = r.page.getByRole('button', { name: 'Show older notifications' })
    await older.focus()
    await r.page.keyboard.press('Enter')
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(57)
    const texts = await items.getByRole('link').allTextContents()
    expect(texts.map((t) => /mention (\d+)$/.exec(t)?.[1])).toEqual(Array.from({ length: 57 }, (_, i) => String(57 - i)))
    // nothing older is left: the button is gone
    await expect.poll(() => older.count()).toBe(0)
    expect(errors).toEqual([])
    await r.context.close()
  }, 90_000)
})

describe('desktop notifications', () => {
  it('asks for permission only from the button, never on load', async () => {
    const p = await recordingPage(false)
    await signUpInPage(p.page, app.url, uname('ask'), PASSWORD)
    await p.page.getByRole('link', { name: /Notifications/ }).click()
    const enable = p.page.getByRole('button', { name: 'Enable desktop notifications' })
    await expect.poll(() => enable.count(), { timeout: 10_000 }).toBe(1)
    expect(await p.page.evaluate(() => (window as any).__asked)).toBe(0)
    await enable.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => p.page.evaluate(() => (window as any).__asked)).toBe(1)
    await p.context.close()
  })

  it('a mention while the tab is hidden shows a notification; after muting the room (sidebar, keyboard), its mentions show none', async () => {
    const bea = uname('bea')
    const b = await recordingPage(true)
    const errors = watchErrors(b.page)
    await signUpInPage(b.page, app.url, bea, PASSWORD, 'Bea')
    const tb = await tokenOf(bea)
    const ann = await signUp(app.url, uname('ann'))
    const lounge = await createRoom(app.url, ann.token, 'Lounge')
    const annex = await createRoom(app.url, ann.token, 'Annex')
    await joinByCode(app.url, tb, lounge.code)
    await joinByCode(app.url, tb, annex.code)

    // the preferences: granted, so desktop notifications are on; the sound can be turned off
    await b.page.getByRole('link', { name: /Notifications/ }).click()
    await expect.poll(() => b.page.getByRole('checkbox', { name: 'Desktop notifications' }).isChecked(), { timeout: 10_000 }).toBe(true)
    const sound = b.page.getByRole('checkbox', { name: 'Play a sound' })
    expect(await sound.isChecked()).toBe(true)
    await sound.focus()
    await b.page.keyboard.press('Space')
    await expect.poll(() => b.page.evaluate(() => JSON.parse(localStorage.getItem('hearth.alerts') ?? '{}').sound)).toBe(false)
    expect(await b.page.evaluate(() => (window as any).__asked)).toBe(0)

    await b.page.goto(`${app.url}/rooms/${annex.id}`)
    await expect.poll(() => b.page.getByRole('heading', { name: 'Annex', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    await liveOn(await idOf(tb), 'roomActivity', 'notifications')
    await b.page.evaluate(() => (window as any).__setHidden(true))
    await send(app.url, ann.token, lounge.id, `@${bea} are you coming?`)
    await expect.poll(() => notes(b.page), { timeout: 10_000 }).toHaveLength(1)
    const [first] = await notes(b.page)
    expect(first.title).toBe('Mention in Lounge')
    expect(first.body).toContain(`@${bea} are you coming?`)
    // the sidebar shows the mention too
    const loungeLink = sidebarRooms(b.page).getByRole('link', { name: /^Lounge/ })
    await expect.poll(() => loungeLink.getAttribute('aria-label')).toBe('Lounge, 1 unread, 1 mention')

    // Bea comes back and mutes Lounge from the sidebar, with the keyboard
    await b.page.evaluate(() => (window as any).__setHidden(false))
    const settings = b.page.getByRole('button', { name: 'Notification settings for Lounge' })
    await settings.focus()
    await b.page.keyboard.press('Enter')
    const panel = b.page.getByRole('group', { name: 'Notifications for Lounge' })
    await expect.poll(() => panel.isVisible()).toBe(true)
    expect(await panel.getByRole('radio', { name: 'Mentions and replies' }).isChecked()).toBe(true)
    await panel.getByRole('radio', { name: 'Nothing (muted)' }).focus()
    await b.page.keyboard.press('Space')
    await expect.poll(() => loungeLink.getAttribute('aria-label'), { timeout: 5_000 }).toMatch(/, muted$/)
    // dimmed in the list: in the muted text colour (not by opacity, which took it under 4.5:1)
    expect(await loungeLink.evaluate((e) => {
      const probe = document.createElement('span')
      probe.style.color = 'var(--muted)'
      e.parentElement!.append(probe)
      const muted = getComputedStyle(probe).color
      probe.remove()
      return getComputedStyle(e).color === muted && getComputedStyle(e).opacity === '1'
    })).toBe(true)
    await b.page.keyboard.press('Escape')
    await expect.poll(() => panel.count()).toBe(0)
    await expect.poll(() => activeName(b.page)).toBe('Notification settings for Lounge')
    // the server has it too
    expect((await ok(app.url, 'query($r: ID!) { room(id: $r) { viewerNotificationLevel } }', { r: lounge.id }, tb)).room.viewerNotificationLevel).toBe('NONE')

    // hidden again: a mention in the muted room shows nothing; one in Annex (after it) does
    await b.page.evaluate(() => (window as any).__setHidden(true))
    await send(app.url, ann.token, lounge.id, `@${bea} muted ping`)
    await send(app.url, ann.token, annex.id, `@${bea} barrier`)
    await expect.poll(() => notes(b.page).then((n) => n.map((x) => x.body)), { timeout: 10_000 }).toEqual([expect.stringContaining('are you coming?'), expect.stringContaining('barrier')])
    expect((await notes(b.page))[1].title).toBe('Mention in Annex')

    // the room's own menu shows and changes the same level
    await b.page.evaluate(() => (window as any).__setHidden(false))
    await b.page.goto(`${app.url}/rooms/${lounge.id}`)
    const roomMenu = b.page.getByRole('banner').or(b.page.locator('header.room-header')).getByRole('button', { name: 'Notifications: Muted' })
    await expect.poll(() => roomMenu.count(), { timeout: 10_000 }).toBe(1)
    await roomMenu.focus()
    await b.page.keyboard.press('Enter')
    await b.page.getByRole('group', { name: 'Notifications for Lounge' }).getByRole('button', { name: 'Unmute Lounge' }).click()
    await expect.poll(() => b.page.locator('header.room-header').getByRole('button', { name: 'Notifications: Mentions' }).count(), { timeout: 5_000 }).toBe(1)
    await expect.poll(() => loungeLink.getAttribute('aria-label')).toBe('Lounge')

    // a direct message while hidden shows one too, named after its sender
    await befriend(ann.token, tb)
    const dm = (await ok(app.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: await idOf(tb) }, ann.token)).openDirectRoom
    await b.page.evaluate(() => (window as any).__setHidden(true))
    await send(app.url, ann.token, dm.id, 'psst, just you')
    await expect.poll(() => notes(b.page).then((n) => n.map((x) => x.title)), { timeout: 10_000 }).toContain(`${ann.username} @${ann.username}`)
    expect((await notes(b.page)).filter((n) => n.body.includes('psst, just you'))).toHaveLength(1)
    expect(errors).toEqual([])
    await b.context.close()
  }, 90_000)
})

describe('phones', () => {
  it('390x844: a tab bar, the conversation full-screen with the timer counting down in sight, no sideways scroll', async () => {
    const name = uname('ph')
    const p = await newPage(browser, { width: 390, height: 844 })
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, name, PASSWORD)
    const t = await tokenOf(name)
    const room = await createRoom(app.url, t, 'A Rather Long Room Name For A Small Screen')
    await ok(app.url, 'mutation($r: ID!) { startRoomTimer(roomId: $r, focusMinutes: 25, breakMinutes: 5) { phase } }', { r: room.id }, t)
    const noSideScroll = () => p.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)

    // the Rooms tab lists the user's rooms above browse / create / join
    await p.page.goto(`${app.url}/`)
    const tabs = p.page.getByRole('navigation', { name: 'Sections' })
    await expect.poll(() => tabs.isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await tabs.getByRole('link').evaluateAll((els) => els.map((e) => e.querySelector('.tab-label')?.textContent))).toEqual(['Rooms', 'Friends', 'Notifications', 'Progress', 'Me'])
    expect(await p.page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(false)
    await expect.poll(() => sidebarRooms(p.page).getByRole('link', { name: /^A Rather Long/ }).isVisible(), { timeout: 10_000 }).toBe(true)
    expect(await noSideScroll()).toBe(true)
    for (const tab of ['Friends', 'Notifications', 'Progress', 'Me']) {
      await tabs.getByRole('link', { name: new RegExp(`^${tab}`) }).click()
      await expect.poll(() => tabs.getByRole('link', { name: new RegExp(`^${tab}`) }).getAttribute('aria-current')).toBe('page')
      expect(await noSideScroll(), tab).toBe(true)
    }

    // the room: full-screen (no tab bar), the countdown in the header, composer in sight
    await tabs.getByRole('link', { name: /^Rooms/ }).click()
    await sidebarRooms(p.page).getByRole('link', { name: /^A Rather Long/ }).click()
    await expect.poll(() => p.page.getByRole('heading', { name: room.name, level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    const compact = p.page.getByTestId('timer-compact')
    await expect.poll(() => compact.isVisible(), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => compact.getAttribute('aria-label')).toMatch(/^Focus timer, Focus: (25:00|24:\d\d) left/)
    const first = await compact.getAttribute('aria-label')
    await expect.poll(() => compact.getAttribute('aria-label'), { timeout: 5_000 }).not.toBe(first)
    const box = await compact.boundingBox()
    expect(box!.y + box!.height).toBeLessThan(844 / 4)
    expect(await tabs.isVisible()).toBe(false)
    expect(await p.page.getByLabel('Message', { exact: true }).isVisible()).toBe(true)
    expect(await noSideScroll()).toBe(true)
    // messages do not push the page sideways either
    await send(app.url, t, room.id, 'a'.repeat(300))
    await send(app.url, t, room.id, 'https://example.com/' + 'x'.repeat(200))
    await expect.poll(() => p.page.getByRole('log').locator('li.message').count(), { timeout: 10_000 }).toBe(2)
    expect(await noSideScroll()).toBe(true)
    // every action of the header is on the screen, none scrolled off to the side, each labelled
    const header = p.page.locator('header.room-header')
    for (const name of [/^Notifications:/, 'Search', /^Members & timer/, 'Room menu']) {
      const b = header.getByRole('button', { name })
      expect(await b.isVisible(), String(name)).toBe(true)
      const bb = (await b.boundingBox())!
      expect(bb.x, String(name)).toBeGreaterThanOrEqual(0)
      expect(bb.x + bb.width, String(name)).toBeLessThanOrEqual(390)
    }
    expect(await p.page.locator('.room-actions').evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
    // the invite link (with the code) is in the room menu on a phone
    await header.getByRole('button', { name: 'Room menu' }).click()
    const share = header.getByRole('button', { name: /^Copy invite link \(code / })
    expect(await share.isVisible()).toBe(true)
    const sb = (await share.boundingBox())!
    expect(sb.x + sb.width).toBeLessThanOrEqual(390)
    await p.page.keyboard.press('Escape')
    // the countdown opens the full timer; back leads to the list
    await compact.click()
    await expect.poll(() => p.page.getByRole('dialog', { name: 'Room details' }).getByTestId('timer-clock').isVisible()).toBe(true)
    await p.page.keyboard.press('Escape')
    await expect.poll(() => compact.evaluate((el) => el === document.activeElement)).toBe(true)
    await p.page.getByRole('link', { name: 'Back to rooms' }).click()
    await expect.poll(() => tabs.isVisible()).toBe(true)
    expect(errors).toEqual([])
    await p.context.close()
  }, 90_000)

  it('390x844 touch screen: no Ctrl+K hint (no keyboard there), the quick switcher opens from its buttons; a desktop keeps the hint', async () => {
    const name = uname('kb')
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
    const page = await context.newPage()
    const errors = watchErrors(page)
    await signUpInPage(page, app.url, name, PASSWORD)
    await createRoom(app.url, await tokenOf(name), 'Touch Room')
    await page.goto(`${app.url}/`)
    await expect.poll(() => sidebarRooms(page).getByRole('link', { name: /^Touch Room/ }).isVisible(), { timeout: 10_000 }).toBe(true)
    // the Rooms tab's "Jump to…" is there, without the shortcut
    const jump = page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /^Jump to/ })
    expect(await jump.isVisible()).toBe(true)
    expect(await jump.textContent()).not.toMatch(/Ctrl\+K|⌘K/)
    expect(await jump.getAttribute('aria-keyshortcuts')).toBeNull()
    expect(await page.getByText(/Ctrl\+K|⌘K/).count()).toBe(0)
    // the top bar's button opens the switcher (from any page), without keyboard help in it
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: /^Friends/ }).click()
    await page.getByRole('banner').getByRole('button', { name: 'Jump to a room or friend' }).click()
    const dialog = page.getByRole('dialog', { name: 'Jump to a room or friend' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    expect(await dialog.getByText(/to move/).count()).toBe(0)
    await dialog.getByRole('combobox', { name: 'Jump to a room or friend' }).fill('touch')
    await dialog.getByRole('option', { name: /^Touch Room/ }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'Touch Room', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    expect(errors).toEqual([])
    await context.close()

    // a desktop with a mouse and a keyboard: the hint stays
    const d = await newPage(browser)
    await signInInPage(d.page, app.url, name, PASSWORD)
    const djump = d.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /^Jump to/ })
    await expect.poll(() => djump.textContent(), { timeout: 10_000 }).toMatch(/Ctrl\+K|⌘K/)
    expect(await djump.getAttribute('aria-keyshortcuts')).toBe('Control+K Meta+K')
    await d.page.keyboard.press('Control+k')
    const ddialog = d.page.getByRole('dialog', { name: 'Jump to a room or friend' })
    await expect.poll(() => ddialog.isVisible()).toBe(true)
    expect(await ddialog.getByText(/to move/).isVisible()).toBe(true)
    await d.context.close()
  }, 90_000)

  it('a second window of the same user drops the Notifications badge when it comes back to the front after the other window read them', async () => {
    const [me, pal] = [uname('two'), uname('pal')]
    await signUp(app.url, me)
    await signUp(app.url, pal)
    const [tMe, tPal] = [await tokenOf(me), await tokenOf(pal)]
    await befriend(tMe, tPal)
    const dm = (await ok(app.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: await idOf(tMe) }, tPal)).openDirectRoom.id
    await ok(app.url, 'mutation { markNotificationsRead }', {}, tMe) // "pal accepted your request"
    const a = await newPage(browser)
    const b = await newPage(browser)
    for (const p of [a.page, b.page]) {
      await signInInPage(p, app.url, me)
      await p.goto(`${app.url}/progress`)
    }
    // both windows hear notifications
    const myId = await idOf(tMe)
    await expect.poll(() => app.app.hearth.realtime.liveFieldsOf(myId).filter((f) => f === 'notifications').length, { timeout: 10_000 }).toBe(2)
    await send(app.url, tPal, dm, 'are you there?')
    const badge = (p: Page) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Notifications/ }).getByLabel('1 unread')
    for (const p of [a.page, b.page]) await expect.poll(() => badge(p).count(), { timeout: 10_000 }).toBe(1)
    // window B reads the conversation: its notification is read
    await b.page.goto(`${app.url}/rooms/${dm}`)
    await expect.poll(() => badge(b.page).count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(async () => (await ok(app.url, '{ unreadNotificationCount }', {}, tMe)).unreadNotificationCount, { timeout: 10_000 }).toBe(0)
    // window A comes back to the front
    await a.page.evaluate(() => window.dispatchEvent(new Event('focus')))
    await expect.poll(() => badge(a.page).count(), { timeout: 10_000 }).toBe(0)
    await a.context.close()
    await b.context.close()
  }, 60_000)

  it('a reply to one of my messages while the tab is hidden shows a desktop notification, as mentions do', async () => {
    const cal = uname('cal')
    const c = await recordingPage(true)
    const errors = watchErrors(c.page)
    await signUpInPage(c.page, app.url, cal, PASSWORD, 'Cal')
    const tc = await tokenOf(cal)
    const dot = await signUp(app.url, uname('dot'))
    await befriend(tc, dot.token)
    const den = await createRoom(app.url, dot.token, 'Den')
    const porch = await createRoom(app.url, dot.token, 'Porch')
    await joinByCode(app.url, tc, den.code)
    await joinByCode(app.url, tc, porch.code)
    const mine = await send(app.url, tc, den.id, 'who has the notes?')
    await c.page.goto(`${app.url}/rooms/${porch.id}`)
    await expect.poll(() => c.page.getByRole('heading', { name: 'Porch', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    await liveOn(await idOf(tc), 'roomActivity', 'notifications')
    await c.page.evaluate(() => (window as any).__setHidden(true))
    await ok(app.url, 'mutation($r: ID!, $b: String!, $to: ID) { sendMessage(roomId: $r, body: $b, replyToId: $to) { id } }', { r: den.id, b: 'I do', to: mine.id }, dot.token)
    await expect.poll(async () => (await ok(app.url, '{ notificationsList(unreadOnly: true) { kind } }', {}, tc)).notificationsList.map((n: { kind: string }) => n.kind), { timeout: 10_000 }).toContain('REPLY')
    await expect.poll(() => notes(c.page), { timeout: 10_000 }).toHaveLength(1)
    const [note] = await notes(c.page)
    expect(note.title).toBe('Reply in Den')
    expect(note.body).toContain('replied to you in Den: I do')
    expect(errors).toEqual([])
    await c.context.close()
  }, 60_000)
})

describe('toasts', () => {
  /** the controls (links, buttons, fields) outside the toasts that a toast lies over */
  const coveredBy = (page: Page, text: string) => page.evaluate((t) => {
    const toast = [...document.querySelectorAll<HTMLElement>('[role="status"][aria-live] > *')].find((el) => el.textContent?.includes(t))
    if (!toast) return ['(no toast)']
    const r = toast.getBoundingClientRect()
    const region = toast.parentElement!
    return [...document.querySelectorAll<HTMLElement>('a[href], button, input, textarea, select, summary, [tabindex]:not([tabindex="-1"])')]
      .filter((el) => !region.contains(el) && el.checkVisibility({ visibilityProperty: true, opacityProperty: true }))
      .filter((el) => { const b = el.getBoundingClientRect(); return b.width > 0 && b.left < r.right && b.right > r.left && b.top < r.bottom && b.bottom > r.top })
      .map((el) => el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName)
  }, text)

  it('a notice with an action (15 s) covers none of the room\'s controls, on a wide screen and on a phone', async () => {
    for (const viewport of [{ width: 1024, height: 768 }, { width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const me = await signUp(app.url, uname('tst'))
      const room = await createRoom(app.url, me.token, 'Toast Room')
      await send(app.url, me.token, room.id, 'a message with https://example.com/a-link in it')
      const { page, context } = await newPage(browser, viewport)
      const errors = watchErrors(page)
      await signInInPage(page, app.url, me.username)
      await page.goto(`${app.url}/rooms/${room.id}`)
      await expect.poll(() => page.getByRole('heading', { name: 'Toast Room' }).count(), { timeout: 10_000 }).toBe(1)
      // the page hears its notifications before the request is sent (a heading on screen did not mean that)
      await liveOn(me.id, 'notifications')
      const other = await signUp(app.url, uname('frq'))
      await ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d: 'Tess' }, other.token)
      await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: me.id }, other.token)
      const note = page.getByText('Tess sent you a friend request')
      await expect.poll(() => note.count(), { timeout: 10_000 }).toBe(1)
      expect(await note.isVisible()).toBe(true)
      expect(await coveredBy(page, 'Tess sent you a friend request'), `${viewport.width}x${viewport.height}`).toEqual([])
      // the room's controls are all there to press meanwhile, and the notice can be dismissed
      await page.getByRole('button', { name: 'Room menu' }).click()
      await expect.poll(() => page.getByRole('button', { name: 'Room settings' }).isVisible()).toBe(true)
      await page.keyboard.press('Escape')
      await page.getByRole('button', { name: 'Dismiss notification' }).click()
      await expect.poll(() => note.count()).toBe(0)
      expect(errors).toEqual([])
      await context.close()
    }
  }, 90_000)
})
