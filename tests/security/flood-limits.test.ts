// Per-user buckets on actions that create things or notify others (issue 13, findings 2 and 7;
// contract part 2's header): one user flooding createRoom, joinRoom/leaveRoom, friend
// request/cancel or recordStudySession is refused with RATE_LIMITED (retryAfterSeconds) after
// the bucket, and the people watching get at most the bucket's worth of events. Each runs on
// SQLite and PostgreSQL, with the limits at their defaults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, canRun, databaseFor, startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, ok, signUp, uniqueName, wsClient } from '../helpers/client.js'
import { createRoom } from '../helpers/rooms.js'
import { loadConfig } from '../../src/config.js'

const DEFAULTS = loadConfig({})
// the buckets at their defaults (and SEND_RATE_LIMIT_PER_USER at its default, not 0)
const DEFAULT_ENV = {
  SEND_RATE_LIMIT_PER_USER: String(DEFAULTS.sendRateLimitPerUser),
  ROOM_CREATE_RATE_LIMIT: String(DEFAULTS.roomCreateRateLimit),
  ROOM_JOIN_RATE_LIMIT: String(DEFAULTS.roomJoinRateLimit),
  FRIEND_REQUEST_RATE_LIMIT: String(DEFAULTS.friendRequestRateLimit),
  STUDY_RECORD_RATE_LIMIT: String(DEFAULTS.studyRecordRateLimit),
}

const CREATE = 'mutation($n: String!) { createRoom(input: { name: $n }) { id } }'
const JOIN = 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }'
const LEAVE = 'mutation($r: ID!) { leaveRoom(roomId: $r) }'
const REQUEST = 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }'
const CANCEL = 'mutation($id: ID!) { cancelFriendRequest(id: $id) { id status } }'
const RECORD = 'mutation($m: Int!) { recordStudySession(minutes: $m) { id } }'
const PRESENCE = 'subscription($r: ID) { presenceChanged(roomId: $r) { user { id } joined left } }'
const NOTIFICATIONS = 'subscription { notifications { id kind actor { id } } }'

type Result = { errors?: { extensions?: { code?: string; retryAfterSeconds?: number } }[] }
const codeOf = (r: Result) => r.errors?.[0]?.extensions?.code ?? 'OK'
function expectLimited(results: Result[], allowed: number) {
  const codes = results.map(codeOf)
  expect(codes.filter((c) => c === 'OK').length).toBeLessThanOrEqual(allowed)
  expect(codes.every((c) => c === 'OK' || c === 'RATE_LIMITED')).toBe(true)
  const limited = results.find((r) => codeOf(r) === 'RATE_LIMITED')
  expect(limited).toBeDefined()
  const after = limited!.errors![0].extensions!.retryAfterSeconds!
  expect(after).toBeGreaterThanOrEqual(1)
  expect(after).toBeLessThanOrEqual(60)
}

