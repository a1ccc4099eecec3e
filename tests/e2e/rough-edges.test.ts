// Rough edges of issue 15, as a user meets them: a direct room reads as a conversation with that
// person (their name and @username, no shared timer or member count); a friend request already
// accepted says so; the notifications badge keeps counting until the items are opened, and the
// unread mark is not presence green.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, SIGN_UP } from '../helpers/client.js'
import { launch, newPage, signInInPage, startWebApp, uname, watchErrors } from './browser.js'

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

async function person(prefix: string, displayName: string) {
  const username = uname(prefix)
  const d = (await ok(app.url, SIGN_UP, { input: { username, password: 'correct horse battery', displayName } })).signUp
  return { username, token: d.token as string, id: d.user.id as string }
}

describe('rough edges', () => {
  it('a direct room is a conversation with the person; notifications say what became of a request', async () => {
    const ana = await person('ana', 'Ana Lima')
    const bob = await person('bob', 'Bob Reis')
    await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: bob.id }, ana.token)
    const req = (await ok(app.url, '{ friendRequests(direction: INCOMING) { id } }', {}, bob.token)).friendRequests[0].id
    await ok(app.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req }, bob.token)
    const direct = (await ok(app.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: bob.id }, ana.token)).openDirectRoom.id
    await ok(app.url, 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: direct, b: 'lunch later?' }, ana.token)

    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    await signInInPage(page, app.url, bob.username)

    // the request Bob accepted no longer reads as a request
    const badge = page.getByRole('link', { name: /Notifications/ }).locator('.badge')
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('2')
    await page.getByRole('link', { name: /Notifications/ }).click()
    const list = page.getByRole('list', { name: 'Notifications' })
    await expect.poll(() => list.getByText('You and Ana Lima are now friends').count(), { timeout: 10_000 }).toBe(1)
    expect(await list.getByText(/sent you a friend request/).count()).toBe(0)
    // on the page, the badge still counts what is unread, and the marks are the accent, not "online" green
    expect(await list.getByRole('img', { name: 'unread' }).count()).toBe(2)
    expect(await badge.textContent()).toBe('2')
    const [mark, accent] = await list.getByRole('img', { name: 'unread' }).first().evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()])
    expect(mark).toBe(accent.startsWith('#') ? `rgb(${parseInt(accent.slice(1, 3), 16)}, ${parseInt(accent.slice(3, 5), 16)}, ${parseInt(accent.slice(5, 7), 16)})` : accent)

    // opening the direct message: its notification is read, the other stays counted
    await list.getByRole('link', { name: /lunch later/ }).click()
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('1')

    // the conversation is titled with Ana's name, her @username beside; no focus timer, no member count
    await expect.poll(() => page.getByRole('heading', { name: 'Ana Lima', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    expect(await page.getByText(`Direct messages with @${ana.username}`).count()).toBe(1)
    const about = page.getByRole('region', { name: 'About this conversation' })
    await expect.poll(() => about.count(), { timeout: 10_000 }).toBe(1)
    expect(await about.getByText(`@${ana.username}`).count()).toBe(1)
    expect(await page.getByRole('heading', { name: 'Focus timer' }).count()).toBe(0)
    expect(await page.getByRole('heading', { name: 'Members' }).count()).toBe(0)
    expect(await page.getByText(/2 members|Members \(2\)/).count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, 90_000)
})
