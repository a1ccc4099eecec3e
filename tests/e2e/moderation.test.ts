// Room settings and moderation in Chromium, by roles and labels: a rename and a new invite code
// pushed live to another member; a moderator deletes a member's message, removes and bans them, who is told why, taken
// out of the room and cannot come back by the link until unbanned; the owner hands the room over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { TestApp } from '../helpers/app.js'
import { ok, signUp, type TestUser } from '../helpers/client.js'
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

const SET_ROLE = `mutation($r: ID!, $u: ID!, $role: MemberRole!) { setMemberRole(roomId: $r, userId: $u, role: $role) { role } }`

async function user(name: string): Promise<TestUser & { name: string }> {
  const u = await signUp(app.url, uname(name.toLowerCase()))
  await ok(app.url, `mutation($n: String!) { updateProfile(input: { displayName: $n }) { id } }`, { n: name }, u.token)
  return { ...u, name }
}

async function room(owner: TestUser, name: string, kind: 'PUBLIC' | 'PRIVATE', members: TestUser[]) {
  const r = (await ok(app.url, `mutation($i: CreateRoomInput!) { createRoom(input: $i) { id code } }`, { i: { name, kind } }, owner.token)).createRoom
  for (const m of members) await ok(app.url, `mutation($c: String!) { joinRoom(code: $c) { id } }`, { c: r.code }, m.token)
  return r as { id: string; code: string }
}

/** a signed-in page in the room, its roomChanged feed live on the server */
async function inRoom(u: TestUser, roomId: string, heading: string) {
  const p = await newPage(browser)
  await signInInPage(p.page, app.url, u.username)
  await p.page.goto(`${app.url}/rooms/${roomId}`)
  await expect.poll(() => p.page.getByRole('heading', { name: heading, level: 1 }).count(), { timeout: 10_000 }).toBe(1)
  await expect.poll(() => app.app.hearth.realtime.liveFieldsOf(u.id), { timeout: 10_000 }).toContain('roomChanged')
  return p
}

const members = (p: Page) => p.getByRole('list', { name: 'Room members' })
const memberRow = (p: Page, name: string) => members(p).getByRole('listitem').filter({ hasText: name })

