// The per-operation loaders (src/graphql/loader.ts on `dataloader`): one batch per tick, one
// question per key per operation, nothing cached from one operation (or one live event) to the
// next, and the same number of queries whether an operation comes over HTTP or over the socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Loaders } from '../../src/graphql/context.js'
import { fewestQueries, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, ok, signUp, wsClient } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

describe('Loaders', () => {
  function counting() {
    const calls: string[][] = []
    const batch = async (keys: string[]) => {
      calls.push(keys)
      if (keys.includes('boom')) throw new Error('batch failed')
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()]))
    }
    return { calls, batch }
  }

  it('batches the loads of one tick into one call, asking for each key once; a key not found is null', async () => {
    const { calls, batch } = counting()
    const loaders = new Loaders()
    const l = loaders.of('x', batch)
    const got = await Promise.all([l.load('a'), l.load('b'), l.load('a'), loaders.of('x', batch).load('missing')])
    expect(got).toEqual(['A', 'B', 'A', null])
    expect(calls).toEqual([['a', 'b', 'missing']])
    // cached for the rest of the operation, found or not
    expect(await Promise.all([l.load('a'), l.load('missing')])).toEqual(['A', null])
    expect(calls).toHaveLength(1)
  })

  it('loads of the next resolver level (after an await) form the next batch', async () => {
    const { calls, batch } = counting()
    const l = new Loaders().of('x', batch)
    await Promise.all([l.load('a'), l.load('b').then(() => l.load('c')), l.load('a').then(() => l.load('d'))])
    // (the order of keys inside a batch is not part of the behaviour)
    expect(calls.map((keys) => [...keys].sort())).toEqual([['a', 'b'], ['c', 'd']])
  })

  it('prime does not overwrite what is known; forget makes the next load ask again', async () => {
    const { calls, batch } = counting()
    const loaders = new Loaders()
    const l = loaders.of('x', batch)
    l.prime('p', 'primed')
    expect(await l.load('p')).toBe('primed')
    expect(await l.load('a')).toBe('A')
    l.prime('a', 'other')
    expect(await l.load('a')).toBe('A')
    expect(calls).toEqual([['a']])
    loaders.forget('x', 'a')
    loaders.forget('never-made', 'a')
    expect(await l.load('a')).toBe('A')
    expect(calls).toEqual([['a'], ['a']])
  })

  it('a failed batch fails its loads and forgets them: a later load asks again', async () => {
    const { calls, batch } = counting()
    const l = new Loaders().of('x', batch)
    const [a, boom] = await Promise.allSettled([l.load('a'), l.load('boom')])
    expect(a.status).toBe('rejected')
    expect(boom.status).toBe('rejected')
    expect(await l.load('a')).toBe('A')
    expect(calls).toEqual([['a', 'boom'], ['a']])
  })

  it('nothing is shared between two Loaders (two operations)', async () => {
    const { calls, batch } = counting()
    expect(await new Loaders().of('x', batch).load('a')).toBe('A')
    expect(await new Loaders().of('x', batch).load('a')).toBe('A')
    expect(calls).toEqual([['a'], ['a']])
  })
})

