// What a room's code shows to someone outside the room: enough to decide to join (name,
// description, size), nothing of what happens inside (messages, members, the timer, the call).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

let t: TestApp
let owner: TestUser
let member: TestUser
let outsider: TestUser
let priv: { id: string; code: string }
let pub: { id: string; code: string }
beforeAll(async () => {
  t = await startApp()
  owner = await signUp(t.url)
  member = await signUp(t.url)
  outsider = await signUp(t.url)
  priv = await createRoom(t.url, owner.token, 'Den', 'PRIVATE')
  pub = await createRoom(t.url, owner.token, 'Hall', 'PUBLIC')
  for (const r of [priv, pub]) {
    await joinByCode(t.url, member.token, r.code)
    await send(t.url, owner.token, r.id, 'secret inside')
    await ok(t.url, 'mutation($r: ID!) { startRoomTimer(roomId: $r) { phase } }', { r: r.id }, owner.token)
    await ok(t.url, 'mutation($r: ID!) { joinCall(roomId: $r) { id } }', { r: r.id }, member.token)
  }
})
afterAll(async () => { await t?.close() })

const CONTENT: Record<string, string> = {
  lastMessage: 'lastMessage { body }',
  timer: 'timer { phase }',
  callParticipants: 'callParticipants { id }',
  members: 'members { edges { node { user { id } } } }',
  messages: 'messages { edges { node { body } } }',
  onlineMembers: 'onlineMembers { id }',
}

describe('roomByCode for someone outside a PRIVATE room', () => {
  it('shows the preview: name, description, member count', async () => {
    const d = await ok(t.url, 'query($c: String!) { roomByCode(code: $c) { id name kind memberCount viewerIsMember viewerRole } }', { c: priv.code }, outsider.token)
    expect(d.roomByCode).toMatchObject({ id: priv.id, name: 'Den', kind: 'PRIVATE', memberCount: 2, viewerIsMember: false, viewerRole: null })
  })

  it.each(Object.entries(CONTENT))('shows nothing of %s', async (_name, selection) => {
    const r = await gql(t.url, `query($c: String!) { roomByCode(code: $c) { id ${selection} } }`, { c: priv.code }, outsider.token)
    expect(r.status).toBe(200)
    const text = JSON.stringify(r.data)
    expect(text).not.toMatch(/secret inside|FOCUS|BREAK/)
    expect(text).not.toContain(member.id)
    // either the field is empty (null) or refused as NOT_FOUND, like the room's own id would be
    const field = Object.keys(CONTENT).find((k) => CONTENT[k] === selection)!
    const value = r.data?.roomByCode?.[field]
    if (r.errors?.length) expect(r.errors[0].extensions?.code).toBe('NOT_FOUND')
    else expect(value).toBeNull()
  })

  it('members see all of it, and so does anyone signed in for a PUBLIC room', async () => {
    const all = Object.values(CONTENT).join(' ')
    for (const [token, code] of [[member.token, priv.code], [outsider.token, pub.code]]) {
      const d = await ok(t.url, `query($c: String!) { roomByCode(code: $c) { ${all} } }`, { c: code }, token)
      expect(d.roomByCode.lastMessage.body).toBe('secret inside')
      expect(d.roomByCode.timer.phase).toBe('FOCUS')
      expect(d.roomByCode.callParticipants.map((u: any) => u.id)).toEqual([member.id])
    }
  })
})

describe('what a stranger sees of a user', () => {
  it('a user focusing in a room timer: strangers see neither status nor focusUntil; room-mates see both', async () => {
    const room = await createRoom(t.url, owner.token, 'Focus', 'PRIVATE')
    await joinByCode(t.url, member.token, room.code)
    const c = wsClient(t.wsUrl, owner.token)
    const base = t.app.hearth.realtime.liveSubscriptions
    const sub = collect(c, 'subscription($r: ID!) { roomTimer(roomId: $r) { phase } }', { r: room.id })
    await waitLive(t, base + 1)
    await ok(t.url, 'mutation($r: ID!) { startRoomTimer(roomId: $r) { phase } }', { r: room.id }, owner.token)
    const Q = 'query($id: ID!) { user(id: $id) { status lastSeenAt focusUntil } }'
    const mate = await eventually(async () => {
      const d = (await ok(t.url, Q, { id: owner.id }, member.token)).user
      return d.focusUntil && d.status === 'ONLINE' ? d : null
    }, 10_000, 'the room-mate to see the focus')
    expect(mate.status).toBe('ONLINE')
    const stranger = await signUp(t.url)
    const d = (await ok(t.url, Q, { id: owner.id }, stranger.token)).user
    expect(d).toEqual({ status: 'OFFLINE', lastSeenAt: null, focusUntil: null })
    // the same through a list
    const list = await ok(t.url, 'query($s: String) { users(search: $s) { edges { node { id focusUntil status } } } }', { s: owner.username }, stranger.token)
    expect(list.users.edges.find((e: any) => e.node.id === owner.id)?.node).toEqual({ id: owner.id, focusUntil: null, status: 'OFFLINE' })
    sub.dispose()
    await c.dispose()
  })
})
