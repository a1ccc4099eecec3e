// What an open room page costs the server per message, as a user would not notice but the server
// does for every open page: each new message reaches the page once (not once through messageAdded
// and again through messageEvents), and read receipts: the newest message is marked read soon
// after it arrives, and while messages keep coming a page marks at most once every 5 s (each
// receipt costs the server about as much as a send: web/src/features/room/markRead.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, signUp, sleep, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
import { launch, newPage, signInInPage, startWebApp, uname, watchErrors } from './browser.js'

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

const unread = async (u: TestUser, roomId: string) => (await ok(app.url, 'query($id: ID!) { room(id: $id) { unreadCount } }', { id: roomId }, u.token)).room.unreadCount

describe('an open room', () => {
  it('gets each new message in one frame, and edits and deletes in one each', async () => {
    const ana = await signUp(app.url, uname('ana'))
    const viewer = await signUp(app.url, uname('view'))
    const room = await createRoom(app.url, ana.token, 'Frames')
    await joinByCode(app.url, viewer.token, room.code)
    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    const frames: string[] = []
    page.on('websocket', (ws) => ws.on('framereceived', (f) => { if (typeof f.payload === 'string') frames.push(f.payload) }))
    await signInInPage(page, app.url, viewer.username)
    await page.goto(`${app.url}/rooms/${room.id}`)
    await expect.poll(() => page.getByRole('heading', { name: 'Frames' }).count(), { timeout: 15_000 }).toBe(1)
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')
    // both live streams of the room are up once a message sent now shows
    const probe = await send(app.url, ana.token, room.id, 'probe')
    const body = (text: string) => page.getByRole('log').locator('li.message .body', { hasText: new RegExp(`^${text}$`) })
    await expect.poll(() => body('probe').count(), { timeout: 10_000 }).toBe(1)
    // the conversation's frames (the sidebar's roomActivity carries a preview of its own)
    const carrying = (text: string) => frames.filter((f) => /"data":\{"message(Added|Events)"/.test(f) && f.includes(`"body":"${text}"`)).length
    expect(carrying('probe')).toBe(1)
    const m = await send(app.url, ana.token, room.id, 'hello there')
    await expect.poll(() => body('hello there').count(), { timeout: 5_000 }).toBe(1)
    await ok(app.url, 'mutation($id: ID!) { editMessage(id: $id, body: "hello again") { id } }', { id: m.id }, ana.token)
    await expect.poll(() => body('hello again').count(), { timeout: 5_000 }).toBe(1)
    await ok(app.url, 'mutation($id: ID!) { deleteMessage(id: $id) { id } }', { id: probe.id }, ana.token)
    await expect.poll(() => body('probe').count(), { timeout: 5_000 }).toBe(0)
    expect(carrying('hello there')).toBe(1)
    expect(carrying('hello again')).toBe(1)
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)
})

describe('read receipts', () => {
  it('an open room marks the newest message read soon after it arrives, and a busy room at most once every 5 s', async () => {
    const ana = await signUp(app.url, uname('ana'))
    const viewer = await signUp(app.url, uname('view'))
    const room = await createRoom(app.url, ana.token, 'Receipts')
    await joinByCode(app.url, viewer.token, room.code)
    await send(app.url, ana.token, room.id, 'before opening')
    expect(await unread(viewer, room.id)).toBe(1)

    const { page, context } = await newPage(browser)
    const errors = watchErrors(page)
    const receipts: number[] = []
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/graphql' && (r.postData() ?? '').includes('markRead(')) receipts.push(Date.now())
    })
    await signInInPage(page, app.url, viewer.username)
    await page.goto(`${app.url}/rooms/${room.id}`)
    const body = (text: string) => page.getByRole('log').locator('li.message .body', { hasText: new RegExp(`^${text}$`) })
    await expect.poll(() => body('before opening').count(), { timeout: 15_000 }).toBe(1)
    // what the open room shows is read
    await expect.poll(() => unread(viewer, room.id), { timeout: 5_000 }).toBe(0)

    // a message every 600 ms for 6 s: each comes after the 400 ms a receipt waits for a burst, so
    // without the bound every one of them had its own receipt
    const first = receipts.length
    for (let i = 1; i <= 10; i++) {
      await send(app.url, ana.token, room.id, `busy ${i}`)
      await sleep(600)
    }
    await expect.poll(() => body('busy 10').count(), { timeout: 5_000 }).toBe(1)
    // the newest is marked read too, within the bound
    await expect.poll(() => unread(viewer, room.id), { timeout: 10_000 }).toBe(0)
    const during = receipts.slice(first)
    expect(during.length).toBeGreaterThanOrEqual(1)
    expect(during.length).toBeLessThanOrEqual(3)
    for (let i = 1; i < receipts.length; i++) expect(receipts[i] - receipts[i - 1]).toBeGreaterThanOrEqual(4_900)
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)
})
