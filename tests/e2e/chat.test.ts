// Two people in two browser contexts: one creates a room, the other joins it by its code link,
// and they chat both ways live. Hostile-looking text stays text. Edits, deletes, typing and the
// unread badge reach the other side without a reload.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { launch, newPage, signUpInPage, startWebApp, uname, watchErrors } from './browser.js'

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

const messages = (page: Page) => page.getByRole('log').locator('li.message .body')

async function send(page: Page, text: string) {
  await page.getByLabel('Message', { exact: true }).fill(text)
  await page.getByRole('button', { name: 'Send' }).click()
}

describe('chatting in the browser', () => {
  it('two users befriend, join by code and chat both ways live; markup shows as text', async () => {
    const step = (s: string) => { if (process.env.E2E_DEBUG) console.log('step:', s) }
    const a = await newPage(browser)
    const b = await newPage(browser)
    const errorsA = watchErrors(a.page)
    const errorsB = watchErrors(b.page)
    const annName = uname('ann')
    await signUpInPage(a.page, app.url, annName, undefined, 'Ann')
    const bobName = uname('bob')
    await signUpInPage(b.page, app.url, bobName, undefined, 'Bob')

    // they befriend each other first
    await a.page.getByRole('link', { name: 'Friends' }).click()
    await a.page.getByLabel('Search people').fill(bobName)
    await a.page.getByRole('button', { name: 'Add Bob as friend' }).click()
    await b.page.getByRole('link', { name: 'Friends' }).click()
    await b.page.getByRole('list', { name: 'Incoming friend requests' }).getByRole('button', { name: 'Accept Ann' }).click()
    await expect.poll(() => a.page.getByRole('list', { name: 'Your friends' }).getByText('Bob', { exact: true }).count(), { timeout: 10_000 }).toBe(1)
    await a.page.getByRole('link', { name: 'Rooms', exact: true }).click()

    await a.page.getByLabel('Room name').fill('Study Hall')
    await a.page.getByRole('radio', { name: /Private/ }).check()
    await a.page.getByRole('button', { name: 'Create room' }).click()
    step("await expect.poll(() => a.page.getByRole('heading', { name: 'Study Hal")
    await expect.poll(() => a.page.getByRole('heading', { name: 'Study Hall' }).count()).toBe(1)
    const code = (await a.page.getByTestId('room-code').textContent())!.trim()
    expect(code.length).toBeGreaterThanOrEqual(8)

    // the invite link works for someone who is not a member yet
    await b.page.goto(`${app.url}/join/${code}`)
    step("await expect.poll(() => b.page.getByRole('heading', { name: 'Study Hal")
    await expect.poll(() => b.page.getByRole('heading', { name: 'Study Hall' }).count(), { timeout: 10_000 }).toBe(1)
    step("await expect.poll(() => b.page.getByLabel('Message', { exact: true }).")
    await expect.poll(() => b.page.getByLabel('Message', { exact: true }).count()).toBe(1)

    await send(a.page, 'hello from Ann')
    step('await expect.poll(() => messages(b.page).allTextContents(), { timeout:')
    await expect.poll(() => messages(b.page).allTextContents(), { timeout: 10_000 }).toEqual(['hello from Ann'])
    await send(b.page, 'hi Ann, Bob here')
    step('await expect.poll(() => messages(a.page).allTextContents(), { timeout:')
    await expect.poll(() => messages(a.page).allTextContents(), { timeout: 10_000 }).toEqual(['hello from Ann', 'hi Ann, Bob here'])

    const evil = `<img src=x onerror="window.__pwned=1;document.title='pwned'">`
    await send(b.page, evil)
    step('await expect.poll(() => messages(a.page).last().textContent(), { timeo')
    await expect.poll(() => messages(a.page).last().textContent(), { timeout: 10_000 }).toBe(evil)
    expect(await a.page.getByRole('log').locator('img').count()).toBe(0)
    expect(await a.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await a.page.title()).not.toBe('pwned')

    // the local echo is reconciled with the server's copy: each message once on both sides
    step("await expect.poll(() => messages(b.page).allTextContents()).toEqual(['")
    await expect.poll(() => messages(b.page).allTextContents()).toEqual(['hello from Ann', 'hi Ann, Bob here', evil])
    await expect.poll(() => messages(a.page).allTextContents()).toEqual(['hello from Ann', 'hi Ann, Bob here', evil])

    // typing shows on the other side
    await b.page.getByLabel('Message', { exact: true }).pressSequentially('still th')
    step("await expect.poll(() => a.page.getByText('Bob is typing…').count(), { ")
    await expect.poll(() => a.page.getByText('Bob is typing…').count(), { timeout: 10_000 }).toBe(1)
    await b.page.getByLabel('Message', { exact: true }).fill('')

    // @mentions: suggestions from the room's members, completed with Tab, highlighted for the one mentioned
    await b.page.getByLabel('Message', { exact: true }).pressSequentially('thanks @An')
    await expect.poll(() => b.page.getByRole('option', { name: /Ann/ }).count()).toBe(1)
    await b.page.getByLabel('Message', { exact: true }).press('Tab')
    await b.page.getByLabel('Message', { exact: true }).pressSequentially('!')
    await b.page.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => a.page.getByRole('log').locator('.mention.me').count(), { timeout: 10_000 }).toBe(1)
    expect(await messages(a.page).last().textContent()).toBe(`thanks @${annName} !`)

    // edit and delete one's own message; the other side follows live
    const annMsg = a.page.getByRole('log').locator('li.message', { hasText: 'hello from Ann' })
    await annMsg.hover()
    await annMsg.getByRole('button', { name: 'Edit message' }).click()
    await a.page.getByLabel('Edit message', { exact: true }).fill('hello from Ann (fixed)')
    await a.page.getByRole('button', { name: 'Save' }).click()
    step('await expect.poll(() => messages(b.page).first().textContent(), { time')
    await expect.poll(() => messages(b.page).first().textContent(), { timeout: 10_000 }).toBe('hello from Ann (fixed)')
    step("await expect.poll(() => b.page.getByRole('log').getByText('(edited)').")
    await expect.poll(() => b.page.getByRole('log').getByText('(edited)').count()).toBe(1)
    // only one's own messages can be edited
    expect(await b.page.getByRole('log').locator('li.message', { hasText: 'hello from Ann' }).getByRole('button', { name: 'Edit message' }).count()).toBe(0)

    const annMsg2 = a.page.getByRole('log').locator('li.message', { hasText: 'hello from Ann' })
    await annMsg2.hover()
    await annMsg2.getByRole('button', { name: 'Delete message' }).click()
    // it asks first: Keep leaves the message, Confirm delete removes it
    await annMsg2.getByRole('button', { name: 'Keep' }).click()
    expect(await annMsg2.locator('.body').textContent()).toBe('hello from Ann (fixed)')
    await annMsg2.hover()
    await annMsg2.getByRole('button', { name: 'Delete message' }).click()
    await annMsg2.getByRole('button', { name: 'Confirm delete' }).click()
    step("await expect.poll(() => b.page.getByRole('log').getByText('Message del")
    await expect.poll(() => b.page.getByRole('log').getByText('Message deleted').count(), { timeout: 10_000 }).toBe(1)

    // members list shows both, the creator as owner
    const members = a.page.getByRole('list', { name: 'Room members' })
    step("await expect.poll(() => members.getByRole('listitem').count(), { timeo")
    await expect.poll(() => members.getByRole('listitem').count(), { timeout: 10_000 }).toBe(2)
    step("await expect.poll(() => members.getByText('Owner').count()).toBe(1)")
    await expect.poll(() => members.getByText('Owner').count()).toBe(1)

    // away from the room, a new message shows as an unread badge in the room list
    await a.page.getByRole('link', { name: 'Rooms', exact: true }).click()
    step("await expect.poll(() => a.page.getByRole('list', { name: 'Your rooms' ")
    await expect.poll(() => a.page.getByRole('list', { name: 'Your rooms' }).count()).toBe(1)
    await send(b.page, 'are you there?')
    // live (roomActivity), without a reload
    step("await expect.poll(() => a.page.getByTestId('unread-badge').first().tex")
    await expect.poll(() => a.page.getByTestId('unread-badge').first().textContent(), { timeout: 5_000 }).toBe('1')
    await send(b.page, 'hello?')
    await expect.poll(() => a.page.getByTestId('unread-badge').first().textContent(), { timeout: 5_000 }).toBe('2')
    await a.page.getByRole('list', { name: 'Your rooms' }).getByRole('link', { name: /Study Hall/ }).click()
    step("await expect.poll(() => a.page.getByRole('separator', { name: 'New mes")
    await expect.poll(() => a.page.getByRole('separator', { name: 'New messages' }).count(), { timeout: 10_000 }).toBe(1)
    step("await expect.poll(() => messages(a.page).last().textContent()).toBe('a")
    await expect.poll(() => messages(a.page).last().textContent()).toBe('hello?')

    expect(errorsA).toEqual([])
    expect(errorsB).toEqual([])
    await a.context.close()
    await b.context.close()
  }, 120_000)

  it('pages back through history and a public room can be previewed, then joined', async () => {
    const a = await newPage(browser)
    const b = await newPage(browser)
    await signUpInPage(a.page, app.url, uname('hist'))
    await signUpInPage(b.page, app.url, uname('peek'))
    await a.page.getByLabel('Room name').fill('Long History')
    await a.page.getByRole('button', { name: 'Create room' }).click()
    await expect.poll(() => a.page.getByRole('heading', { name: 'Long History' }).count()).toBe(1)
    const roomUrl = a.page.url()
    // 60 messages through the page's own API session (faster than typing them)
    await a.page.evaluate(async (roomId) => {
      for (let i = 1; i <= 60; i++) {
        await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', variables: { r: roomId, b: `m${i}` } }) })
      }
    }, roomUrl.split('/rooms/')[1])
    await expect.poll(() => messages(a.page).count(), { timeout: 10_000 }).toBe(60)

    await b.page.getByLabel('Search rooms').fill('Long Hist')
    await b.page.getByRole('link', { name: 'Preview Long History' }).click()
    await expect.poll(() => messages(b.page).count(), { timeout: 10_000 }).toBe(50)
    // scrolling to the top loads the previous page (the button does the same for keyboards)
    expect(await b.page.getByRole('button', { name: 'Load older messages' }).count()).toBe(1)
    await b.page.getByRole('log').evaluate((el) => { el.scrollTop = 0 })
    await expect.poll(() => messages(b.page).count()).toBe(60)
    expect(await messages(b.page).first().textContent()).toBe('m1')
    expect(await b.page.getByLabel('Message', { exact: true }).count()).toBe(0)
    await b.page.getByRole('button', { name: 'Join room' }).click()
    await expect.poll(() => b.page.getByLabel('Message', { exact: true }).count()).toBe(1)
    await send(b.page, 'joined!')
    await expect.poll(() => messages(a.page).last().textContent(), { timeout: 10_000 }).toBe('joined!')
    await a.context.close()
    await b.context.close()
  }, 120_000)

  it('a member leaves and the owner deletes the room', async () => {
    const a = await newPage(browser)
    const b = await newPage(browser)
    await signUpInPage(a.page, app.url, uname('own'))
    await signUpInPage(b.page, app.url, uname('mem'))
    await a.page.getByLabel('Room name').fill('Short Lived')
    await a.page.getByRole('button', { name: 'Create room' }).click()
    await expect.poll(() => a.page.getByRole('heading', { name: 'Short Lived' }).count()).toBe(1)
    const code = (await a.page.getByTestId('room-code').textContent())!.trim()
    // a pasted invite link works in the join form
    await b.page.getByLabel('Room code or invite link').fill(`${app.url}/join/${code}`)
    await b.page.getByRole('button', { name: 'Join room' }).click()
    await expect.poll(() => b.page.getByRole('heading', { name: 'Short Lived' }).count(), { timeout: 10_000 }).toBe(1)
    const members = a.page.getByRole('list', { name: 'Room members' }).getByRole('listitem')
    await expect.poll(() => members.count(), { timeout: 10_000 }).toBe(2)

    // leaving is in the room menu and asks first: Cancel keeps the membership
    await b.page.getByRole('button', { name: 'Room menu' }).click()
    await b.page.getByRole('button', { name: 'Leave room' }).click()
    await b.page.getByRole('dialog', { name: 'Leave Short Lived?' }).getByRole('button', { name: 'Cancel' }).click()
    expect(await b.page.getByRole('heading', { name: 'Short Lived' }).count()).toBe(1)
    await b.page.getByRole('button', { name: 'Room menu' }).click()
    await b.page.getByRole('button', { name: 'Leave room' }).click()
    await b.page.getByRole('dialog', { name: 'Leave Short Lived?' }).getByRole('button', { name: 'Leave room' }).click()
    await expect.poll(() => b.page.getByRole('heading', { name: 'Find a room', level: 1 }).count()).toBe(1)
    await expect.poll(() => b.page.getByRole('list', { name: 'Your rooms' }).getByText('Short Lived').count()).toBe(0)
    await expect.poll(() => members.count(), { timeout: 10_000 }).toBe(1)

    // only the owner's room menu offers Delete room, and it asks first
    await a.page.getByRole('button', { name: 'Room menu' }).click()
    await a.page.getByRole('button', { name: 'Delete room' }).click()
    await a.page.getByRole('dialog', { name: 'Delete Short Lived?' }).getByRole('button', { name: 'Delete room' }).click()
    await expect.poll(() => a.page.getByRole('heading', { name: 'Find a room', level: 1 }).count()).toBe(1)
    await b.page.goto(`${app.url}/join/${code}`)
    await expect.poll(() => b.page.getByRole('alert').textContent(), { timeout: 10_000 }).toContain('the room was deleted')
    await a.context.close()
    await b.context.close()
  }, 120_000)

  it('works from the keyboard alone', async () => {
    const { context, page } = await newPage(browser)
    await signUpInPage(page, app.url, uname('keys'))
    await page.getByLabel('Room name').focus()
    await page.keyboard.type('Keyboard Room')
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByRole('heading', { name: 'Keyboard Room' }).count()).toBe(1)
    await page.getByLabel('Message', { exact: true }).focus()
    await page.keyboard.type('typed, not clicked')
    await page.keyboard.press('Enter')
    await expect.poll(() => messages(page).allTextContents(), { timeout: 10_000 }).toEqual(['typed, not clicked'])
    // stored (its actions show once the server's copy replaces the local echo)
    await expect.poll(() => page.getByRole('log').locator('li.message.pending').count(), { timeout: 10_000 }).toBe(0)
    // Shift+Tab from the composer reaches the last message's actions, which show when focused
    await page.keyboard.press('Shift+Tab')
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^Delete message from /)
    expect(await page.locator('.msg-actions').last().evaluate((el) => getComputedStyle(el).opacity)).toBe('1')
    await page.keyboard.press('Shift+Tab')
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/^Edit message from /)
    await page.keyboard.press('Enter')
    await page.keyboard.press('ControlOrMeta+a')
    await page.keyboard.type('edited by keyboard')
    await page.keyboard.press('Enter')
    await expect.poll(() => messages(page).allTextContents(), { timeout: 10_000 }).toEqual(['edited by keyboard'])
    await context.close()
  }, 60_000)

  it('a typed draft stays with its room across the sidebar, Ctrl+K and Back, and goes once sent', async () => {
    const { context, page } = await newPage(browser)
    const errors = watchErrors(page)
    await signUpInPage(page, app.url, uname('drafts'))
    for (const name of ['Draft One', 'Draft Two']) {
      await page.goto(app.url + '/')
      await page.getByLabel('Room name').fill(name)
      await page.getByRole('button', { name: 'Create room' }).click()
      await expect.poll(() => page.getByRole('heading', { name, level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    }
    const composer = page.getByLabel('Message', { exact: true })
    const sidebarLink = (name: string) => page.getByRole('navigation', { name: 'Conversations' }).getByRole('list', { name: 'Your rooms' }).getByRole('link', { name: new RegExp(`^${name}`) })
    const opened = (name: string) => expect.poll(() => page.getByRole('heading', { name, level: 1 }).count(), { timeout: 10_000 }).toBe(1)

    // Draft Two is open: a half-written message, then Draft One from the sidebar, which has none
    await composer.fill('half a thought about **two**')
    await sidebarLink('Draft One').click()
    await opened('Draft One')
    await expect.poll(() => composer.inputValue()).toBe('')
    await composer.fill('one waits here')
    // back to Draft Two with Ctrl+K: its text is there as it was left
    await page.keyboard.press('Control+k')
    const dialog = page.getByRole('dialog', { name: 'Jump to a room or friend' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    await page.keyboard.type('Draft Two')
    await expect.poll(() => dialog.getByRole('option').first().textContent()).toContain('Draft Two')
    await page.keyboard.press('Enter')
    await opened('Draft Two')
    await expect.poll(() => composer.inputValue()).toBe('half a thought about **two**')
    // the browser's Back: Draft One's own text
    await page.goBack()
    await opened('Draft One')
    await expect.poll(() => composer.inputValue()).toBe('one waits here')
    // sent, it is no longer a draft: the composer is empty when the room is shown again
    await composer.press('Enter')
    await expect.poll(() => messages(page).allTextContents(), { timeout: 10_000 }).toEqual(['one waits here'])
    await sidebarLink('Draft Two').click()
    await opened('Draft Two')
    await expect.poll(() => composer.inputValue()).toBe('half a thought about **two**')
    await sidebarLink('Draft One').click()
    await opened('Draft One')
    await expect.poll(() => messages(page).allTextContents(), { timeout: 10_000 }).toEqual(['one waits here'])
    expect(await composer.inputValue()).toBe('')
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('a send that fails is retried, and shown once', async () => {
    const { context, page } = await newPage(browser)
    await signUpInPage(page, app.url, uname('flaky'))
    await page.getByLabel('Room name').fill('Flaky Network')
    await page.getByRole('button', { name: 'Create room' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'Flaky Network' }).count()).toBe(1)
    const isSend = (body: string | null) => !!body && body.includes('sendMessage')

    // the first attempt is lost on the way: the client retries by itself with the same clientId
    let dropped = 0
    await page.route('**/graphql', (route) => {
      if (isSend(route.request().postData()) && dropped === 0) { dropped++; return route.abort('failed') }
      return route.continue()
    })
    await page.getByLabel('Message', { exact: true }).fill('first try lost')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => messages(page).allTextContents(), { timeout: 15_000 }).toEqual(['first try lost'])
    await expect.poll(() => page.getByText('Sending…').count(), { timeout: 10_000 }).toBe(0)
    expect(dropped).toBe(1)

    // every attempt fails: the message stays, marked as not sent, until the user retries
    await page.unroute('**/graphql')
    await page.route('**/graphql', (route) => (isSend(route.request().postData()) ? route.abort('failed') : route.continue()))
    await page.getByLabel('Message', { exact: true }).fill('needs a manual retry')
    await page.getByRole('button', { name: 'Send' }).click()
    await expect.poll(() => page.getByText(/Not sent/).count(), { timeout: 20_000 }).toBe(1)
    await page.unroute('**/graphql')
    await page.getByRole('button', { name: 'Retry' }).click()
    await expect.poll(() => page.getByText(/Not sent/).count(), { timeout: 10_000 }).toBe(0)
    await expect.poll(() => messages(page).allTextContents(), { timeout: 10_000 }).toEqual(['first try lost', 'needs a manual retry'])
    // after a reload (the server's view), each message is there once
    await page.reload()
    await expect.poll(() => messages(page).allTextContents(), { timeout: 10_000 }).toEqual(['first try lost', 'needs a manual retry'])
    await context.close()
  }, 90_000)
})
