// roomActivity: a live room list. Every message added in a room the viewer belongs to reaches
// them, with the room as they see it (unread count); rooms joined later are followed, rooms left
// or deleted are dropped, and nothing from a room they do not belong to ever arrives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, errorCode, eventually, ok, signUp, wsClient } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

const ACTIVITY = 'subscription { roomActivity { room { id unreadCount viewerIsMember } message { body sender { id } } } }'

let t: TestApp
beforeAll(async () => { t = await startApp() })
afterAll(async () => { await t.close() })

const streams = () => t.app.hearth.messages.streams.size

describe('roomActivity', () => {
  it('delivers messages of the viewer\'s rooms only, with the viewer\'s unread count', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const c = await signUp(t.url)
    const pub = await createRoom(t.url, b.token, 'Pub', 'PUBLIC')
    const priv = await createRoom(t.url, b.token, 'Priv', 'PRIVATE')
    const other = await createRoom(t.url, c.token, 'Not yours', 'PUBLIC')
    await joinByCode(t.url, a.token, pub.code)
    await joinByCode(t.url, a.token, priv.code)
    const base = t.app.hearth.realtime.liveSubscriptions
    const ca = wsClient(t.wsUrl, a.token)
    const sub = collect(ca, ACTIVITY)
    await waitLive(t, base + 1)
    await send(t.url, c.token, other.id, 'not for a')
    await send(t.url, b.token, pub.id, 'one')
    await send(t.url, b.token, priv.id, 'two')
    await send(t.url, b.token, pub.id, 'three')
    // 'four' is the marker: a stray or repeated event would have come before it
    await send(t.url, b.token, pub.id, 'four')
    await sub.waitCount(4)
    expect(sub.events.map((e) => [e.roomActivity.room.id, e.roomActivity.message.body])).toEqual([[pub.id, 'one'], [priv.id, 'two'], [pub.id, 'three'], [pub.id, 'four']])
    expect(sub.events.map((e) => e.roomActivity.room.unreadCount)).toEqual([1, 1, 2, 3])
    expect(sub.events.every((e) => e.roomActivity.message.sender.id === b.id && e.roomActivity.room.viewerIsMember)).toBe(true)
    sub.dispose()
    await ca.dispose()
  })

  it('each event carries the unread count as of its own message, even when later ones are already stored', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const room = await createRoom(t.url, b.token, 'Burst', 'PRIVATE')
    await joinByCode(t.url, a.token, room.code)
    const base = t.app.hearth.realtime.liveSubscriptions
    const ca = wsClient(t.wsUrl, a.token)
    const sub = collect(ca, ACTIVITY)
    await waitLive(t, base + 1)
    // sent at once: several are stored before the first event is rendered
    const bodies = Array.from({ length: 12 }, (_, i) => `burst ${i}`)
    await Promise.all(bodies.map((body) => send(t.url, b.token, room.id, body)))
    await sub.waitCount(12)
    // whatever order they were stored in, the n-th event of the room is the n-th unread message
    expect(sub.events.map((e) => e.roomActivity.room.unreadCount)).toEqual(bodies.map((_, i) => i + 1))
    expect(new Set(sub.events.map((e) => e.roomActivity.message.body))).toEqual(new Set(bodies))
    sub.dispose()
    await ca.dispose()
  })

  it('follows a room joined later (from another device) and drops a room left or deleted', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const first = await createRoom(t.url, b.token, 'First', 'PRIVATE')
    const later = await createRoom(t.url, b.token, 'Later', 'PRIVATE')
    const doomed = await createRoom(t.url, b.token, 'Doomed', 'PUBLIC')
    await joinByCode(t.url, a.token, first.code)
    await joinByCode(t.url, a.token, doomed.code)
    const base = t.app.hearth.realtime.liveSubscriptions
    const ca = wsClient(t.wsUrl, a.token)
    const sub = collect(ca, ACTIVITY)
    await waitLive(t, base + 1)
    const before = streams()
    // joined over HTTP, not through this socket: the subscription starts following it
    await joinByCode(t.url, a.token, later.code)
    await eventually(() => streams() === before + 1, 5000, 'the joined room followed')
    await send(t.url, b.token, later.id, 'in the later room')
    await sub.waitCount(1)
    expect(sub.events[0].roomActivity.room.id).toBe(later.id)
    // left: nothing more from it; deleted: likewise; the subscription itself goes on
    await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: first.id }, a.token)
    await ok(t.url, 'mutation($r: ID!) { deleteRoom(id: $r) }', { r: doomed.id }, b.token)
    await eventually(() => streams() === before - 1, 5000, 'the left and deleted rooms dropped')
    await send(t.url, b.token, first.id, 'after a left')
    await send(t.url, b.token, later.id, 'still followed')
    // 'still followed' is the marker: an event from the left room would have come before it
    await sub.waitCount(2)
    expect(sub.events.map((e) => e.roomActivity.message.body)).toEqual(['in the later room', 'still followed'])
    expect(sub.state.done).toBe(false)
    sub.dispose()
    await ca.dispose()
  })

  it('follows a direct room opened by a friend', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const req = await ok(t.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: a.id }, b.token)
    await ok(t.url, 'mutation($r: ID!) { respondToFriendRequest(id: $r, accept: true) { id } }', { r: req.sendFriendRequest.id }, a.token)
    const base = t.app.hearth.realtime.liveSubscriptions
    const ca = wsClient(t.wsUrl, a.token)
    const sub = collect(ca, ACTIVITY)
    await waitLive(t, base + 1)
    const before = streams()
    const dm = await ok(t.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: a.id }, b.token)
    await eventually(() => streams() === before + 1, 5000, 'the direct room followed')
    await send(t.url, b.token, dm.openDirectRoom.id, 'hi a')
    await sub.waitCount(1)
    expect(sub.events[0].roomActivity).toMatchObject({ room: { id: dm.openDirectRoom.id }, message: { body: 'hi a' } })
    sub.dispose()
    await ca.dispose()
  })

  it('is refused without a session', async () => {
    const ca = wsClient(t.wsUrl, null)
    const sub = collect(ca, ACTIVITY)
    await sub.waitError()
    expect(sub.state.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED')
    await ca.dispose()
    expect(await errorCode(t.url, '{ __typename }')).toBeUndefined()
  })
})

