// A reaction change commits at once and its REACTIONS_CHANGED event follows within the tick. An
// instance that dies in between leaves the change stored without an event; here the change is
// made with the repository's own addReaction (what the mutation commits before its tick), and no
// tick follows. Every instance writes such an owed event once it has waited a sweep interval:
// subscribers, live and replaying from `after`, end at the stored reactions. A change whose tick
// ran owes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Client } from 'graphql-ws'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

const EVENTS = 'subscription($r: ID!, $after: Int) { messageEvents(roomId: $r, after: $after) { seq kind message { id reactions { emoji count } } } }'
const ADD = 'mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }'
const REACTIONS = 'query($r: ID!) { messages(roomId: $r, last: 1) { edges { node { reactions { emoji count } } } } }'

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`reaction events owed by an instance that died (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    let owner: TestUser, member: TestUser
    const clients: Client[] = []
    beforeAll(async () => {
      t = await startApp({ databaseUrl: await databaseFor(backend), env: { REACTION_TICK_MS: '0' }, overrides: { reactionSweepMs: 300 } })
      ;[owner, member] = await Promise.all([signUp(t.url), signUp(t.url)])
    })
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.dispose()))
      await t.close()
    })

    it('are written by the sweep, once, and replays end at the stored state', async () => {
      const room = await createRoom(t.url, owner.token, 'Owed')
      await joinByCode(t.url, member.token, room.code)
      const c = wsClient(t.wsUrl, owner.token)
      clients.push(c)
      const base = t.app.hearth.realtime.liveSubscriptions
      const live = collect(c, EVENTS, { r: room.id, after: 0 })
      await waitLive(t, base + 1)
      const m = await send(t.url, owner.token, room.id, 'react to me')
      await live.waitCount(1)
      // committed, and then its instance died before the tick wrote the event
      await t.app.hearth.messages.repo.addReaction(m.id, member.id, '👍', Date.now())
      await live.waitCount(2, 10_000)
      expect(live.events[1].messageEvents).toMatchObject({ seq: 2, kind: 'REACTIONS_CHANGED', message: { id: m.id, reactions: [{ emoji: '👍', count: 1 }] } })
      // a change through the mutation gets its event from its tick and owes nothing after it
      await ok(t.url, ADD, { m: m.id, e: '🎉' }, owner.token)
      await live.waitCount(3)
      expect(live.events[2].messageEvents.message.reactions).toEqual([{ emoji: '👍', count: 1 }, { emoji: '🎉', count: 1 }])
      expect(await t.app.hearth.messages.sweepReactionEvents()).toBe(0)
      // a client replaying the room's log ends where the database is
      const stored = (await ok(t.url, REACTIONS, { r: room.id }, owner.token)).messages.edges[0].node.reactions
      const c2 = wsClient(t.wsUrl, member.token)
      clients.push(c2)
      const replay = collect(c2, EVENTS, { r: room.id, after: 0 })
      await replay.waitCount(3)
      expect(replay.events.map((e: any) => e.messageEvents.seq)).toEqual([1, 2, 3])
      expect(replay.events[2].messageEvents.message.reactions).toEqual(stored)
      expect(live.events).toHaveLength(3)
    })
  })
}
