// The send path's shortcuts (issue 19) must not outlive what they stand for: after a leave, a
// room deletion or a block answered by one instance, a send right after is refused on both
// instances, over HTTP and over the socket, whatever either had read or cached before. Two
// instances share one database (one SQLite file, or one PostgreSQL database) and one Redis.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, errorCode, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { SEND, createRoom, joinByCode } from '../helpers/rooms.js'

const LEAVE = 'mutation($roomId: ID!) { leaveRoom(roomId: $roomId) }'
const DELETE = 'mutation($id: ID!) { deleteRoom(id: $id) }'
const OPEN = 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }'
const BLOCK = 'mutation($u: ID!) { blockUser(userId: $u) }'
const REMOVE = 'mutation($roomId: ID!, $userId: ID!, $ban: Boolean) { removeMember(roomId: $roomId, userId: $userId, ban: $ban) }'
const MESSAGES = 'query($roomId: ID!) { messages(roomId: $roomId, last: 50) { edges { node { body } } } }'

/** a send over the socket (a mutation in a graphql-transport-ws subscribe): the error code, or null when it was stored */
async function wsSendCode(wsUrl: string, token: string, roomId: string, body: string, clientId?: string): Promise<string | null> {
  const client = wsClient(wsUrl, token)
  try {
    return await new Promise<string | null>((resolve, reject) => {
      client.subscribe({ query: SEND, variables: { roomId, body, clientId } }, {
        next: (v) => {
          if (v.errors?.length) resolve(String((v.errors[0] as any).extensions?.code))
          else resolve(null)
        },
        error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
        complete: () => {},
      })
    })
  } finally {
    await client.dispose()
  }
}

