// A subscription's event is executed once for all subscribers of the same document unless what it
// selects depends on who asks. Each subscriber must still get what HTTP shows them: the owner's
// ban list, notification level, read marker and focus hold never reach a member or a stranger
// who subscribed with the same text, whichever of them subscribed first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from 'graphql-ws'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

let t: TestApp
let owner: TestUser, member: TestUser, stranger: TestUser, banned: TestUser
let roomId: string
const clients: Client[] = []

beforeAll(async () => {
  t = await startApp()
  ;[owner, member, stranger, banned] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url), signUp(t.url)])
  const room = await createRoom(t.url, owner.token, 'Shared', 'PUBLIC')
  roomId = room.id
  await joinByCode(t.url, member.token, room.code)
  await joinByCode(t.url, banned.token, room.code)
  await ok(t.url, 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u, ban: true) }', { r: roomId, u: banned.id }, owner.token)
  // the owner's own settings differ from everyone's defaults
  await ok(t.url, 'mutation($r: ID!) { setRoomNotificationLevel(roomId: $r, level: NONE) { id } }', { r: roomId }, owner.token)
  await ok(t.url, 'mutation { setNotificationHold(enabled: false) { id } }', {}, owner.token)
  await send(t.url, owner.token, roomId, 'before')
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()))
  await t?.close()
})

/** what the viewer gets over HTTP for the same selection */
async function overHttp(token: string, selection: string, senderId: string) {
  const r = await gql(t.url, `query($r: ID!, $s: ID!) { room(id: $r) { ${selection} } user(id: $s) { holdNotificationsWhileFocusing heldNotificationCount } }`, { r: roomId, s: senderId }, token)
  return { room: r.data?.room ?? null, sender: r.data?.user, codes: (r.errors ?? []).map((e: any) => e.extensions?.code) }
}

describe.each([
  ['owner first', () => [owner, member, stranger]],
  ['stranger first', () => [stranger, member, owner]],
])('subscribers of one document, %s', (_order, who) => {
  it.each([
    ['the viewer\'s level and read marker', 'viewerNotificationLevel viewerLastReadSeq'],
    ['the ban list (owner and moderators only)', 'bannedUsers { id }'],
  ])('each get their own %s and the sender\'s focus hold only when it is theirs', async (_what, selection) => {
    const doc = `subscription($r: ID!) { messageAdded(roomId: $r) { body room { ${selection} } sender { holdNotificationsWhileFocusing heldNotificationCount } } }`
    const users = who()
    const subs = []
    for (const u of users) {
      const c = wsClient(t.wsUrl, u.token)
      clients.push(c)
      const base = t.app.hearth.realtime.liveSubscriptions
      subs.push(collect(c, doc, { r: roomId }))
      await waitLive(t, base + 1)
    }
    const body = `${_order}: ${selection}`
    await send(t.url, owner.token, roomId, body)
    for (const [i, u] of users.entries()) {
      const s = subs[i]
      await s.waitFor(() => s.events.some((e: any) => e?.messageAdded?.body === body) || (s.state.errors?.length ?? 0) > 0, 5000, `the event for ${i}`)
      const want = await overHttp(u.token, selection, owner.id)
      const event = s.events.find((e: any) => e?.messageAdded?.body === body) as any
      const codes = (s.state.errors ?? []).map((e: any) => e.extensions?.code)
      // a field refused over HTTP is refused in the event too, and nothing of it is shown
      expect(codes).toEqual(want.codes)
      if (want.codes.length === 0) {
        expect(event.messageAdded.room).toEqual(want.room)
        expect(event.messageAdded.sender).toEqual(want.sender)
      } else {
        expect(event?.messageAdded?.room ?? null).toBeNull()
      }
      s.dispose()
    }
    // what was at stake: the owner's values are not everyone's
    const mine = await overHttp(owner.token, selection, owner.id)
    const theirs = await overHttp(member.token, selection, owner.id)
    expect(mine).not.toEqual(theirs)
  })
})
