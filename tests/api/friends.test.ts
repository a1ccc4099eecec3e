// Friend requests, friendships and blocks over real HTTP and WebSockets. Every rule is checked
// from the side of the one who must receive and of the ones who must not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, errorCode, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'

let t: TestApp
beforeAll(async () => { t = await startApp() })
afterAll(async () => { await t.close() })

const SEND = `mutation($u: ID!) { sendFriendRequest(userId: $u) { id status from { id } to { id } createdAt respondedAt } }`
const RESPOND = `mutation($id: ID!, $a: Boolean!) { respondToFriendRequest(id: $id, accept: $a) { id status respondedAt } }`
const CANCEL = `mutation($id: ID!) { cancelFriendRequest(id: $id) { id status } }`
const REMOVE = `mutation($u: ID!) { removeFriend(userId: $u) }`
const BLOCK = `mutation($u: ID!) { blockUser(userId: $u) }`
const UNBLOCK = `mutation($u: ID!) { unblockUser(userId: $u) }`
const RELATION = `query($u: ID!) { user(id: $u) { friendship } }`
const FRIENDS = `{ friends { id } }`
const REQUESTS = `query($d: FriendRequestDirection!) { friendRequests(direction: $d) { id status from { id } to { id } } }`
const CHANGED = `subscription { friendshipChanged { user { id } friendship request { id status } at } }`
const NOTIFS = `subscription { notifications { id kind actor { id } friendRequest { id status } } }`

const relation = async (viewer: TestUser, other: TestUser) => (await ok(t.url, RELATION, { u: other.id }, viewer.token)).user.friendship
const friendIds = async (u: TestUser) => (await ok(t.url, FRIENDS, {}, u.token)).friends.map((f: { id: string }) => f.id).sort()

async function befriend(a: TestUser, b: TestUser) {
  const req = (await ok(t.url, SEND, { u: b.id }, a.token)).sendFriendRequest
  await ok(t.url, RESPOND, { id: req.id, a: true }, b.token)
}

/** live feeds of one user: relation changes and notifications */
function listen(u: TestUser) {
  const client = wsClient(t.wsUrl, u.token)
  const changes = collect(client, CHANGED)
  const notes = collect(client, NOTIFS)
  return { client, changes, notes, async close() { changes.dispose(); notes.dispose(); await client.dispose() } }
}

/** A later friend request to `u` is the marker: an event for `u` from before would come ahead of it, so `u` has seen nothing but the marker. */
async function markerRequestTo(u: TestUser, l: ReturnType<typeof listen>) {
  const z = await signUp(t.url)
  await ok(t.url, SEND, { u: u.id }, z.token)
  await l.changes.waitCount(1); await l.notes.waitCount(1)
  expect(l.changes.events.map((e) => e.friendshipChanged.user.id)).toEqual([z.id])
  expect(l.notes.events.map((e) => e.notifications.actor.id)).toEqual([z.id])
}

