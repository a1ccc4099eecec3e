// Issue 13, finding 6: writes that skipped the rules. editMessage reaches every subscriber as a
// send does, but it only checked that the viewer sent the message: a user blocked by the other
// side of a DIRECT room kept writing to the blocker by editing old messages (each edit arrived
// live), and a former member of a PUBLIC room kept editing there. The attack, on both backends:
// the edit is refused with the send's code, the blocker's / members' messageEvents carries no
// EDITED event (a later message is the barrier: events arrive in seq order), and the stored body
// is unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, canRun, databaseFor, startApp, type TestApp } from '../helpers/app.js'
import { collect, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, MESSAGE_EVENTS, send } from '../helpers/rooms.js'

const EDIT = 'mutation($id: ID!, $b: String!) { editMessage(id: $id, body: $b) { id body } }'
const DELETE = 'mutation($id: ID!) { deleteMessage(id: $id) { id deletedAt } }'
const OPEN = 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }'
const BODY = 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { id body editedAt } } } }'

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`edits follow the rules of sends (${backend})`, () => {
    let t: TestApp
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '0' } }) })
    afterAll(async () => { await t?.close() })

    async function befriend(a: TestUser, b: TestUser) {
      const req = (await ok(t.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: b.id }, a.token)).sendFriendRequest
      await ok(t.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req.id }, b.token)
    }

    /** the stored body of a message, as a member reads it */
    async function stored(token: string, roomId: string, id: string) {
      const edges = (await ok(t.url, BODY, { r: roomId }, token)).messages.edges
      return edges.find((e: any) => e.node.id === id)!.node
    }

    /**
     * Watches a room's messageEvents as `watcher`, runs the attack, then the barrier (a message of
     * the watcher's: sent, or in a blocked DIRECT room deleted): once the barrier's event arrives,
     * every event before it has too. Returns the events seen, as "KIND:body".
     */
    async function watchDuring(watcher: TestUser, roomId: string, attack: () => Promise<void>, barrier?: () => Promise<string>) {
      const c = wsClient(t.wsUrl, watcher.token)
      try {
        const sub = collect(c, MESSAGE_EVENTS, { roomId, after: 0 })
        // the history is replayed first: live from here on
        const head = (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { id } } } }', { r: roomId }, watcher.token)).messages.edges.length
        await sub.waitCount(head)
        const seen = sub.events.length
        await attack()
        const last = barrier ? await barrier() : (await send(t.url, watcher.token, roomId, 'barrier')).id
        await sub.waitFor(() => sub.events.some((e: any) => e.messageEvents.message.id === last), 5000, 'the barrier')
        return sub.events.slice(seen).map((e: any) => `${e.messageEvents.kind}:${e.messageEvents.message.body}`)
      } finally {
        await c.dispose()
      }
    }

    it('a blocked user cannot edit old direct messages to the blocker, and the blocker cannot edit theirs either', async () => {
      const [blocker, blocked] = await Promise.all([signUp(t.url), signUp(t.url)])
      await befriend(blocked, blocker)
      const room = (await ok(t.url, OPEN, { u: blocker.id }, blocked.token)).openDirectRoom
      const old = await send(t.url, blocked.token, room.id, 'hello friend')
      const mine = await send(t.url, blocker.token, room.id, 'hi there')
      const spare = await send(t.url, blocker.token, room.id, 'spare')
      await ok(t.url, 'mutation($u: ID!) { blockUser(userId: $u) }', { u: blocked.id }, blocker.token)
      // a send is refused across the block: an edit is refused the same way
      const sendCode = (await gql(t.url, 'mutation($r: ID!) { sendMessage(roomId: $r, body: "x") { id } }', { r: room.id }, blocked.token)).errors?.[0]?.extensions?.code
      expect(sendCode).toBe('FORBIDDEN')

      const kinds = await watchDuring(blocker, room.id, async () => {
        const r = await gql(t.url, EDIT, { id: old.id, b: 'you cannot escape me' }, blocked.token)
        expect(r.errors?.[0]?.extensions?.code).toBe(sendCode)
        expect(r.data).toBeNull()
      }, async () => (await ok(t.url, DELETE, { id: spare.id }, blocker.token)).deleteMessage.id)
      // the blocker's own delete (the barrier) and nothing else
      expect(kinds).toEqual(['DELETED:'])
      expect(await stored(blocker.token, room.id, old.id)).toMatchObject({ body: 'hello friend', editedAt: null })

      // the block holds both ways, as for sends
      const r = await gql(t.url, EDIT, { id: mine.id, b: 'edited after blocking' }, blocker.token)
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
      expect(await stored(blocker.token, room.id, mine.id)).toMatchObject({ body: 'hi there', editedAt: null })

      // unblocking restores writing (the room is still theirs): edits work again
      await ok(t.url, 'mutation($u: ID!) { unblockUser(userId: $u) }', { u: blocked.id }, blocker.token)
      expect((await ok(t.url, EDIT, { id: mine.id, b: 'hi again' }, blocker.token)).editMessage.body).toBe('hi again')
    })

    it('a former member of a PUBLIC room cannot edit there (FORBIDDEN, as a send), and nobody sees an edit', async () => {
      const [owner, former] = await Promise.all([signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, owner.token, 'Public edits')
      await joinByCode(t.url, former.token, room.code)
      const m = await send(t.url, former.token, room.id, 'my original words')
      await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, former.token)
      const sendCode = (await gql(t.url, 'mutation($r: ID!) { sendMessage(roomId: $r, body: "x") { id } }', { r: room.id }, former.token)).errors?.[0]?.extensions?.code
      expect(sendCode).toBe('FORBIDDEN')

      const kinds = await watchDuring(owner, room.id, async () => {
        const r = await gql(t.url, EDIT, { id: m.id, b: 'rewritten from outside' }, former.token)
        expect(r.errors?.[0]?.extensions?.code).toBe(sendCode)
        expect(r.data).toBeNull()
      })
      expect(kinds).toEqual(['ADDED:barrier'])
      expect(await stored(owner.token, room.id, m.id)).toMatchObject({ body: 'my original words', editedAt: null })

      // rejoining restores the right to edit
      await joinByCode(t.url, former.token, room.code)
      expect((await ok(t.url, EDIT, { id: m.id, b: 'back and edited' }, former.token)).editMessage.body).toBe('back and edited')
    })

    it('a former member of a PRIVATE room and a deleted room: NOT_FOUND, as for sends', async () => {
      const [owner, former] = await Promise.all([signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, owner.token, 'Private edits', 'PRIVATE')
      await joinByCode(t.url, former.token, room.code)
      const m = await send(t.url, former.token, room.id, 'private words')
      const o = await send(t.url, owner.token, room.id, 'owner words')
      await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, former.token)
      expect((await gql(t.url, EDIT, { id: m.id, b: 'changed' }, former.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
      expect(await stored(owner.token, room.id, m.id)).toMatchObject({ body: 'private words', editedAt: null })
      await ok(t.url, 'mutation($r: ID!) { deleteRoom(id: $r) }', { r: room.id }, owner.token)
      expect((await gql(t.url, EDIT, { id: o.id, b: 'changed' }, owner.token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    })

    it('deleting one\'s own message stays allowed after leaving a PUBLIC room (the contract: sender or OWNER)', async () => {
      const [owner, former] = await Promise.all([signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, owner.token, 'Take back')
      await joinByCode(t.url, former.token, room.code)
      const m = await send(t.url, former.token, room.id, 'regret')
      await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, former.token)
      expect((await ok(t.url, DELETE, { id: m.id }, former.token)).deleteMessage.deletedAt).not.toBeNull()
    })
  })
}
