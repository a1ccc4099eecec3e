// Replies, reactions, pins and Markdown in the browser, between two people: a reply shows its
// quote on the other side, a reaction's count becomes 2 when the other person reacts too (through
// the emoji picker's search), a pinned message shows in the pinned list, and Markdown renders
// bold, inline code and a fenced block while <b> stays text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { launch, newPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'
import { ok, signUp } from '../helpers/client.js'
import { createRoom, joinByCode, send as sendApi } from '../helpers/rooms.js'

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

const rows = (page: Page) => page.getByRole('log').locator('li.message')
const row = (page: Page, text: string) => rows(page).filter({ has: page.locator('.body', { hasText: text }) })

async function send(page: Page, text: string) {
  await page.getByRole('textbox', { name: /^(Message|Reply to .*)$/ }).fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

async function twoInARoom(roomName: string) {
  const a = await newPage(browser)
  const b = await newPage(browser)
  await signUpInPage(a.page, app.url, uname('ann'), undefined, 'Ann')
  await signUpInPage(b.page, app.url, uname('bob'), undefined, 'Bob')
  await a.page.getByLabel('Room name').fill(roomName)
  await a.page.getByRole('button', { name: 'Create room' }).click()
  await expect.poll(() => a.page.getByRole('heading', { name: roomName }).count(), { timeout: 10_000 }).toBe(1)
  const code = (await a.page.getByTestId('room-code').textContent())!.trim()
  await b.page.goto(`${app.url}/join/${code}`)
  await expect.poll(() => b.page.getByRole('heading', { name: roomName }).count(), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => b.page.getByLabel('Message', { exact: true }).count(), { timeout: 10_000 }).toBe(1)
  return { a: a.page, b: b.page }
}

describe('conversations in the browser', () => {
  it('a reply shows its quote on the other side, and the quote jumps to the original', async () => {
    const { a, b } = await twoInARoom('Replies')
    const errors = [watchErrors(a), watchErrors(b)]
    await send(a, 'question 3: what is the limit?')
    await expect.poll(() => row(b, 'question 3').count(), { timeout: 10_000 }).toBe(1)
    // Bob replies from the keyboard: focus the message's Reply button and press Enter
    await row(b, 'question 3').getByRole('button', { name: 'Reply to Ann' }).focus()
    await b.keyboard.press('Enter')
    await expect.poll(() => b.getByRole('status').filter({ hasText: 'Replying to Ann' }).count()).toBe(1)
    await expect.poll(() => b.evaluate(() => document.activeElement?.id)).toBe('composer-input')
    await b.keyboard.type('re: question 3 — it is 0')
    await b.keyboard.press('Enter')
    // Ann sees Bob's reply with the quoted original: sender and first line
    const reply = row(a, 're: question 3')
    await expect.poll(() => reply.count(), { timeout: 10_000 }).toBe(1)
    const quote = reply.getByRole('button', { name: /^Reply to Ann: question 3: what is the limit\?/ })
    await expect.poll(() => quote.count()).toBe(1)
    expect(await quote.textContent()).toContain('question 3: what is the limit?')
    await quote.click()
    await expect.poll(() => a.evaluate(() => document.activeElement?.textContent ?? '')).toContain('question 3: what is the limit?')
    // the original deleted: the quote says so on both sides
    await row(a, 'question 3: what').getByRole('button', { name: 'Delete message' }).click()
    await a.getByRole('button', { name: 'Confirm delete' }).click()
    await expect.poll(() => row(b, 're: question 3').getByRole('button', { name: 'Reply to a deleted message' }).count(), { timeout: 10_000 }).toBe(1)
    expect(errors.flat()).toEqual([])
  }, 90_000)

  it('a reaction by each of two people shows a count of 2 on both sides; who reacted on focus; pins listed', async () => {
    const { a, b } = await twoInARoom('Reactions')
    await send(a, 'exam is on friday')
    await expect.poll(() => row(b, 'exam is on friday').count(), { timeout: 10_000 }).toBe(1)
    // Bob reacts through the picker: search by name, choose
    await row(b, 'exam is on friday').getByRole('button', { name: 'Add reaction' }).click()
    const picker = b.getByRole('dialog', { name: 'Choose an emoji' })
    await picker.getByRole('combobox', { name: 'Search' }).fill('thumbs up')
    await picker.getByRole('option', { name: /^👍\uFE0F?, thumbs up/ }).click()
    const onA = row(a, 'exam is on friday').getByRole('button', { name: /^👍 / })
    await expect.poll(() => onA.getAttribute('aria-label'), { timeout: 10_000 }).toBe('👍 1, reacted by Bob')
    expect(await onA.getAttribute('aria-pressed')).toBe('false')
    // Ann adds hers by clicking the reaction: 2 on both sides
    await onA.click()
    await expect.poll(() => onA.getAttribute('aria-label'), { timeout: 10_000 }).toBe('👍 2, reacted by Bob, Ann')
    expect(await onA.getAttribute('aria-pressed')).toBe('true')
    const onB = row(b, 'exam is on friday').getByRole('button', { name: /^👍 / })
    await expect.poll(() => onB.textContent(), { timeout: 10_000 }).toMatch(/👍\s*2/)
    expect(await onB.getAttribute('aria-pressed')).toBe('true')
    // focus shows who reacted
    await onB.focus()
    await b.keyboard.press('Shift+Tab')
    await b.keyboard.press('Tab')
    await expect.poll(() => row(b, 'exam is on friday').getByRole('tooltip').isVisible()).toBe(true)
    expect(await row(b, 'exam is on friday').getByRole('tooltip').textContent()).toBe('Bob, Ann')
    // Bob toggles his off: 1 on Ann's side
    await onB.click()
    await expect.poll(() => onA.getAttribute('aria-label'), { timeout: 10_000 }).toBe('👍 1, reacted by Ann')
    // an emoji Bob picked once is among his recent ones the next time (not one of the picker's defaults)
    await row(b, 'exam is on friday').getByRole('button', { name: 'Add reaction' }).click()
    await picker.getByRole('combobox', { name: 'Search' }).fill('hedgehog')
    await picker.getByRole('option', { name: /^🦔, hedgehog/ }).click()
    await expect.poll(() => row(a, 'exam is on friday').getByRole('button', { name: /^🦔 1/ }).count(), { timeout: 10_000 }).toBe(1)
    await row(b, 'exam is on friday').getByRole('button', { name: 'Add reaction' }).click()
    await expect.poll(() => picker.getByRole('menu', { name: 'Favorites' }).getByRole('menuitem', { name: /^🦔, hedgehog/ }).count(), { timeout: 10_000 }).toBe(1)
    await b.keyboard.press('Escape')
    await expect.poll(() => picker.count()).toBe(0)

    // Ann (the owner) pins it: Bob sees it in the room's pinned list
    await row(a, 'exam is on friday').getByRole('button', { name: 'Pin message' }).click()
    const pinnedB = b.getByRole('list', { name: 'Pinned messages' })
    await expect.poll(() => pinnedB.textContent(), { timeout: 10_000 }).toContain('exam is on friday')
    // Bob is no owner: no pin action for him
    expect(await row(b, 'exam is on friday').getByRole('button', { name: /Pin message|Unpin message/ }).count()).toBe(0)
    await a.getByRole('button', { name: "Unpin Ann's message" }).click()
    await expect.poll(() => pinnedB.count(), { timeout: 10_000 }).toBe(0)
  }, 90_000)

  it('Markdown: bold, inline code and a fenced block render; <b> stays text; Shift+Enter keeps the fence', async () => {
    const { a, b } = await twoInARoom('Markdown')
    const input = a.getByLabel('Message', { exact: true })
    await input.click()
    await a.keyboard.type('this is **bold** and `x = 1` and <b>not bold</b>')
    await a.keyboard.press('Enter')
    // a fenced block typed with Shift+Enter between its lines
    for (const [i, line] of ['```js', 'function f(a) {', '  return a + 1', '}', '```'].entries()) {
      if (i) await a.keyboard.press('Shift+Enter')
      await a.keyboard.type(line)
    }
    await a.keyboard.press('Enter')
    const first = row(b, 'this is').locator('.body')
    await expect.poll(() => first.count(), { timeout: 10_000 }).toBe(1)
    expect(await first.locator('strong').textContent()).toBe('bold')
    expect(await first.locator('code').textContent()).toBe('x = 1')
    expect(await first.locator('b').count()).toBe(0)
    expect(await first.textContent()).toContain('<b>not bold</b>')
    const block = rows(b).locator('pre code')
    await expect.poll(() => block.count(), { timeout: 10_000 }).toBe(1)
    expect(await block.textContent()).toBe('function f(a) {\n  return a + 1\n}')
    // highlighted: the keyword is its own span
    expect(await block.locator('.hljs-keyword').first().textContent()).toBe('function')
    // links only for http(s) and mailto
    await send(a, '[ok](https://example.org) [bad](javascript:alert(1))')
    const links = row(b, 'ok').locator('.body a')
    await expect.poll(() => links.count(), { timeout: 10_000 }).toBe(1)
    expect(await links.getAttribute('href')).toBe('https://example.org/')
  }, 90_000)

  it('the quote of a reply to a message far back opens the history there (before: a notice to load older messages by hand)', async () => {
    const a = await newPage(browser)
    const annName = uname('ann')
    await signUpInPage(a.page, app.url, annName, undefined, 'Ann')
    const ann = (await (await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', variables: { i: { username: annName, password: 'correct horse battery' } } }) })).json()).data.logIn.token as string
    const bob = await signUp(app.url, uname('bob'))
    const room = await createRoom(app.url, ann, 'Long Ago', 'PRIVATE')
    await joinByCode(app.url, bob.token, room.code)
    const original = await sendApi(app.url, ann, room.id, 'the original, far back')
    for (let i = 1; i <= 60; i++) await sendApi(app.url, ann, room.id, `filler ${i}`)
    await ok(app.url, 'mutation($r: ID!, $to: ID!) { sendMessage(roomId: $r, body: "answering that", replyToId: $to) { id } }', { r: room.id, to: original.id }, bob.token)
    await a.page.goto(`${app.url}/rooms/${room.id}`)
    const reply = row(a.page, 'answering that')
    await expect.poll(() => reply.count(), { timeout: 10_000 }).toBe(1)
    expect(await row(a.page, 'the original, far back').count()).toBe(0)
    await reply.getByRole('button', { name: /^Reply to Ann: the original, far back/ }).click()
    await expect.poll(() => row(a.page, 'the original, far back').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => a.page.evaluate(() => document.activeElement?.textContent ?? ''), { timeout: 10_000 }).toContain('the original, far back')
    await a.context.close()
  }, 90_000)
})