describe('friend requests', () => {
  it('refuses yourself, unknown and malformed ids', async () => {
    const a = await signUp(t.url)
    const self = await gql(t.url, SEND, { u: a.id }, a.token)
    expect(self.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' })
    expect(await errorCode(t.url, SEND, { u: '00000000-0000-4000-8000-000000000000' }, a.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, SEND, { u: 'nope' }, a.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, SEND, { u: a.id })).toBe('UNAUTHENTICATED')
  })

  it('reaches the addressee live, the sender\'s other device, and nobody else', async () => {
    const [a, b, c] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const base = t.app.hearth.realtime.liveSubscriptions
    const la = listen(a), lb = listen(b), lc = listen(c)
    await waitLive(t, base + 6)
    const req = (await ok(t.url, SEND, { u: b.id }, a.token)).sendFriendRequest
    expect(req).toMatchObject({ status: 'PENDING', from: { id: a.id }, to: { id: b.id }, respondedAt: null })

    await lb.changes.waitCount(1)
    expect(lb.changes.events[0].friendshipChanged).toMatchObject({ user: { id: a.id }, friendship: 'REQUEST_RECEIVED', request: { id: req.id, status: 'PENDING' } })
    await lb.notes.waitCount(1)
    expect(lb.notes.events[0].notifications).toMatchObject({ kind: 'FRIEND_REQUEST_RECEIVED', actor: { id: a.id }, friendRequest: { id: req.id } })
    await la.changes.waitCount(1)
    expect(la.changes.events[0].friendshipChanged).toMatchObject({ user: { id: b.id }, friendship: 'REQUEST_SENT' })

    expect(await relation(a, b)).toBe('REQUEST_SENT')
    expect(await relation(b, a)).toBe('REQUEST_RECEIVED')
    expect(await relation(c, a)).toBe('NONE')
    expect((await ok(t.url, REQUESTS, { d: 'INCOMING' }, b.token)).friendRequests.map((r: any) => r.id)).toEqual([req.id])
    expect((await ok(t.url, REQUESTS, { d: 'OUTGOING' }, a.token)).friendRequests.map((r: any) => r.id)).toEqual([req.id])
    expect((await ok(t.url, REQUESTS, { d: 'INCOMING' }, a.token)).friendRequests).toEqual([])
    expect((await ok(t.url, REQUESTS, { d: 'INCOMING' }, c.token)).friendRequests).toEqual([])

    // the sender asked, the addressee gets no echo of their own notification
    expect(la.notes.events).toHaveLength(0)
    await markerRequestTo(c, lc)
    await Promise.all([la.close(), lb.close(), lc.close()])
  })

  it('lets only the addressee answer, once; accepting makes both friends', async () => {
    const [a, b, c] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const req = (await ok(t.url, SEND, { u: b.id }, a.token)).sendFriendRequest
    expect(await errorCode(t.url, SEND, { u: b.id }, a.token)).toBe('CONFLICT')
    expect(await errorCode(t.url, RESPOND, { id: req.id, a: true }, c.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, RESPOND, { id: req.id, a: true }, a.token)).toBe('FORBIDDEN')
    expect(await errorCode(t.url, CANCEL, { id: req.id }, b.token)).toBe('FORBIDDEN')
    expect(await errorCode(t.url, CANCEL, { id: req.id }, c.token)).toBe('NOT_FOUND')

    const base = t.app.hearth.realtime.liveSubscriptions
    const la = listen(a), lc = listen(c)
    await waitLive(t, base + 4)
    const answered = (await ok(t.url, RESPOND, { id: req.id, a: true }, b.token)).respondToFriendRequest
    expect(answered.status).toBe('ACCEPTED')
    expect(answered.respondedAt).toMatch(/Z$/)
    await la.notes.waitCount(1)
    expect(la.notes.events[0].notifications).toMatchObject({ kind: 'FRIEND_REQUEST_ACCEPTED', actor: { id: b.id }, friendRequest: { id: req.id, status: 'ACCEPTED' } })
    await la.changes.waitCount(1)
    expect(la.changes.events[0].friendshipChanged).toMatchObject({ user: { id: b.id }, friendship: 'FRIENDS' })

    expect(await errorCode(t.url, RESPOND, { id: req.id, a: false }, b.token)).toBe('CONFLICT')
    expect(await errorCode(t.url, CANCEL, { id: req.id }, a.token)).toBe('CONFLICT')
    expect(await errorCode(t.url, SEND, { u: a.id }, b.token)).toBe('CONFLICT')
    expect(await friendIds(a)).toEqual([b.id])
    expect(await friendIds(b)).toEqual([a.id])
    expect(await friendIds(c)).toEqual([])
    expect(await relation(a, b)).toBe('FRIENDS')
    expect(await relation(b, a)).toBe('FRIENDS')
    expect((await ok(t.url, REQUESTS, { d: 'INCOMING' }, b.token)).friendRequests).toEqual([])
    await markerRequestTo(c, lc)
    await Promise.all([la.close(), lc.close()])
  })

  it('asking someone who already asked you accepts their request', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    const theirs = (await ok(t.url, SEND, { u: a.id }, b.token)).sendFriendRequest
    const base = t.app.hearth.realtime.liveSubscriptions
    const lb = listen(b)
    await waitLive(t, base + 2)
    const mine = (await ok(t.url, SEND, { u: b.id }, a.token)).sendFriendRequest
    expect(mine).toMatchObject({ id: theirs.id, status: 'ACCEPTED', from: { id: b.id }, to: { id: a.id } })
    await lb.notes.waitCount(1)
    expect(lb.notes.events[0].notifications.kind).toBe('FRIEND_REQUEST_ACCEPTED')
    expect(await relation(a, b)).toBe('FRIENDS')
    await lb.close()
  })

  it('declining and cancelling end a request without a friendship', async () => {
    const [a, b, c] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const r1 = (await ok(t.url, SEND, { u: b.id }, a.token)).sendFriendRequest
    expect((await ok(t.url, RESPOND, { id: r1.id, a: false }, b.token)).respondToFriendRequest.status).toBe('DECLINED')
    expect(await relation(a, b)).toBe('NONE')
    expect(await relation(b, a)).toBe('NONE')

    const base = t.app.hearth.realtime.liveSubscriptions
    const lc = listen(c)
    await waitLive(t, base + 2)
    const r2 = (await ok(t.url, SEND, { u: c.id }, a.token)).sendFriendRequest
    await lc.changes.waitCount(1)
    expect((await ok(t.url, CANCEL, { id: r2.id }, a.token)).cancelFriendRequest.status).toBe('CANCELLED')
    await lc.changes.waitCount(2)
    expect(lc.changes.events[1].friendshipChanged).toMatchObject({ user: { id: a.id }, friendship: 'NONE', request: { id: r2.id, status: 'CANCELLED' } })
    expect((await ok(t.url, REQUESTS, { d: 'INCOMING' }, c.token)).friendRequests).toEqual([])
    expect(await friendIds(a)).toEqual([])
    // a new request after a declined one is fine
    expect((await ok(t.url, SEND, { u: b.id }, a.token)).sendFriendRequest.status).toBe('PENDING')
    await lc.close()
  })

  it('removeFriend ends it for both, live', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    await befriend(a, b)
    const base = t.app.hearth.realtime.liveSubscriptions
    const lb = listen(b)
    await waitLive(t, base + 2)
    expect((await ok(t.url, REMOVE, { u: b.id }, a.token)).removeFriend).toBe(true)
    await lb.changes.waitCount(1)
    expect(lb.changes.events[0].friendshipChanged).toMatchObject({ user: { id: a.id }, friendship: 'NONE' })
    expect(await friendIds(a)).toEqual([])
    expect(await friendIds(b)).toEqual([])
    expect((await ok(t.url, REMOVE, { u: b.id }, a.token)).removeFriend).toBe(false)
    await lb.close()
  })
})

