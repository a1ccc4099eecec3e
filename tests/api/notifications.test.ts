// Mentions, the stored inbox for users who were away, and marking notifications read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, errorCode, eventually, gql, ok, signUp, uniqueName, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

let t: TestApp
beforeAll(async () => { t = await startApp() })
afterAll(async () => { await t.close() })

const NOTIFS = `subscription { notifications { id kind actor { id } room { id } message { id body } readAt } }`
const LIST = `query($u: Boolean, $f: Int) { notificationsList(unreadOnly: $u, first: $f) { id kind readAt createdAt actor { id } message { body } friendRequest { id } } unreadNotificationCount }`
const FRIEND_REQUEST = `mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }`
const MARK = `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }`

const list = async (u: TestUser, unreadOnly = false, first?: number) => (await ok(t.url, LIST, { u: unreadOnly, f: first }, u.token))

describe('mentions', () => {
  it('notify mentioned members only: not the sender, not a non-member, not someone who blocked the sender', async () => {
    const [a, b, c, x] = await Promise.all([signUp(t.url, uniqueName('ann')), signUp(t.url, uniqueName('bob')), signUp(t.url, uniqueName('cid')), signUp(t.url, uniqueName('xav'))])
    const room = await createRoom(t.url, a.token, 'Mentions', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await joinByCode(t.url, x.token, room.code)
    await ok(t.url, `mutation($u: ID!) { blockUser(userId: $u) }`, { u: a.id }, x.token)
    const clients = [a, b, c, x].map((u) => wsClient(t.wsUrl, u.token))
    const live = t.app.hearth.realtime.liveSubscriptions
    const [na, nb, nc, nx] = clients.map((cl) => collect(cl, NOTIFS))
    await waitLive(t, live + 4)

    // case-insensitive, trailing punctuation ignored, an e-mail address is not a mention
    const m = await send(t.url, a.token, room.id, `hey @${b.username.toUpperCase()}, @${c.username}. @${x.username} and @${a.username}; mail me at me@${b.username}`)
    await nb.waitCount(1)
    expect(nb.events[0].notifications).toMatchObject({ kind: 'MENTION', actor: { id: a.id }, room: { id: room.id }, message: { id: m.id }, readAt: null })
    expect((await list(x)).notificationsList).toEqual([])
    expect((await list(c)).notificationsList).toEqual([])
    // markers: a later friend request to each; a notification of the mention would come before it
    const z = await signUp(t.url)
    for (const u of [a, b, c, x]) await ok(t.url, FRIEND_REQUEST, { u: u.id }, z.token)
    await Promise.all([na, nb, nc, nx].map((n) => n.waitFor(() => n.events.some((e) => e.notifications.kind === 'FRIEND_REQUEST_RECEIVED'), 5000, 'the marker')))
    const kinds = (n: typeof na) => n.events.map((e) => e.notifications.kind)
    expect(kinds(nb)).toEqual(['MENTION', 'FRIEND_REQUEST_RECEIVED'])
    expect(kinds(na)).toEqual(['FRIEND_REQUEST_RECEIVED'])
    expect(kinds(nc)).toEqual(['FRIEND_REQUEST_RECEIVED'])
    expect(kinds(nx)).toEqual(['FRIEND_REQUEST_RECEIVED'])
    await Promise.all(clients.map((cl) => cl.dispose()))
  })
})

describe('the notification inbox', () => {
  it('keeps what arrived while the user was offline, newest first, and marks read by id or all', async () => {
    const [a, b, c] = await Promise.all([signUp(t.url), signUp(t.url, uniqueName('bea')), signUp(t.url)])
    // B has no socket open at all
    const req = (await ok(t.url, `mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }`, { u: b.id }, a.token)).sendFriendRequest
    const room = await createRoom(t.url, c.token, 'Inbox')
    await joinByCode(t.url, b.token, room.code)
    await send(t.url, c.token, room.id, `@${b.username} look`)
    await send(t.url, c.token, room.id, `@${b.username} look again`)

    // mention notifications are stored just after the send is answered (a room-activity
    // listener): wait until both are there, then read the list once. The list and the count are
    // two fields read side by side: a mention stored between their reads shows in one only, so
    // the wait is for both
    const before = await eventually(async () => { const l = await list(b); return l.notificationsList.length === 3 && l.unreadNotificationCount === 3 && l }, 5000, 'three notifications')
    expect(before.unreadNotificationCount).toBe(3)
    expect(before.notificationsList.map((n: any) => n.kind)).toEqual(['MENTION', 'MENTION', 'FRIEND_REQUEST_RECEIVED'])
    expect(before.notificationsList[0].message.body).toBe(`@${b.username} look again`)
    expect(before.notificationsList[2]).toMatchObject({ actor: { id: a.id }, friendRequest: { id: req.id }, readAt: null })
    expect((await list(b, false, 1)).notificationsList).toHaveLength(1)
    expect(await errorCode(t.url, LIST, { f: 0 }, b.token)).toBe('BAD_USER_INPUT')

    // someone else's ids change nothing
    const ids = before.notificationsList.map((n: any) => n.id)
    expect((await ok(t.url, MARK, { ids }, a.token)).markNotificationsRead).toBe(0)
    expect((await ok(t.url, MARK, { ids: [ids[2], 'not-an-id'] }, b.token)).markNotificationsRead).toBe(1)
    expect((await ok(t.url, MARK, { ids: [ids[2]] }, b.token)).markNotificationsRead).toBe(0)
    const mid = await list(b, true)
    expect(mid.unreadNotificationCount).toBe(2)
    expect(mid.notificationsList.map((n: any) => n.id)).toEqual(ids.slice(0, 2))
    const all = await list(b)
    expect(all.notificationsList[2].readAt).toMatch(/Z$/)

    expect((await ok(t.url, MARK, {}, b.token)).markNotificationsRead).toBe(2)
    expect((await list(b)).unreadNotificationCount).toBe(0)
    expect((await list(b, true)).notificationsList).toEqual([])
    expect((await list(a)).notificationsList).toEqual([])
    expect((await gql(t.url, MARK, {})).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED')
  })

  it('a notification subscription carries only the viewer\'s own', async () => {
    const [a, b, c] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const cb = wsClient(t.wsUrl, b.token), cc = wsClient(t.wsUrl, c.token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const nb = collect(cb, NOTIFS), nc = collect(cc, NOTIFS)
    const unauth = wsClient(t.wsUrl)
    const nu = collect(unauth, NOTIFS)
    await nu.waitError()
    expect(nu.state.errors?.[0].extensions.code).toBe('UNAUTHENTICATED')
    // the refused one never goes live
    await waitLive(t, live + 2)
    await ok(t.url, `mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }`, { u: b.id }, a.token)
    await nb.waitCount(1)
    // marker: a later request to c; b's notification would have come before it
    await ok(t.url, FRIEND_REQUEST, { u: c.id }, a.token)
    await nc.waitCount(1)
    expect(nc.events.map((e) => e.notifications.kind)).toEqual(['FRIEND_REQUEST_RECEIVED'])
    await Promise.all([cb.dispose(), cc.dispose(), unauth.dispose()])
  })
})

describe('notificationsList pages', () => {
  it('before: the id of a page\'s last one gives the older ones, every one once; an id not of the viewer\'s is BAD_USER_INPUT', async () => {
    const owner = await signUp(t.url, uniqueName('pgown'))
    const reader = await signUp(t.url, uniqueName('pgrd'))
    const stranger = await signUp(t.url)
    const room = await createRoom(t.url, owner.token, 'Pages', 'PRIVATE')
    await joinByCode(t.url, reader.token, room.code)
    for (let i = 0; i < 7; i++) await send(t.url, owner.token, room.id, `@${reader.username} number ${i}`)
    const all = await eventually(async () => { const l = (await list(reader)).notificationsList; return l.length === 7 && l }, 5000, 'seven mentions')
    const PAGE = 'query($f: Int, $b: ID) { notificationsList(first: $f, before: $b) { id message { body } } }'
    const seen: string[] = []
    let before: string | null = null
    for (;;) {
      const page: any[] = (await ok(t.url, PAGE, { f: 3, b: before }, reader.token)).notificationsList
      seen.push(...page.map((n) => n.id))
      if (page.length < 3) break
      before = page[page.length - 1].id
    }
    expect(seen).toEqual(all.map((n: any) => n.id))
    // the last page is the oldest mention
    expect((await ok(t.url, PAGE, { f: 3, b: all[5].id }, reader.token)).notificationsList.map((n: any) => n.message.body)).toEqual([`@${reader.username} number 0`])
    for (const b of [all[0].id, 'not-an-id', '00000000-0000-4000-8000-000000000000']) {
      const r = await gql(t.url, PAGE, { f: 3, b }, stranger.token)
      expect(r.errors?.[0]?.extensions?.code, b).toBe('BAD_USER_INPUT')
      expect(r.errors?.[0]?.extensions?.field).toBe('before')
    }
  })
})
