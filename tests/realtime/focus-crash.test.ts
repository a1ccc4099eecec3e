// Focus credit when the instance a member is present through dies (kill -9) in the middle of a
// phase: the stretch it left open ends where that instance last confirmed it, so the outage is
// not credited, and the member's minutes after they come back (through another instance) are.
// Instance B is the real server in a child process; instance A runs the timer on a ManualClock.
import { afterAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, ok, signUp, wsClient } from '../helpers/client.js'
import { createRoom, joinByCode } from '../helpers/rooms.js'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { ManualClock } from '../../src/modules/study/clock.js'

const MIN = 60_000
const LEASES = { PRESENCE_LEASE_TTL_MS: '1500', PRESENCE_HEARTBEAT_MS: '200' }

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`focus credit across a crash (${BACKEND_NAMES[backend]})`, () => {
    let a: TestApp | undefined
    let b: ChildServer | undefined
    afterAll(async () => { b?.proc.kill('SIGKILL'); await a?.close() })

    it('does not credit the outage after the instance a member was present through is killed', async () => {
      const databaseUrl = await databaseFor(backend)
      // the child uses the unprefixed Redis namespace: A shares it
      a = await startApp({ databaseUrl, redis: true, redisPrefix: '', env: { SEND_RATE_LIMIT_PER_USER: '0', ...LEASES } })
      b = await startChildServer({ DATABASE_URL: databaseUrl, REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', ...LEASES })
      // A's timer started 10 minutes ago (by A's clock); B records presence on the real clock
      const real = Math.ceil(Date.now() / 1000) * 1000
      const clock = new ManualClock(real - 10 * MIN)
      await a.app.hearth.timers.useClock(clock)
      const [owner, u] = await Promise.all([signUp(a.url), signUp(a.url)])
      const room = await createRoom(a.url, owner.token, 'Crash', 'PRIVATE')
      await joinByCode(a.url, u.token, room.code)
      await ok(a.url, `mutation($r: ID!) { startRoomTimer(roomId: $r, focusMinutes: 25, breakMinutes: 5) { phase } }`, { r: room.id }, owner.token)
      await clock.set(real)

      const viaB = wsClient(b.wsUrl, u.token)
      collect(viaB, `subscription($r: ID!) { typing(roomId: $r) { typing } }`, { r: room.id })
      const me = async () => (await ok(a!.url, `query($r: ID!) { room(id: $r) { timer { participants { user { id } presentSince minutesThisPhase } } } }`, { r: room.id }, owner.token))
        .room.timer.participants.find((p: any) => p.user.id === u.id)
      await eventually(async () => (await me())?.presentSince != null, 10_000, 'u present through B')
      // B confirms the stretch on its heartbeat; then it dies without a word
      const confirmed = await eventually(async () => {
        const rows = await a!.app.hearth.study.roomPresence.focus.spans(room.id)
        return rows.length && Number(rows[0].seen_at) > Number(rows[0].since) ? Number(rows[0].seen_at) : null
      }, 10_000, 'a heartbeat confirmation')
      b.proc.kill('SIGKILL')
      await b.exited
      void Promise.resolve(viaB.dispose()).catch(() => {})
      // B's lease runs out: u is no longer present
      // (with under a minute of credit, an absent member is no participant at all)
      await eventually(async () => !(await me())?.presentSince, 10_000, 'u absent once the lease ran out')

      // u comes back through A two minutes later and stays to the end (minute 25)
      await clock.set(real + 2 * MIN)
      const viaA = wsClient(a.wsUrl, u.token)
      const base = a.app.hearth.realtime.liveSubscriptions
      collect(viaA, `subscription($r: ID!) { typing(roomId: $r) { typing } }`, { r: room.id })
      await waitLive(a, base + 1)
      await a.app.hearth.study.roomPresence.idle()
      const spans = await a.app.hearth.study.roomPresence.focus.spans(room.id)
      // the stretch B left open ended where B last confirmed it (at or after `confirmed`, before the outage)
      const closed = spans.find((s) => s.until !== null)!
      expect(Number(closed.until)).toBeGreaterThanOrEqual(Number(confirmed))
      expect(Number(closed.until)).toBeLessThan(real + MIN)
      await clock.set(real + 15 * MIN)
      const sessions = (await ok(a.url, `{ studySessions { edges { node { minutes } } } }`, {}, u.token)).studySessions.edges.map((e: any) => e.node.minutes)
      // 13 minutes after the return (plus the seconds before the crash): not 15, the outage is not credited
      expect(sessions).toEqual([13])
      await viaA.dispose()
    }, 60_000)
  })
}