async function sendCode(url: string, token: string, roomId: string, body: string, clientId?: string): Promise<string | null> {
  return (await errorCode(url, SEND, { roomId, body, clientId }, token)) ?? null
}

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`send path shortcuts, two instances (${BACKEND_NAMES[backend]})`, () => {
    let a: TestApp
    let b: TestApp
    beforeAll(async () => {
      const databaseUrl = await databaseFor(backend)
      const redisPrefix = 'sp' + crypto.randomBytes(4).toString('hex') + ':'
      a = await startApp({ databaseUrl, redis: true, redisPrefix })
      b = await startApp({ databaseUrl, redis: true, redisPrefix })
    })
    afterAll(async () => {
      await a?.close()
      await b?.close()
    })

    /** sends through both instances, over HTTP and the socket: each has the room in its send path's cache */
    async function warm(user: TestUser, roomId: string) {
      for (const t of [a, b]) {
        expect(await sendCode(t.url, user.token, roomId, 'warm http')).toBeNull()
        expect(await wsSendCode(t.wsUrl, user.token, roomId, 'warm ws')).toBeNull()
      }
    }

    it('a member who left a PUBLIC room cannot send right after, on either instance, nor replay an old clientId', async () => {
      const [owner, m] = await Promise.all([signUp(a.url), signUp(a.url)])
      const room = await createRoom(a.url, owner.token, 'public', 'PUBLIC')
      await joinByCode(a.url, m.token, room.code)
      await warm(m, room.id)
      expect(await sendCode(b.url, m.token, room.id, 'kept', 'cid-1')).toBeNull()
      await ok(a.url, LEAVE, { roomId: room.id }, m.token)
      expect(await sendCode(b.url, m.token, room.id, 'after leave')).toBe('FORBIDDEN')
      expect(await sendCode(a.url, m.token, room.id, 'after leave')).toBe('FORBIDDEN')
      expect(await wsSendCode(b.wsUrl, m.token, room.id, 'after leave')).toBe('FORBIDDEN')
      expect(await wsSendCode(a.wsUrl, m.token, room.id, 'after leave')).toBe('FORBIDDEN')
      // a retry of a message stored while a member is refused too (not answered from the store)
      expect(await sendCode(b.url, m.token, room.id, 'kept', 'cid-1')).toBe('FORBIDDEN')
      const bodies = (await ok(b.url, MESSAGES, { roomId: room.id }, owner.token)).messages.edges.map((e: any) => e.node.body)
      expect(bodies).not.toContain('after leave')
      // joining again opens the path again
      await joinByCode(b.url, m.token, room.code)
      expect(await sendCode(a.url, m.token, room.id, 'back')).toBeNull()
    })

    it('a message sent right after a profile edit shows the new name: in the answer, live on both instances, and in history', async () => {
      const [owner, m] = await Promise.all([signUp(a.url), signUp(a.url)])
      const room = await createRoom(a.url, owner.token, 'names', 'PUBLIC')
      await joinByCode(a.url, m.token, room.code)
      await warm(m, room.id)
      const LIVE = 'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { body sender { id displayName } } }'
      const clients = [wsClient(a.wsUrl, owner.token), wsClient(b.wsUrl, owner.token)]
      try {
        const feeds = clients.map((c) => collect(c, LIVE, { roomId: room.id }))
        await waitLive(a, 1)
        await waitLive(b, 1)
        for (const [i, t] of [a, b].entries()) {
          const name = `Renamed ${i}`
          await ok(t.url, 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { displayName } }', { input: { displayName: name } }, m.token)
          const sent = await ok(t.url, 'mutation($roomId: ID!, $body: String!) { sendMessage(roomId: $roomId, body: $body) { sender { displayName } } }', { roomId: room.id, body: `as ${name}` }, m.token)
          expect(sent.sendMessage.sender.displayName).toBe(name)
          for (const f of feeds) {
            await f.waitFor(() => f.events.some((e: any) => e.messageAdded.body === `as ${name}`), 5000, `the message sent as ${name}`)
            expect(f.events.find((e: any) => e.messageAdded.body === `as ${name}`).messageAdded.sender).toEqual({ id: m.id, displayName: name })
          }
        }
        const history = await ok(b.url, 'query($roomId: ID!) { messages(roomId: $roomId, last: 2) { edges { node { body sender { displayName } } } } }', { roomId: room.id }, owner.token)
        expect(history.messages.edges.map((e: any) => [e.node.body, e.node.sender.displayName])).toEqual([['as Renamed 0', 'Renamed 1'], ['as Renamed 1', 'Renamed 1']])
      } finally {
        await Promise.all(clients.map((c) => c.dispose()))
      }
    })

    it('a member removed (and banned) by the owner cannot send right after, on either instance', async () => {
      const [owner, m, n] = await Promise.all([signUp(a.url), signUp(a.url), signUp(a.url)])
      const room = await createRoom(a.url, owner.token, 'moderated', 'PUBLIC')
      await joinByCode(a.url, m.token, room.code)
      await joinByCode(b.url, n.token, room.code)
      await warm(m, room.id)
      await warm(n, room.id)
      await ok(a.url, REMOVE, { roomId: room.id, userId: m.id, ban: false }, owner.token)
      await ok(b.url, REMOVE, { roomId: room.id, userId: n.id, ban: true }, owner.token)
      for (const t of [a, b]) {
        for (const u of [m, n]) {
          expect(await sendCode(t.url, u.token, room.id, 'after removal')).toBe('FORBIDDEN')
          expect(await wsSendCode(t.wsUrl, u.token, room.id, 'after removal')).toBe('FORBIDDEN')
        }
      }
    })

    it('a member who left a PRIVATE room gets NOT_FOUND right after, on either instance', async () => {
      const [owner, m] = await Promise.all([signUp(a.url), signUp(a.url)])
      const room = await createRoom(a.url, owner.token, 'private', 'PRIVATE')
      await joinByCode(b.url, m.token, room.code)
      await warm(m, room.id)
      await ok(b.url, LEAVE, { roomId: room.id }, m.token)
      for (const t of [a, b]) {
        expect(await sendCode(t.url, m.token, room.id, 'after leave')).toBe('NOT_FOUND')
        expect(await wsSendCode(t.wsUrl, m.token, room.id, 'after leave')).toBe('NOT_FOUND')
      }
    })

    it('nobody can send to a room right after it was deleted, on either instance', async () => {
      const [owner, m] = await Promise.all([signUp(a.url), signUp(a.url)])
      const room = await createRoom(a.url, owner.token, 'doomed', 'PUBLIC')
      await joinByCode(a.url, m.token, room.code)
      await warm(m, room.id)
      await warm(owner, room.id)
      await ok(a.url, DELETE, { id: room.id }, owner.token)
      for (const t of [a, b]) {
        for (const u of [owner, m]) {
          expect(await sendCode(t.url, u.token, room.id, 'into the void')).toBe('NOT_FOUND')
          expect(await wsSendCode(t.wsUrl, u.token, room.id, 'into the void')).toBe('NOT_FOUND')
        }
      }
    })

    it('a block closes a direct room right away, both ways, on either instance', async () => {
      const [x, y] = await Promise.all([signUp(a.url), signUp(a.url)])
      const req = (await ok(a.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: y.id }, x.token)).sendFriendRequest
      await ok(b.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req.id }, y.token)
      const room = (await ok(a.url, OPEN, { u: y.id }, x.token)).openDirectRoom
      await warm(x, room.id)
      await warm(y, room.id)
      await ok(b.url, BLOCK, { u: x.id }, y.token)
      for (const t of [a, b]) {
        for (const u of [x, y]) {
          expect(await sendCode(t.url, u.token, room.id, 'blocked')).toBe('FORBIDDEN')
          expect(await wsSendCode(t.wsUrl, u.token, room.id, 'blocked')).toBe('FORBIDDEN')
        }
      }
    })

    it('a revoked session cannot send right after, on either instance', async () => {
      const [owner, m] = await Promise.all([signUp(a.url), signUp(a.url)])
      const room = await createRoom(a.url, owner.token, 'sessions', 'PUBLIC')
      await joinByCode(a.url, m.token, room.code)
      await warm(m, room.id)
      await ok(b.url, 'mutation { logOut }', {}, m.token)
      for (const t of [a, b]) expect(await sendCode(t.url, m.token, room.id, 'after logout')).toBe('UNAUTHENTICATED')
    })
  })
}

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`the send budget counts stored messages only (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '3' } }) })
    afterAll(async () => { await t?.close() })

    it('refused sends of a member who left and retries of a stored clientId use none of it; the 4th new message is RATE_LIMITED', async () => {
      const [owner, m] = await Promise.all([signUp(t.url), signUp(t.url)])
      const room = await createRoom(t.url, owner.token, 'budget', 'PUBLIC')
      await joinByCode(t.url, m.token, room.code)
      // stored: 1 of 3 (and the room is now in the send path's cache)
      expect(await sendCode(t.url, m.token, room.id, 'one', 'cid-1')).toBeNull()
      // retries of it: the stored message again, nothing counted
      for (let i = 0; i < 4; i++) expect(await sendCode(t.url, m.token, room.id, 'one', 'cid-1')).toBeNull()
      await ok(t.url, LEAVE, { roomId: room.id }, m.token)
      for (let i = 0; i < 4; i++) expect(await sendCode(t.url, m.token, room.id, 'while out')).toBe('FORBIDDEN')
      await joinByCode(t.url, m.token, room.code)
      expect(await sendCode(t.url, m.token, room.id, 'two')).toBeNull()
      expect(await sendCode(t.url, m.token, room.id, 'three')).toBeNull()
      expect(await sendCode(t.url, m.token, room.id, 'four')).toBe('RATE_LIMITED')
      // past the limit a non-member still learns that they are not a member
      await ok(t.url, LEAVE, { roomId: room.id }, m.token)
      expect(await sendCode(t.url, m.token, room.id, 'five')).toBe('FORBIDDEN')
      const bodies = (await ok(t.url, MESSAGES, { roomId: room.id }, owner.token)).messages.edges.map((e: any) => e.node.body)
      expect(bodies).toEqual(['one', 'two', 'three'])
    })
  })
}
