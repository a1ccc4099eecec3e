import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, freshPgDatabase, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, gql, signUp, wsClient } from '../helpers/client.js'
import { MESSAGE_ADDED, MESSAGE_EVENTS, createRoom, joinByCode, send } from '../helpers/rooms.js'

let t: TestApp
beforeAll(async () => { t = await startApp() })
afterAll(async () => { await t.close() })

describe('live messages', () => {
  it('delivers to members live, and replays with after', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const room = await createRoom(t.url, a.token, 'Study', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await send(t.url, a.token, room.id, 'first')
    const cb = wsClient(t.wsUrl, b.token)
    const sub = collect(cb, MESSAGE_ADDED, { roomId: room.id, after: '0' })
    await sub.waitCount(1)
    await send(t.url, a.token, room.id, 'second')
    await send(t.url, b.token, room.id, 'third')
    await sub.waitCount(3)
    expect(sub.events.map((e) => e.messageAdded.body)).toEqual(['first', 'second', 'third'])
    expect(sub.events.map((e) => e.messageAdded.seq)).toEqual([1, 2, 3])
    const ev = collect(cb, MESSAGE_EVENTS, { roomId: room.id, after: 0 })
    await ev.waitCount(3)
    expect(ev.events.map((e) => e.messageEvents.kind)).toEqual(['ADDED', 'ADDED', 'ADDED'])
    sub.dispose(); ev.dispose()
    await cb.dispose()
  })

  for (const backend of BACKENDS) it.runIf(canRun(backend))(`${BACKEND_NAMES[backend]}: an after beyond any seq (2^31, 2^53 and more) replays nothing and continues live`, async () => {
    const db = backend === 'postgres' ? await freshPgDatabase() : null
    const app = db ? await startApp({ databaseUrl: db.url }) : t
    try {
      const a = await signUp(app.url)
      const room = await createRoom(app.url, a.token, 'Far ahead')
      await send(app.url, a.token, room.id, 'old')
      const ca = wsClient(app.wsUrl, a.token)
      const live = app.app.hearth.realtime.liveSubscriptions
      const subs = ['2147483648', '9007199254740993', '99999999999999999999'].map((after) => collect(ca, MESSAGE_ADDED, { roomId: room.id, after }))
      await waitLive(app, live + 3)
      await send(app.url, a.token, room.id, 'new')
      for (const sub of subs) {
        await sub.waitCount(1)
        expect(sub.state.errors ?? null).toBeNull()
        expect(sub.events.map((e) => e.messageAdded.body)).toEqual(['new'])
      }
      await ca.dispose()
      // a forged message cursor past every seq is a bad cursor, not an internal error
      const forged = Buffer.from('m:99999999999').toString('base64url')
      const r = await gql(app.url, 'query($r: ID!, $c: String) { messages(roomId: $r, after: $c) { edges { node { id } } } }', { r: room.id, c: forged }, a.token)
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' })
    } finally {
      if (db) { await app.close(); await db.drop() }
    }
  })

  it('refuses a non-member of a private room with NOT_FOUND', async () => {
    const a = await signUp(t.url)
    const c = await signUp(t.url)
    const room = await createRoom(t.url, a.token, 'Secret', 'PRIVATE')
    const cc = wsClient(t.wsUrl, c.token)
    const sub = collect(cc, MESSAGE_ADDED, { roomId: room.id })
    await sub.waitError()
    expect(sub.state.errors?.[0].extensions.code).toBe('NOT_FOUND')
    // marker: c's feed of c's own room on the same socket gets a later message
    const own = await createRoom(t.url, c.token, 'Own')
    const live = t.app.hearth.realtime.liveSubscriptions
    const marker = collect(cc, MESSAGE_ADDED, { roomId: own.id })
    await waitLive(t, live + 1)
    await send(t.url, a.token, room.id, 'hidden')
    await send(t.url, c.token, own.id, 'marker')
    await marker.waitCount(1)
    expect(sub.events).toHaveLength(0)
    await cc.dispose()
  })
})

