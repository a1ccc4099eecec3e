// Live events reach a subscriber in the order they happened, also where the feed reads the
// database before delivering. On PostgreSQL the typing feed's block check for each event ran on
// any pool connection and finished in either order: "stopped typing" overtook "typing" and the
// indicator stayed on for its 6 s timeout (an audit: 2-4 of 100). roomChanged on another instance
// delivered a CODE_CHANGED (which waits for the viewer's role) after the UPDATED that followed it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import crypto from 'node:crypto'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, type TestApp } from '../helpers/app.js'
import { collect, ok, signUp, wsClient } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'

const TYPING = 'subscription($r: ID!) { typing(roomId: $r) { user { id } typing } }'
const CHANGED = 'subscription($r: ID!) { roomChanged(roomId: $r) { kind room { name code } } }'

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`live events in the order they happened (${BACKEND_NAMES[backend]}, two instances)`, () => {
    let a: TestApp
    let b: TestApp
    beforeAll(async () => {
      const databaseUrl = await databaseFor(backend)
      const redisPrefix = 'fo' + crypto.randomBytes(4).toString('hex') + ':'
      a = await startApp({ databaseUrl, redis: true, redisPrefix, env: { SEND_RATE_LIMIT_PER_USER: '0' } })
      b = await startApp({ databaseUrl, redis: true, redisPrefix, env: { SEND_RATE_LIMIT_PER_USER: '0' } })
    })
    afterAll(async () => { await a?.close(); await b?.close() })

    it('typing on and off 150 times: each subscriber sees on, off, on, off ... and ends on off', async () => {
      const typist = await signUp(a.url)
      const watcher = await signUp(a.url)
      const room = await createRoom(a.url, typist.token, 'Typing order')
      await joinByCode(a.url, watcher.token, room.code)
      const here = wsClient(a.wsUrl, watcher.token)
      const there = wsClient(b.wsUrl, watcher.token)
      const feeds = [collect(here, TYPING, { r: room.id }), collect(there, TYPING, { r: room.id })]
      for (const t of [a, b]) await expect.poll(() => t.app.hearth.realtime.liveFieldsOf(watcher.id), { timeout: 10_000 }).toContain('typing')
      const SET = 'mutation($r: ID!, $t: Boolean!) { setTyping(roomId: $r, typing: $t) }'
      for (let i = 0; i < 150; i++) {
        await ok(a.url, SET, { r: room.id, t: true }, typist.token)
        await ok(a.url, SET, { r: room.id, t: false }, typist.token)
      }
      for (const f of feeds) {
        await f.waitCount(300, 10_000)
        expect(f.events.map((e: any) => e.typing.typing)).toEqual(Array.from({ length: 300 }, (_, i) => i % 2 === 0))
      }
      await Promise.all([here.dispose(), there.dispose()])
    })

    it('a new code then a rename, 30 times: the owner sees them in that order on both instances', async () => {
      const owner = await signUp(a.url)
      const room = await createRoom(a.url, owner.token, 'Order', 'PRIVATE')
      const here = wsClient(a.wsUrl, owner.token)
      const there = wsClient(b.wsUrl, owner.token)
      const feeds = [collect(here, CHANGED, { r: room.id }), collect(there, CHANGED, { r: room.id })]
      for (const t of [a, b]) await expect.poll(() => t.app.hearth.realtime.liveFieldsOf(owner.id), { timeout: 10_000 }).toContain('roomChanged')
      for (let i = 0; i < 30; i++) {
        await ok(a.url, 'mutation($r: ID!) { regenerateRoomCode(roomId: $r) { id } }', { r: room.id }, owner.token)
        await ok(a.url, 'mutation($r: ID!, $n: String!) { updateRoom(id: $r, input: { name: $n }) { id } }', { r: room.id, n: `Order ${i}` }, owner.token)
      }
      for (const f of feeds) {
        await f.waitCount(60, 10_000)
        expect(f.events.map((e: any) => e.roomChanged.kind)).toEqual(Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? 'CODE_CHANGED' : 'UPDATED')))
      }
      await Promise.all([here.dispose(), there.dispose()])
    })
  })
}
