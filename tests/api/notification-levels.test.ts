// Contract part 2: per-room notification levels. Room.viewerNotificationLevel (ALL for DIRECT
// rooms, MENTIONS for the others until the member chooses), setRoomNotificationLevel (the
// viewer's own, members only: FORBIDDEN for a PUBLIC room one is not in, NOT_FOUND for any other),
// and the level applied where DIRECT_MESSAGE
// and MENTION notifications are made (NONE: nothing from the room; MENTIONS: mentions and replies
// only), on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, errorCode, gql, ok, signUp, uniqueName, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
import { shouldNotify } from '../../src/modules/notifications/levels.js'

const LEVEL = 'query($id: ID!) { room(id: $id) { id kind viewerNotificationLevel } }'
const SET = 'mutation($r: ID!, $l: NotificationLevel!) { setRoomNotificationLevel(roomId: $r, level: $l) { id viewerNotificationLevel } }'
const MY_ROOMS = '{ myRooms { id viewerNotificationLevel } }'
const OPEN = 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }'
const NOTIFS = 'subscription { notifications { kind room { id } message { body } } }'
const REPLY = 'mutation($r: ID!, $b: String!, $to: ID) { sendMessage(roomId: $r, body: $b, replyToId: $to) { id } }'
const INBOX = '{ notificationsList(first: 50) { kind room { id } message { body } } }'

describe('shouldNotify: the one rule every room-bound notification kind follows', () => {
  it('NONE lets nothing through, MENTIONS only mentions and replies, ALL everything', () => {
    for (const kind of ['DIRECT_MESSAGE', 'MENTION', 'REPLY'] as const) {
      expect(shouldNotify('NONE', kind)).toBe(false)
      expect(shouldNotify('ALL', kind)).toBe(true)
    }
    expect(shouldNotify('MENTIONS', 'MENTION')).toBe(true)
    expect(shouldNotify('MENTIONS', 'REPLY')).toBe(true)
    expect(shouldNotify('MENTIONS', 'DIRECT_MESSAGE')).toBe(false)
  })
})

