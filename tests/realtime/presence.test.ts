// Presence on one instance (in-process pub/sub and store): who sees a user come and go, and who
// must not. Leases and grace periods are shortened through the environment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, errorCode, eventually, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'

const ENV = { PRESENCE_LEASE_TTL_MS: '3000', PRESENCE_HEARTBEAT_MS: '300', PRESENCE_OFFLINE_GRACE_MS: '300' }
let t: TestApp
beforeAll(async () => { t = await startApp({ env: ENV }) })
afterAll(async () => { await t.close() })

const PRESENCE = `subscription($r: ID) { presenceChanged(roomId: $r) { user { id status } status roomId joined left at } }`
const STATUS = `query($u: ID!) { user(id: $u) { status lastSeenAt } }`
const SET = `mutation($s: PresenceStatus!) { setPresence(status: $s) { id status } }`
const ONLINE_MEMBERS = `query($r: ID!) { room(id: $r) { onlineMembers { id status } } }`
const KEEP_OPEN = `subscription { notifications { id } }`

async function befriend(url: string, a: TestUser, b: TestUser) {
  const req = (await ok(url, `mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }`, { u: b.id }, a.token)).sendFriendRequest
  await ok(url, `mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }`, { id: req.id }, b.token)
}

/** an open, authenticated socket: the user is online while it lives */
function goOnline(url: string, u: TestUser) {
  const client = wsClient(url, u.token)
  const sub = collect(client, KEEP_OPEN)
  return { client, sub, close: () => client.dispose() }
}

const about = (events: any[], userId: string) => events.map((e) => e.presenceChanged).filter((p) => p.user.id === userId)
const status = async (viewer: TestUser, u: TestUser) => (await ok(t.url, STATUS, { u: u.id }, viewer.token)).user
const liveCount = (app: TestApp) => app.app.hearth.realtime.liveSubscriptions

