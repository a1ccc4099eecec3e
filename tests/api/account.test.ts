// Account self-service (contract part 2): changePassword and deleteAccount, on SQLite and
// PostgreSQL, with two instances sharing the database and one Redis, so that "every other
// session's sockets close with 4403" is checked on the instance that did not do the change too.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { sql } from 'kysely'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, ok, signUp, sleep, uniqueName, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

const PASSWORD = 'correct horse battery'
const NEW_PASSWORD = 'a brand new passphrase'
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token session { id } } }`
const CHANGE = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }'
const DELETE = 'mutation($p: String!) { deleteAccount(password: $p) }'

async function ackedSocket(url: string, token: string) {
  const ws = new WebSocket(url, 'graphql-transport-ws')
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
  const acked = new Promise<void>((resolve) => ws.on('message', (d) => { if (JSON.parse(String(d)).type === 'connection_ack') resolve() }))
  ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }))
  await acked
  return { ws, closed }
}

/** the close code, or a failure when the socket is still open after `ms` */
async function closedWithin(closed: Promise<number>, ms: number) {
  const r = await Promise.race([closed, sleep(ms).then(() => null)])
  if (r === null) throw new Error(`socket still open after ${ms} ms`)
  return r
}

/** the socket still answers a ping: it was not closed */
async function stillOpen(s: { ws: WebSocket }) {
  const pong = new Promise<void>((resolve) => s.ws.on('message', (d) => { if (JSON.parse(String(d)).type === 'pong') resolve() }))
  s.ws.send(JSON.stringify({ type: 'ping' }))
  await pong
  return s.ws.readyState === WebSocket.OPEN
}

for (const backend of BACKENDS) describe.runIf(canRun(backend))(`account self-service (${BACKEND_NAMES[backend]})`, () => {
  let a: TestApp
  let b: TestApp
  beforeAll(async () => {
    const databaseUrl = await databaseFor(backend)
    const redisPrefix = 'acct' + crypto.randomBytes(4).toString('hex') + ':'
    // a small failed-login limit, so that counting a wrong current password shows
    const env = { AUTH_RATE_LIMIT_PER_USER: '3' }
    a = await startApp({ databaseUrl, redis: true, redisPrefix, env })
    b = await startApp({ databaseUrl, redis: true, redisPrefix, env })
  }, 60_000)
  afterAll(async () => {
    await a?.close()
    await b?.close()
  })

  const logIn = async (t: TestApp, username: string, password = PASSWORD) => gql(t.url, LOG_IN, { input: { username, password } })
  const codeOf = (r: { errors?: any[] }) => r.errors?.[0]?.extensions?.code
  const fieldOf = (r: { errors?: any[] }) => r.errors?.[0]?.extensions?.field

  describe('changePassword', () => {
    it('ends every other session: their sockets close with 4403 on both instances within a second; this session stays', async () => {
      const u = await signUp(a.url, uniqueName('pw'))
      const phone = (await logIn(b, u.username)).data!.logIn
      const laptop = (await logIn(a, u.username)).data!.logIn
      const phoneOnB = await ackedSocket(b.wsUrl, phone.token)
      const laptopOnA = await ackedSocket(a.wsUrl, laptop.token)
      const laptopOnB = await ackedSocket(b.wsUrl, laptop.token)
      const mine = await ackedSocket(b.wsUrl, u.token)

      const started = Date.now()
      expect((await ok(a.url, CHANGE, { c: PASSWORD, n: NEW_PASSWORD }, u.token)).changePassword).toBe(true)
      const codes = await Promise.all([phoneOnB, laptopOnA, laptopOnB].map((s) => closedWithin(s.closed, 1000)))
      expect(codes).toEqual([4403, 4403, 4403])
      console.log(`[${backend}] changePassword: 3 sockets of 2 other sessions on 2 instances closed within ${Date.now() - started} ms`)
      // the session that changed it goes on, on both instances
      expect(await stillOpen(mine)).toBe(true)
      expect((await ok(b.url, '{ me { id } }', {}, u.token)).me.id).toBe(u.id)
      // the other sessions are over over HTTP too
      for (const token of [phone.token, laptop.token]) expect(codeOf(await gql(b.url, '{ me { id } }', {}, token))).toBe('UNAUTHENTICATED')
      // the old password is refused, the new one signs in
      expect(codeOf(await logIn(b, u.username, PASSWORD))).toBe('UNAUTHENTICATED')
      expect((await logIn(a, u.username, NEW_PASSWORD)).data?.logIn.token).toBeTruthy()
      mine.ws.close()
    })

    it('two sessions changing the password at once: one wins, the other is UNAUTHENTICATED and its password was not stored', async () => {
      const lost: string[] = []
      for (let round = 0; round < 4; round++) {
        const u = await signUp(a.url, uniqueName('race'))
        const other = (await logIn(b, u.username)).data!.logIn
        const [first, second] = await Promise.all([
          gql(a.url, CHANGE, { c: PASSWORD, n: 'first new password 1' }, u.token),
          gql(b.url, CHANGE, { c: PASSWORD, n: 'second new password 2' }, other.token),
        ])
        const wins = [first, second].filter((r) => r.data?.changePassword === true)
        // before: both answered true, both sessions ended, and one of the two passwords did not sign in
        if (wins.length !== 1) { lost.push(`round ${round}: ${wins.length} answered true`); continue }
        const [winner, winnerToken, loser] = first.data?.changePassword ? ['first new password 1', u.token, second] : ['second new password 2', other.token, first]
        expect(codeOf(loser)).toBe('UNAUTHENTICATED')
        expect((await logIn(a, u.username, winner)).data?.logIn.token).toBeTruthy()
        // the winner's session goes on
        expect((await ok(b.url, '{ me { id } }', {}, winnerToken)).me.id).toBe(u.id)
      }
      expect(lost).toEqual([])
    })

    it('refuses a weak new password with BAD_USER_INPUT naming newPassword and why, changing nothing', async () => {
      const u = await signUp(a.url, uniqueName('weak'))
      const other = (await logIn(a, u.username)).data!.logIn
      const otherSocket = await ackedSocket(b.wsUrl, other.token)
      const cases: [string, RegExp][] = [
        ['short', /at least 8/],
        ['password123', /common/],
        [u.username.toUpperCase(), /username or display name/],
        [' '.repeat(10), /at least 8/],
      ]
      for (const [n, why] of cases) {
        const r = await gql(a.url, CHANGE, { c: PASSWORD, n }, u.token)
        expect(codeOf(r), n).toBe('BAD_USER_INPUT')
        expect(fieldOf(r), n).toBe('newPassword')
        expect(r.errors![0].message, n).toMatch(why)
        expect(r.data?.changePassword ?? null).toBeNull()
      }
      // nothing changed: the old password still works and the other session is still on
      expect((await logIn(a, u.username, PASSWORD)).data?.logIn.token).toBeTruthy()
      expect((await ok(a.url, '{ me { id } }', {}, other.token)).me.id).toBe(u.id)
      expect(await stillOpen(otherSocket)).toBe(true)
      otherSocket.ws.close()
    })

    it('refuses a wrong current password (BAD_USER_INPUT, currentPassword) and counts it as a failed logIn', async () => {
      const u = await signUp(a.url, uniqueName('wrong'))
      const other = (await logIn(b, u.username)).data!.logIn
      // AUTH_RATE_LIMIT_PER_USER is 3 here: three wrong current passwords spend the account's failed-login budget
      for (let i = 0; i < 3; i++) {
        const r = await gql(i % 2 ? b.url : a.url, CHANGE, { c: 'not my password ' + i, n: NEW_PASSWORD }, u.token)
        expect(codeOf(r)).toBe('BAD_USER_INPUT')
        expect(fieldOf(r)).toBe('currentPassword')
      }
      // nothing changed, and logIn (even with the right password) is now refused for the window
      expect(codeOf(await logIn(a, u.username, PASSWORD))).toBe('RATE_LIMITED')
      expect(codeOf(await logIn(b, u.username, NEW_PASSWORD))).toBe('RATE_LIMITED')
      expect((await ok(b.url, '{ me { id } }', {}, other.token)).me.id).toBe(u.id)
      // and so is changePassword itself, even with the right current password
      expect(codeOf(await gql(a.url, CHANGE, { c: PASSWORD, n: NEW_PASSWORD }, u.token))).toBe('RATE_LIMITED')
    })

    it('has its own bucket: 5 attempts per 15 minutes per user, counted across instances', async () => {
      const u = await signUp(a.url, uniqueName('bucket'))
      for (let i = 0; i < 5; i++) expect(codeOf(await gql(i % 2 ? b.url : a.url, CHANGE, { c: PASSWORD, n: 'short' }, u.token))).toBe('BAD_USER_INPUT')
      const r = await gql(a.url, CHANGE, { c: PASSWORD, n: NEW_PASSWORD }, u.token)
      expect(codeOf(r)).toBe('RATE_LIMITED')
      expect(r.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0)
      // refused: the password did not change
      expect((await logIn(b, u.username, PASSWORD)).data?.logIn.token).toBeTruthy()
    })
  })

  describe('deleteAccount', () => {
    /** every table of the database, every row, as text: what mentions any of `needles` */
    async function rowsNaming(t: TestApp, needles: string[]): Promise<Record<string, string[]>> {
      const database = t.app.hearth.database
      const tables = database.dialect === 'postgres'
        ? (await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(database.db)).rows
        : (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table'`.execute(database.db)).rows
      expect(tables.map((x) => x.name)).toEqual(expect.arrayContaining(['users', 'sessions', 'messages', 'study_sessions', 'study_goals']))
      const lower = needles.filter(Boolean).map((n) => n.toLowerCase())
      const out: Record<string, string[]> = {}
      for (const { name } of tables) {
        const rows = (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(name)}`.execute(database.db)).rows
        for (const row of rows) {
          const text = Object.values(row).map((v) => (Buffer.isBuffer(v) ? v.toString('latin1') : String(v))).join('\u0001').toLowerCase()
          if (lower.some((n) => text.includes(n))) (out[name] ??= []).push(JSON.stringify(row).slice(0, 300))
        }
      }
      return out
    }

    it('erases everything that names the user; messages stay under "Deleted user"; rooms pass on; sockets close; the name is free', async () => {
      const tag = crypto.randomBytes(4).toString('hex')
      const x = await signUp(a.url, uniqueName('gone'))
      const y = await signUp(a.url, uniqueName('stay'))
      const z = await signUp(a.url, uniqueName('zed'))
      const w = await signUp(a.url, uniqueName('wal'))
      const names = { displayName: `Xavier ${tag}`, firstName: `First${tag}`, lastName: `Last${tag}` }
      await ok(a.url, 'mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { id } }', { i: names }, x.token)
      // friends with y (request, notifications), a pending request to z, w blocked
      const req = await ok(a.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: y.id }, x.token)
      await ok(a.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { status } }', { id: req.sendFriendRequest.id }, y.token)
      await ok(a.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: z.id }, x.token)
      await ok(a.url, 'mutation($u: ID!) { blockUser(userId: $u) }', { u: w.id }, x.token)
      // an owned room y is in, y's room x is in, a DIRECT room with y; messages in each
      const owned = await createRoom(a.url, x.token, `Study ${tag}`, 'PRIVATE')
      await joinByCode(a.url, y.token, owned.code)
      const theirs = await createRoom(a.url, y.token, `Hall ${tag}`, 'PUBLIC')
      await joinByCode(a.url, x.token, theirs.code)
      const direct = (await ok(a.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: y.id }, x.token)).openDirectRoom
      // bans both ways: x banned z from the owned room, y banned x from another room
      await joinByCode(a.url, z.token, owned.code)
      await ok(a.url, 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u, ban: true) }', { r: owned.id, u: z.id }, x.token)
      const closed = await createRoom(a.url, y.token, `Closed ${tag}`, 'PUBLIC')
      await joinByCode(a.url, x.token, closed.code)
      await ok(a.url, 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u, ban: true) }', { r: closed.id, u: x.id }, y.token)
      const sent = [
        await send(a.url, x.token, owned.id, 'first message in the study room', 'client-1'),
        await send(a.url, x.token, theirs.id, 'hello hall'),
        await send(a.url, x.token, direct.id, `ping @${y.username}`),
      ]
      await send(a.url, y.token, owned.id, 'an answer that stays as it is')
      // study data: a session, a weekly goal, a room timer started by x
      await ok(a.url, 'mutation { recordStudySession(minutes: 30) { id } }', {}, x.token)
      await ok(a.url, 'mutation { setWeeklyGoal(minutes: 300) { weeklyGoalMinutes } }', {}, x.token)
      await ok(a.url, 'mutation($r: ID!) { startRoomTimer(roomId: $r) { phase } }', { r: owned.id }, x.token)
      // a second session with sockets on both instances
      const second = (await logIn(b, x.username)).data!.logIn
      const sockets = [await ackedSocket(a.wsUrl, x.token), await ackedSocket(b.wsUrl, second.token), await ackedSocket(b.wsUrl, x.token)]
      const db = a.app.hearth.database.db
      const secrets = await db.selectFrom('users').select('password_hash').where('id', '=', x.id).executeTakeFirstOrThrow()
      const sessions = await db.selectFrom('sessions').select(['id', 'token_hash']).where('user_id', '=', x.id).execute()
      const needles = [x.id, x.username, names.displayName, names.firstName, names.lastName, secrets.password_hash,
        ...sessions.flatMap((s) => [s.id, s.token_hash])]
      expect(Object.keys(await rowsNaming(a, needles)).sort()).toEqual(expect.arrayContaining(['blocks', 'friend_requests', 'friendships', 'messages', 'notifications', 'room_bans', 'room_members', 'room_timers', 'rooms', 'sessions', 'study_goals', 'study_sessions', 'users']))

      // a wrong password: BAD_USER_INPUT on password, nothing erased
      const wrong = await gql(b.url, DELETE, { p: 'not my password' }, x.token)
      expect([codeOf(wrong), fieldOf(wrong)]).toEqual(['BAD_USER_INPUT', 'password'])
      expect((await ok(a.url, '{ me { id } }', {}, second.token)).me.id).toBe(x.id)

      // y's friend list is live on b: the friendship ends there
      const yLive = wsClient(b.wsUrl, y.token)
      const live0 = b.app.hearth.realtime.liveSubscriptions
      const feed = collect(yLive, 'subscription { friendshipChanged { user { id displayName } friendship } }')
      const people = collect(yLive, 'subscription { userUpdated { id username displayName } }')
      const changes = collect(yLive, 'subscription($r: ID!) { roomChanged(roomId: $r) { kind user { id } by { id } } }', { r: owned.id })
      // the room's presence stream names x when x leaves, after the row that named x is gone
      const presence = collect(yLive, 'subscription($r: ID!) { presenceChanged(roomId: $r) { user { id displayName } left } }', { r: owned.id })
      await waitLive(b, live0 + 4)
      const started = Date.now()
      expect((await ok(a.url, DELETE, { p: PASSWORD }, x.token)).deleteAccount).toBe(true)
      expect(await Promise.all(sockets.map((s) => closedWithin(s.closed, 1000)))).toEqual([4403, 4403, 4403])
      console.log(`[${backend}] deleteAccount: 3 sockets of 2 sessions on 2 instances closed within ${Date.now() - started} ms`)
      for (const token of [x.token, second.token]) expect(codeOf(await gql(b.url, '{ me { id } }', {}, token))).toBe('UNAUTHENTICATED')
      expect(codeOf(await logIn(b, x.username))).toBe('UNAUTHENTICATED')

      // no row anywhere names the user; the placeholder names itself and its messages only
      expect(await rowsNaming(a, needles)).toEqual({})
      const msgs = (await ok(b.url, 'query($r: ID!) { messages(roomId: $r) { edges { node { id body sender { id username displayName } } } } }', { r: owned.id }, y.token)).messages.edges.map((e: any) => e.node)
      expect(msgs.map((m: any) => [m.body, m.sender.displayName])).toEqual([['first message in the study room', 'Deleted user'], ['an answer that stays as it is', y.username]])
      const placeholder = msgs[0].sender
      expect(placeholder.id).not.toBe(x.id)
      const left = await rowsNaming(a, [placeholder.id])
      // and y's notification about x's direct message, which stays (from "Deleted user")
      expect(Object.fromEntries(Object.entries(left).map(([k, v]) => [k, v.length]))).toEqual({ users: 1, messages: sent.length, notifications: 1 })
      // the placeholder is nobody to look up or befriend
      expect(codeOf(await gql(b.url, 'query($id: ID!) { user(id: $id) { id } }', { id: placeholder.id }, y.token))).toBe('NOT_FOUND')
      expect(codeOf(await gql(b.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: placeholder.id }, y.token))).toBe('NOT_FOUND')
      expect((await ok(b.url, '{ users(search: "deleted") { edges { node { id } } } }', {}, y.token)).users.edges).toEqual([])

      // the owned room passed to y (as on leaveRoom); y's rooms go on without x
      const room = (await ok(b.url, 'query($r: ID!) { room(id: $r) { viewerRole memberCount } }', { r: owned.id }, y.token)).room
      expect(room).toEqual({ viewerRole: 'OWNER', memberCount: 1 })
      await changes.waitCount(1)
      expect(changes.events).toContainEqual({ roomChanged: { kind: 'ROLE_CHANGED', user: { id: y.id }, by: null } })
      expect((await ok(b.url, 'query($r: ID!) { room(id: $r) { memberCount } }', { r: theirs.id }, y.token)).room.memberCount).toBe(1)
      expect((await ok(b.url, '{ friends { id } }', {}, y.token)).friends).toEqual([])
      await feed.waitCount(1)
      expect(feed.events).toEqual([{ friendshipChanged: { user: { id: x.id, displayName: 'Deleted user' }, friendship: 'NONE' } }])
      // where y's client shows x's name (message rows, member lists) it turns into "Deleted user" live
      await people.waitCount(1)
      expect(people.events).toEqual([{ userUpdated: { id: x.id, username: '[deleted]', displayName: 'Deleted user' } }])
      // x's leave reaches the room as "Deleted user" (it was an internal error: User was null)
      await presence.waitFor(() => presence.events.some((e) => e.presenceChanged.left), 5000, 'the leave')
      expect(presence.state.errors).toBeNull()
      expect(presence.events.find((e) => e.presenceChanged.left).presenceChanged).toEqual({ user: { id: x.id, displayName: 'Deleted user' }, left: true })
      await yLive.dispose()
      expect((await ok(b.url, '{ friendRequests(direction: INCOMING) { id } }', {}, z.token)).friendRequests).toEqual([])
      // y's notifications: the friend request's went with it; the direct message's stays, from the placeholder
      expect((await ok(b.url, '{ notificationsList { kind actor { id displayName } message { id } } }', {}, y.token)).notificationsList)
        .toEqual([{ kind: 'DIRECT_MESSAGE', actor: { id: placeholder.id, displayName: 'Deleted user' }, message: { id: sent[2].id } }])

      // the username can be taken again: a new account, nothing of the old one
      const again = await signUp(b.url, x.username, NEW_PASSWORD)
      expect(again.id).not.toBe(x.id)
      const me = await ok(a.url, '{ me { displayName firstName } myRooms { id } studyStats { totalMinutes weeklyGoalMinutes } }', {}, again.token)
      expect(me).toEqual({ me: { displayName: x.username, firstName: null }, myRooms: [], studyStats: { totalMinutes: 0, weeklyGoalMinutes: null } })
    }, 60_000)

    it('an account with no messages leaves no placeholder behind', async () => {
      const x = await signUp(a.url, uniqueName('quiet'))
      const before = await a.app.hearth.database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
      expect((await ok(b.url, DELETE, { p: PASSWORD }, x.token)).deleteAccount).toBe(true)
      const after = await a.app.hearth.database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
      expect(Number(after.n)).toBe(Number(before.n) - 1)
    })

    it('two deletions of one account at once: one erases it, the other finds no account', async () => {
      const x = await signUp(a.url, uniqueName('twice'))
      const room = await createRoom(a.url, x.token, 'Twice', 'PUBLIC')
      await send(a.url, x.token, room.id, 'one message to keep')
      const second = (await logIn(b, x.username)).data!.logIn
      const results = await Promise.all([gql(a.url, DELETE, { p: PASSWORD }, x.token), gql(b.url, DELETE, { p: PASSWORD }, second.token)])
      const outcomes = results.map((r) => (r.data?.deleteAccount === true ? 'ok' : codeOf(r))).sort()
      expect(outcomes).toEqual(['UNAUTHENTICATED', 'ok'])
      const db = a.app.hearth.database.db
      // one placeholder, holding the message
      const placeholders = await db.selectFrom('users').select('id').where('username_key', 'like', '~deleted:%')
        .where('id', 'in', db.selectFrom('messages').select('sender_id').where('room_id', '=', room.id)).execute()
      expect(placeholders).toHaveLength(1)
      expect(await db.selectFrom('users').select('id').where('id', '=', x.id).executeTakeFirst()).toBeUndefined()
    })

    it('a wrong password counts as a failed logIn', async () => {
      const x: TestUser = await signUp(a.url, uniqueName('guess'))
      for (let i = 0; i < 3; i++) expect(codeOf(await gql(a.url, DELETE, { p: 'guess ' + i }, x.token))).toBe('BAD_USER_INPUT')
      expect(codeOf(await gql(b.url, DELETE, { p: PASSWORD }, x.token))).toBe('RATE_LIMITED')
      expect(codeOf(await logIn(a, x.username))).toBe('RATE_LIMITED')
      expect((await ok(a.url, '{ me { id } }', {}, x.token)).me.id).toBe(x.id)
    })
  })
})
