// Two instances behind Redis, one of which stored messages and died before publishing them (the
// store is made here with the repository's own insert, which is what a send commits before its
// PUBLISH). The other instance's subscribers must still get every stored message exactly once,
// without waiting for the room's next message: the streams' sweep finds them, a retry of the
// send through the living instance delivers them at once, and a subscriber resuming there with
// an `after` its stream has not reached yet gets nothing twice when the stream catches up.
import { afterAll, describe, expect, it } from 'vitest'
import type { Client } from 'graphql-ws'
import { startPair, waitLive, type TestApp } from '../helpers/app.js'
import { collect, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, SEND } from '../helpers/rooms.js'
import { newTimeOrderedId } from '../../src/lib/ids.js'

const pairs: { close(): Promise<void> }[] = []
const clients: Client[] = []
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()))
  for (const p of pairs) await p.close()
})

const ADDED = 'subscription($r: ID!, $after: String) { messageAdded(roomId: $r, after: $after) { seq body } }'
const EVENTS = 'subscription($r: ID!, $after: Int) { messageEvents(roomId: $r, after: $after) { seq kind message { seq body } } }'

async function setUp(sweepMs: number) {
  const pair = await startPair('sweep', { streamSweepMs: sweepMs })
  pairs.push(pair)
  const owner = await signUp(pair.a.url)
  const room = await createRoom(pair.a.url, owner.token, 'Crash')
  return { a: pair.a, b: pair.b, owner, roomId: room.id }
}

function subscribe(t: TestApp, token: string, query: string, variables: Record<string, unknown>) {
  const c = wsClient(t.wsUrl, token)
  clients.push(c)
  return collect(c, query, variables)
}

/** what an instance commits for a send before it publishes: here it never publishes */
async function storedUnpublished(b: TestApp, roomId: string, sender: TestUser, body: string, clientId: string | null = null) {
  const ev = await b.app.hearth.messages.repo.insert({ id: newTimeOrderedId(), roomId, senderId: sender.id, body, clientId, replyToId: null, now: Date.now() })
  return ev
}

describe('a room whose last events were never published', () => {
  it('reach the other instance\'s subscribers by the sweep, with no new message in the room', async () => {
    const { a, b, owner, roomId } = await setUp(200)
    const base = a.app.hearth.realtime.liveSubscriptions
    const added = subscribe(a, owner.token, ADDED, { r: roomId, after: '0' })
    const events = subscribe(a, owner.token, EVENTS, { r: roomId, after: 0 })
    await waitLive(a, base + 2)
    await ok(b.url, SEND, { roomId, body: 'one' }, owner.token)
    await added.waitCount(1)
    await storedUnpublished(b, roomId, owner, 'two, never published')
    await storedUnpublished(b, roomId, owner, 'three, never published')
    await added.waitCount(3, 10_000)
    await events.waitCount(3, 10_000)
    expect(added.events.map((e: any) => e.messageAdded.body)).toEqual(['one', 'two, never published', 'three, never published'])
    expect(events.events.map((e: any) => e.messageEvents.seq)).toEqual([1, 2, 3])
  })

  it('reach them at once when the send is retried through the living instance (no sweep)', async () => {
    const { a, b, owner, roomId } = await setUp(0)
    const base = a.app.hearth.realtime.liveSubscriptions
    const added = subscribe(a, owner.token, ADDED, { r: roomId, after: '0' })
    await waitLive(a, base + 1)
    await ok(b.url, SEND, { roomId, body: 'one' }, owner.token)
    await added.waitCount(1)
    const stored = await storedUnpublished(b, roomId, owner, 'cut off', 'retry-me')
    // the client never got its answer and sends again, to the other instance
    const again = (await ok(a.url, SEND, { roomId, body: 'cut off', clientId: 'retry-me' }, owner.token)).sendMessage
    expect(again.id).toBe(stored.message.id)
    await added.waitCount(2)
    expect(added.events.map((e: any) => e.messageAdded.seq)).toEqual([1, 2])
  })

  it('a subscriber resuming past the stream\'s position gets nothing twice when it catches up (no sweep)', async () => {
    const { a, b, owner, roomId } = await setUp(0)
    // an earlier subscriber keeps the room's stream on A open at seq 1
    let base = a.app.hearth.realtime.liveSubscriptions
    const early = subscribe(a, owner.token, ADDED, { r: roomId, after: '0' })
    await waitLive(a, base + 1)
    await ok(b.url, SEND, { roomId, body: 'one' }, owner.token)
    await early.waitCount(1)
    for (const body of ['two', 'three', 'four']) await storedUnpublished(b, roomId, owner, body)
    // a page read from the database (seq 4), then the subscriptions resume after it
    const page = (await ok(a.url, 'query($r: ID!) { messages(roomId: $r, last: 10) { edges { node { seq } } } }', { r: roomId }, owner.token)).messages.edges
    expect(page.map((e: any) => e.node.seq)).toEqual([1, 2, 3, 4])
    base = a.app.hearth.realtime.liveSubscriptions
    const added = subscribe(a, owner.token, ADDED, { r: roomId, after: '4' })
    const events = subscribe(a, owner.token, EVENTS, { r: roomId, after: 4 })
    await waitLive(a, base + 2)
    await ok(b.url, SEND, { roomId, body: 'five' }, owner.token)
    await added.waitCount(1)
    await events.waitCount(1)
    await early.waitCount(5)
    // the early subscriber got the gap filled in order; the resumed ones only what came after 4
    expect(early.events.map((e: any) => e.messageAdded.seq)).toEqual([1, 2, 3, 4, 5])
    expect(added.events.map((e: any) => e.messageAdded.seq)).toEqual([5])
    expect(events.events.map((e: any) => e.messageEvents.seq)).toEqual([5])
  })
})