describe('room settings and moderation', () => {
  it('the owner renames the room and makes a new invite code; another member sees both live', async () => {
    const [ann, bob] = [await user('Ann'), await user('Bob')]
    const r = await room(ann, 'Settings Room', 'PRIVATE', [bob])
    const a = await inRoom(ann, r.id, 'Settings Room')
    const b = await inRoom(bob, r.id, 'Settings Room')
    const errors = [watchErrors(a.page), watchErrors(b.page)]

    // a plain member is not shown the invite code (they would not be told when it changes)
    expect(await b.page.getByTestId('room-code').count()).toBe(0)
    // the owner makes Bob a moderator from the member menu, by keyboard; Bob's badge changes in place
    await memberRow(a.page, 'Bob').getByRole('button', { name: 'Actions for Bob' }).focus()
    await a.page.keyboard.press('Enter')
    await a.page.getByRole('button', { name: 'Make moderator' }).press('Enter')
    await a.page.getByRole('dialog', { name: 'Make Bob a moderator?' }).getByRole('button', { name: 'Make moderator' }).click()
    await expect.poll(() => memberRow(b.page, 'Bob').getByText('Moderator').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => b.page.getByTestId('room-code').textContent()).toBe(r.code)

    // rename and describe in Room settings
    await a.page.getByRole('button', { name: 'Room menu' }).click()
    await a.page.getByRole('button', { name: 'Room settings' }).click()
    const settings = a.page.getByRole('dialog', { name: 'Room settings' })
    await settings.getByLabel('Room name').fill('Quiet Study')
    await settings.getByLabel('Description').fill('Silent hours 9-5')
    await settings.getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => b.page.getByRole('heading', { name: 'Quiet Study', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => b.page.getByText('Silent hours 9-5').count()).toBeGreaterThan(0)

    // regenerate the code (confirmed): the moderator's page shows the new one at once
    await settings.getByRole('button', { name: 'Regenerate code' }).click()
    await a.page.getByRole('dialog', { name: 'Regenerate the invite code?' }).getByRole('button', { name: 'Regenerate' }).click()
    await expect.poll(() => settings.getByTestId('settings-code').textContent(), { timeout: 10_000 }).not.toBe(r.code)
    const fresh = (await settings.getByTestId('settings-code').textContent())!.trim()
    await expect.poll(() => b.page.getByTestId('room-code').textContent(), { timeout: 10_000 }).toBe(fresh)
    await settings.getByRole('button', { name: 'Close' }).click()

    // the old link opens nothing now
    const c = await newPage(browser)
    const cara = await user('Cara')
    await signInInPage(c.page, app.url, cara.username)
    await c.page.goto(`${app.url}/join/${r.code}`)
    await expect.poll(() => c.page.getByRole('alert').textContent(), { timeout: 10_000 }).toContain('No room has the code')
    expect(errors.flat()).toEqual([])
    for (const p of [a, b, c]) await p.context.close()
  }, 120_000)

  it('a moderator removes and bans a member, who sees why and cannot rejoin by the link until unbanned', async () => {
    const [owner, mia, max] = [await user('Olga'), await user('Mia'), await user('Max')]
    const r = await room(owner, 'Ban Room', 'PUBLIC', [mia, max])
    await ok(app.url, SET_ROLE, { r: r.id, u: mia.id, role: 'MODERATOR' }, owner.token)
    const m = await inRoom(mia, r.id, 'Ban Room')
    const x = await inRoom(max, r.id, 'Ban Room')
    const errors = [watchErrors(m.page), watchErrors(x.page)]

    // a moderator deletes another member's message; Max sees it go
    await ok(app.url, `mutation($r: ID!) { sendMessage(roomId: $r, body: "buy cheap watches") { id } }`, { r: r.id }, max.token)
    const spam = m.page.getByRole('log').locator('li.message', { hasText: 'buy cheap watches' })
    await expect.poll(() => spam.count(), { timeout: 10_000 }).toBe(1)
    await spam.hover()
    await spam.getByRole('button', { name: 'Delete message' }).click()
    await spam.getByRole('button', { name: 'Confirm delete' }).click()
    await expect.poll(() => x.page.getByRole('log').getByText('Message deleted').count(), { timeout: 10_000 }).toBe(1)

    // a moderator is offered no action on the owner
    expect(await memberRow(m.page, 'Olga').getByRole('button', { name: 'Actions for Olga' }).count()).toBe(0)
    await memberRow(m.page, 'Max').getByRole('button', { name: 'Actions for Max' }).click()
    expect(await m.page.getByRole('button', { name: 'Hand over room' }).count()).toBe(0)
    await m.page.getByRole('button', { name: 'Ban from room' }).click()
    const confirm = m.page.getByRole('dialog', { name: 'Ban Max?' })
    // the safe choice has the focus
    await expect.poll(() => confirm.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement)).toBe(true)
    await confirm.getByRole('button', { name: 'Ban' }).click()

    // Max is told why (a ban, not only a removal: before, the notice said "removed") and taken out of the room
    await expect.poll(() => x.page.getByText('You were banned from Ban Room by Mia. You cannot join it again unless you are unbanned.').count(), { timeout: 10_000 }).toBe(1)
    await expect.poll(() => new URL(x.page.url()).pathname).toBe('/')
    await expect.poll(() => memberRow(m.page, 'Max').count(), { timeout: 10_000 }).toBe(0)

    // the invite link does not let him back in
    await x.page.goto(`${app.url}/join/${r.code}`)
    await expect.poll(() => x.page.getByText('You are banned from this room').count(), { timeout: 10_000 }).toBeGreaterThan(0)
    await x.page.goto(`${app.url}/rooms/${r.id}`)
    await x.page.getByRole('button', { name: 'Join room' }).click()
    await expect.poll(() => x.page.getByText('You are banned from this room').count(), { timeout: 10_000 }).toBeGreaterThan(0)
    // nor does Join on the Browse page, which says why in the same words
    await x.page.goto(`${app.url}/`)
    await x.page.getByRole('button', { name: 'Join Ban Room' }).click()
    await expect.poll(() => x.page.getByText('You are banned from this room').count(), { timeout: 10_000 }).toBe(1)
    expect(await x.page.getByText('You are not allowed to do that.').count()).toBe(0)

    // the moderator lifts the ban from Room settings; the link works again
    await m.page.getByRole('button', { name: 'Room menu' }).click()
    await m.page.getByRole('button', { name: 'Room settings' }).click()
    const settings = m.page.getByRole('dialog', { name: 'Room settings' })
    expect(await settings.getByLabel('Room name').count()).toBe(0)
    await settings.getByRole('list', { name: 'Banned users' }).getByRole('button', { name: 'Unban Max' }).click()
    await expect.poll(() => settings.getByText('Nobody is banned.').count(), { timeout: 10_000 }).toBe(1)
    await x.page.goto(`${app.url}/join/${r.code}`)
    await expect.poll(() => x.page.getByRole('heading', { name: 'Ban Room', level: 1 }).count(), { timeout: 10_000 }).toBe(1)
    expect(errors.flat()).toEqual([])
    for (const p of [m, x]) await p.context.close()
  }, 120_000)

  it('the owner hands the room over: roles swap on both pages, and so do the owner\'s tools', async () => {
    const [ann, bob] = [await user('Ann'), await user('Bob')]
    const r = await room(ann, 'Handover Room', 'PRIVATE', [bob])
    const a = await inRoom(ann, r.id, 'Handover Room')
    const b = await inRoom(bob, r.id, 'Handover Room')
    const errors = [watchErrors(a.page), watchErrors(b.page)]

    await memberRow(a.page, 'Bob').getByRole('button', { name: 'Actions for Bob' }).click()
    await a.page.getByRole('button', { name: 'Hand over room' }).click()
    await a.page.getByRole('dialog', { name: 'Hand Handover Room over to Bob?' }).getByRole('button', { name: 'Hand over' }).click()

    await expect.poll(() => b.page.getByText('You now own Handover Room').count(), { timeout: 10_000 }).toBe(1)
    for (const p of [a.page, b.page]) {
      await expect.poll(() => memberRow(p, 'Bob').getByText('Owner').count(), { timeout: 10_000 }).toBe(1)
      await expect.poll(() => memberRow(p, 'Ann').getByText('Moderator').count(), { timeout: 10_000 }).toBe(1)
    }
    // the new owner may delete the room and manage Ann; Ann may not delete it any more
    await b.page.getByRole('button', { name: 'Room menu' }).click()
    expect(await b.page.getByRole('button', { name: 'Delete room' }).count()).toBe(1)
    await b.page.keyboard.press('Escape')
    expect(await memberRow(b.page, 'Ann').getByRole('button', { name: 'Actions for Ann' }).count()).toBe(1)
    await a.page.getByRole('button', { name: 'Room menu' }).click()
    expect(await a.page.getByRole('button', { name: 'Delete room' }).count()).toBe(0)
    expect(await memberRow(a.page, 'Bob').getByRole('button', { name: 'Actions for Bob' }).count()).toBe(0)
    expect(errors.flat()).toEqual([])
    for (const p of [a, b]) await p.context.close()
  }, 120_000)
})