describe('loaders over HTTP and over the socket', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp() })
  afterAll(async () => { await t?.close() })

  const MY_ROOMS = '{ myRooms { id name memberCount viewerRole unreadCount createdBy { username } lastMessage { body sender { username } } } }'

  it('an operation takes as many queries over the socket as over HTTP, and the socket caches nothing between operations', async () => {
    const u = await signUp(t.url)
    const other = await signUp(t.url)
    const rooms: { id: string }[] = []
    for (let i = 0; i < 8; i++) {
      const r = await createRoom(t.url, u.token, `Loader ${i}`)
      await joinByCode(t.url, other.token, r.code)
      await send(t.url, other.token, r.id, `hello ${i}`)
      rooms.push(r)
    }
    const stats = t.app.hearth.database.stats
    // the session read afresh into the instance's cache: the counted request reads no session
    t.app.hearth.auth.sessionCache.clear()
    await ok(t.url, '{ me { id } }', {}, u.token)
    // each count is the fewest of three runs (the counter is the instance's: fewestQueries)
    const fewest = <T>(run: () => Promise<T>) => fewestQueries(stats, run)
    const { queries: httpQueries, result: overHttp } = await fewest(() => ok(t.url, MY_ROOMS, {}, u.token))
    expect(overHttp.myRooms).toHaveLength(8)
    expect(httpQueries).toBeLessThanOrEqual(10)

    const client = wsClient(t.wsUrl, u.token)
    try {
      const overSocket = async () => {
        const c = collect(client, MY_ROOMS)
        await c.waitFor(() => c.state.done, 5000, 'the query to complete')
        expect(c.state.errors).toBeNull()
        return c.events[0] as any
      }
      await overSocket() // the first one also pays for connection_init's session lookup
      const first = await fewest(overSocket)
      expect(first.queries).toBe(httpQueries)
      expect(first.result).toEqual(overHttp)
      // a new message: the next operation on the same socket reads it afresh
      await send(t.url, u.token, rooms[0].id, 'fresh')
      const second = await overSocket()
      expect(second.myRooms.find((r: any) => r.id === rooms[0].id).lastMessage.body).toBe('fresh')
      expect((await fewest(overSocket)).queries).toBe(httpQueries)
    } finally {
      await client.dispose()
    }
  })

  it('each live event is rendered with fresh loaders: a sender renamed between two events shows the new name', async () => {
    const u = await signUp(t.url)
    const other = await signUp(t.url)
    const room = await createRoom(t.url, u.token, 'Renames')
    await joinByCode(t.url, other.token, room.code)
    const client = wsClient(t.wsUrl, u.token)
    try {
      const sub = collect(client, 'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { body sender { displayName } } }', { roomId: room.id })
      await waitLive(t, 1)
      await send(t.url, other.token, room.id, 'one')
      await sub.waitCount(1)
      await ok(t.url, 'mutation { updateProfile(input: { displayName: "Renamed" }) { id } }', {}, other.token)
      await send(t.url, other.token, room.id, 'two')
      await sub.waitCount(2)
      expect(sub.events.map((e: any) => [e.messageAdded.body, e.messageAdded.sender.displayName]))
        .toEqual([['one', other.username], ['two', 'Renamed']])
    } finally {
      await client.dispose()
    }
  })

  it("a plain send's live event renders every field the web client shows without a query of its own", async () => {
    const u = await signUp(t.url)
    const room = await createRoom(t.url, u.token, 'Rich events')
    const stats = t.app.hearth.database.stats
    const RICH = `subscription($roomId: ID!) { messageAdded(roomId: $roomId) { id body clientId sender { id username displayName avatarUrl }
      attachments { id name url } replyTo { id body } reactions { emoji count users(first: 5) { id } } pinnedAt pinnedBy { id } } }`
    const BARE = 'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { id } }'
    // the queries of one send, counted until its event has reached the subscriber
    const sendCounted = async (doc: string) => {
      const client = wsClient(t.wsUrl, u.token)
      try {
        const sub = collect(client, doc, { roomId: room.id })
        await waitLive(t, base + 1)
        let n = 0
        const counted = await fewestQueries(stats, async () => {
          await send(t.url, u.token, room.id, `event ${++n}`)
          await sub.waitCount(n)
          return sub.events[n - 1].messageAdded
        })
        return counted
      } finally {
        await client.dispose()
        await eventually(() => t.app.hearth.realtime.liveSubscriptions === base, 5000, 'the subscription to end')
      }
    }
    const base = t.app.hearth.realtime.liveSubscriptions
    const bare = await sendCounted(BARE)
    const rich = await sendCounted(RICH)
    expect(rich.result).toMatchObject({ body: 'event 3', sender: { id: u.id, username: u.username, avatarUrl: null }, attachments: [], replyTo: null, reactions: [], pinnedAt: null, pinnedBy: null })
    expect(rich.queries).toBe(bare.queries)
  })
})
