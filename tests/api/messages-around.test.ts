// Opening a room at one message (a search hit, the first unread): `aroundSeq` loads the page
// around it, and Room.viewerLastReadSeq says where the viewer's read marker is. Runs on the
// backend of the pass (SQLite, or PostgreSQL with TEST_DATABASE=postgres).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../helpers/app.js'
import { errorCode, gql, ok, signUp, type TestUser } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

let t: TestApp
let owner: TestUser, member: TestUser, outsider: TestUser
let room: { id: string; code: string }, priv: { id: string; code: string }
beforeAll(async () => {
  t = await startApp()
  owner = await signUp(t.url)
  member = await signUp(t.url)
  outsider = await signUp(t.url)
  room = await createRoom(t.url, owner.token, 'Around')
  priv = await createRoom(t.url, owner.token, 'Around private', 'PRIVATE')
  await joinByCode(t.url, member.token, room.code)
  for (let i = 1; i <= 30; i++) await send(t.url, owner.token, room.id, `message ${i}`)
  await send(t.url, owner.token, priv.id, 'secret')
}, 60_000)
afterAll(async () => { await t.close() })

const AROUND = `query($r: ID!, $at: Int, $first: Int, $last: Int, $after: String, $before: String) {
  messages(roomId: $r, aroundSeq: $at, first: $first, last: $last, after: $after, before: $before) {
    edges { cursor node { seq body } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
type Page = { messages: { edges: { cursor: string; node: { seq: number; body: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null } } }
const seqs = (d: Page) => d.messages.edges.map((e) => e.node.seq)

describe('messages(aroundSeq)', () => {
  it('gives half the page before the message and the rest from it on, with both neighbours flagged', async () => {
    const d = await ok<Page>(t.url, AROUND, { r: room.id, at: 15, first: 10 }, member.token)
    expect(seqs(d)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    expect(d.messages.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true })
    // the cursors page on as usual: the older page ends right before this one
    const older = await ok<Page>(t.url, AROUND.replace('aroundSeq: $at, ', '').replace('$at: Int, ', ''), { r: room.id, last: 3, before: d.messages.pageInfo.startCursor }, member.token)
    expect(seqs(older)).toEqual([7, 8, 9])
  })

  it('fills from the other side near either end, and a seq past the newest means the newest', async () => {
    const start = await ok<Page>(t.url, AROUND, { r: room.id, at: 2, last: 6 }, member.token)
    expect(seqs(start)).toEqual([1, 2, 3, 4, 5, 6])
    expect(start.messages.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true })
    const end = await ok<Page>(t.url, AROUND, { r: room.id, at: 1000, first: 25 }, member.token)
    expect(seqs(end)).toEqual(Array.from({ length: 25 }, (_, i) => i + 6))
    expect(end.messages.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false })
    // the default page is 50: the whole room of 30
    expect(seqs(await ok<Page>(t.url, AROUND, { r: room.id, at: 15 }, member.token))).toHaveLength(30)
  })

  it('works on Room.messages too', async () => {
    const d = await ok<{ room: { messages: Page['messages'] } }>(t.url, `query($id: ID!) { room(id: $id) { messages(aroundSeq: 30, first: 4) { edges { node { seq } } } } }`, { id: room.id }, member.token)
    expect(d.room.messages.edges.map((e) => e.node.seq)).toEqual([27, 28, 29, 30])
  })

  it('refuses bad arguments with BAD_USER_INPUT on aroundSeq, and rooms the viewer may not read', async () => {
    for (const at of [0, -3]) {
      const r = await gql(t.url, AROUND, { r: room.id, at }, member.token)
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'aroundSeq' })
    }
    const first = await ok<Page>(t.url, AROUND, { r: room.id, first: 1 }, member.token)
    for (const v of [{ after: first.messages.edges[0].cursor }, { before: first.messages.edges[0].cursor }]) {
      const r = await gql(t.url, AROUND, { r: room.id, at: 5, ...v }, member.token)
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'aroundSeq' })
    }
    const r = await gql(t.url, AROUND, { r: room.id, at: 5, first: 0 }, member.token)
    expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' })
    expect(await errorCode(t.url, AROUND, { r: priv.id, at: 1 }, outsider.token)).toBe('NOT_FOUND')
    expect(await errorCode(t.url, AROUND, { r: room.id, at: 1 }, null)).toBe('UNAUTHENTICATED')
  })
})

describe('Room.viewerLastReadSeq', () => {
  const Q = `query($id: ID!) { room(id: $id) { viewerLastReadSeq unreadCount } }`
  it('is the viewer\'s read marker, moved by markRead and by sending; null for a non-member', async () => {
    const r = await createRoom(t.url, owner.token, 'Marker')
    await joinByCode(t.url, member.token, r.code)
    const ms = []
    for (let i = 1; i <= 4; i++) ms.push(await send(t.url, owner.token, r.id, `m${i}`))
    expect((await ok<{ room: { viewerLastReadSeq: number; unreadCount: number } }>(t.url, Q, { id: r.id }, member.token)).room).toEqual({ viewerLastReadSeq: 0, unreadCount: 4 })
    expect((await ok<{ room: { viewerLastReadSeq: number } }>(t.url, Q, { id: r.id }, owner.token)).room.viewerLastReadSeq).toBe(4)
    // the Room markRead answers with shows the marker where it moved it
    const marked = await ok<{ markRead: { viewerLastReadSeq: number; unreadCount: number } }>(t.url,
      `mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { viewerLastReadSeq unreadCount } }`, { r: r.id, m: ms[1].id }, member.token)
    expect(marked.markRead).toEqual({ viewerLastReadSeq: 2, unreadCount: 2 })
    expect((await ok<{ room: { viewerLastReadSeq: number; unreadCount: number } }>(t.url, Q, { id: r.id }, member.token)).room).toEqual({ viewerLastReadSeq: 2, unreadCount: 2 })
    // a PUBLIC room read by a non-member: no marker
    expect((await ok<{ room: { viewerLastReadSeq: number | null } }>(t.url, Q, { id: r.id }, outsider.token)).room.viewerLastReadSeq).toBeNull()
  })
})