describe('blocking', () => {
  it('ends the friendship and pending requests, is one-sided, and stops requests both ways', async () => {
    const [a, d, e] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    await befriend(a, d)
    const pending = (await ok(t.url, SEND, { u: a.id }, e.token)).sendFriendRequest
    const base = t.app.hearth.realtime.liveSubscriptions
    const ld = listen(d)
    await waitLive(t, base + 2)

    expect((await ok(t.url, BLOCK, { u: d.id }, a.token)).blockUser).toBe(true)
    expect((await ok(t.url, BLOCK, { u: e.id }, a.token)).blockUser).toBe(true)
    expect((await ok(t.url, BLOCK, { u: d.id }, a.token)).blockUser).toBe(false)
    expect(await errorCode(t.url, BLOCK, { u: a.id }, a.token)).toBe('BAD_USER_INPUT')

    // the blocked user learns the friendship ended, never that they were blocked
    await ld.changes.waitCount(1)
    expect(ld.changes.events[0].friendshipChanged).toMatchObject({ user: { id: a.id }, friendship: 'NONE' })
    expect(await relation(a, d)).toBe('BLOCKED')
    expect(await relation(d, a)).toBe('NONE')
    expect(await friendIds(a)).toEqual([])
    expect(await friendIds(d)).toEqual([])
    expect((await ok(t.url, REQUESTS, { d: 'INCOMING' }, a.token)).friendRequests).toEqual([])
    expect((await ok(t.url, REQUESTS, { d: 'OUTGOING' }, e.token)).friendRequests).toEqual([])
    expect(await errorCode(t.url, RESPOND, { id: pending.id, a: true }, a.token)).toBe('CONFLICT')

    expect(await errorCode(t.url, SEND, { u: a.id }, d.token)).toBe('FORBIDDEN')
    expect(await errorCode(t.url, SEND, { u: d.id }, a.token)).toBe('FORBIDDEN')
    const blocked = (await ok(t.url, '{ blockedUsers { id } }', {}, a.token)).blockedUsers.map((u: any) => u.id).sort()
    expect(blocked).toEqual([d.id, e.id].sort())
    expect((await ok(t.url, '{ blockedUsers { id } }', {}, d.token)).blockedUsers).toEqual([])

    // unblocking restores neither the friendship nor the requests
    expect((await ok(t.url, UNBLOCK, { u: d.id }, a.token)).unblockUser).toBe(true)
    expect((await ok(t.url, UNBLOCK, { u: d.id }, a.token)).unblockUser).toBe(false)
    expect(await relation(a, d)).toBe('NONE')
    expect(await friendIds(a)).toEqual([])
    expect((await ok(t.url, SEND, { u: a.id }, d.token)).sendFriendRequest.status).toBe('PENDING')
    // still blocked the other way round
    expect(await errorCode(t.url, SEND, { u: e.id }, a.token)).toBe('FORBIDDEN')
    await ld.close()
  })

  it('a block by the other side shows NONE to the blocked, and is FORBIDDEN for requests', async () => {
    const [a, x] = await Promise.all([signUp(t.url), signUp(t.url)])
    const base = t.app.hearth.realtime.liveSubscriptions
    const la = listen(a)
    const lx = listen(x)
    await waitLive(t, base + 4)
    await ok(t.url, BLOCK, { u: a.id }, x.token)
    expect(await relation(a, x)).toBe('NONE')
    expect(await relation(x, a)).toBe('BLOCKED')
    expect(await errorCode(t.url, SEND, { u: x.id }, a.token)).toBe('FORBIDDEN')
    // the blocker's devices hear it; the blocked stranger, whose view stayed NONE, hears nothing of
    // the block or of the unblock (it would tell them who blocked them, and when)
    await lx.changes.waitCount(1)
    expect(lx.changes.events[0].friendshipChanged).toMatchObject({ user: { id: a.id }, friendship: 'BLOCKED' })
    await ok(t.url, UNBLOCK, { u: a.id }, x.token)
    await lx.changes.waitCount(2)
    expect(lx.changes.events[1].friendshipChanged).toMatchObject({ user: { id: a.id }, friendship: 'NONE' })
    await markerRequestTo(a, la)
    await la.close(); await lx.close()
  })
})

