// Findings of the accessibility audit (keyboard only, screen reader, Chromium), one test each:
// what a screen reader hears (live regions, labels, errors linked to their fields), where the
// keyboard focus goes after an action or a page change, and colour contrast from computed styles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
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
async function tokenOf(username: string): Promise<string> {
  return (await ok(app.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username, password: PASSWORD } })).logIn.token
}

/** the focused element as a screen reader names it: aria-label, its label, else its text ('' for <body>) */
const activeName = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null
  if (!el || el === document.body) return ''
  const labelled = el.getAttribute('aria-labelledby')
  if (labelled) return labelled.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim()
  const labels = (el as HTMLInputElement).labels
  return (el.getAttribute('aria-label') ?? (labels?.length ? labels[0].textContent : el.textContent) ?? '').trim()
})

/**
 * The texts a screen reader would announce as they appear: those inside a live region (aria-live
 * polite or assertive, or role log / status / alert without aria-live="off").
 */
const liveTexts = (page: Page) => page.evaluate(() => {
  const isLive = (el: Element) => {
    const live = el.getAttribute('aria-live')
    if (live) return live !== 'off'
    return ['log', 'status', 'alert'].includes(el.getAttribute('role') ?? '')
  }
  const out: string[] = []
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = n.textContent?.trim()
    if (!t) continue
    for (let el = n.parentElement; el; el = el.parentElement) if (isLive(el)) { out.push(t); break }
  }
  return out
})

describe('the message log announces live arrivals only', () => {
  it('history (the first page and older pages) is outside any live region; a message arriving live is announced once', async () => {
    const me = uname('lia')
    const p = await newPage(browser)
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, me, PASSWORD)
    const ann = await signUp(app.url, uname('ann'))
    await ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d: 'Ann Lima' }, ann.token)
    const room = await createRoom(app.url, ann.token, 'Quiet Log')
    await joinByCode(app.url, await tokenOf(me), room.code)
    // more than one page (50) of history
    for (let i = 1; i <= 55; i++) await send(app.url, ann.token, room.id, `old message ${i}`)

    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const log = p.page.getByRole('log', { name: 'Messages in Quiet Log' })
    await expect.poll(() => log.locator('li.message .body').count(), { timeout: 10_000 }).toBe(50)
    expect((await liveTexts(p.page)).filter((t) => t.includes('old message'))).toEqual([])

    // the older page, loaded from the keyboard
    await log.getByRole('button', { name: 'Load older messages' }).focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => log.locator('li.message .body').count(), { timeout: 10_000 }).toBe(55)
    expect((await liveTexts(p.page)).filter((t) => t.includes('old message'))).toEqual([])

    // a new message from someone else: announced, once, with who wrote it
    await send(app.url, ann.token, room.id, 'fresh news')
    await expect.poll(() => log.locator('li.message .body').last().textContent(), { timeout: 10_000 }).toBe('fresh news')
    await expect.poll(() => liveTexts(p.page).then((l) => l.filter((t) => t.includes('fresh news')))).toHaveLength(1)
    expect((await liveTexts(p.page)).find((t) => t.includes('fresh news'))).toBe('Ann Lima: fresh news')
    expect((await liveTexts(p.page)).filter((t) => t.includes('old message'))).toEqual([])
    expect(errors).toEqual([])
    await p.context.close()
  }, 90_000)
})

describe('the Room menu from the keyboard', () => {
  it("on a wide screen an owner's menu opens on its first visible item and the arrow keys go round the visible items", async () => {
    const me = uname('own')
    const p = await newPage(browser)
    await signUpInPage(p.page, app.url, me, PASSWORD)
    const room = await createRoom(app.url, await tokenOf(me), 'Menu Room')
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const button = p.page.getByRole('button', { name: 'Room menu' })
    await button.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page)).toBe('Room settings')
    await p.page.keyboard.press('ArrowDown')
    expect(await activeName(p.page)).toBe('Leave room')
    await p.page.keyboard.press('ArrowDown')
    expect(await activeName(p.page)).toBe('Delete room')
    await p.page.keyboard.press('ArrowDown')
    expect(await activeName(p.page)).toBe('Room settings')
    await p.page.keyboard.press('ArrowUp')
    expect(await activeName(p.page)).toBe('Delete room')
    await p.page.keyboard.press('Escape')
    await expect.poll(() => activeName(p.page)).toBe('Room menu')
    await p.context.close()
  }, 60_000)
})

