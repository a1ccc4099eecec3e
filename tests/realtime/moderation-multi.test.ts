// roomChanged across instances: two apps sharing one database and one Redis. Every kind done
// through A reaches a subscriber on B, and a member removed through A loses their
// subscriptions to the room on B (as on leaveRoom). On SQLite and PostgreSQL.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { type TestUser, collect, ok, signUp, wsClient } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

const ROOM_CHANGED = `subscription($r: ID!) { roomChanged(roomId: $r) { kind room { name code } user { id } by { id } } }`

for (const backend of BACKENDS) describe.runIf(canRun(backend))(`roomChanged on a second instance (${BACKEND_NAMES[backend]})`, () => {
  let a: TestApp
  let b: TestApp
  let owner: TestUser, mod: TestUser, member: TestUser, other: TestUser

  beforeAll(async () => {
    const databaseUrl = await databaseFor(backend)
    const redisPrefix = 'mm' + crypto.randomBytes(4).toString('hex') + ':'
    const env = { SEND_RATE_LIMIT_PER_USER: '0' }
    a = await startApp({ databaseUrl, redis: true, redisPrefix, env })
    b = await startApp({ databaseUrl, redis: true, redisPrefix, env })
    ;[owner, mod, member, other] = await Promise.all([signUp(a.url), signUp(a.url), signUp(a.url), signUp(a.url)])
  })
  afterAll(async () => { await a?.close(); await b?.close() })

  it('every kind done through A reaches B; CODE_CHANGED only the moderator there', async () => {
    const room = await createRoom(a.url, owner.token, 'Across', 'PRIVATE')
    for (const u of [mod, member, other]) await joinByCode(a.url, u.token, room.code)
    await ok(a.url, `mutation($r: ID!, $u: ID!) { setMemberRole(roomId: $r, userId: $u, role: MODERATOR) { role } }`, { r: room.id, u: mod.id }, owner.token)
    const cm = wsClient(b.wsUrl, member.token)
    const cmod = wsClient(b.wsUrl, mod.token)
    const live = b.app.hearth.realtime.liveSubscriptions
    const asMember = collect(cm, ROOM_CHANGED, { r: room.id })
    const asMod = collect(cmod, ROOM_CHANGED, { r: room.id })
    await waitLive(b, live + 2)
    const kinds = (s: typeof asMember) => s.events.map((e: any) => e.roomChanged.kind)

    await ok(a.url, `mutation($id: ID!) { updateRoom(id: $id, input: { name: "Renamed on A" }) { id } }`, { id: room.id }, owner.token)
    await asMember.waitFor(() => kinds(asMember).includes('UPDATED'))
    expect(asMember.events[0].roomChanged.room.name).toBe('Renamed on A')
    const code = (await ok(a.url, `mutation($r: ID!) { regenerateRoomCode(roomId: $r) { code } }`, { r: room.id }, owner.token)).regenerateRoomCode.code
    await asMod.waitFor(() => kinds(asMod).includes('CODE_CHANGED'))
    expect(asMod.events.find((e: any) => e.roomChanged.kind === 'CODE_CHANGED').roomChanged.room.code).toBe(code)
    await ok(a.url, `mutation($r: ID!, $u: ID!) { setMemberRole(roomId: $r, userId: $u, role: OWNER) { role } }`, { r: room.id, u: member.id }, owner.token)
    await asMember.waitFor(() => kinds(asMember).filter((k) => k === 'ROLE_CHANGED').length === 2)
    expect(asMember.events.filter((e: any) => e.roomChanged.kind === 'ROLE_CHANGED').map((e: any) => e.roomChanged.user.id).sort()).toEqual([member.id, owner.id].sort())
    await a.app.hearth.rooms.publishPinsChanged(room.id, member.id)
    await asMember.waitFor(() => kinds(asMember).includes('PINS_CHANGED'))
    await ok(a.url, `mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u, ban: true) }`, { r: room.id, u: other.id }, mod.token)
    await asMember.waitFor(() => kinds(asMember).includes('MEMBER_REMOVED'))
    await ok(a.url, `mutation($id: ID!) { deleteRoom(id: $id) }`, { id: room.id }, member.token)
    await asMember.waitFor(() => asMember.state.done)
    await asMod.waitFor(() => asMod.state.done)
    expect(kinds(asMember)).toEqual(['UPDATED', 'ROLE_CHANGED', 'ROLE_CHANGED', 'PINS_CHANGED', 'MEMBER_REMOVED', 'DELETED'])
    expect(kinds(asMod)).toEqual(['UPDATED', 'CODE_CHANGED', 'ROLE_CHANGED', 'ROLE_CHANGED', 'PINS_CHANGED', 'MEMBER_REMOVED', 'DELETED'])
    expect(asMember.events.at(-1).roomChanged.by).toEqual({ id: member.id })
    await cm.dispose()
    await cmod.dispose()
  })

  it('a member removed through A loses their subscriptions to the room on B, and sees why', async () => {
    const room = await createRoom(a.url, owner.token, 'Removal', 'PRIVATE')
    for (const u of [mod, other]) await joinByCode(a.url, u.token, room.code)
    await ok(a.url, `mutation($r: ID!, $u: ID!) { setMemberRole(roomId: $r, userId: $u, role: MODERATOR) { role } }`, { r: room.id, u: mod.id }, owner.token)
    const c = wsClient(b.wsUrl, other.token)
    const live = b.app.hearth.realtime.liveSubscriptions
    const changes = collect(c, ROOM_CHANGED, { r: room.id })
    const messages = collect(c, `subscription($r: ID!) { messageAdded(roomId: $r) { id } }`, { r: room.id })
    const typing = collect(c, `subscription($r: ID!) { typing(roomId: $r) { typing } }`, { r: room.id })
    await waitLive(b, live + 3)
    await ok(a.url, `mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u) }`, { r: room.id, u: other.id }, mod.token)
    for (const s of [changes, messages, typing]) await s.waitFor(() => s.state.done, 5000, 'the subscription to end')
    expect(changes.events.map((e: any) => e.roomChanged)).toEqual([{ kind: 'MEMBER_REMOVED', room: { name: 'Removal', code: room.code }, user: { id: other.id }, by: { id: mod.id } }])
    await send(a.url, owner.token, room.id, 'not for them')
    expect(messages.events).toEqual([])
    await c.dispose()
  })
})