describe('userUpdated without userId', () => {
  it('reaches the user\'s other sessions, friends and room-mates, and not a stranger', async () => {
    const [a, f, m, s] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url), signUp(t.url)])
    await befriend(a, f)
    const room = (await ok(t.url, `mutation { createRoom(input: { name: "Profiles", kind: PRIVATE }) { id code } }`, {}, m.token)).createRoom
    await ok(t.url, `mutation($c: String!) { joinRoom(code: $c) { id } }`, { c: room.code }, a.token)
    const UPDATED = `subscription { userUpdated { id displayName } }`
    const clients = [a, f, m, s].map((u) => wsClient(t.wsUrl, u.token))
    const base = t.app.hearth.realtime.liveSubscriptions
    const [ua, uf, um, us] = clients.map((c) => collect(c, UPDATED))
    await waitLive(t, base + 4)
    await ok(t.url, `mutation { updateProfile(input: { displayName: "Renamed" }) { id } }`, {}, a.token)
    for (const sub of [ua, uf, um]) {
      await sub.waitCount(1)
      expect(sub.events[0].userUpdated).toEqual({ id: a.id, displayName: 'Renamed' })
    }
    // a friendship that ended takes the friend out of the audience at once
    await ok(t.url, REMOVE, { u: f.id }, a.token)
    await ok(t.url, `mutation { updateProfile(input: { displayName: "Renamed twice" }) { id } }`, {}, a.token)
    await um.waitCount(2)
    // markers: f and s each rename themselves; a's second rename would have reached them first
    await ok(t.url, `mutation { updateProfile(input: { displayName: "F marker" }) { id } }`, {}, f.token)
    await ok(t.url, `mutation { updateProfile(input: { displayName: "S marker" }) { id } }`, {}, s.token)
    await uf.waitCount(2); await us.waitCount(1)
    expect(uf.events.map((e) => e.userUpdated.displayName)).toEqual(['Renamed', 'F marker'])
    expect(us.events.map((e) => e.userUpdated.displayName)).toEqual(['S marker'])
    await Promise.all(clients.map((c) => c.dispose()))
  })
})