describe('the keyboard focus stays on the page when an action replaces its button', () => {
  const setName = (token: string, d: string) => ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d }, token)

  it('timer: Start → Pause → Resume → Pause, Stop → Start timer', async () => {
    const me = uname('tim')
    const p = await newPage(browser)
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, me, PASSWORD)
    const room = await createRoom(app.url, await tokenOf(me), 'Timer Room')
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const start = p.page.getByRole('button', { name: 'Start timer' })
    await expect.poll(() => start.count(), { timeout: 10_000 }).toBe(1)
    await start.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page), { timeout: 10_000 }).toBe('Pause')
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page), { timeout: 10_000 }).toBe('Resume')
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page), { timeout: 10_000 }).toBe('Pause')
    await p.page.keyboard.press('Tab')
    expect(await activeName(p.page)).toBe('Stop timer')
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page), { timeout: 10_000 }).toBe('Start timer')
    expect(errors).toEqual([])
    await p.context.close()
  }, 60_000)

  it('friends: Add friend → Cancel request; Accept → Message; Block… confirmed → Unblock', async () => {
    const me = uname('fri')
    const p = await newPage(browser)
    const errors = watchErrors(p.page)
    await signUpInPage(p.page, app.url, me, PASSWORD)
    const kim = await signUp(app.url, uname('kim'))
    await setName(kim.token, 'Kim Ode')
    const lou = await signUp(app.url, uname('lou'))
    await setName(lou.token, 'Lou Park')
    const myId = (await ok(app.url, '{ me { id } }', {}, await tokenOf(me))).me.id
    await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: myId }, lou.token)

    await p.page.goto(`${app.url}/friends`)
    await p.page.getByLabel('Search people').fill(kim.username)
    const add = p.page.getByRole('button', { name: 'Add Kim Ode as friend' })
    await expect.poll(() => add.count(), { timeout: 10_000 }).toBe(1)
    await add.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page), { timeout: 10_000 }).toBe('Cancel request to Kim Ode')

    const accept = p.page.getByRole('list', { name: 'Incoming friend requests' }).getByRole('button', { name: 'Accept Lou Park' })
    await accept.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page), { timeout: 10_000 }).toBe('Message Lou Park')

    // Block… asks first: Tab from Cancel to Block, Enter
    await p.page.keyboard.press('Tab') // Remove…
    await p.page.keyboard.press('Tab') // Block…
    expect(await activeName(p.page)).toBe('Block Lou Park')
    await p.page.keyboard.press('Enter')
    const dialog = p.page.getByRole('dialog', { name: 'Block Lou Park?' })
    await expect.poll(() => activeName(p.page)).toBe('Cancel')
    await p.page.keyboard.press('Tab')
    await p.page.keyboard.press('Enter')
    await expect.poll(() => dialog.isVisible(), { timeout: 10_000 }).toBe(false)
    await expect.poll(() => activeName(p.page), { timeout: 10_000 }).toBe('Unblock Lou Park')
    expect(errors).toEqual([])
    await p.context.close()
  }, 60_000)

  it('a room preview: Join room → the composer', async () => {
    const me = uname('joi')
    const p = await newPage(browser)
    await signUpInPage(p.page, app.url, me, PASSWORD)
    const ann = await signUp(app.url, uname('ann'))
    const room = await createRoom(app.url, ann.token, 'Open Door')
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const join = p.page.getByRole('button', { name: 'Join room' })
    await expect.poll(() => join.count(), { timeout: 10_000 }).toBe(1)
    await join.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => p.page.evaluate(() => document.activeElement?.id), { timeout: 10_000 }).toBe('composer-input')
    await p.context.close()
  }, 60_000)

  it("a member banned from its menu: the focus goes to the Members heading, a role changed keeps it on the member's menu", async () => {
    const me = uname('mod')
    const p = await newPage(browser)
    await signUpInPage(p.page, app.url, me, PASSWORD)
    const room = await createRoom(app.url, await tokenOf(me), 'Ban Room')
    const zed = await signUp(app.url, uname('zed'))
    await setName(zed.token, 'Zed Quinn')
    await joinByCode(app.url, zed.token, room.code)
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const menu = p.page.getByRole('button', { name: 'Actions for Zed Quinn' })
    await expect.poll(() => menu.count(), { timeout: 10_000 }).toBe(1)
    await menu.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page)).toBe('Make moderator')
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page)).toBe('Cancel')
    await p.page.keyboard.press('Tab')
    await p.page.keyboard.press('Enter')
    await expect.poll(() => p.page.getByRole('list', { name: 'Room members' }).getByText('Moderator').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => activeName(p.page), { timeout: 10_000 }).toBe('Actions for Zed Quinn')

    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page)).not.toBe('Actions for Zed Quinn')
    await p.page.keyboard.press('ArrowUp') // round to the last item
    expect(await activeName(p.page)).toBe('Ban from room')
    await p.page.keyboard.press('Enter')
    await expect.poll(() => activeName(p.page)).toBe('Cancel')
    await p.page.keyboard.press('Tab')
    await p.page.keyboard.press('Enter')
    await expect.poll(() => menu.count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(() => activeName(p.page), { timeout: 10_000 }).toBe('Members')
    await p.context.close()
  }, 60_000)
})