it('the defaults are the contract part 2 buckets', () => {
  expect([DEFAULTS.roomCreateRateLimit, DEFAULTS.roomJoinRateLimit, DEFAULTS.friendRequestRateLimit, DEFAULTS.studyRecordRateLimit]).toEqual([10, 30, 20, 20])
})

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`per-user flood buckets (${backend})`, () => {
    let t: TestApp
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend), env: DEFAULT_ENV }) })
    afterAll(async () => { await t?.close() })

    it('25 createRoom at once: ROOM_CREATE_RATE_LIMIT rooms, the rest RATE_LIMITED with retryAfterSeconds, and no more rooms stored', async () => {
      const a = await signUp(t.url, uniqueName('maker'))
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => gql(t.url, CREATE, { n: `Flood ${i}` }, a.token)))
      const made = results.filter((r) => codeOf(r) === 'OK').length
      console.log(`[${backend}] 25 concurrent createRoom: ${made} rooms, ${25 - made} RATE_LIMITED`)
      expectLimited(results, DEFAULTS.roomCreateRateLimit)
      expect(made).toBe(DEFAULTS.roomCreateRateLimit)
      expect((await ok(t.url, '{ myRooms { id } }', {}, a.token)).myRooms.length).toBe(made)
    })

    it('150 joinRoom + leaveRoom pairs: refused after ROOM_JOIN_RATE_LIMIT, and a member watching sees at most that many join/leave events', async () => {
      const owner = await signUp(t.url, uniqueName('owner'))
      const flooder = await signUp(t.url, uniqueName('flooder'))
      const late = await signUp(t.url, uniqueName('late'))
      const room = await createRoom(t.url, owner.token, 'Lobby')
      const ws = wsClient(t.wsUrl, owner.token)
      try {
        const base = t.app.hearth.realtime.liveSubscriptions
        const sub = collect(ws, PRESENCE, { r: room.id })
        await waitLive(t, base + 1)
        const results: Result[] = []
        for (let i = 0; i < 150; i++) {
          results.push(await gql(t.url, JOIN, { r: room.id }, flooder.token))
          results.push(await gql(t.url, LEAVE, { r: room.id }, flooder.token))
        }
        // a later join by someone else: once the watcher has it, it has everything before it
        await ok(t.url, JOIN, { r: room.id }, late.token)
        await sub.waitFor(() => sub.events.some((e) => e.presenceChanged.user.id === late.id), 10_000, 'the late join')
        const fromFlooder = sub.events.filter((e) => e.presenceChanged.user.id === flooder.id).length
        console.log(`[${backend}] 150 join/leave pairs: ${results.filter((r) => codeOf(r) === 'OK').length} accepted, watcher got ${fromFlooder} presence events`)
        expectLimited(results, DEFAULTS.roomJoinRateLimit)
        expect(fromFlooder).toBeLessThanOrEqual(DEFAULTS.roomJoinRateLimit)
      } finally {
        await ws.dispose()
      }
    }, 60_000)

    it('200 friend request + cancel pairs: refused after FRIEND_REQUEST_RATE_LIMIT, and the victim gets at most that many notifications', async () => {
      const victim = await signUp(t.url, uniqueName('victim'))
      const flooder = await signUp(t.url, uniqueName('flooder'))
      const friend = await signUp(t.url, uniqueName('friend'))
      const ws = wsClient(t.wsUrl, victim.token)
      try {
        const base = t.app.hearth.realtime.liveSubscriptions
        const sub = collect(ws, NOTIFICATIONS)
        await waitLive(t, base + 1)
        const results: Result[] = []
        for (let i = 0; i < 200; i++) {
          const r = await gql(t.url, REQUEST, { u: victim.id }, flooder.token)
          results.push(r)
          // the cancel is tried whenever there is a request to cancel
          if (codeOf(r) === 'OK') results.push(await gql(t.url, CANCEL, { id: r.data.sendFriendRequest.id }, flooder.token))
        }
        await ok(t.url, REQUEST, { u: victim.id }, friend.token)
        await sub.waitFor(() => sub.events.some((e) => e.notifications.actor?.id === friend.id), 10_000, "the friend's request")
        const fromFlooder = sub.events.filter((e) => e.notifications.actor?.id === flooder.id).length
        const unread = (await ok(t.url, '{ unreadNotificationCount }', {}, victim.token)).unreadNotificationCount
        console.log(`[${backend}] 200 friend request+cancel pairs: ${results.filter((r) => codeOf(r) === 'OK').length} accepted, victim got ${fromFlooder} notifications live, ${unread} unread`)
        expectLimited(results, DEFAULTS.friendRequestRateLimit)
        expect(fromFlooder).toBeLessThanOrEqual(DEFAULTS.friendRequestRateLimit)
        expect(unread).toBeLessThanOrEqual(DEFAULTS.friendRequestRateLimit + 1)
      } finally {
        await ws.dispose()
      }
    }, 60_000)

    it('30 recordStudySession at once: STUDY_RECORD_RATE_LIMIT stored, the rest RATE_LIMITED', async () => {
      const a = await signUp(t.url, uniqueName('student'))
      const results = await Promise.all(Array.from({ length: 30 }, () => gql(t.url, RECORD, { m: 25 }, a.token)))
      const stored = (await ok(t.url, '{ studySessions(first: 100) { edges { node { id } } } }', {}, a.token)).studySessions.edges.length
      console.log(`[${backend}] 30 concurrent recordStudySession: ${stored} stored`)
      expectLimited(results, DEFAULTS.studyRecordRateLimit)
      expect(stored).toBe(DEFAULTS.studyRecordRateLimit)
    })

    it('a recordStudySession refused for its room uses up none of the limit', async () => {
      const a = await signUp(t.url, uniqueName('student'))
      const other = await signUp(t.url, uniqueName('owner'))
      const priv = (await ok(t.url, 'mutation($i: CreateRoomInput!) { createRoom(input: $i) { id } }', { i: { name: 'Not yours', kind: 'PRIVATE' } }, other.token)).createRoom
      for (let i = 0; i < DEFAULTS.studyRecordRateLimit; i++) {
        expect(codeOf(await gql(t.url, 'mutation($r: ID) { recordStudySession(roomId: $r, minutes: 5) { id } }', { r: priv.id }, a.token))).toBe('NOT_FOUND')
      }
      // the whole bucket is still there
      for (let i = 0; i < DEFAULTS.studyRecordRateLimit; i++) expect(codeOf(await gql(t.url, RECORD, { m: 5 }, a.token))).toBe('OK')
      expect(codeOf(await gql(t.url, RECORD, { m: 5 }, a.token))).toBe('RATE_LIMITED')
    })

    it('the buckets are per user: another user is not limited by the flooder', async () => {
      const a = await signUp(t.url, uniqueName('a'))
      const b = await signUp(t.url, uniqueName('b'))
      await Promise.all(Array.from({ length: DEFAULTS.roomCreateRateLimit + 1 }, (_, i) => gql(t.url, CREATE, { n: `A ${i}` }, a.token)))
      expect(codeOf(await gql(t.url, CREATE, { n: 'A more' }, a.token))).toBe('RATE_LIMITED')
      expect(codeOf(await gql(t.url, CREATE, { n: 'B' }, b.token))).toBe('OK')
    })
  })
}

describe('SEND_RATE_LIMIT_PER_USER=0 turns every per-user bucket off (load tests)', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { ...DEFAULT_ENV, SEND_RATE_LIMIT_PER_USER: '0' } }) })
  afterAll(async () => { await t.close() })

  it('more than each bucket of rooms, joins, requests and records all succeed', async () => {
    const a = await signUp(t.url, uniqueName('load'))
    const b = await signUp(t.url, uniqueName('other'))
    for (let i = 0; i < DEFAULTS.roomCreateRateLimit + 5; i++) await ok(t.url, CREATE, { n: `Load ${i}` }, a.token)
    const room = await createRoom(t.url, b.token, 'Open')
    for (let i = 0; i < DEFAULTS.roomJoinRateLimit; i++) {
      await ok(t.url, JOIN, { r: room.id }, a.token)
      await ok(t.url, LEAVE, { r: room.id }, a.token)
    }
    for (let i = 0; i < DEFAULTS.friendRequestRateLimit; i++) {
      const r = await ok(t.url, REQUEST, { u: b.id }, a.token)
      await ok(t.url, CANCEL, { id: r.sendFriendRequest.id }, a.token)
    }
    for (let i = 0; i < DEFAULTS.studyRecordRateLimit + 5; i++) await ok(t.url, RECORD, { m: 5 }, a.token)
  }, 60_000)
})
