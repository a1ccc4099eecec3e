// A member removed while their subscription to a PRIVATE room is starting: the feed checked the
// membership, then listened on the room's control topic; a removal that answered in between
// published its `left` before the feed listened, and the feed stayed open: typing, the timer, the
// call, presence and roomChanged of the room kept reaching the removed member (an audit saw it on
// PostgreSQL, where the window is wider). Here the window is made certain: the subscribe of the
// room's control topic (on the real pub/sub, in-process or Redis) waits until the removal has
// answered. Each feed must end, and nothing of the room may reach the removed member.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, type TestApp } from '../helpers/app.js'
import { collect, ok, signUp, wsClient } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'
import { topics } from '../../src/realtime/topics.js'

const REMOVE = 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u) }'
const FEEDS: Record<string, string> = {
  typing: 'subscription($r: ID!) { typing(roomId: $r) { user { id } typing } }',
  roomTimer: 'subscription($r: ID!) { roomTimer(roomId: $r) { phase } }',
  callChanged: 'subscription($r: ID!) { callChanged(roomId: $r) { joined user { id } } }',
  presenceChanged: 'subscription($r: ID!) { presenceChanged(roomId: $r) { status user { id } } }',
  roomChanged: 'subscription($r: ID!) { roomChanged(roomId: $r) { kind room { id name code } } }',
  signalReceived: 'subscription($r: ID!) { signalReceived(roomId: $r) { kind } }',
}

for (const backend of BACKENDS) {
  for (const redis of [false, true]) {
    describe.runIf(canRun(backend))(`a removal while a room feed starts (${BACKEND_NAMES[backend]}, ${redis ? 'Redis' : 'in-process pub/sub'})`, () => {
      let t: TestApp
      beforeAll(async () => {
        t = await startApp({ databaseUrl: await databaseFor(backend), redis, redisPrefix: 'sr' + crypto.randomBytes(4).toString('hex') + ':', env: { SEND_RATE_LIMIT_PER_USER: '0' } })
      })
      afterAll(async () => { await t?.close() })

      for (const [field, query] of Object.entries(FEEDS)) {
        it(`${field}: the feed ends and nothing of the room reaches the removed member`, async () => {
          const owner = await signUp(t.url)
          const member = await signUp(t.url)
          const mate = await signUp(t.url)
          const room = await createRoom(t.url, owner.token, 'Private study', 'PRIVATE')
          await joinByCode(t.url, member.token, room.code)
          await joinByCode(t.url, mate.token, room.code)
          const mateSocket = wsClient(t.wsUrl, mate.token)
          const mateTimer = collect(mateSocket, FEEDS.roomTimer, { r: room.id })
          // the mate's feed listens before the trap is set: only the member's feed springs it
          await expect.poll(() => t.app.hearth.realtime.liveFieldsOf(mate.id), { timeout: 10_000 }).toContain('roomTimer')
          // the member's feed: its subscribe of the control topic waits until the removal answered
          const pubsub = t.app.hearth.pubsub
          const subscribe = pubsub.subscribe.bind(pubsub)
          let removal: Promise<unknown> | null = null
          pubsub.subscribe = ((topic: string, handler: (m: any) => void) => {
            if (topic === topics.roomControl(room.id) && !removal) {
              removal = ok(t.url, REMOVE, { r: room.id, u: member.id }, owner.token)
              return removal.then(() => subscribe(topic, handler))
            }
            return subscribe(topic, handler)
          }) as typeof pubsub.subscribe
          const socket = wsClient(t.wsUrl, member.token)
          try {
            const feed = collect(socket, query, { r: room.id })
            await feed.waitFor(() => feed.state.done, 10_000, `${field} to end`)
            expect(removal, JSON.stringify(feed.state.errors)).not.toBeNull()
            // the room goes on: none of it reaches the removed member
            await ok(t.url, 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', { r: room.id }, mate.token)
            await ok(t.url, 'mutation($r: ID!) { startRoomTimer(roomId: $r) { phase } }', { r: room.id }, owner.token)
            await ok(t.url, 'mutation($r: ID!) { joinCall(roomId: $r) { id } }', { r: room.id }, owner.token)
            await ok(t.url, 'mutation($r: ID!) { updateRoom(id: $r, input: { name: "Renamed" }) { id } }', { r: room.id }, owner.token)
            // the mate's feed shows the room's events were out before the member's is read
            await mateTimer.waitFor(() => mateTimer.events.some((e: any) => e.roomTimer.phase === 'FOCUS'), 10_000, 'the timer to start')
            // at most the member's own removal (roomChanged), heard when the pub/sub delivered it late
            expect(feed.events.filter((e: any) => !(e.roomChanged?.kind === 'MEMBER_REMOVED'))).toEqual([])
            expect(feed.events.length).toBeLessThanOrEqual(1)
          } finally {
            pubsub.subscribe = subscribe
            await socket.dispose()
            await mateSocket.dispose()
          }
        })
      }
    })
  }
}
