// Two people befriend each other through the UI, talk in a direct room, and notifications reach
// the other side live as toasts, and later as a list for what arrived while signed out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
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
})