describe('message actions say whose message', () => {
  it("an owner's Pin, Delete (and their own Edit) name the sender, as Reply does", async () => {
    const me = uname('own')
    const p = await newPage(browser)
    await signUpInPage(p.page, app.url, me, PASSWORD, 'Ann Lima')
    const mine = await tokenOf(me)
    const room = await createRoom(app.url, mine, 'Labels Room')
    const bob = await signUp(app.url, uname('bob'))
    await ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d: 'Bob Ray' }, bob.token)
    await joinByCode(app.url, bob.token, room.code)
    await send(app.url, bob.token, room.id, 'from bob')
    await send(app.url, mine, room.id, 'from ann')
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    const row = (t: string) => p.page.getByRole('log').locator('li.message', { hasText: t })
    const labels = (t: string) => row(t).locator('.msg-actions button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')).filter((l) => l !== 'React' && l !== 'Add reaction'))
    await expect.poll(() => labels('from bob'), { timeout: 10_000 }).toEqual(['Reply to Bob Ray', 'Pin message from Bob Ray', 'Delete message from Bob Ray'])
    expect(await labels('from ann')).toEqual(['Reply to Ann Lima', 'Pin message from Ann Lima', 'Edit message from Ann Lima', 'Delete message from Ann Lima'])
    await p.context.close()
  }, 60_000)
})

describe('form errors after a submit reach a screen reader', () => {
  /** the focused field's label, whether it says it is invalid, and what describes it (its error) */
  const focusedField = (page: Page) => page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null
    if (!el || el === document.body) return null
    const desc = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent ?? '').join(' | ')
    return { label: el.labels?.[0]?.textContent?.trim() ?? '', invalid: el.getAttribute('aria-invalid'), desc }
  })

  it('sign-up, profile and account: the focus goes to the first invalid field, whose error is linked to it', async () => {
    const p = await newPage(browser)
    await p.page.goto(app.url + '/signup')
    await p.page.getByLabel('Username').fill('no spaces!')
    await p.page.getByLabel('Password').fill(PASSWORD)
    await p.page.getByLabel('Password').press('Enter')
    await expect.poll(() => focusedField(p.page), { timeout: 10_000 }).toMatchObject({ label: 'Username', invalid: 'true' })
    const err = await p.page.locator('.field-error').first().textContent()
    expect(err).toBeTruthy()
    expect((await focusedField(p.page))!.desc).toContain(err!)
    // the error is not part of the field's name
    expect(await p.page.getByRole('textbox', { name: 'Username', exact: true }).count()).toBe(1)

    const me = uname('frm')
    await p.page.getByLabel('Username').fill(me)
    await p.page.getByLabel('Password').fill('password')
    await p.page.getByLabel('Password').press('Enter')
    await expect.poll(() => focusedField(p.page), { timeout: 10_000 }).toMatchObject({ label: 'Password', invalid: 'true' })
    expect((await focusedField(p.page))!.desc).toMatch(/password/i)

    await p.page.getByLabel('Password').fill(PASSWORD)
    await p.page.getByLabel('Password').press('Enter')
    await expect.poll(() => p.page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')

    await p.page.goto(app.url + '/profile')
    await p.page.getByLabel('Display name').fill('   ')
    await p.page.getByRole('button', { name: 'Save profile' }).focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => focusedField(p.page), { timeout: 10_000 }).toMatchObject({ label: 'Display name', invalid: 'true' })
    expect((await focusedField(p.page))!.desc).not.toBe('')

    await p.page.goto(app.url + '/account')
    await p.page.getByLabel('Current password', { exact: true }).fill('not my password at all')
    await p.page.getByLabel('New password', { exact: true }).fill('a much better passphrase 42')
    await p.page.getByRole('button', { name: 'Change password' }).focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => focusedField(p.page), { timeout: 10_000 }).toMatchObject({ label: 'Current password', invalid: 'true' })
    expect((await focusedField(p.page))!.desc).not.toBe('')
    await p.context.close()
  }, 60_000)
})