describe('messageEvents with kinds', () => {
  const EVENTS = 'subscription($roomId: ID!, $after: Int, $kinds: [MessageEventKind!]) { messageEvents(roomId: $roomId, after: $after, kinds: $kinds) { seq kind message { body } } }'
  for (const backend of BACKENDS) it.runIf(canRun(backend))(`${BACKEND_NAMES[backend]}: replays and delivers only the kinds asked for, in order; an empty list is BAD_USER_INPUT`, async () => {
    const db = backend === 'postgres' ? await freshPgDatabase() : null
    const app = db ? await startApp({ databaseUrl: db.url }) : t
    try {
      const a = await signUp(app.url)
      const room = await createRoom(app.url, a.token, 'Kinds')
      const one = await send(app.url, a.token, room.id, 'one')
      const two = await send(app.url, a.token, room.id, 'two')
      await gql(app.url, 'mutation($id: ID!) { editMessage(id: $id, body: "one, edited") { id } }', { id: one.id }, a.token)
      await gql(app.url, 'mutation($id: ID!) { deleteMessage(id: $id) { id } }', { id: two.id }, a.token)
      const ca = wsClient(app.wsUrl, a.token)
      const live = app.app.hearth.realtime.liveSubscriptions
      const changes = collect(ca, EVENTS, { roomId: room.id, after: 0, kinds: ['EDITED', 'DELETED'] })
      const all = collect(ca, EVENTS, { roomId: room.id, after: 0 })
      await waitLive(app, live + 2)
      await changes.waitCount(2)
      await all.waitCount(4)
      const three = await send(app.url, a.token, room.id, 'three')
      await gql(app.url, 'mutation($id: ID!) { editMessage(id: $id, body: "three, edited") { id } }', { id: three.id }, a.token)
      await all.waitCount(6)
      await changes.waitCount(3)
      expect(all.events.map((e) => [e.messageEvents.seq, e.messageEvents.kind])).toEqual([[1, 'ADDED'], [2, 'ADDED'], [3, 'EDITED'], [4, 'DELETED'], [5, 'ADDED'], [6, 'EDITED']])
      expect(changes.events.map((e) => [e.messageEvents.seq, e.messageEvents.kind, e.messageEvents.message.body])).toEqual([[3, 'EDITED', 'one, edited'], [4, 'DELETED', ''], [6, 'EDITED', 'three, edited']])
      expect(changes.state.errors).toBeNull()
      const empty = collect(ca, EVENTS, { roomId: room.id, kinds: [] })
      await empty.waitError()
      expect(empty.state.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kinds' })
      expect(empty.events).toEqual([])
      await ca.dispose()
    } finally {
      if (db) { await app.close(); await db.drop() }
    }
  })
})

describe('one execution per event for subscribers that differ only in where they resumed', () => {
  it('subscribers resuming from different points get the same live event from one execution', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const room = await createRoom(t.url, a.token, 'Resumers', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await send(t.url, a.token, room.id, 'one')
    await send(t.url, a.token, room.id, 'two')
    const gateway = t.app.hearth.realtime
    const cb = wsClient(t.wsUrl, b.token)
    const live = gateway.liveSubscriptions
    // as web clients do: each resumes after the last message it saw (or from now)
    const subs = [undefined, '0', '1', '2'].map((after) => collect(cb, MESSAGE_ADDED, after === undefined ? { roomId: room.id } : { roomId: room.id, after }))
    await waitLive(t, live + 4)
    await subs[1].waitCount(2)
    await subs[2].waitCount(1)
    const before = gateway.eventExecutions
    await send(t.url, a.token, room.id, 'three')
    for (const sub of subs) await eventually(() => sub.events.some((e) => e.messageAdded.body === 'three'), 5000, 'the live message')
    const lives = subs.map((s) => s.events.find((e) => e.messageAdded.body === 'three'))
    for (const e of lives) expect(e).toEqual(lives[0])
    expect(lives[0].messageAdded.seq).toBe(3)
    expect(subs.map((s) => s.events.map((e) => e.messageAdded.body))).toEqual([['three'], ['one', 'two', 'three'], ['two', 'three'], ['three']])
    expect(gateway.eventExecutions - before).toBe(1)
    for (const s of subs) s.dispose()
    await cb.dispose()
  })

  it('a variable the selection uses still tells subscribers apart', async () => {
    const a = await signUp(t.url)
    const room = await createRoom(t.url, a.token, 'Shapes', 'PRIVATE')
    const doc = 'subscription($roomId: ID!, $after: String, $named: Boolean!) { messageAdded(roomId: $roomId, after: $after) { seq sender { id username @include(if: $named) } } }'
    const gateway = t.app.hearth.realtime
    const ca = wsClient(t.wsUrl, a.token)
    const live = gateway.liveSubscriptions
    const named = collect(ca, doc, { roomId: room.id, named: true })
    const bare = collect(ca, doc, { roomId: room.id, after: '0', named: false })
    await waitLive(t, live + 2)
    const before = gateway.eventExecutions
    await send(t.url, a.token, room.id, 'hello')
    await named.waitCount(1)
    await bare.waitCount(1)
    expect(named.events[0].messageAdded.sender).toEqual({ id: a.id, username: a.username })
    expect(bare.events[0].messageAdded.sender).toEqual({ id: a.id })
    expect(gateway.eventExecutions - before).toBe(2)
    named.dispose(); bare.dispose()
    await ca.dispose()
  })
})
