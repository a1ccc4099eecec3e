// deleteAccount and what others see (contract part 2): sends racing the erase (PostgreSQL
// deadlocked: the erase locked the user row and then the rooms, a send locks its room and then
// needs the sender's row for its foreign key), the account's reactions leaving with a
// REACTIONS_CHANGED event in the room's log, its pins staying under "Deleted user", and other
// users' notifications about its messages staying (actor "Deleted user"). Both backends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, gql, ok, signUp, uniqueName, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

const PASSWORD = 'correct horse battery'
const DELETE = 'mutation($p: String!) { deleteAccount(password: $p) }'
const SEND_ANY = `mutation($roomId: ID!, $body: String!, $replyToId: ID) { sendMessage(roomId: $roomId, body: $body, replyToId: $replyToId) { id seq } }`
const GROUPS = 'reactions { emoji count users { id } }'
const ADD = `mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }`
const PIN = 'mutation($m: ID!) { pinMessage(messageId: $m) { id } }'
const EVENTS = `subscription($roomId: ID!, $after: Int) { messageEvents(roomId: $roomId, after: $after) {
  seq kind message { id body sender { displayName } pinnedAt pinnedBy { displayName } ${GROUPS} } } }`
const HISTORY = `query($r: ID!) { messages(roomId: $r, first: 50) { edges { node { id seq body sender { id displayName } pinnedAt pinnedBy { id displayName } ${GROUPS} } } } }`
const NOTIFS = 'query { notificationsList { kind actor { id username displayName } message { id body sender { displayName } } friendRequest { id } } }'
/** the contract's refusals a send racing the erase may get; never INTERNAL_SERVER_ERROR */
const REFUSALS = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']

const codeOf = (r: { errors?: any[] }) => r.errors?.[0]?.extensions?.code
const groups = (m: { reactions: { emoji: string; count: number }[] }) => m.reactions.map((g) => [g.emoji, g.count])

async function befriend(url: string, a: TestUser, b: TestUser) {
  const req = (await ok(url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: b.id }, a.token)).sendFriendRequest
  await ok(url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req.id }, b.token)
}

const history = async (t: TestApp, token: string, roomId: string) =>
  (await ok(t.url, HISTORY, { r: roomId }, token)).messages.edges.map((e: any) => e.node)

