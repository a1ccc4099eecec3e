// Two people befriend each other through the UI, talk in a direct room, and notifications reach
// the other side live as toasts, and later as a list for what arrived while signed out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
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

describe('friends, direct messages and notifications', () => {
  it('befriend, message directly, and find notifications received while away', async () => {
    const annName = uname('ann')
    const bobName = uname('bob')
    const a = await newPage(browser)
    let b = await newPage(browser)
    const errorsA = watchErrors(a.page)
    await signUpInPage(a.page, app.url, annName, undefined, 'Ann')
    await signUpInPage(b.page, app.url, bobName, undefined, 'Bob')

    await a.page.getByRole('link', { name: 'Friends' }).click()
    await a.page.getByLabel('Search people').fill(bobName)
    await a.page.getByRole('button', { name: 'Add Bob as friend' }).click()
    await expect.poll(() => a.page.getByRole('list', { name: 'Sent friend requests' }).getByText('Bob', { exact: true }).count(), { timeout: 10_000 }).toBe(1)

    // Bob hears about it live, as a toast and a badge
    await expect.poll(() => b.page.getByText('Ann sent you a friend request').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => b.page.getByRole('link', { name: /Notifications/ }).textContent()).toContain('1')
    await b.page.getByRole('link', { name: 'Friends' }).click()
    await b.page.getByRole('list', { name: 'Incoming friend requests' }).getByRole('button', { name: 'Accept Ann' }).click()
    await expect.poll(() => b.page.getByRole('list', { name: 'Your friends' }).getByText('Ann', { exact: true }).count(), { timeout: 10_000 }).toBe(1)

    // Ann's page follows without a reload (the acceptance arrives as a notification)
    await expect.poll(() => a.page.getByRole('list', { name: 'Your friends' }).getByText('Bob', { exact: true }).count(), { timeout: 10_000 }).toBe(1)

    // a direct room, both ways
    await a.page.getByRole('list', { name: 'Your friends' }).getByRole('button', { name: 'Message Bob' }).click()
    await expect.poll(() => a.page.getByLabel('Message', { exact: true }).count(), { timeout: 10_000 }).toBe(1)
    await a.page.getByLabel('Message', { exact: true }).fill('hi Bob, just us here')
    await a.page.getByRole('button', { name: 'Send' }).click()
    // the notification names the sender with their @username beside the display name
    await expect.poll(() => b.page.getByText(`Ann @${annName}: hi Bob, just us here`).count(), { timeout: 10_000 }).toBeGreaterThan(0)
    await b.page.getByRole('list', { name: 'Your friends' }).getByRole('button', { name: 'Message Ann' }).click()
    await expect.poll(() => b.page.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toEqual(['hi Bob, just us here'])
    await b.page.getByLabel('Message', { exact: true }).fill('hey Ann')
    await b.page.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => a.page.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toEqual(['hi Bob, just us here', 'hey Ann'])

    // Bob leaves; Ann writes; Bob finds it in his notifications when he is back
    await b.context.close()
    await a.page.getByLabel('Message', { exact: true }).fill('see this later')
    await a.page.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => a.page.getByRole('log').locator('li.message .body').last().textContent()).toBe('see this later')
    b = await newPage(browser)
    await signInInPage(b.page, app.url, bobName)
    await b.page.getByRole('link', { name: /Notifications/ }).click()
    await expect.poll(() => b.page.getByRole('list', { name: 'Notifications' }).getByText(/see this later/).count(), { timeout: 10_000 }).toBe(1)

    // presence follows live on the friends list: online while Bob has the app open, offline after
    await a.page.getByRole('link', { name: 'Friends' }).click()
    const bobRow = a.page.getByRole('list', { name: 'Your friends' }).getByRole('listitem').filter({ hasText: 'Bob' })
    await expect.poll(() => bobRow.getByText('Online', { exact: true }).count(), { timeout: 15_000 }).toBe(1)
    await b.context.close()
    await expect.poll(() => bobRow.getByText('Offline', { exact: true }).count(), { timeout: 20_000 }).toBe(1)
    expect(errorsA).toEqual([])
    await a.context.close()
  }, 120_000)

  it('a friend request notice goes once the request is withdrawn, or declined on the Friends page', async () => {
    const cleoName = uname('cleo')
    const c = await newPage(browser)
    const errors = watchErrors(c.page)
    await signUpInPage(c.page, app.url, cleoName, undefined, 'Cleo')
    const cleoToken = (await ok(app.url, 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username: cleoName, password: 'correct horse battery' } })).logIn.token
    const cleoId = (await ok(app.url, '{ me { id } }', {}, cleoToken)).me.id
    const dan = await signUp(app.url, uname('dan'))
    await ok(app.url, 'mutation { updateProfile(input: { displayName: "Dan" }) { id } }', {}, dan.token)
    await expect.poll(() => app.app.hearth.realtime.liveFieldsOf(cleoId), { timeout: 10_000 }).toContain('notifications')
    const notice = c.page.getByRole('status').getByText('Dan sent you a friend request')
    const request = async () => (await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: cleoId }, dan.token)).sendFriendRequest.id as string

    // withdrawn by Dan: the notice goes at once
    const first = await request()
    await expect.poll(() => notice.count(), { timeout: 10_000 }).toBe(1)
    await ok(app.url, 'mutation($id: ID!) { cancelFriendRequest(id: $id) { id } }', { id: first }, dan.token)
    await expect.poll(() => notice.count(), { timeout: 5_000 }).toBe(0)

    // sent again, and declined by Cleo on the Friends page: it goes too
    await request()
    await expect.poll(() => notice.count(), { timeout: 10_000 }).toBe(1)
    await c.page.getByRole('link', { name: 'Friends' }).click()
    await c.page.getByRole('button', { name: 'Decline Dan' }).click()
    await expect.poll(() => c.page.getByRole('button', { name: 'Decline Dan' }).count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(() => notice.count(), { timeout: 5_000 }).toBe(0)
    expect(errors).toEqual([])
    await c.context.close()
  }, 60_000)

  it('Remove and Block on the Friends page ask first, naming the person, and only the confirm acts', async () => {
    const jo = await signUp(app.url, uname('jo'))
    const kim = await signUp(app.url, uname('kim'))
    await ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d: 'Kim' }, kim.token)
    const req = (await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: kim.id }, jo.token)).sendFriendRequest.id
    await ok(app.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req }, kim.token)
    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    await signInInPage(page, app.url, jo.username)
    await page.getByRole('link', { name: 'Friends' }).click()
    const friends = page.getByRole('list', { name: 'Your friends' })
    await expect.poll(() => friends.getByText('Kim', { exact: true }).count(), { timeout: 10_000 }).toBe(1)

    // Remove: a dialog names Kim; Cancel leaves the friendship as it was
    await friends.getByRole('button', { name: 'Remove Kim from friends' }).click()
    const removeDialog = page.getByRole('dialog', { name: 'Remove Kim from your friends?' })
    await expect.poll(() => removeDialog.isVisible()).toBe(true)
    // Cancel has the focus: Enter by reflex removes nobody, and the focus is back on Remove
    await expect.poll(() => removeDialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(() => removeDialog.isVisible()).toBe(false)
    await expect.poll(() => friends.getByRole('button', { name: 'Remove Kim from friends' }).evaluate((el) => el === document.activeElement)).toBe(true)
    expect(await friends.getByText('Kim', { exact: true }).count()).toBe(1)

    // Block: a dialog names Kim and says what it ends; only its Block button blocks
    await friends.getByRole('button', { name: 'Block Kim' }).click()
    const blockDialog = page.getByRole('dialog', { name: 'Block Kim?' })
    await expect.poll(() => blockDialog.isVisible()).toBe(true)
    expect(await blockDialog.textContent()).toContain('ends your friendship')
    expect(await friends.getByText('Kim', { exact: true }).count()).toBe(1)
    await blockDialog.getByRole('button', { name: 'Block', exact: true }).click()
    await expect.poll(() => page.getByRole('list', { name: 'Blocked people' }).getByText('Kim', { exact: true }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => blockDialog.isVisible()).toBe(false)
    expect(await page.getByRole('list', { name: 'Your friends' }).count()).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('blocking in a direct room says so on both sides and disables both composers; the refused message is kept (Copy text, after a reload) until discarded; Unblock opens it again', async () => {
    const hank = await signUp(app.url, uname('hank'))
    const iris = await signUp(app.url, uname('iris'))
    await ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d: 'Iris' }, iris.token)
    await ok(app.url, 'mutation($d: String!) { updateProfile(input: { displayName: $d }) { id } }', { d: 'Hank' }, hank.token)
    const req = (await ok(app.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: iris.id }, hank.token)).sendFriendRequest.id
    await ok(app.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req }, iris.token)
    const dm = (await ok(app.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: iris.id }, hank.token)).openDirectRoom.id
    await ok(app.url, 'mutation($r: ID!) { sendMessage(roomId: $r, body: "hello hank") { id } }', { r: dm }, iris.token)
    const a = await newPage(browser)
    const b = await newPage(browser)
    const errors = [...watchErrors(a.page), ...watchErrors(b.page)]
    await signInInPage(a.page, app.url, hank.username)
    await signInInPage(b.page, app.url, iris.username)
    for (const p of [a.page, b.page]) {
      await p.goto(`${app.url}/rooms/${dm}`)
      await expect.poll(() => p.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toEqual(['hello hank'])
    }
    const composer = (p: typeof a.page) => p.getByLabel('Message', { exact: true })

    // the confirm opens on Cancel (Enter by reflex blocks nobody); Escape cancels and gives the
    // focus back to the Room menu button that the item was in
    const roomMenu = a.page.getByRole('button', { name: 'Room menu' })
    await roomMenu.click()
    await a.page.getByRole('button', { name: 'Block Iris' }).click()
    const dialog = a.page.getByRole('dialog', { name: 'Block Iris?' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await expect.poll(() => dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true)
    await a.page.keyboard.press('Escape')
    await expect.poll(() => dialog.isVisible()).toBe(false)
    await expect.poll(() => roomMenu.evaluate((el) => el === document.activeElement)).toBe(true)
    await roomMenu.click()
    await a.page.getByRole('button', { name: 'Block Iris' }).click()
    await dialog.getByRole('button', { name: 'Block', exact: true }).click()
    // the blocker: a banner with Unblock, and no composer to type in
    const blockedBar = a.page.getByRole('status').filter({ hasText: 'You blocked Iris' }).filter({ has: a.page.getByRole('button', { name: 'Unblock' }) })
    await expect.poll(() => blockedBar.count(), { timeout: 10_000 }).toBe(1)
    expect(await composer(a.page).isDisabled()).toBe(true)

    // the blocked side learns it at the first send: said plainly, no Retry that can only fail
    await composer(b.page).fill('are you there?')
    await b.page.keyboard.press('Enter')
    await expect.poll(() => b.page.getByRole('status').filter({ hasText: "You can't message Hank" }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => composer(b.page).isDisabled()).toBe(true)
    expect(await b.page.getByRole('button', { name: 'Retry' }).count()).toBe(0)
    // what Iris wrote is not lost: the refused message stays in the log, its text can be copied,
    // and it is there again after a reload (the tab keeps it until it is discarded)
    await b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url })
    const unsent = b.page.getByRole('log').locator('li.message').filter({ hasText: 'are you there?' })
    await expect.poll(() => unsent.getByRole('alert').textContent()).toMatch(/^Not sent/)
    await unsent.getByRole('button', { name: 'Copy text' }).click()
    await expect.poll(() => b.page.evaluate(() => navigator.clipboard.readText())).toBe('are you there?')
    await b.page.reload()
    await expect.poll(() => b.page.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toEqual(['hello hank', 'are you there?'])
    await expect.poll(() => unsent.getByRole('alert').textContent()).toMatch(/^Not sent/)
    expect(await unsent.getByRole('button', { name: 'Retry' }).count()).toBe(0)
    await unsent.getByRole('button', { name: 'Discard' }).click()
    await expect.poll(() => unsent.count()).toBe(0)
    await b.page.reload()
    await expect.poll(() => b.page.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toEqual(['hello hank'])

    // Unblock from the banner: Hank can write again
    await blockedBar.getByRole('button', { name: 'Unblock' }).click()
    await expect.poll(() => blockedBar.count(), { timeout: 10_000 }).toBe(0)
    expect(await composer(a.page).isDisabled()).toBe(false)
    await composer(a.page).fill('sorry, unblocked')
    await a.page.keyboard.press('Enter')
    await expect.poll(() => b.page.getByRole('log').locator('li.message .body').allTextContents(), { timeout: 10_000 }).toContain('sorry, unblocked')
    expect(errors).toEqual([])
    await a.context.close()
    await b.context.close()
  }, 90_000)
})
