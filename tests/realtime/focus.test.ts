// Focus rooms (contract part 2): honest credit on the server's clock (a ManualClock), goals,
// participants and held notifications, on SQLite and PostgreSQL, on one instance, two, and
// across a restart. Presence is real: members are present while they hold a room subscription.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, gql, ok, signUp, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'
import { ManualClock } from '../../src/modules/study/clock.js'

const MIN = 60_000
const P = `participants { user { id } goal lastGoal goalDone presentSince minutesThisPhase }`
const T = `phase cycle lastAction lastActionBy { id } ${P}`
const START = `mutation($r: ID!, $f: Int, $b: Int) { startRoomTimer(roomId: $r, focusMinutes: $f, breakMinutes: $b) { phase } }`
const PAUSE = `mutation($r: ID!) { pauseRoomTimer(roomId: $r) { ${T} } }`
const RESUME = `mutation($r: ID!) { resumeRoomTimer(roomId: $r) { ${T} } }`
const STOP = `mutation($r: ID!) { stopRoomTimer(roomId: $r) { ${T} } }`
const GOAL = `mutation($r: ID!, $g: String) { setFocusGoal(roomId: $r, goal: $g) { ${T} } }`
const DONE = `mutation($r: ID!, $d: Boolean!) { setFocusGoalDone(roomId: $r, done: $d) { ${T} } }`
const TIMER_SUB = `subscription($r: ID!) { roomTimer(roomId: $r) { ${T} } }`
const TYPING_SUB = `subscription($r: ID!) { typing(roomId: $r) { typing } }`
const SESSIONS = `query { studySessions(first: 100) { edges { node { minutes startedAt endedAt room { id } } } } }`
const iso = (ms: number) => new Date(ms).toISOString()

const minutesOf = async (url: string, u: TestUser) =>
  (await ok(url, SESSIONS, {}, u.token)).studySessions.edges.map((e: any) => e.node.minutes) as number[]
const timer = async (url: string, u: TestUser, r: string) => (await ok(url, `query($r: ID!) { room(id: $r) { timer { ${T} } } }`, { r }, u.token)).room.timer
const participant = async (url: string, viewer: TestUser, r: string, of: TestUser) =>
  (await timer(url, viewer, r)).participants.find((p: any) => p.user.id === of.id) ?? null