describe('a page change moves the focus to the new page', () => {
  const focusedHeading = (page: Page) => page.evaluate(() => {
    const el = document.activeElement
    return el?.tagName === 'H1' ? el.textContent?.trim() ?? '' : `${el?.tagName}: ${el?.textContent?.trim().slice(0, 40)}`
  })
  it("after signing up, following a link (top bar, sidebar) and Back, the focus is on the new page's heading", async () => {
    const me = uname('nav')
    const p = await newPage(browser)
    const room = await createRoom(app.url, (await signUp(app.url, uname('own'))).token, 'Heading Room')
    await p.page.goto(app.url + '/signup')
    await p.page.getByLabel('Username').fill(me)
    await p.page.getByLabel('Password').fill(PASSWORD)
    await p.page.getByLabel('Password').press('Enter')
    await expect.poll(() => focusedHeading(p.page), { timeout: 20_000 }).toBe('Find a room')
    await joinByCode(app.url, await tokenOf(me), room.code)

    await p.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Friends' }).focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => focusedHeading(p.page), { timeout: 10_000 }).toBe('Friends')

    const link = p.page.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /^Heading Room/ })
    await expect.poll(() => link.count(), { timeout: 10_000 }).toBe(1)
    await link.focus()
    await p.page.keyboard.press('Enter')
    await expect.poll(() => focusedHeading(p.page), { timeout: 10_000 }).toBe('Heading Room')

    await p.page.goBack()
    await expect.poll(() => focusedHeading(p.page), { timeout: 10_000 }).toBe('Friends')
    await p.context.close()
  }, 60_000)
})