describe('presence', () => {
  it('friends and room-mates see a user come online, go away and go offline; a stranger and a blocker see nothing', async () => {
    const [a, f, s, m, x] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url), signUp(t.url), signUp(t.url)])
    await befriend(t.url, a, f)
    const room = await createRoom(t.url, m.token, 'Library', 'PRIVATE')
    for (const u of [a, x]) await joinByCode(t.url, u.token, room.code)
    await ok(t.url, `mutation($u: ID!) { blockUser(userId: $u) }`, { u: a.id }, x.token)

    const watchers = { f, s, m, x }
    const clients = Object.fromEntries(Object.entries(watchers).map(([k, u]) => [k, wsClient(t.wsUrl, u.token)]))
    const base = liveCount(t)
    const feeds = {
      f: collect(clients.f, PRESENCE, {}),
      s: collect(clients.s, PRESENCE, {}),
      m: collect(clients.m, PRESENCE, { r: room.id }),
      x: collect(clients.x, PRESENCE, { r: room.id }),
    }
    await waitLive(t, base + 4)
    expect((await status(f, a)).status).toBe('OFFLINE')

    const online = goOnline(t.wsUrl, a)
    await feeds.f.waitFor(() => about(feeds.f.events, a.id).some((p) => p.status === 'ONLINE'), 5000, 'friend sees ONLINE')
    await feeds.m.waitFor(() => about(feeds.m.events, a.id).some((p) => p.status === 'ONLINE'), 5000, 'room-mate sees ONLINE')
    expect(about(feeds.f.events, a.id)[0]).toMatchObject({ status: 'ONLINE', roomId: null, user: { status: 'ONLINE' } })
    expect(about(feeds.m.events, a.id)[0]).toMatchObject({ status: 'ONLINE', roomId: room.id })

    expect(await status(f, a)).toMatchObject({ status: 'ONLINE' })
    expect((await status(f, a)).lastSeenAt).toMatch(/Z$/)
    expect((await status(m, a)).status).toBe('ONLINE')
    expect((await status(a, a)).status).toBe('ONLINE')
    expect(await status(s, a)).toEqual({ status: 'OFFLINE', lastSeenAt: null })
    expect(await status(x, a)).toEqual({ status: 'OFFLINE', lastSeenAt: null })

    expect((await ok(t.url, SET, { s: 'AWAY' }, a.token)).setPresence.status).toBe('AWAY')
    await feeds.f.waitFor(() => about(feeds.f.events, a.id).some((p) => p.status === 'AWAY'), 5000, 'friend sees AWAY')
    const seenByM = (await ok(t.url, ONLINE_MEMBERS, { r: room.id }, m.token)).room.onlineMembers
    expect(seenByM.find((u: any) => u.id === a.id)).toEqual({ id: a.id, status: 'AWAY' })
    const seenByX = (await ok(t.url, ONLINE_MEMBERS, { r: room.id }, x.token)).room.onlineMembers
    expect(seenByX.map((u: any) => u.id)).not.toContain(a.id)
    await ok(t.url, SET, { s: 'ONLINE' }, a.token)
    await feeds.f.waitFor(() => about(feeds.f.events, a.id).filter((p) => p.status === 'ONLINE').length === 2, 5000, 'back ONLINE')

    const closedAt = Date.now()
    await online.close()
    await feeds.f.waitFor(() => about(feeds.f.events, a.id).some((p) => p.status === 'OFFLINE'), 5000, 'friend sees OFFLINE')
    expect(Date.now() - closedAt).toBeLessThan(5000)
    await feeds.m.waitFor(() => about(feeds.m.events, a.id).some((p) => p.status === 'OFFLINE'), 5000, 'room-mate sees OFFLINE')
    const after = await status(f, a)
    expect(after.status).toBe('OFFLINE')
    expect(Date.parse(after.lastSeenAt)).toBeGreaterThanOrEqual(closedAt - 50)

    // marker: g, a friend of f and s and a member of the room, comes online; whatever of a's was
    // still on its way to f, s or x would have come before
    const g = await signUp(t.url)
    await befriend(t.url, g, f); await befriend(t.url, g, s)
    await joinByCode(t.url, g.token, room.code)
    const gOn = goOnline(t.wsUrl, g)
    for (const k of ['f', 's', 'x'] as const) {
      await feeds[k].waitFor(() => about(feeds[k].events, g.id).some((p) => p.status === 'ONLINE'), 5000, `${k} sees the marker`)
    }
    await gOn.close()
    expect(about(feeds.f.events, a.id).map((p) => p.status)).toEqual(['ONLINE', 'AWAY', 'ONLINE', 'OFFLINE'])
    expect(about(feeds.s.events, a.id)).toEqual([])
    expect(about(feeds.x.events, a.id)).toEqual([])
    await Promise.all(Object.values(clients).map((c) => c.dispose()))
  })

  it("a room's presence event selected without viewer-dependent fields is executed once for all its subscribers, with the focus end room-mates see", async () => {
    const [o, m1, m2] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, o.token, 'Shared presence', 'PRIVATE')
    for (const u of [m1, m2]) await joinByCode(t.url, u.token, room.code)
    // o is present in the room (a subscription naming it) while a focus phase runs
    const co = wsClient(t.wsUrl, o.token)
    const base = liveCount(t)
    const timer = collect(co, 'subscription($r: ID!) { roomTimer(roomId: $r) { phase } }', { r: room.id })
    await waitLive(t, base + 1)
    await ok(t.url, 'mutation($r: ID!) { startRoomTimer(roomId: $r) { phase } }', { r: room.id }, o.token)
    const DOC = 'subscription($r: ID) { presenceChanged(roomId: $r) { status focusUntil user { id } } }'
    const clients = [m1, m2].map((u) => wsClient(t.wsUrl, u.token))
    const subs = clients.map((c) => collect(c, DOC, { r: room.id }))
    await waitLive(t, base + 3)
    const seen = await eventually(async () => (await ok(t.url, 'query($id: ID!) { user(id: $id) { focusUntil } }', { id: o.id }, m1.token)).user.focusUntil, 10_000, 'the focus to show')
    // a marker both see: what was on its way before it (the others coming online) has arrived, so
    // nothing executed before the count below is delivered after it (failed in CI: 1 against 2)
    await ok(t.url, SET, { s: 'AWAY' }, m1.token)
    for (const x of subs) await x.waitFor(() => about(x.events, m1.id).some((p) => p.status === 'AWAY'), 5000, 'the marker')
    const from = subs.map((x) => x.events.length)
    const before = t.app.hearth.realtime.eventExecutions
    await ok(t.url, SET, { s: 'AWAY' }, o.token)
    const away = await Promise.all(subs.map(async (x) => {
      await x.waitFor(() => about(x.events, o.id).some((p) => p.status === 'AWAY'), 5000, 'AWAY')
      return about(x.events, o.id).find((p) => p.status === 'AWAY')
    }))
    for (const p of away) expect(p).toEqual({ status: 'AWAY', focusUntil: seen, user: { id: o.id } })
    // every event delivered since, whoever it was about, was executed once however many got it
    const delivered = subs.flatMap((x, i) => x.events.slice(from[i]).map((e) => JSON.stringify(e)))
    // (o's AWAY reached both: more deliveries than distinct events; per viewer, each was executed)
    expect(delivered.length).toBeGreaterThan(new Set(delivered).size)
    expect(t.app.hearth.realtime.eventExecutions - before).toBe(new Set(delivered).size)
    timer.dispose()
    await Promise.all([co.dispose(), ...clients.map((c) => c.dispose())])
  })

  it('stays ONLINE while any socket is open', async () => {
    const [a, f, g] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    await befriend(t.url, a, f)
    await befriend(t.url, g, f)
    const cf = wsClient(t.wsUrl, f.token)
    const base = liveCount(t)
    const feed = collect(cf, PRESENCE, {})
    await waitLive(t, base + 1)
    const one = goOnline(t.wsUrl, a)
    const two = goOnline(t.wsUrl, a)
    await waitLive(t, base + 3)
    await feed.waitFor(() => about(feed.events, a.id).length >= 1, 5000, 'ONLINE')
    await one.close()
    // the server has seen that socket go; then a wrong OFFLINE has the grace period and more to show
    await eventually(() => liveCount(t) === base + 2, 5000, 'the first socket to close')
    // marker: g's only socket closes after a's first one; once f sees g OFFLINE, g's grace period
    // has run out, so a's (started earlier) has too
    const gOn = goOnline(t.wsUrl, g)
    await feed.waitFor(() => about(feed.events, g.id).some((p) => p.status === 'ONLINE'), 5000, 'g ONLINE')
    await gOn.close()
    await feed.waitFor(() => about(feed.events, g.id).some((p) => p.status === 'OFFLINE'), 5000, 'g OFFLINE')
    expect((await status(f, a)).status).toBe('ONLINE')
    await two.close()
    await feed.waitFor(() => about(feed.events, a.id).some((p) => p.status === 'OFFLINE'), 5000, 'OFFLINE')
    expect(about(feed.events, a.id).map((p) => p.status)).toEqual(['ONLINE', 'OFFLINE'])
    await cf.dispose()
  })

  it('"appear offline" shows OFFLINE to friends until the user sets ONLINE', async () => {
    const [a, f] = await Promise.all([signUp(t.url), signUp(t.url)])
    await befriend(t.url, a, f)
    const on = goOnline(t.wsUrl, a)
    await eventually(async () => (await status(f, a)).status === 'ONLINE', 5000, 'ONLINE')
    await ok(t.url, SET, { s: 'OFFLINE' }, a.token)
    expect((await status(f, a)).status).toBe('OFFLINE')
    await ok(t.url, SET, { s: 'ONLINE' }, a.token)
    expect((await status(f, a)).status).toBe('ONLINE')
    await on.close()
  })

  it('a new friend appears in the friends feed at once; a removed one stops appearing', async () => {
    const [a, g, h] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    await befriend(t.url, h, g)
    const cg = wsClient(t.wsUrl, g.token)
    const base = liveCount(t)
    const feed = collect(cg, PRESENCE, {})
    const on = goOnline(t.wsUrl, a)
    await waitLive(t, base + 2)
    // a is ONLINE (seen by a) and g, not yet a friend, heard nothing of it
    await eventually(async () => (await status(a, a)).status === 'ONLINE', 5000, 'a ONLINE')
    // marker: g's friend h comes online; an event of a's would have come before
    const hOn = goOnline(t.wsUrl, h)
    await feed.waitFor(() => about(feed.events, h.id).some((p) => p.status === 'ONLINE'), 5000, 'h ONLINE')
    expect(about(feed.events, a.id)).toEqual([])
    await befriend(t.url, a, g)
    await feed.waitFor(() => about(feed.events, a.id).length === 1, 5000, 'current status of the new friend')
    expect(about(feed.events, a.id)[0].status).toBe('ONLINE')
    // g's friendshipChanged and the presence feed hear the removal from g's inbox in one loop
    const liveNow = liveCount(t)
    const changed = collect(cg, `subscription { friendshipChanged { user { id } friendship } }`)
    await waitLive(t, liveNow + 1)
    await ok(t.url, `mutation($u: ID!) { removeFriend(userId: $u) }`, { u: g.id }, a.token)
    await changed.waitFor(() => changed.events.some((e) => e.friendshipChanged.user.id === a.id), 5000, 'the removal to reach g')
    await ok(t.url, SET, { s: 'AWAY' }, a.token)
    await on.close()
    // marker: h goes offline after a; once g sees it, a's grace has run out too
    await hOn.close()
    await feed.waitFor(() => about(feed.events, h.id).some((p) => p.status === 'OFFLINE'), 5000, 'h OFFLINE')
    expect(about(feed.events, a.id)).toHaveLength(1)
    expect((await status(g, a)).status).toBe('OFFLINE')
    await cg.dispose()
  })

  it('room presence: joined and left events, members only, and it ends when the viewer leaves', async () => {
    const [m, y, s] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const priv = await createRoom(t.url, m.token, 'Quiet', 'PRIVATE')
    const pub = await createRoom(t.url, m.token, 'Open', 'PUBLIC')
    const cm = wsClient(t.wsUrl, m.token)
    const base = liveCount(t)
    const feed = collect(cm, PRESENCE, { r: priv.id })
    const cs = wsClient(t.wsUrl, s.token)
    const spy = collect(cs, PRESENCE, { r: priv.id })
    await spy.waitError()
    expect(spy.state.errors?.[0].extensions.code).toBe('NOT_FOUND')
    const spy2 = collect(cs, PRESENCE, { r: pub.id })
    await spy2.waitError()
    expect(spy2.state.errors?.[0].extensions.code).toBe('FORBIDDEN')
    // the refused ones never go live
    await waitLive(t, base + 1)

    await joinByCode(t.url, y.token, priv.code)
    await feed.waitFor(() => about(feed.events, y.id).some((p) => p.joined), 5000, 'joined')
    expect(about(feed.events, y.id).find((p) => p.joined)).toMatchObject({ joined: true, left: null, roomId: priv.id })
    const cy = wsClient(t.wsUrl, y.token)
    const yFeed = collect(cy, PRESENCE, { r: priv.id })
    await feed.waitFor(() => about(feed.events, y.id).some((p) => p.status === 'ONLINE' && !p.joined), 5000, 'y online')
    await ok(t.url, `mutation($r: ID!) { leaveRoom(roomId: $r) }`, { r: priv.id }, y.token)
    await feed.waitFor(() => about(feed.events, y.id).some((p) => p.left), 5000, 'left')
    await yFeed.waitFor(() => yFeed.state.done, 5000, 'the leaver\'s feed ends')
    await Promise.all([cm.dispose(), cs.dispose(), cy.dispose()])
  })

  it('typing of a blocked user is hidden from the blocker only', async () => {
    const [a, m, x] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
    const room = await createRoom(t.url, m.token, 'Typing', 'PRIVATE')
    for (const u of [a, x]) await joinByCode(t.url, u.token, room.code)
    await ok(t.url, `mutation($u: ID!) { blockUser(userId: $u) }`, { u: a.id }, x.token)
    const [cm, cx] = [wsClient(t.wsUrl, m.token), wsClient(t.wsUrl, x.token)]
    const TYPING = `subscription($r: ID!) { typing(roomId: $r) { user { id } typing } }`
    const base = liveCount(t)
    const tm = collect(cm, TYPING, { r: room.id }), tx = collect(cx, TYPING, { r: room.id })
    await waitLive(t, base + 2)
    await ok(t.url, `mutation($r: ID!) { setTyping(roomId: $r, typing: true) }`, { r: room.id }, a.token)
    await tm.waitCount(1)
    expect(tm.events[0].typing.user.id).toBe(a.id)
    // marker: m types too; a's typing would have reached x before it
    await ok(t.url, `mutation($r: ID!) { setTyping(roomId: $r, typing: true) }`, { r: room.id }, m.token)
    await tx.waitCount(1)
    expect(tx.events.map((e) => e.typing.user.id)).toEqual([m.id])
    await Promise.all([cm.dispose(), cx.dispose()])
  })

  it('in a DIRECT room a block stops typing both ways, as it stops messages', async () => {
    const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
    await befriend(t.url, a, b)
    const direct = (await ok(t.url, `mutation($u: ID!) { openDirectRoom(userId: $u) { id } }`, { u: b.id }, a.token)).openDirectRoom.id
    const SET_TYPING = `mutation($r: ID!) { setTyping(roomId: $r, typing: true) }`
    expect(await ok(t.url, SET_TYPING, { r: direct }, a.token)).toEqual({ setTyping: true })
    await ok(t.url, `mutation($u: ID!) { blockUser(userId: $u) }`, { u: b.id }, a.token)
    const cb = wsClient(t.wsUrl, b.token), ca = wsClient(t.wsUrl, a.token)
    const TYPING = `subscription($r: ID!) { typing(roomId: $r) { user { id } typing } }`
    const base = liveCount(t)
    const tb = collect(cb, TYPING, { r: direct }), ta = collect(ca, TYPING, { r: direct })
    await waitLive(t, base + 2)
    // the blocker and the blocked: both refused like sendMessage, and nobody sees anything
    for (const u of [a, b]) {
      const r = await gql(t.url, SET_TYPING, { r: direct }, u.token)
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
      expect(r.data?.setTyping ?? null).toBeNull()
    }
    // markers: unblocked and friends again, each types once; a refused typing would have come before
    await ok(t.url, `mutation($u: ID!) { unblockUser(userId: $u) }`, { u: b.id }, a.token)
    await befriend(t.url, a, b)
    for (const u of [a, b]) await ok(t.url, SET_TYPING, { r: direct }, u.token)
    await tb.waitCount(1); await ta.waitCount(1)
    expect(tb.events.map((e) => e.typing.user.id)).toEqual([a.id])
    expect(ta.events.map((e) => e.typing.user.id)).toEqual([b.id])
    await Promise.all([ca.dispose(), cb.dispose()])
  })
})