/** one query or mutation over a graphql-ws socket: its data, or a thrown error */
function wsOk(client: ReturnType<typeof wsClient>, query: string, variables: Record<string, unknown>): Promise<any> {
  return new Promise((resolve, reject) => {
    let data: any
    client.subscribe({ query, variables }, {
      next: (r) => { if (r.errors?.length) reject(new Error(JSON.stringify(r.errors))); else data = r.data },
      error: reject,
      complete: () => resolve(data),
    })
  })
}

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`room notification levels (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '0' } }) })
    afterAll(async () => { await t?.close() })

    async function befriend(a: TestUser, b: TestUser) {
      const req = (await ok(t.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: b.id }, a.token)).sendFriendRequest
      await ok(t.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req.id }, b.token)
    }
    const level = async (u: TestUser, roomId: string) => (await ok(t.url, LEVEL, { id: roomId }, u.token)).room.viewerNotificationLevel

    it('defaults to ALL in direct rooms and MENTIONS elsewhere; a member sets their own, stored, and nobody else\'s', async () => {
      const [a, b, c] = await Promise.all([signUp(t.url), signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, a.token, 'Levels', 'PUBLIC')
      await joinByCode(t.url, b.token, room.code)
      await befriend(a, b)
      const dm = (await ok(t.url, OPEN, { u: b.id }, a.token)).openDirectRoom
      expect(await level(a, room.id)).toBe('MENTIONS')
      expect(await level(a, dm.id)).toBe('ALL')
      // a non-member previewing a public room sees the default
      expect(await level(c, room.id)).toBe('MENTIONS')

      expect((await ok(t.url, SET, { r: room.id, l: 'NONE' }, a.token)).setRoomNotificationLevel).toEqual({ id: room.id, viewerNotificationLevel: 'NONE' })
      expect((await ok(t.url, SET, { r: dm.id, l: 'MENTIONS' }, a.token)).setRoomNotificationLevel.viewerNotificationLevel).toBe('MENTIONS')
      expect(await level(a, room.id)).toBe('NONE')
      const mine = (await ok(t.url, MY_ROOMS, {}, a.token)).myRooms
      expect(mine.find((r: any) => r.id === room.id).viewerNotificationLevel).toBe('NONE')
      expect(mine.find((r: any) => r.id === dm.id).viewerNotificationLevel).toBe('MENTIONS')
      // the other members keep theirs
      expect(await level(b, room.id)).toBe('MENTIONS')
      expect(await level(b, dm.id)).toBe('ALL')
      // and back again
      expect((await ok(t.url, SET, { r: room.id, l: 'ALL' }, a.token)).setRoomNotificationLevel.viewerNotificationLevel).toBe('ALL')
      expect(await level(a, room.id)).toBe('ALL')
    })

    it('refuses non-members (PUBLIC: FORBIDDEN, else NOT_FOUND), unknown rooms, bad levels and anonymous callers, changing nothing', async () => {
      const [a, c] = await Promise.all([signUp(t.url), signUp(t.url)])
      const pub = await createRoom(t.url, a.token, 'Open', 'PUBLIC')
      const priv = await createRoom(t.url, a.token, 'Closed', 'PRIVATE')
      expect(await errorCode(t.url, SET, { r: pub.id, l: 'NONE' }, c.token)).toBe('FORBIDDEN')
      expect(await errorCode(t.url, SET, { r: priv.id, l: 'NONE' }, c.token)).toBe('NOT_FOUND')
      expect(await errorCode(t.url, SET, { r: '00000000-0000-4000-8000-000000000000', l: 'NONE' }, a.token)).toBe('NOT_FOUND')
      expect(await errorCode(t.url, SET, { r: 'nonsense', l: 'NONE' }, a.token)).toBe('NOT_FOUND')
      // an unknown level is an invalid document (contract: GRAPHQL_VALIDATION_FAILED), as for every enum
      expect(await errorCode(t.url, SET, { r: pub.id, l: 'LOUD' }, a.token)).toMatch(/^(BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED)$/)
      expect(await errorCode(t.url, SET, { r: pub.id, l: 'NONE' }, null)).toBe('UNAUTHENTICATED')
      // after leaving, the room is no longer the viewer's to tune
      await joinByCode(t.url, c.token, pub.code)
      await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: pub.id }, c.token)
      expect(await errorCode(t.url, SET, { r: pub.id, l: 'NONE' }, c.token)).toBe('FORBIDDEN')
      expect(await level(a, pub.id)).toBe('MENTIONS')
      expect(await level(c, pub.id)).toBe('MENTIONS')
      const r = await gql(t.url, SET, { r: pub.id, l: 'NONE' }, c.token)
      expect(r.data ?? null).toBeNull()
    })

    it('is applied where notifications are made: NONE silences mentions and direct messages, MENTIONS silences direct messages only', async () => {
      const [a, b] = await Promise.all([signUp(t.url, uniqueName('lva')), signUp(t.url, uniqueName('lvb'))])
      const muted = await createRoom(t.url, a.token, 'Muted', 'PRIVATE')
      const loud = await createRoom(t.url, a.token, 'Loud', 'PRIVATE')
      await joinByCode(t.url, b.token, muted.code)
      await joinByCode(t.url, b.token, loud.code)
      await befriend(a, b)
      const dm = (await ok(t.url, OPEN, { u: b.id }, a.token)).openDirectRoom
      const client = wsClient(t.wsUrl, b.token)
      const live = t.app.hearth.realtime.liveSubscriptions
      const nb = collect(client, NOTIFS)
      await waitLive(t, live + 1)
      const bodies = () => nb.events.map((e) => e.notifications.message?.body)

      // B mutes one room and keeps direct messages to mentions only
      await ok(t.url, SET, { r: muted.id, l: 'NONE' }, b.token)
      await ok(t.url, SET, { r: dm.id, l: 'MENTIONS' }, b.token)
      await send(t.url, a.token, muted.id, `@${b.username} muted mention`)
      await send(t.url, a.token, dm.id, 'quiet direct message')
      // the barrier: a mention in a room at the default level, made after the two above
      await send(t.url, a.token, loud.id, `@${b.username} barrier one`)
      await nb.waitFor(() => bodies().includes(`@${b.username} barrier one`), 5000, 'the first barrier')
      expect(bodies()).toEqual([`@${b.username} barrier one`])
      // MENTIONS on the direct room still lets a mention of B through, as a MENTION
      await send(t.url, a.token, dm.id, `so, @${b.username}?`)
      await nb.waitFor(() => bodies().includes(`so, @${b.username}?`), 5000, 'the direct mention')
      expect(nb.events.at(-1).notifications.kind).toBe('MENTION')
      nb.events.pop()

      // NONE on the direct room silences it too; ALL brings its messages back, and MENTIONS in a room brings mentions back
      await ok(t.url, SET, { r: dm.id, l: 'NONE' }, b.token)
      await send(t.url, a.token, dm.id, 'silent direct message')
      await ok(t.url, SET, { r: dm.id, l: 'ALL' }, b.token)
      await ok(t.url, SET, { r: muted.id, l: 'MENTIONS' }, b.token)
      await send(t.url, a.token, dm.id, 'loud direct message')
      await send(t.url, a.token, muted.id, `@${b.username} heard mention`)
      await nb.waitFor(() => bodies().includes(`@${b.username} heard mention`), 5000, 'the mention after unmuting')
      expect(bodies()).toEqual([`@${b.username} barrier one`, 'loud direct message', `@${b.username} heard mention`])
      // nothing was stored for the silenced ones either
      const stored = (await ok(t.url, INBOX, {}, b.token)).notificationsList.filter((n: any) => n.room).map((n: any) => n.message?.body)
      expect(stored.sort()).toEqual([`@${b.username} barrier one`, `so, @${b.username}?`, 'loud direct message', `@${b.username} heard mention`].sort())

      // replies follow the same rule: NONE silences them, MENTIONS lets them through
      const mine = await send(t.url, b.token, loud.id, 'my question')
      await ok(t.url, SET, { r: loud.id, l: 'NONE' }, b.token)
      await ok(t.url, REPLY, { r: loud.id, b: 'muted answer', to: mine.id }, a.token)
      await ok(t.url, SET, { r: loud.id, l: 'MENTIONS' }, b.token)
      await ok(t.url, REPLY, { r: loud.id, b: 'heard answer', to: mine.id }, a.token)
      await nb.waitFor(() => bodies().includes('heard answer'), 5000, 'the reply after unmuting')
      expect(nb.events.filter((e) => e.notifications.kind === 'REPLY').map((e) => e.notifications.message?.body)).toEqual(['heard answer'])
      await client.dispose()
    })

    it('a message is notified by the level its addressee had when it was sent, even when the level changes right after the answer', async () => {
      // many pairs at once, so that notifications are still being made when the next change comes
      const pairs = await Promise.all(Array.from({ length: 16 }, async () => {
        const [a, b] = await Promise.all([signUp(t.url), signUp(t.url)])
        await befriend(a, b)
        const dm = (await ok(t.url, OPEN, { u: b.id }, a.token)).openDirectRoom
        return { a, b, dm, client: wsClient(t.wsUrl, b.token) }
      }))
      const live = t.app.hearth.realtime.liveSubscriptions
      const seen = pairs.map((p) => collect(p.client, NOTIFS))
      await waitLive(t, live + pairs.length)
      const rounds = 6
      // each round: muted, a message, unmuted as soon as it answered, a message; only the second may be notified
      // over the sockets, where a change can follow an answer sooner than over HTTP
      const SEND = 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }'
      await Promise.all(pairs.map(async ({ a, dm, client }) => {
        const sender = wsClient(t.wsUrl, a.token)
        for (let i = 0; i < rounds; i++) {
          await wsOk(client, SET, { r: dm.id, l: 'NONE' })
          await wsOk(sender, SEND, { r: dm.id, b: `while muted ${i}` })
          await wsOk(client, SET, { r: dm.id, l: 'ALL' })
          await wsOk(sender, SEND, { r: dm.id, b: `while loud ${i}` })
        }
        await sender.dispose()
      }))
      const loud = Array.from({ length: rounds }, (_, i) => `while loud ${i}`)
      for (const nb of seen) {
        await nb.waitFor(() => nb.events.length >= rounds, 10000, 'the loud messages')
        expect(nb.events.map((e) => e.notifications.message?.body)).toEqual(loud)
      }
      await Promise.all(pairs.map((p) => p.client.dispose()))
    })
  })
}
