// A room's doorbell (its PUBLISH to Redis) is skipped while no other instance listens to the room,
// and nothing is lost when one starts to: the newcomer says hello, and whoever skipped tells it to
// read what it missed. Two instances in one process, one database, one Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startPair, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, signUp, wsClient } from '../helpers/client.js'
import { createRoom, joinByCode, MESSAGE_ADDED, send } from '../helpers/rooms.js'
import type { RedisBackedPubSub } from '../../src/realtime/pubsub.js'

let a: TestApp
let b: TestApp
let pair: Awaited<ReturnType<typeof startPair>> | null = null

beforeAll(async () => {
  pair = await startPair('ds')
  ;({ a, b } = pair)
})
afterAll(async () => { await pair?.close() })

const skippedOn = (t: TestApp) => (t.app.hearth.pubsub as RedisBackedPubSub).skipped

/** a room of two users, its owner listening on A, where A already skips the doorbell; `sent` messages so far */
async function quietRoom(name: string) {
  const owner = await signUp(a.url)
  const member = await signUp(a.url)
  const room = await createRoom(a.url, owner.token, name)
  await joinByCode(a.url, member.token, room.code)
  const onA = wsClient(a.wsUrl, owner.token)
  const liveA = a.app.hearth.realtime.liveSubscriptions
  const here = collect(onA, MESSAGE_ADDED, { roomId: room.id })
  await waitLive(a, liveA + 1)
  // the first send's PUBLISH reaches nobody else; the next ones are not published at all
  const before = skippedOn(a)
  let sent = 0
  await eventually(async () => { await send(a.url, owner.token, room.id, `alone ${++sent}`); return skippedOn(a) > before }, 10_000, 'a skipped doorbell')
  return { owner, member, room, onA, here, sent }
}

describe('doorbells skipped while nobody else listens', () => {
  it('A stops publishing a room only it listens to; B, listening later, gets every message from then on, each once, in order', async () => {
    const { owner, member, room, onA, here, sent: n } = await quietRoom('Quiet')
    await here.waitCount(n)
    expect(here.events.map((e) => e.messageAdded.body)).toEqual(Array.from({ length: n }, (_, i) => `alone ${i + 1}`))

    // B starts listening; A sends at once, before it can have heard B's hello
    const onB = wsClient(b.wsUrl, member.token)
    const liveB = b.app.hearth.realtime.liveSubscriptions
    const there = collect(onB, MESSAGE_ADDED, { roomId: room.id })
    await waitLive(b, liveB + 1)
    const sent = []
    for (let i = 1; i <= 5; i++) sent.push(await send(a.url, owner.token, room.id, `heard ${i}`))
    await there.waitCount(5)
    expect(there.events.map((e) => e.messageAdded.body)).toEqual(sent.map((m) => m.body))
    expect(there.events.map((e) => e.messageAdded.seq)).toEqual(sent.map((m) => m.seq))
    await here.waitCount(n + 5)
    await onA.dispose()
    await onB.dispose()
  })

  it('with a listener on B from the start, A never skips the room', async () => {
    const owner = await signUp(a.url)
    const member = await signUp(b.url)
    const room = await createRoom(a.url, owner.token, 'Shared')
    await joinByCode(b.url, member.token, room.code)
    const onB = wsClient(b.wsUrl, member.token)
    const liveB = b.app.hearth.realtime.liveSubscriptions
    const there = collect(onB, MESSAGE_ADDED, { roomId: room.id })
    await waitLive(b, liveB + 1)
    const before = skippedOn(a)
    for (let i = 1; i <= 4; i++) await send(a.url, owner.token, room.id, `shared ${i}`)
    await there.waitCount(4)
    expect(there.events.map((e) => e.messageAdded.body)).toEqual(['shared 1', 'shared 2', 'shared 3', 'shared 4'])
    expect(skippedOn(a)).toBe(before)
    await onB.dispose()
  })

  it('many rooms opened on B right after A went quiet in them: every message reaches B', async () => {
    const owner = await signUp(a.url)
    const member = await signUp(a.url)
    const rooms = []
    for (let i = 0; i < 4; i++) {
      const room = await createRoom(a.url, owner.token, `Race ${i}`)
      await joinByCode(a.url, member.token, room.code)
      rooms.push(room)
    }
    const onA = wsClient(a.wsUrl, owner.token)
    const liveA = a.app.hearth.realtime.liveSubscriptions
    for (const room of rooms) collect(onA, MESSAGE_ADDED, { roomId: room.id })
    await waitLive(a, liveA + rooms.length)
    const before = skippedOn(a)
    for (const room of rooms) for (let i = 0; i < 3; i++) await send(a.url, owner.token, room.id, 'before')
    expect(skippedOn(a)).toBeGreaterThan(before)

    const onB = wsClient(b.wsUrl, member.token)
    const liveB = b.app.hearth.realtime.liveSubscriptions
    const subs = rooms.map((room) => collect(onB, MESSAGE_ADDED, { roomId: room.id }))
    // sends race the subscriptions going live on B
    const sent = await Promise.all(rooms.map((room, i) => send(a.url, owner.token, room.id, `race ${i}`)))
    await waitLive(b, liveB + rooms.length)
    const after = await Promise.all(rooms.map((room, i) => send(a.url, owner.token, room.id, `after ${i}`)))
    for (let i = 0; i < rooms.length; i++) {
      const bodies = () => subs[i].events.map((e) => e.messageAdded.body)
      await eventually(() => bodies().includes(`after ${i}`), 10_000, `room ${i}'s last message on B`)
      // whatever B got, it got once and in order, and nothing after it went live is missing
      const seqs = subs[i].events.map((e) => e.messageAdded.seq)
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
      expect(new Set(seqs).size).toBe(seqs.length)
      expect(seqs.at(-1)).toBe(after[i].seq)
      expect(seqs.at(-2) === sent[i].seq || seqs.at(0) === after[i].seq).toBe(true)
    }
    await onA.dispose()
    await onB.dispose()
  })

  it("B's hello reaching A late: what A skipped meanwhile still reaches B", async () => {
    const { owner, member, room, onA } = await quietRoom('Late hello')

    // A stops reading its subscriber connection: B's hello waits in the socket
    const stream = (a.app.hearth.pubsub as RedisBackedPubSub).subscriber.stream as unknown as { pause(): void; resume(): void }
    stream.pause()
    try {
      const onB = wsClient(b.wsUrl, member.token)
      const liveB = b.app.hearth.realtime.liveSubscriptions
      const there = collect(onB, MESSAGE_ADDED, { roomId: room.id })
      await waitLive(b, liveB + 1)
      const before = skippedOn(a)
      const missed = [await send(a.url, owner.token, room.id, 'missed 1'), await send(a.url, owner.token, room.id, 'missed 2')]
      expect(skippedOn(a)).toBe(before + 2)
      expect(there.events).toEqual([])
      stream.resume()
      // A hears the hello and tells B to read the room: both messages arrive, nothing else is sent
      await there.waitCount(2)
      expect(there.events.map((e) => e.messageAdded.seq)).toEqual(missed.map((m) => m.seq))
      await onB.dispose()
    } finally {
      stream.resume()
    }
    await onA.dispose()
  })
})