describe('roomListChanged', () => {
  const LIST = 'subscription { roomListChanged { kind roomId room { id name viewerRole } } }'
  it('follows the viewer\'s list of rooms: joined (any device), renamed, left elsewhere, removed, deleted; nothing about rooms not theirs', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const theirs = await createRoom(t.url, b.token, 'Theirs', 'PRIVATE')
    const notA = await createRoom(t.url, b.token, 'Not for a', 'PUBLIC')
    const base = t.app.hearth.realtime.liveSubscriptions
    const ca = wsClient(t.wsUrl, a.token)
    const sub = collect(ca, LIST)
    await waitLive(t, base + 1)
    const events = () => sub.events.map((e) => e.roomListChanged)

    const own = await createRoom(t.url, a.token, 'Mine', 'PUBLIC')
    await joinByCode(t.url, a.token, theirs.code)
    await ok(t.url, 'mutation($r: ID!) { updateRoom(id: $r, input: { name: "Theirs renamed" }) { id } }', { r: theirs.id }, b.token)
    // a rename of a room a is not in says nothing to a
    await ok(t.url, 'mutation($r: ID!) { updateRoom(id: $r, input: { name: "Still not a" }) { id } }', { r: notA.id }, b.token)
    await ok(t.url, 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u) }', { r: theirs.id, u: a.id }, b.token)
    // left from another device (over HTTP here)
    await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: own.id }, a.token)
    const again = await createRoom(t.url, b.token, 'Again', 'PRIVATE')
    await joinByCode(t.url, a.token, again.code)
    await ok(t.url, 'mutation($r: ID!) { deleteRoom(id: $r) }', { r: again.id }, b.token)
    await sub.waitCount(7)
    expect(events()).toEqual([
      { kind: 'JOINED', roomId: own.id, room: { id: own.id, name: 'Mine', viewerRole: 'OWNER' } },
      { kind: 'JOINED', roomId: theirs.id, room: { id: theirs.id, name: 'Theirs', viewerRole: 'MEMBER' } },
      { kind: 'UPDATED', roomId: theirs.id, room: { id: theirs.id, name: 'Theirs renamed', viewerRole: 'MEMBER' } },
      { kind: 'LEFT', roomId: theirs.id, room: null },
      { kind: 'LEFT', roomId: own.id, room: null },
      { kind: 'JOINED', roomId: again.id, room: { id: again.id, name: 'Again', viewerRole: 'MEMBER' } },
      { kind: 'LEFT', roomId: again.id, room: null },
    ])
    expect(events().some((e) => e.roomId === notA.id)).toBe(false)
    sub.dispose()
    await ca.dispose()
  })
})