describe('colour contrast (WCAG AA) in both themes', () => {
  /**
   * The contrast of an element's text with what is behind it (or, border: its border with its
   * own background and with its parent's), composited from the page down: backgrounds with alpha,
   * and the opacity of every ancestor.
   */
  const contrastOf = (page: Page, selector: string, what: 'text' | 'border' = 'text') => page.evaluate(([sel, w]) => {
    const el = document.querySelector(sel)
    if (!el) return -1
    type C = [number, number, number, number]
    const parse = (s: string): C => {
      const m = s.match(/rgba?\(([^)]+)\)/)
      if (!m) return [0, 0, 0, 0]
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number)
      return [p[0], p[1], p[2], p[3] ?? 1]
    }
    const over = (top: C, under: C): C => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1) as C
    const lum = (c: C) => {
      const f = (v: number) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4 }
      return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2])
    }
    const ratio = (a: C, b: C) => { const x = lum(a); const y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05) }
    const chain: Element[] = []
    for (let e: Element | null = el; e; e = e.parentElement) chain.unshift(e)
    // paints from the root down; returns the colours at the element: its background, its text, its border, its parent's background
    const paint = (i: number, behind: C): { bg: C; fg: C; border: C; parentBg: C } => {
      const cs = getComputedStyle(chain[i])
      const inner = over(parse(cs.backgroundColor), behind)
      let r: { bg: C; fg: C; border: C; parentBg: C }
      if (i === chain.length - 1) r = { bg: inner, fg: over(parse(cs.color), inner), border: over(parse(cs.borderTopColor), behind), parentBg: behind }
      else r = paint(i + 1, inner)
      const o = Number(cs.opacity)
      if (o < 1) {
        const mix = (c: C): C => [0, 1, 2].map((k) => c[k] * o + behind[k] * (1 - o)).concat(1) as C
        r = { bg: mix(r.bg), fg: mix(r.fg), border: mix(r.border), parentBg: i === chain.length - 1 ? r.parentBg : mix(r.parentBg) }
      }
      return r
    }
    const r = paint(0, [255, 255, 255, 1])
    return w === 'text' ? ratio(r.fg, r.bg) : Math.min(ratio(r.border, r.bg), ratio(r.border, r.parentBg))
  }, [selector, what] as const)

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: current page and room, links, muted rooms, the @me chip, badges, the waiting note ≥ 4.5:1; field borders ≥ 3:1`, async () => {
      const me = uname('col')
      const p = await newPage(browser)
      await p.page.emulateMedia({ colorScheme: scheme })
      await signUpInPage(p.page, app.url, me, PASSWORD)
      const mine = await tokenOf(me)
      const ann = await signUp(app.url, uname('ann'))
      const room = await createRoom(app.url, ann.token, 'Colour Room')
      const quiet = await createRoom(app.url, ann.token, 'Quiet Room')
      await joinByCode(app.url, mine, room.code)
      await joinByCode(app.url, mine, quiet.code)
      await ok(app.url, 'mutation($r: ID!) { setRoomNotificationLevel(roomId: $r, level: NONE) { id } }', { r: quiet.id }, mine)
      await send(app.url, ann.token, quiet.id, 'nothing urgent')
      await send(app.url, ann.token, room.id, `hello @${me}`)

      await p.page.goto(`${app.url}/rooms/${room.id}`)
      await expect.poll(() => p.page.locator('.mention.me').count(), { timeout: 10_000 }).toBe(1)
      await expect.poll(() => p.page.locator('.sb-row.is-muted .sb-last').count(), { timeout: 10_000 }).toBe(1)
      const checks: [string, string, 'text' | 'border', number][] = [
        ['current nav link', '.nav-link[aria-current="page"]', 'text', 4.5],
        ['current sidebar room', '.sb-link[aria-current="page"] .sb-name', 'text', 4.5],
        ['@me mention chip', '.mention.me', 'text', 4.5],
        ['muted room name', '.sb-row.is-muted .sb-name', 'text', 4.5],
        ['muted room last message', '.sb-row.is-muted .sb-last', 'text', 4.5],
        ['composer border', '#composer-input', 'border', 3],
      ]
      const results: Record<string, number> = {}
      const run = async () => { for (const [name, sel, w] of checks) results[name] = Math.round((await contrastOf(p.page, sel, w)) * 100) / 100 }
      await run()

      // a message waiting for the connection
      await p.context.setOffline(true)
      await expect.poll(() => p.page.getByTestId('connection-status').textContent(), { timeout: 10_000 }).toBe('Offline')
      await p.page.getByLabel('Message', { exact: true }).fill('written offline')
      await p.page.keyboard.press('Enter')
      await expect.poll(() => p.page.locator('.pending-note').count(), { timeout: 15_000 }).toBe(1)
      checks.push(['waiting note', '.pending-note', 'text', 4.5])
      results['waiting note'] = Math.round((await contrastOf(p.page, '.pending-note')) * 100) / 100
      await p.context.setOffline(false)
      await expect.poll(() => p.page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')

      // a link on the page's background, the "This device" badge, a form field on a card
      await p.page.goto(`${app.url}/nowhere`)
      await expect.poll(() => p.page.getByRole('heading', { name: 'Not found' }).count(), { timeout: 10_000 }).toBe(1)
      checks.push(['link on the page', '#main .page a', 'text', 4.5])
      results['link on the page'] = Math.round((await contrastOf(p.page, '#main .page a')) * 100) / 100
      await p.page.goto(`${app.url}/sessions`)
      await expect.poll(() => p.page.locator('.badge').count(), { timeout: 10_000 }).toBeGreaterThan(0)
      checks.push(['badge', '#main .badge:not(.count)', 'text', 4.5])
      results.badge = Math.round((await contrastOf(p.page, '#main .badge:not(.count)')) * 100) / 100
      // a mention in a room that is not open: its badge in the sidebar
      await send(app.url, ann.token, room.id, `again @${me}`)
      await expect.poll(() => p.page.locator('.badge.mention').count(), { timeout: 10_000 }).toBe(1)
      checks.push(['mention badge', '.badge.mention', 'text', 4.5])
      results['mention badge'] = Math.round((await contrastOf(p.page, '.badge.mention')) * 100) / 100
      await p.page.goto(`${app.url}/profile`)
      // the form is drawn once the profile is read: measured before it, the field was not there (-1)
      await p.page.locator('input[name="displayName"]').waitFor()
      checks.push(['text field border', 'input[name="displayName"]', 'border', 3])
      results['text field border'] = Math.round((await contrastOf(p.page, 'input[name="displayName"]', 'border')) * 100) / 100

      const failing = checks.filter(([name, , , min]) => !(results[name] >= min)).map(([name, , , min]) => `${name}: ${results[name]} < ${min}`)
      expect(failing).toEqual([])
      await p.context.close()
    }, 90_000)
  }
})

describe('prefers-reduced-motion', () => {
  it("stops the connection dot's pulse and the search hit's flash", async () => {
    const p = await newPage(browser)
    await p.page.emulateMedia({ reducedMotion: 'reduce' })
    await signUpInPage(p.page, app.url, uname('rm'), PASSWORD)
    // the app's own classes, in the app's stylesheet: reconnecting, and a highlighted message
    const animations = () => p.page.evaluate(() => {
      const host = document.createElement('div')
      host.innerHTML = '<span class="conn conn-reconnecting"><span class="conn-dot"></span></span><ol class="message-list"><li class="message highlight"><div class="bubble">x</div></li></ol>'
      document.body.append(host)
      const names = [host.querySelector('.conn-dot')!, host.querySelector('.bubble')!].map((el) => getComputedStyle(el).animationName)
      host.remove()
      return names
    })
    expect(await animations()).toEqual(['none', 'none'])
    await p.page.emulateMedia({ reducedMotion: 'no-preference' })
    expect(await animations()).toEqual(['pulse', 'hit-flash'])
    await p.context.close()
  }, 60_000)
})

describe('the message list is a valid list', () => {
  it('holds list items only; the day and "New messages" separators are inside them', async () => {
    const me = uname('lst')
    const p = await newPage(browser)
    await signUpInPage(p.page, app.url, me, PASSWORD)
    const mine = await tokenOf(me)
    const ann = await signUp(app.url, uname('ann'))
    const room = await createRoom(app.url, ann.token, 'List Room')
    await joinByCode(app.url, mine, room.code)
    await send(app.url, mine, room.id, 'read already')
    await send(app.url, ann.token, room.id, 'unread one')
    await p.page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => p.page.getByRole('separator', { name: 'New messages' }).count(), { timeout: 10_000 }).toBe(1)
    expect(await p.page.getByRole('separator', { name: 'Today' }).count()).toBe(1)
    const children = await p.page.locator('ol.message-list').evaluate((ol) => [...ol.children].map((c) => `${c.tagName}${c.getAttribute('role') ? `[role=${c.getAttribute('role')}]` : ''}`))
    expect(children).toEqual(['LI', 'LI', 'LI', 'LI'])
    await p.context.close()
  }, 60_000)
})

describe('the delete-account question', () => {
  it('keeps the focus inside while it is open (Tab and Shift+Tab go round its buttons)', async () => {
    const p = await newPage(browser)
    await signUpInPage(p.page, app.url, uname('del'), PASSWORD)
    await p.page.goto(`${app.url}/account`)
    const form = p.page.getByRole('form', { name: 'Delete account' })
    await form.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await form.getByLabel('Password', { exact: true }).press('Enter')
    const question = p.page.getByRole('alertdialog')
    await expect.poll(() => activeName(p.page)).toBe('Cancel')
    const seen: string[] = []
    for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab']) {
      await p.page.keyboard.press(key)
      seen.push(await activeName(p.page))
      expect(await question.evaluate((el) => el.contains(document.activeElement))).toBe(true)
    }
    expect(seen).toEqual(['Yes, delete my account', 'Cancel', 'Yes, delete my account', 'Cancel', 'Yes, delete my account'])
    await p.page.keyboard.press('Escape')
    await expect.poll(() => question.count()).toBe(0)
    await p.context.close()
  }, 60_000)
})