const live = (t: TestApp) => t.app.hearth.realtime.liveSubscriptions
/** every presence write (stretch opened or closed) started so far is in the database */
const settle = (...apps: TestApp[]) => Promise.all(apps.map((t) => t.app.hearth.study.roomPresence.idle()))

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`focus credit and goals (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    let clock: ManualClock
    beforeAll(async () => {
      t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '0' } })
      clock = new ManualClock(Math.ceil(Date.now() / 1000) * 1000)
      await t.app.hearth.timers.useClock(clock)
    })
    afterAll(async () => { await t.close() })

    /** a room of n fresh members, the first its owner */
    async function room(n: number) {
      const users = await Promise.all(Array.from({ length: n }, () => signUp(t.url)))
      const r = await createRoom(t.url, users[0].token, 'Focus ' + crypto.randomBytes(3).toString('hex'), 'PRIVATE')
      for (const u of users.slice(1)) await joinByCode(t.url, u.token, r.code)
      return { r, users }
    }
    /** opens a room subscription for u (u becomes present); returns its closer */
    async function enter(u: TestUser, roomId: string) {
      const w = wsClient(t.wsUrl, u.token)
      const base = live(t)
      const s = collect(w, TYPING_SUB, { r: roomId })
      await waitLive(t, base + 1)
      await settle(t)
      return async () => {
        s.dispose()
        await eventually(async () => (await participant(t.url, u, roomId, u))?.presentSince == null, 5000, 'absence')
        await settle(t)
        await w.dispose()
      }
    }

    it('a friend sees focusUntil change live: set when the phase starts, null when it pauses, set again on resume', async () => {
      const { r, users: [a] } = await room(1)
      const friend = await signUp(t.url)
      const req = (await ok(t.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: a.id }, friend.token)).sendFriendRequest
      await ok(t.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: req.id }, a.token)
      const leaveA = await enter(a, r.id)
      const fw = wsClient(t.wsUrl, friend.token)
      const base = live(t)
      const feed = collect(fw, 'subscription { presenceChanged { status focusUntil user { id } } }')
      await waitLive(t, base + 1)
      const ofA = () => feed.events.map((e: any) => e.presenceChanged).filter((p: any) => p.user.id === a.id)
      // a itself, following the room's presence (members lists show its own "Focusing" too)
      const aw = wsClient(t.wsUrl, a.token)
      const roomFeed = collect(aw, 'subscription($r: ID) { presenceChanged(roomId: $r) { focusUntil user { id } } }', { r: r.id })
      await waitLive(t, base + 2)
      await ok(t.url, START, { r: r.id, f: 25, b: 5 }, a.token)
      await feed.waitFor(() => ofA().some((p: any) => p.focusUntil !== null), 5000, 'focusUntil set')
      await roomFeed.waitFor(() => roomFeed.events.some((e: any) => e.presenceChanged.user.id === a.id && e.presenceChanged.focusUntil !== null), 5000, 'focusUntil in the room')
      await aw.dispose()
      expect(Date.parse(ofA().at(-1).focusUntil)).toBe(clock.now() + 25 * MIN)
      expect(ofA().at(-1).status).toBe('ONLINE')
      const seen = ofA().length
      await ok(t.url, PAUSE, { r: r.id }, a.token)
      await feed.waitFor(() => ofA().length > seen && ofA().at(-1).focusUntil === null, 5000, 'focusUntil cleared on pause')
      await ok(t.url, RESUME, { r: r.id }, a.token)
      await feed.waitFor(() => ofA().at(-1).focusUntil !== null, 5000, 'focusUntil set again on resume')
      await ok(t.url, STOP, { r: r.id }, a.token)
      await feed.waitFor(() => ofA().at(-1).focusUntil === null, 5000, 'focusUntil cleared on stop')
      await fw.dispose()
      await leaveA()
    })

    it('credits whole minutes present: the whole phase 25, from minute 24 1, away for 10 minutes 15', async () => {
      const { r, users: [a, b, c, d] } = await room(4)
      const leaveA = await enter(a, r.id)
      const leaveC = await enter(c, r.id)
      const t0 = clock.now()
      await ok(t.url, START, { r: r.id, f: 25, b: 5 }, a.token)
      await clock.advance(5 * MIN)
      await leaveC()
      expect(await participant(t.url, a, r.id, c)).toMatchObject({ presentSince: null, minutesThisPhase: 5 })
      await clock.advance(10 * MIN)
      const backC = await enter(c, r.id)
      expect(await participant(t.url, a, r.id, c)).toMatchObject({ presentSince: iso(t0 + 15 * MIN), minutesThisPhase: 5 })
      await clock.advance(9 * MIN)
      const leaveB = await enter(b, r.id)
      expect(await participant(t.url, a, r.id, a)).toMatchObject({ presentSince: iso(t0), minutesThisPhase: 24 })
      await clock.advance(MIN)
      expect((await timer(t.url, a, r.id))).toMatchObject({ phase: 'BREAK', cycle: 1 })
      expect(await minutesOf(t.url, a)).toEqual([25])
      expect(await minutesOf(t.url, b)).toEqual([1])
      expect(await minutesOf(t.url, c)).toEqual([15])
      // d, a member who never opened the room, earns nothing
      expect(await minutesOf(t.url, d)).toEqual([])
      const s = (await ok(t.url, SESSIONS, {}, c.token)).studySessions.edges[0].node
      expect(s).toEqual({ minutes: 15, startedAt: iso(t0), endedAt: iso(t0 + 25 * MIN), room: { id: r.id } })
      await ok(t.url, STOP, { r: r.id }, a.token)
      for (const f of [leaveA, leaveB, backC]) await f()
    })

    it('a member who leaves the room or is removed mid-phase keeps the minutes present so far; one who rejoins is credited from the rejoin', async () => {
      const { r, users: [a, b, c, d] } = await room(4)
      const leaveA = await enter(a, r.id)
      await enter(b, r.id)
      await enter(c, r.id)
      const leaveD = await enter(d, r.id)
      const t0 = clock.now()
      await ok(t.url, START, { r: r.id, f: 25, b: 5 }, a.token)
      await clock.advance(10 * MIN)
      // b leaves, the owner removes c: recorded at once, 10 minutes each
      await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: r.id }, b.token)
      await ok(t.url, 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u) }', { r: r.id, u: c.id }, a.token)
      expect(await minutesOf(t.url, b)).toEqual([10])
      expect(await minutesOf(t.url, c)).toEqual([10])
      const s = (await ok(t.url, SESSIONS, {}, b.token)).studySessions.edges[0].node
      expect(s).toEqual({ minutes: 10, startedAt: iso(t0), endedAt: iso(t0 + 10 * MIN), room: null })
      // d leaves at 12, rejoins and is back at 15: 12 now, 10 more at the phase's end
      await clock.advance(2 * MIN)
      await leaveD()
      await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: r.id }, d.token)
      expect(await minutesOf(t.url, d)).toEqual([12])
      await clock.advance(3 * MIN)
      await joinByCode(t.url, d.token, r.code)
      const backD = await enter(d, r.id)
      await clock.advance(10 * MIN)
      expect((await timer(t.url, a, r.id))).toMatchObject({ phase: 'BREAK', cycle: 1 })
      expect(await minutesOf(t.url, a)).toEqual([25])
      expect((await minutesOf(t.url, d)).sort((x, y) => x - y)).toEqual([10, 12])
      // nothing more for those who left
      expect(await minutesOf(t.url, b)).toEqual([10])
      expect(await minutesOf(t.url, c)).toEqual([10])
      await ok(t.url, STOP, { r: r.id }, a.token)
      for (const f of [leaveA, backD]) await f()
    })

    it('members leaving at the moment the timer stops are credited once each: neither twice (leave and stop) nor never', async () => {
      const { r, users } = await room(7)
      const [owner, ...others] = users
      const closers = []
      for (const u of users) closers.push(await enter(u, r.id))
      await ok(t.url, START, { r: r.id, f: 25, b: 5 }, owner.token)
      await clock.advance(10 * MIN)
      const leavers = others.slice(0, 5)
      await Promise.all([
        ok(t.url, STOP, { r: r.id }, owner.token),
        ...leavers.map((u) => ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: r.id }, u.token)),
      ])
      // before: on PostgreSQL a leaver was often credited twice (by the stop and by the leave), on
      // SQLite never (the stop no longer saw them as members, the leave found the timer stopped)
      for (const u of [owner, ...others]) expect(await minutesOf(t.url, u), u.username).toEqual([10])
      await clock.advance(30 * MIN)
      for (const u of [owner, ...others]) expect(await minutesOf(t.url, u), u.username).toEqual([10])
      for (const [i, close] of closers.entries()) if (i === 0 || i > 5) await close()
    })

    it('leaves pauses out, and a stop in the middle of a phase credits the minutes so far', async () => {
      const { r, users: [a, b] } = await room(2)
      const leaveA = await enter(a, r.id)
      const leaveB = await enter(b, r.id)
      await ok(t.url, START, { r: r.id, f: 25, b: 5 }, a.token)
      await clock.advance(10 * MIN)
      const paused = (await ok(t.url, PAUSE, { r: r.id }, b.token)).pauseRoomTimer
      expect(paused).toMatchObject({ phase: 'PAUSED', lastAction: 'PAUSED', lastActionBy: { id: b.id } })
      await clock.advance(40 * MIN)
      expect(await participant(t.url, a, r.id, a)).toMatchObject({ minutesThisPhase: 10 })
      await ok(t.url, RESUME, { r: r.id }, a.token)
      await clock.advance(15 * MIN)
      expect(await minutesOf(t.url, a)).toEqual([25])
      // the break, then 7 minutes into the next focus a stops: 7 each, recorded at once
      await clock.advance(5 * MIN + 7 * MIN)
      const stopped = (await ok(t.url, STOP, { r: r.id }, a.token)).stopRoomTimer
      expect(stopped).toMatchObject({ phase: 'STOPPED', lastAction: 'STOPPED', lastActionBy: { id: a.id } })
      expect(await minutesOf(t.url, a)).toEqual([7, 25])
      expect(await minutesOf(t.url, b)).toEqual([7, 25])
      // a stopped timer credits nothing more
      await clock.advance(60 * MIN)
      expect(await minutesOf(t.url, a)).toEqual([7, 25])
      await leaveA(); await leaveB()
    })

    it('a phase ended long ago (no instance up for whole cycles) is recorded from its own start to its own end', async () => {
      const { r, users: [a] } = await room(1)
      const leaveA = await enter(a, r.id)
      const t0 = clock.now()
      await ok(t.url, START, { r: r.id, f: 2, b: 1 }, a.token)
      // the schedule runs on while nothing moves it: 20 minutes are six whole cycles and more
      await clock.advance(20 * MIN)
      await eventually(async () => (await minutesOf(t.url, a)).length === 1, 5000, 'the credit')
      const s = (await ok(t.url, SESSIONS, {}, a.token)).studySessions.edges[0].node
      expect(s).toEqual({ minutes: 2, startedAt: iso(t0), endedAt: iso(t0 + 2 * MIN), room: { id: r.id } })
      expect(await timer(t.url, a, r.id)).toMatchObject({ phase: 'BREAK', cycle: 7 })
      await ok(t.url, STOP, { r: r.id }, a.token)
      await leaveA()
    })

    it('a stopped timer still lists who is present and since when; leaving then takes them off', async () => {
      const { r, users: [a, b] } = await room(2)
      const leaveA = await enter(a, r.id)
      await clock.advance(MIN)
      // present before the room had a timer: present since its start
      const arrivedA = clock.now()
      await ok(t.url, START, { r: r.id, f: 25, b: 5 }, a.token)
      await clock.advance(3 * MIN)
      const stopped = (await ok(t.url, STOP, { r: r.id }, a.token)).stopRoomTimer
      expect(stopped.participants.find((p: any) => p.user.id === a.id)).toMatchObject({ presentSince: iso(arrivedA) })
      await clock.advance(MIN)
      const arrivedB = clock.now()
      const leaveB = await enter(b, r.id)
      expect(await participant(t.url, a, r.id, b)).toMatchObject({ presentSince: iso(arrivedB) })
      expect(await participant(t.url, b, r.id, a)).toMatchObject({ presentSince: iso(arrivedA) })
      await leaveB()
      expect(await participant(t.url, a, r.id, b)).toBeNull()
      // the next round credits from its own start whoever stayed
      const t1 = clock.now()
      await ok(t.url, START, { r: r.id, f: 1, b: 1 }, a.token)
      await clock.advance(MIN)
      await eventually(async () => (await minutesOf(t.url, a)).length === 2, 5000, 'the second credit')
      expect(await minutesOf(t.url, a)).toEqual([1, 3])
      expect((await ok(t.url, SESSIONS, {}, a.token)).studySessions.edges[0].node).toMatchObject({ startedAt: iso(t1), endedAt: iso(t1 + MIN) })
      expect(await minutesOf(t.url, b)).toEqual([])
      await ok(t.url, STOP, { r: r.id }, a.token)
      await leaveA()
    })

    it('keeps goals per participant for the phase, refuses bad ones and changes nothing, and asks "done / not yet" after', async () => {
      const { r, users: [a, b, c] } = await room(3)
      const leaveA = await enter(a, r.id)
      const leaveB = await enter(b, r.id)
      const code = async (u: TestUser, g: unknown) => (await gql(t.url, GOAL, { r: r.id, g }, u.token)).errors?.[0]?.extensions
      // no timer yet: CONFLICT
      expect(await code(a, 'Chapter 3')).toMatchObject({ code: 'CONFLICT' })
      await ok(t.url, START, { r: r.id, f: 25, b: 5 }, a.token)
      const wa = wsClient(t.wsUrl, a.token)
      const base = live(t)
      const sa = collect(wa, TIMER_SUB, { r: r.id })
      await waitLive(t, base + 1)
      const set = (await ok(t.url, GOAL, { r: r.id, g: '  Chapter 3 exercises  ' }, a.token)).setFocusGoal
      expect(set.participants.find((p: any) => p.user.id === a.id).goal).toBe('Chapter 3 exercises')
      // published to the room
      await sa.waitFor(() => sa.events.some((e) => e.roomTimer.participants.some((p: any) => p.goal === 'Chapter 3 exercises')), 5000, 'the goal on the feed')
      await ok(t.url, GOAL, { r: r.id, g: 'Read 🦊'.repeat(20) }, b.token)
      // 140 code points (emoji are one each) pass; 141 do not
      expect(await code(b, 'é'.repeat(141))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'goal' })
      expect(await code(b, '   ')).toMatchObject({ code: 'BAD_USER_INPUT', field: 'goal' })
      expect(await code(b, '🦊'.repeat(140))).toBeUndefined()
      expect(await code(b, '🦊'.repeat(141))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'goal' })
      // c is a member but not present: CONFLICT
      expect(await code(c, 'Sneaky')).toMatchObject({ code: 'CONFLICT' })
      const now = await timer(t.url, c, r.id)
      const goals = Object.fromEntries(now.participants.map((p: any) => [p.user.id, p.goal]))
      expect(goals).toEqual({ [a.id]: 'Chapter 3 exercises', [b.id]: '🦊'.repeat(140) })
      // null clears
      await ok(t.url, GOAL, { r: r.id, g: null }, b.token)
      expect((await participant(t.url, c, r.id, b)).goal).toBeNull()
      await ok(t.url, GOAL, { r: r.id, g: 'Essay outline' }, b.token)

      await clock.advance(25 * MIN)
      const brk = await timer(t.url, c, r.id)
      expect(brk.phase).toBe('BREAK')
      expect(brk.participants.map((p: any) => [p.goal, p.lastGoal, p.goalDone])).toEqual(expect.arrayContaining([
        [null, 'Chapter 3 exercises', null], [null, 'Essay outline', null],
      ]))
      // in the break: no goal can be set; "done / not yet" answers for the last one
      expect(await code(a, 'More')).toMatchObject({ code: 'CONFLICT' })
      await ok(t.url, DONE, { r: r.id, d: true }, a.token)
      await ok(t.url, DONE, { r: r.id, d: false }, b.token)
      expect((await gql(t.url, DONE, { r: r.id, d: true }, c.token)).errors?.[0]?.extensions?.code).toBe('CONFLICT')
      await sa.waitFor(() => sa.events.some((e) => e.roomTimer.participants.some((p: any) => p.goalDone === false)), 5000, 'answers on the feed')
      expect((await participant(t.url, c, r.id, a)).goalDone).toBe(true)
      // the next focus starts clean
      await clock.advance(5 * MIN)
      expect((await timer(t.url, c, r.id)).participants.map((p: any) => [p.goal, p.lastGoal])).toEqual([[null, null], [null, null]])
      await ok(t.url, STOP, { r: r.id }, a.token)
      await wa.dispose()
      await leaveA(); await leaveB()
    })

    it('holds notifications while focusing and delivers them in order when the phase ends, never before', async () => {
      const { r, users: [a, b] } = await room(2)
      const leaveA = await enter(a, r.id)
      const me = (u: TestUser) => ok(t.url, `query { me { holdNotificationsWhileFocusing heldNotificationCount } }`, {}, u.token).then((d) => d.me)
      expect(await me(a)).toEqual({ holdNotificationsWhileFocusing: true, heldNotificationCount: 0 })
      // someone else's setting is not shown
      expect((await ok(t.url, `query($id: ID!) { user(id: $id) { holdNotificationsWhileFocusing heldNotificationCount } }`, { id: a.id }, b.token)).user)
        .toEqual({ holdNotificationsWhileFocusing: null, heldNotificationCount: null })
      const wa = wsClient(t.wsUrl, a.token)
      const base = live(t)
      const notes = collect(wa, `subscription { notifications { kind message { body } } }`)
      await waitLive(t, base + 1)
      await ok(t.url, START, { r: r.id, f: 25, b: 5 }, b.token)
      await clock.advance(3 * MIN)
      for (const body of ['first @' + a.username, 'second @' + a.username, 'third @' + a.username]) await send(t.url, b.token, r.id, body)
      await eventually(async () => (await me(a)).heldNotificationCount === 3, 5000, 'three held')
      // stored (the inbox lists them) but not delivered
      const list = (await ok(t.url, `query { notificationsList { message { body } } }`, {}, a.token)).notificationsList
      expect(list).toHaveLength(3)
      expect(notes.events).toEqual([])
      await clock.advance(21 * MIN)
      expect(notes.events).toEqual([])
      await clock.advance(MIN)
      await notes.waitCount(3)
      expect(notes.events.map((e) => e.notifications.message.body)).toEqual(['first', 'second', 'third'].map((w) => `${w} @${a.username}`))
      expect((await me(a)).heldNotificationCount).toBe(0)
      // during the break notifications go out at once
      await send(t.url, b.token, r.id, 'break @' + a.username)
      await notes.waitCount(4)
      // with holding off they are delivered while focusing too
      await clock.advance(5 * MIN)
      expect((await ok(t.url, `mutation { setNotificationHold(enabled: false) { holdNotificationsWhileFocusing } }`, {}, a.token)).setNotificationHold)
        .toEqual({ holdNotificationsWhileFocusing: false })
      await send(t.url, b.token, r.id, 'focus @' + a.username)
      await notes.waitCount(5)
      expect(notes.events.at(-1).notifications.message.body).toBe('focus @' + a.username)
      await ok(t.url, `mutation { setNotificationHold(enabled: true) { id } }`, {}, a.token)
      // held again; leaving the room ends a's focus there, and what was held goes out
      await send(t.url, b.token, r.id, 'later @' + a.username)
      await eventually(async () => (await me(a)).heldNotificationCount === 1, 5000, 'one held')
      expect(notes.events).toHaveLength(5)
      await leaveA()
      await notes.waitCount(6)
      await ok(t.url, STOP, { r: r.id }, b.token)
      await wa.dispose()
    })

    // Last in this block: it swaps in a clock whose readings move on by a millisecond each, as
    // real time does between the timer's start and the server's next look at the clock. Members
    // present before the start were present for the whole phase: a 1-minute phase earns them 1
    // minute (their stretch starting a few readings late used to earn nothing).
    it('credits the whole phase to members present before the start, however long the start takes', async () => {
      let ticks = 0
      const ticking = { now: () => clock.now() + ++ticks, setTimer: (at: number, fn: () => unknown) => clock.setTimer(at, fn) }
      await t.app.hearth.timers.useClock(ticking)
      const { r, users: [a, b] } = await room(2)
      const leaveA = await enter(a, r.id)
      const leaveB = await enter(b, r.id)
      await ok(t.url, START, { r: r.id, f: 1, b: 1 }, a.token)
      const started = (await ok(t.url, `query($r: ID!) { room(id: $r) { timer { phaseStartedAt } } }`, { r: r.id }, a.token)).room.timer
      for (const u of [a, b]) expect((await participant(t.url, a, r.id, u))?.presentSince).toBe(started.phaseStartedAt)
      // ticks stay far below a second: one minute and a second later the phase is over
      await clock.advance(MIN + 1000)
      expect((await timer(t.url, a, r.id)).phase).toBe('BREAK')
      expect(await minutesOf(t.url, a)).toEqual([1])
      expect(await minutesOf(t.url, b)).toEqual([1])
      await ok(t.url, STOP, { r: r.id }, a.token)
      await leaveA()
      await leaveB()
    })
  })

  describe.runIf(canRun(backend))(`focus credit across instances and restarts (${BACKEND_NAMES[backend]})`, () => {
    it('credits a member present through instance B for a timer run by instance A, once', async () => {
      const databaseUrl = await databaseFor(backend)
      const prefix = 't' + crypto.randomBytes(4).toString('hex') + ':'
      const one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
      const two = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
      try {
        const t0 = Math.ceil(Date.now() / 1000) * 1000
        // B's clock stays put: only A moves the timer
        const [c1, c2] = [new ManualClock(t0), new ManualClock(t0)]
        await one.app.hearth.timers.useClock(c1)
        await two.app.hearth.timers.useClock(c2)
        const [a, b] = await Promise.all([signUp(one.url), signUp(one.url)])
        const r = await createRoom(one.url, a.token, 'Two instances', 'PRIVATE')
        await joinByCode(one.url, b.token, r.code)
        const wb = wsClient(two.wsUrl, b.token)
        const base = live(two)
        collect(wb, TYPING_SUB, { r: r.id })
        await waitLive(two, base + 1)
        await settle(two)
        await ok(one.url, START, { r: r.id, f: 25, b: 5 }, a.token)
        await c1.advance(12 * MIN)
        expect(await participant(one.url, a, r.id, b)).toMatchObject({ presentSince: iso(t0), minutesThisPhase: 12 })
        await c1.advance(13 * MIN)
        expect((await timer(one.url, a, r.id)).phase).toBe('BREAK')
        expect(await minutesOf(one.url, b)).toEqual([25])
        expect(await minutesOf(one.url, a)).toEqual([])
        await wb.dispose()
      } finally {
        await one.close(); await two.close()
      }
    })

    it('credits exactly once across a restart of the instance that runs the timer, the member present through the other', async () => {
      const databaseUrl = await databaseFor(backend)
      const prefix = 't' + crypto.randomBytes(4).toString('hex') + ':'
      let one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
      const two = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
      try {
        const t0 = Math.ceil(Date.now() / 1000) * 1000
        await one.app.hearth.timers.useClock(new ManualClock(t0))
        await two.app.hearth.timers.useClock(new ManualClock(t0))
        const [a, b] = await Promise.all([signUp(one.url), signUp(one.url)])
        const r = await createRoom(one.url, a.token, 'Restarted', 'PRIVATE')
        await joinByCode(one.url, b.token, r.code)
        const wb = wsClient(two.wsUrl, b.token)
        const base = live(two)
        collect(wb, TYPING_SUB, { r: r.id })
        await waitLive(two, base + 1)
        await settle(two)
        await ok(one.url, START, { r: r.id, f: 25, b: 5 }, a.token)
        await one.close()
        // A comes back 10 minutes into the phase and performs its end
        one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
        const c = new ManualClock(t0 + 10 * MIN)
        await one.app.hearth.timers.useClock(c)
        expect(await participant(one.url, a, r.id, b)).toMatchObject({ presentSince: iso(t0), minutesThisPhase: 10 })
        await c.advance(15 * MIN)
        expect((await timer(one.url, a, r.id)).phase).toBe('BREAK')
        expect(await minutesOf(one.url, b)).toEqual([25])
        // another restart and catch-up changes nothing
        await one.close()
        one = await startApp({ redis: true, redisPrefix: prefix, databaseUrl })
        await one.app.hearth.timers.useClock(new ManualClock(t0 + 26 * MIN))
        expect(await minutesOf(one.url, b)).toEqual([25])
        await wb.dispose()
      } finally {
        await one.close(); await two.close()
      }
    })

    it('on one instance, loses only the outage: present 0-10, down until 12, back until 25 earns 23', async () => {
      const databaseUrl = await databaseFor(backend)
      let t = await startApp({ databaseUrl })
      try {
        const t0 = Math.ceil(Date.now() / 1000) * 1000
        let clock = new ManualClock(t0)
        await t.app.hearth.timers.useClock(clock)
        const a = await signUp(t.url)
        const r = await createRoom(t.url, a.token, 'Outage', 'PRIVATE')
        let w = wsClient(t.wsUrl, a.token)
        let base = live(t)
        collect(w, TYPING_SUB, { r: r.id })
        await waitLive(t, base + 1)
        await settle(t)
        await ok(t.url, START, { r: r.id, f: 25, b: 5 }, a.token)
        await clock.advance(10 * MIN)
        await t.close()
        await w.dispose()
        t = await startApp({ databaseUrl })
        clock = new ManualClock(t0 + 12 * MIN)
        await t.app.hearth.timers.useClock(clock)
        w = wsClient(t.wsUrl, a.token)
        base = live(t)
        collect(w, TYPING_SUB, { r: r.id })
        await waitLive(t, base + 1)
        await settle(t)
        expect(await participant(t.url, a, r.id, a)).toMatchObject({ presentSince: iso(t0 + 12 * MIN), minutesThisPhase: 10 })
        await clock.advance(13 * MIN)
        expect(await minutesOf(t.url, a)).toEqual([23])
        await w.dispose()
      } finally {
        await t.close()
      }
    })
  })
}