for (const backend of BACKENDS) describe.runIf(canRun(backend))(`deleteAccount and the others (${BACKEND_NAMES[backend]})`, () => {
  let t: TestApp
  let databaseUrl: string
  beforeAll(async () => {
    databaseUrl = await databaseFor(backend)
    t = await startApp({ databaseUrl, env: { SEND_RATE_LIMIT_PER_USER: '0' } })
  }, 60_000)
  afterAll(async () => { await t?.close() })

  it('sends (plain and replies) racing deleteAccount: it answers true; each send is stored or refused with a contract code', async () => {
    const rounds = backend === 'postgres' ? 10 : 4
    let stored = 0
    let refused = 0
    for (let round = 0; round < rounds; round++) {
      const [o, x] = await Promise.all([signUp(t.url, uniqueName('own')), signUp(t.url, uniqueName('gone'))])
      // several rooms, so the erase has several room locks to take
      const rooms = await Promise.all([1, 2, 3].map((n) => createRoom(t.url, o.token, `Race ${round}.${n}`)))
      for (const r of rooms) await joinByCode(t.url, x.token, r.code)
      const targets = await Promise.all(rooms.map((r) => send(t.url, x.token, r.id, `reply to me ${round}`)))
      const sendOne = (i: number) => {
        const k = i % rooms.length
        return gql(t.url, SEND_ANY, { roomId: rooms[k].id, body: `racing ${round}.${i}`, replyToId: i % 2 ? targets[k].id : null }, x.token)
      }
      // 20 sends fired with the deletion, then more in waves while it runs (its password check
      // comes first), so that sends meet the erase itself
      let deleting = true
      const deletion = gql(t.url, DELETE, { p: PASSWORD }, x.token).finally(() => { deleting = false })
      const sends = Array.from({ length: 20 }, (_, i) => sendOne(i))
      let i = 20
      while (deleting) {
        const wave = Array.from({ length: 4 }, () => sendOne(i++))
        sends.push(...wave)
        await Promise.all(wave)
      }
      const d = await deletion
      expect(d.errors, JSON.stringify(d.errors)).toBeUndefined()
      expect(d.data.deleteAccount).toBe(true)
      for (const r of await Promise.all(sends)) {
        if (r.errors) {
          expect(REFUSALS, JSON.stringify(r.errors)).toContain(codeOf(r))
          refused++
        } else stored++
      }
      // every message of the account, the racing ones stored included, shows "Deleted user"; seqs have no gap
      for (const r of rooms) {
        const msgs = await history(t, o.token, r.id)
        expect(msgs.map((m: any) => m.seq)).toEqual(msgs.map((_: any, n: number) => n + 1))
        for (const m of msgs) expect(m.sender.displayName).toBe('Deleted user')
        expect(msgs.some((m: any) => m.sender.id === x.id)).toBe(false)
      }
      expect((await ok(t.url, 'query($r: ID!) { room(id: $r) { memberCount } }', { r: rooms[0].id }, o.token)).room.memberCount).toBe(1)
    }
    console.log(`[${backend}] sends racing deleteAccount: ${stored} stored, ${refused} refused over ${rounds} rounds`)
  }, 120_000)

  it('reactions racing deleteAccount: each is stored or refused with a contract code; the last event of each message shows its reactions as they end', async () => {
    const EMOJI = ['👍', '🎉', '❤️', '👀', '🔥']
    const rounds = backend === 'postgres' ? 6 : 3
    for (let round = 0; round < rounds; round++) {
      const [o, x] = await Promise.all([signUp(t.url, uniqueName('own')), signUp(t.url, uniqueName('gone'))])
      const room = await createRoom(t.url, o.token, `React race ${round}`)
      await joinByCode(t.url, x.token, room.code)
      // o's messages (x's own would be the erase's to lock first) and one of x's
      const targets = [...await Promise.all([1, 2, 3].map((n) => send(t.url, o.token, room.id, `o ${n}`))), await send(t.url, x.token, room.id, 'x 1')]
      await ok(t.url, ADD, { m: targets[0].id, e: '👍' }, o.token)
      // o watches the room's events from the start: applied in order, they must end where the history does
      const client = wsClient(t.wsUrl, o.token)
      const live = collect(client, EVENTS, { roomId: room.id, after: 0 })
      await live.waitFor(() => live.events.length >= 5, 5000, 'the replay of the setup')
      const reactOne = (i: number) => gql(t.url, ADD, { m: targets[i % targets.length].id, e: EMOJI[Math.floor(i / targets.length) % EMOJI.length] }, x.token)
      let deleting = true
      const deletion = gql(t.url, DELETE, { p: PASSWORD }, x.token).finally(() => { deleting = false })
      const reacts = Array.from({ length: 12 }, (_, i) => reactOne(i))
      let i = 12
      while (deleting) {
        const wave = Array.from({ length: 4 }, () => reactOne(i++))
        reacts.push(...wave)
        await Promise.all(wave)
      }
      const d = await deletion
      expect(d.errors, JSON.stringify(d.errors)).toBeUndefined()
      // each addReaction answers once its event is out: after these, the log is complete
      for (const r of await Promise.all(reacts)) if (r.errors) expect(REFUSALS, JSON.stringify(r.errors)).toContain(codeOf(r))
      const msgs = await history(t, o.token, room.id)
      for (const m of msgs) expect(m.reactions.flatMap((g: any) => g.users.map((u: any) => u.id))).not.toContain(x.id)
      expect(groups(msgs.find((m: any) => m.id === targets[0].id))).toEqual([['👍', 1]])
      const head = (await t.app.hearth.database.db.selectFrom('rooms').select('event_seq').where('id', '=', room.id).executeTakeFirstOrThrow()).event_seq
      await live.waitFor(() => live.events.some((e) => e.messageEvents.seq === head), 5000, 'the events up to the head')
      expect(live.events.map((e) => e.messageEvents.seq)).toEqual(live.events.map((_, n) => n + 1))
      const last = new Map<string, any>()
      for (const e of live.events) last.set(e.messageEvents.message.id, e.messageEvents.message)
      for (const m of msgs) expect(groups(last.get(m.id) ?? { reactions: [] }), m.body).toEqual(groups(m))
      live.dispose()
      await client.dispose()
    }
  }, 120_000)

  // PostgreSQL only (SQLite runs one write transaction at a time): a send holding the room's lock
  // while the erase waits must not deadlock. The room's row is held from outside so that the send
  // queues first and the erase behind it; then both are let go.
  if (backend === 'postgres') {
    it('a send queued on the room before the erase: both go through (the erase took the user row first and deadlocked)', async () => {
      const [o, x] = await Promise.all([signUp(t.url, uniqueName('own')), signUp(t.url, uniqueName('gone'))])
      const room = await createRoom(t.url, o.token, 'Queued')
      await joinByCode(t.url, x.token, room.code)
      const target = await send(t.url, x.token, room.id, 'reply to me')
      const holder = new pg.Client({ connectionString: databaseUrl })
      await holder.connect()
      const waiting = async () => Number((await holder.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0].n)
      try {
        await holder.query('BEGIN')
        await holder.query('SELECT id FROM rooms WHERE id = $1 FOR UPDATE', [room.id])
        const sent = gql(t.url, SEND_ANY, { roomId: room.id, body: 'queued first', replyToId: target.id }, x.token)
        await eventually(async () => (await waiting()) === 1, 5000, 'the send waiting for the room')
        const deletion = gql(t.url, DELETE, { p: PASSWORD }, x.token)
        await eventually(async () => (await waiting()) === 2, 5000, 'the erase waiting too')
        await holder.query('COMMIT')
        const [s, d] = await Promise.all([sent, deletion])
        expect(s.errors, JSON.stringify(s.errors)).toBeUndefined()
        expect(d.errors, JSON.stringify(d.errors)).toBeUndefined()
        expect(d.data.deleteAccount).toBe(true)
        const msgs = await history(t, o.token, room.id)
        expect(msgs.map((m: any) => [m.body, m.sender.displayName])).toEqual([['reply to me', 'Deleted user'], ['queued first', 'Deleted user']])
      } finally {
        await holder.query('ROLLBACK').catch(() => {})
        await holder.end()
      }
    })
  }

  it('its reactions go with one REACTIONS_CHANGED per message, live and in the replay; groups keep their places', async () => {
    const [o, m, x] = await Promise.all([signUp(t.url, uniqueName('own')), signUp(t.url, uniqueName('mem')), signUp(t.url, uniqueName('gone'))])
    const room = await createRoom(t.url, o.token, 'Reactions', 'PRIVATE')
    await joinByCode(t.url, m.token, room.code)
    await joinByCode(t.url, x.token, room.code)
    const first = await send(t.url, m.token, room.id, 'react to this')
    const second = await send(t.url, o.token, room.id, 'and to this')
    const untouched = await send(t.url, o.token, room.id, 'x never reacted here')
    // first: x's 👍 is the group's first use, then m's 🎉, then o's 👍: 👍×2, 🎉×1
    await ok(t.url, ADD, { m: first.id, e: '👍' }, x.token)
    await ok(t.url, ADD, { m: first.id, e: '🎉' }, m.token)
    await ok(t.url, ADD, { m: first.id, e: '👍' }, o.token)
    // second: x's ❤️ alone
    await ok(t.url, ADD, { m: second.id, e: '❤️' }, x.token)
    await ok(t.url, ADD, { m: untouched.id, e: '👀' }, m.token)
    // each addReaction answers once its REACTIONS_CHANGED is committed: the log's head before the deletion
    const after = (await t.app.hearth.database.db.selectFrom('rooms').select('event_seq').where('id', '=', room.id).executeTakeFirstOrThrow()).event_seq
    expect((await history(t, o.token, room.id)).map(groups)).toEqual([[['👍', 2], ['🎉', 1]], [['❤️', 1]], [['👀', 1]]])

    const client = wsClient(t.wsUrl, o.token)
    const live = collect(client, EVENTS, { roomId: room.id, after })
    await waitLive(t, 1)
    expect((await ok(t.url, DELETE, { p: PASSWORD }, x.token)).deleteAccount).toBe(true)
    await live.waitCount(2, 5000)
    const evs = live.events.map((e) => e.messageEvents)
    expect(evs.map((e) => [e.seq, e.kind, e.message.id])).toEqual([[after + 1, 'REACTIONS_CHANGED', first.id], [after + 2, 'REACTIONS_CHANGED', second.id]])
    // the reactions as they now are: 👍 keeps its place before 🎉 though x's was its first use
    expect(groups(evs[0].message)).toEqual([['👍', 1], ['🎉', 1]])
    expect(evs[0].message.reactions[0].users).toEqual([{ id: o.id }])
    expect(groups(evs[1].message)).toEqual([])
    // the history agrees, and the message x never touched is as it was
    const now = await history(t, o.token, room.id)
    expect(now.map(groups)).toEqual([[['👍', 1], ['🎉', 1]], [], [['👀', 1]]])
    // a client that was away replays the same events from `after`, and nothing else
    const replay = collect(client, EVENTS, { roomId: room.id, after })
    await replay.waitCount(2, 5000)
    expect(replay.events.map((e) => e.messageEvents)).toEqual(evs)
    live.dispose()
    replay.dispose()
    await client.dispose()
  })

  it('a pin it made stays, pinned by "Deleted user" (even when it sent no message)', async () => {
    const [x, m] = await Promise.all([signUp(t.url, uniqueName('gone')), signUp(t.url, uniqueName('mem'))])
    // x owns the room and pins m's message; x itself never sends
    const room = await createRoom(t.url, x.token, 'Pins', 'PUBLIC')
    await joinByCode(t.url, m.token, room.code)
    const msg = await send(t.url, m.token, room.id, 'worth pinning')
    await ok(t.url, PIN, { m: msg.id }, x.token)
    const pinnedAt = (await history(t, m.token, room.id))[0].pinnedAt
    expect(pinnedAt).not.toBeNull()
    expect((await ok(t.url, DELETE, { p: PASSWORD }, x.token)).deleteAccount).toBe(true)
    const [now] = await history(t, m.token, room.id)
    expect(now.pinnedAt).toBe(pinnedAt)
    expect(now.pinnedBy).toMatchObject({ displayName: 'Deleted user' })
    expect(now.pinnedBy.id).not.toBe(x.id)
    const pins = (await ok(t.url, 'query($r: ID!) { room(id: $r) { pinnedMessages { id pinnedBy { displayName } } } }', { r: room.id }, m.token)).room.pinnedMessages
    expect(pins).toEqual([{ id: msg.id, pinnedBy: { displayName: 'Deleted user' } }])
  })

  it("others keep their notifications about its messages, from \"Deleted user\"; its friend requests' go", async () => {
    const [x, mentioned, friend] = await Promise.all([signUp(t.url, uniqueName('gone')), signUp(t.url, uniqueName('men')), signUp(t.url, uniqueName('fri'))])
    const room = await createRoom(t.url, x.token, 'Mentions', 'PUBLIC')
    await joinByCode(t.url, mentioned.token, room.code)
    await befriend(t.url, x, friend)
    const direct = (await ok(t.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: friend.id }, x.token)).openDirectRoom
    const mention = await send(t.url, x.token, room.id, `look @${mentioned.username}`)
    const dm = await send(t.url, x.token, direct.id, 'a direct word')
    // the friend's own notification about x too: mentioned by friend, x gets a MENTION (x's own, erased)
    await joinByCode(t.url, friend.token, room.code)
    await send(t.url, friend.token, room.id, `hi @${x.username}`)
    await eventually(async () => (await ok(t.url, NOTIFS, {}, mentioned.token)).notificationsList.length === 1, 5000, 'the MENTION')
    await eventually(async () => (await ok(t.url, NOTIFS, {}, friend.token)).notificationsList.some((n: any) => n.kind === 'DIRECT_MESSAGE'), 5000, 'the DIRECT_MESSAGE')
    await eventually(async () => (await ok(t.url, NOTIFS, {}, x.token)).notificationsList.some((n: any) => n.kind === 'MENTION'), 5000, "x's MENTION")
    expect((await ok(t.url, NOTIFS, {}, friend.token)).notificationsList.map((n: any) => n.kind).sort()).toEqual(['DIRECT_MESSAGE', 'FRIEND_REQUEST_RECEIVED'])

    expect((await ok(t.url, DELETE, { p: PASSWORD }, x.token)).deleteAccount).toBe(true)
    const deleted = { username: '[deleted]', displayName: 'Deleted user' }
    const ofMentioned = (await ok(t.url, NOTIFS, {}, mentioned.token)).notificationsList
    expect(ofMentioned).toEqual([{ kind: 'MENTION', actor: { id: expect.any(String), ...deleted }, message: { id: mention.id, body: mention.body, sender: { displayName: 'Deleted user' } }, friendRequest: null }])
    expect(ofMentioned[0].actor.id).not.toBe(x.id)
    // the friend request is gone, and its notification with it; the direct message's stays
    const ofFriend = (await ok(t.url, NOTIFS, {}, friend.token)).notificationsList
    expect(ofFriend).toEqual([{ kind: 'DIRECT_MESSAGE', actor: { id: ofMentioned[0].actor.id, ...deleted }, message: { id: dm.id, body: dm.body, sender: { displayName: 'Deleted user' } }, friendRequest: null }])
    // the direct room stays readable to the friend, and closed: nobody would read what they send
    const after = await gql(t.url, 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: direct.id, b: 'hello?' }, friend.token)
    expect(after.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(after.errors?.[0]?.message).toBe('The other person deleted their account')
    expect((await ok(t.url, 'query($r: ID!) { messages(roomId: $r) { edges { node { body } } } }', { r: direct.id }, friend.token)).messages.edges.map((e: any) => e.node.body)).toEqual(['a direct word'])
    // x's own notifications are erased: no row is addressed to x
    const db = t.app.hearth.database.db
    expect(await db.selectFrom('notifications').select('id').where((eb) => eb.or([eb('user_id', '=', x.id), eb('actor_id', '=', x.id)])).execute()).toEqual([])
  })
})
