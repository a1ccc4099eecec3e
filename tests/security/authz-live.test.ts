// Access checked at subscribe time must also end when access ends: a member who leaves a
// PRIVATE room, or everyone when the room is deleted, stops receiving its streams at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, MESSAGE_ADDED, send } from '../helpers/rooms.js'
import { acked, bearer, until, type Raw } from './raw.js'

const ROOM_STREAMS: Record<string, string> = {
  messageAdded: 'subscription($r: ID!) { messageAdded(roomId: $r) { id body } }',
  messageEvents: 'subscription($r: ID!) { messageEvents(roomId: $r) { seq message { body } } }',
  typing: 'subscription($r: ID!) { typing(roomId: $r) { typing } }',
  roomTimer: 'subscription($r: ID!) { roomTimer(roomId: $r) { phase } }',
  presence: 'subscription($r: ID) { presenceChanged(roomId: $r) { status joined left } }',
  callChanged: 'subscription($r: ID!) { callChanged(roomId: $r) { joined } }',
  signals: 'subscription($r: ID) { signalReceived(roomId: $r) { id } }',
}

let t: TestApp
let owner: TestUser
let member: TestUser
beforeAll(async () => {
  t = await startApp({ env: { SEND_RATE_LIMIT_PER_USER: '0' } })
  owner = await signUp(t.url)
  member = await signUp(t.url)
})
afterAll(async () => { await t?.close() })

async function subscribeAll(s: Raw, roomId: string) {
  const base = t.app.hearth.realtime.liveSubscriptions
  for (const [id, query] of Object.entries(ROOM_STREAMS)) s.send({ id, type: 'subscribe', payload: { query, variables: { r: roomId } } })
  await waitLive(t, base + Object.keys(ROOM_STREAMS).length)
}

/** everything that makes a room stream deliver, done by the owner */
async function activity(roomId: string) {
  await send(t.url, owner.token, roomId, 'secret after you left')
  await ok(t.url, 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', { r: roomId }, owner.token)
  await ok(t.url, 'mutation($r: ID!) { startRoomTimer(roomId: $r) { phase } }', { r: roomId }, owner.token)
  await ok(t.url, 'mutation($r: ID!) { joinCall(roomId: $r) { id } }', { r: roomId }, owner.token)
  await ok(t.url, 'mutation { setPresence(status: AWAY) { id } }', {}, owner.token)
}

describe('access that ends ends the streams', () => {
  it('a member who leaves a PRIVATE room stops receiving every stream of it, while the owner still does', async () => {
    const room = await createRoom(t.url, owner.token, 'Leaving', 'PRIVATE')
    await joinByCode(t.url, member.token, room.code)
    const s = await acked(t.wsUrl, bearer(member.token))
    await subscribeAll(s, room.id)
    const control = wsClient(t.wsUrl, owner.token)
    const seen = collect(control, MESSAGE_ADDED, { roomId: room.id })
    const before = t.app.hearth.realtime.liveSubscriptions
    await waitLive(t, before + 1)

    await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, member.token)
    // every room stream of the leaver ended (an error or complete frame each), none is live
    await until(() => Object.keys(ROOM_STREAMS).filter((id) => id !== 'signals').every((id) => s.of(id).some((f) => f.type === 'error' || f.type === 'complete')), 5000, 'the streams to end')
    // marker: the leaver's own userUpdated on the same socket, renamed after the activity
    const liveNow = t.app.hearth.realtime.liveSubscriptions
    s.send({ id: 'marker', type: 'subscribe', payload: { query: 'subscription { userUpdated { displayName } }' } })
    await waitLive(t, liveNow + 1)
    const framesAtLeave = s.frames.length
    await activity(room.id)
    await seen.waitFor(() => seen.events.some((e: any) => e.messageAdded.body === 'secret after you left'), 5000, 'the owner to see the message')
    await ok(t.url, 'mutation { updateProfile(input: { displayName: "marker" }) { id } }', {}, member.token)
    await until(() => s.of('marker', 'next').length === 1, 5000, 'the marker')
    // what came between the leave and the marker: a frame of the activity would be here
    const later = s.frames.slice(framesAtLeave, s.frames.findIndex((f) => f.id === 'marker' && f.type === 'next'))
    expect(JSON.stringify(later)).not.toMatch(/secret after you left|FOCUS|"typing":true|"joined":true/)
    expect(later.filter((f) => f.type === 'next' && f.id !== 'signals')).toEqual([])
    seen.dispose()
    await control.dispose()
    s.ws.close()
  })

  it('deleting a room ends its streams for every subscriber and nothing more is delivered', async () => {
    const room = await createRoom(t.url, owner.token, 'Doomed', 'PRIVATE')
    await joinByCode(t.url, member.token, room.code)
    await send(t.url, owner.token, room.id, 'before the end')
    const s = await acked(t.wsUrl, bearer(member.token))
    await subscribeAll(s, room.id)
    await ok(t.url, 'mutation($r: ID!) { deleteRoom(id: $r) }', { r: room.id }, owner.token)
    await until(() => ['messageAdded', 'messageEvents', 'typing', 'roomTimer', 'presence', 'callChanged'].every((id) => s.of(id).some((f) => f.type === 'error' || f.type === 'complete')), 5000, 'the streams to end')
    // the room is gone: its id names nothing, for subscriptions too
    s.send({ id: 'again', type: 'subscribe', payload: { query: ROOM_STREAMS.messageAdded, variables: { r: room.id } } })
    await until(() => s.of('again', 'error').length === 1)
    expect(s.of('again', 'error')[0].payload[0].extensions.code).toBe('NOT_FOUND')
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    s.ws.close()
  })
})