describe('senders with no socket (bots, integrators over HTTP)', () => {
  it('their messages leave nothing behind in the instance: the activity marks of socketless senders go after a second', async () => {
    const owner = await signUp(t.url)
    const room = await createRoom(t.url, owner.token, 'Bots')
    const bots = await Promise.all(Array.from({ length: 20 }, () => signUp(t.url)))
    for (const b of bots) await joinByCode(t.url, b.token, room.code)
    for (const b of bots) for (let i = 0; i < 3; i++) await ok(t.url, 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: room.id, b: `beep ${i}` }, b.token)
    const marks = (t.app.hearth.presence as any).lastActiveWrite as Map<string, number>
    // before: one entry per user who ever sent over HTTP, for the life of the process
    await eventually(() => bots.every((b) => !marks.has(b.id)), 5000, 'the marks of the socketless senders to go')
    // and a user with a socket keeps theirs while it is open
    const on = goOnline(t.wsUrl, owner)
    await eventually(async () => (await status(bots[0], owner)).status === 'ONLINE', 5000, 'owner online')
    await ok(t.url, 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: room.id, b: 'hello bots' }, owner.token)
    expect(marks.has(owner.id)).toBe(true)
    await on.close()
  })
})

describe('idle AWAY', () => {
  let idle: TestApp
  beforeAll(async () => { idle = await startApp({ env: { ...ENV, PRESENCE_IDLE_AWAY_MS: '1000' } }) })
  afterAll(async () => { await idle.close() })

  it('turns AWAY without activity from any device, and ONLINE again on activity', async () => {
    const [a, f] = await Promise.all([signUp(idle.url), signUp(idle.url)])
    await befriend(idle.url, a, f)
    const cf = wsClient(idle.wsUrl, f.token)
    const base = liveCount(idle)
    const feed = collect(cf, PRESENCE, {})
    await waitLive(idle, base + 1)
    const on = goOnline(idle.wsUrl, a)
    await feed.waitFor(() => about(feed.events, a.id).some((p) => p.status === 'AWAY'), 6000, 'idle AWAY')
    expect(about(feed.events, a.id).map((p) => p.status)).toEqual(['ONLINE', 'AWAY'])
    // any new subscription is activity
    collect(on.client, `subscription { friendshipChanged { at } }`)
    await feed.waitFor(() => about(feed.events, a.id).length >= 3, 5000, 'ONLINE again')
    expect(about(feed.events, a.id)[2].status).toBe('ONLINE')
    await on.close()
    await cf.dispose()
    expect(await errorCode(idle.url, SET, { s: 'AWAY' })).toBe('UNAUTHENTICATED')
  })

  it('typing is activity, over HTTP too: an idle AWAY turns ONLINE when the user types', async () => {
    const [a, f] = await Promise.all([signUp(idle.url), signUp(idle.url)])
    await befriend(idle.url, a, f)
    const room = (await ok(idle.url, 'mutation { createRoom(input: { name: "Typing here", kind: PRIVATE }) { id } }', {}, a.token)).createRoom
    const cf = wsClient(idle.wsUrl, f.token)
    const base = liveCount(idle)
    const feed = collect(cf, PRESENCE, {})
    await waitLive(idle, base + 1)
    const on = goOnline(idle.wsUrl, a)
    await feed.waitFor(() => about(feed.events, a.id).some((p) => p.status === 'AWAY'), 6000, 'idle AWAY')
    await ok(idle.url, 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', { r: room.id }, a.token)
    await feed.waitFor(() => about(feed.events, a.id).length >= 3, 5000, 'ONLINE again')
    expect(about(feed.events, a.id).slice(0, 3).map((p) => p.status)).toEqual(['ONLINE', 'AWAY', 'ONLINE'])
    await on.close()
    await cf.dispose()
  })
})

describe('a dead peer', () => {
  let hb: TestApp
  beforeAll(async () => { hb = await startApp({ env: { ...ENV, WS_HEARTBEAT_MS: '300' } }) })
  afterAll(async () => { await hb.close() })

  it('a socket that stops answering (no close frame) goes OFFLINE once the heartbeat cuts it', async () => {
    const [a, f] = await Promise.all([signUp(hb.url), signUp(hb.url)])
    await befriend(hb.url, a, f)
    const cf = wsClient(hb.wsUrl, f.token)
    const base = liveCount(hb)
    const feed = collect(cf, PRESENCE, {})
    await waitLive(hb, base + 1)
    let raw: any = null
    const ca = wsClient(hb.wsUrl, a.token, { on: { connected: (s) => { raw = s } } })
    collect(ca, KEEP_OPEN)
    await feed.waitFor(() => about(feed.events, a.id).some((p) => p.status === 'ONLINE'), 5000, 'ONLINE')
    // the peer vanishes: it reads nothing more, so pings go unanswered, and it never closes
    raw._socket.pause()
    const goneAt = Date.now()
    await feed.waitFor(() => about(feed.events, a.id).some((p) => p.status === 'OFFLINE'), 5000, 'OFFLINE')
    console.log(`presence: a silent peer went OFFLINE after ${Date.now() - goneAt} ms (WS heartbeat 300 ms)`)
    expect((await ok(hb.url, STATUS, { u: a.id }, f.token)).user.status).toBe('OFFLINE')
    await Promise.all([cf.dispose(), Promise.resolve(ca.dispose()).catch(() => {})])
  })
})
