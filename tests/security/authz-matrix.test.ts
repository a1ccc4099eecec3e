// The authorization matrix: every root field of the schema, run over real HTTP (queries and
// mutations) or a real graphql-ws socket (subscriptions) by each kind of actor, against the
// outcome the contract gives. The list of fields comes from schema.graphql itself, so a new
// operation without a row here fails the first test.
//
// Actors, all relative to the owner O:
//   anonymous   no token
//   owner       created the PUBLIC and PRIVATE rooms, has a DIRECT room with `friend`
//   member      joined both rooms
//   nonMember   signed in, in no room, no relation to O
//   friend      O's friend (in their DIRECT room, not in the others)
//   nonFriend   another stranger: no room, no relation
//   blocked     blocked by O
//   removed     joined both rooms, then left them
//   deletedRoom owned a room that was then deleted; room-scoped rows target that room for them
//
// Within a row, the actors expected to be refused run first, so a refusal is proven against
// the same state the successful calls then change; a refusal must also leak nothing (the
// field's data is null).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSchema, type GraphQLObjectType } from 'graphql'
import type { Client } from 'graphql-ws'
import { BACKENDS, BACKEND_NAMES, canRun, freshPgDatabase, startApp, type TestApp } from '../helpers/app.js'
import { eventually, gql, ok, signUp, uniqueName, wsClient, type TestUser } from '../helpers/client.js'
import { createRoom, send } from '../helpers/rooms.js'

const ACTORS = ['anonymous', 'owner', 'member', 'nonMember', 'friend', 'nonFriend', 'blocked', 'removed', 'deletedRoom'] as const
type Actor = typeof ACTORS[number]
type Signed = Exclude<Actor, 'anonymous'>
type Outcome = 'ok' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT'
const PASSWORD = 'correct horse battery'

interface Room { id: string; code: string }
interface Fixtures {
  users: Record<Signed, TestUser>
  pub: Room
  priv: Room
  direct: Room
  deleted: Room
  /** a message by member in each room; deletedMsg was in the deleted room */
  pubMsg: string
  privMsg: string
  deletedMsg: string
  spare: TestUser
}

interface Row {
  /** Query.x / Mutation.x / Subscription.x */
  field: string
  label?: string
  doc: string
  vars?: (a: Actor, fx: Fixtures) => Record<string, unknown> | Promise<Record<string, unknown>>
  /** a token other than the actor's own (e.g. a second session to log out) */
  token?: (a: Signed, fx: Fixtures) => Promise<string>
  expect: Record<Actor, Outcome>
}

const SIGNED: Signed[] = ACTORS.filter((a): a is Signed => a !== 'anonymous')

/** every signed-in actor gets `outcome`, except the listed ones; anonymous is UNAUTHENTICATED */
function all(outcome: Outcome, except: Partial<Record<Actor, Outcome>> = {}): Record<Actor, Outcome> {
  const r = { anonymous: 'UNAUTHENTICATED' } as Record<Actor, Outcome>
  for (const a of SIGNED) r[a] = outcome
  return { ...r, ...except }
}
/** PRIVATE or DIRECT room: only the listed members may; everyone else is NOT_FOUND */
function members(...who: Signed[]): Record<Actor, Outcome> {
  const r = all('NOT_FOUND')
  for (const a of who) r[a] = 'ok'
  return r
}
/** PUBLIC room: members may, other signed-in users see it but get `others`; the deleted room is NOT_FOUND */
function publicRoom(others: Outcome, ...who: Signed[]): Record<Actor, Outcome> {
  const r = all(others, { deletedRoom: 'NOT_FOUND' })
  for (const a of who) r[a] = 'ok'
  return r
}

let t: TestApp
let fx: Fixtures

const roomOf = (which: 'pub' | 'priv' | 'direct') => (a: Actor, f: Fixtures) => (a === 'deletedRoom' ? f.deleted.id : f[which].id)
const tokenOf = (a: Signed) => fx.users[a].token

async function call(doc: string, vars: Record<string, unknown>, token: string | null) {
  return gql(t.url, doc, vars, token)
}

async function logInAgain(a: Signed): Promise<{ token: string; sessionId: string }> {
  const d = await ok(t.url, `mutation($i: LogInInput!) { logIn(input: $i) { token session { id } } }`, { i: { username: fx.users[a].username, password: PASSWORD } })
  return { token: d.logIn.token, sessionId: d.logIn.session.id }
}

/** a PRIVATE room owned by owner with member in it: a fresh target a row may change freely */
async function freshRoom(kind: 'PUBLIC' | 'PRIVATE' = 'PRIVATE'): Promise<Room> {
  const r = await createRoom(t.url, tokenOf('owner'), 'fresh ' + uniqueName('r'), kind)
  await ok(t.url, `mutation($c: String!) { joinRoom(code: $c) { id } }`, { c: r.code }, tokenOf('member'))
  return { id: r.id, code: r.code }
}

/** a fresh room (owner, member) that `spare` joined too: the member moderation rows act on */
async function roomWithSpare(kind: 'PUBLIC' | 'PRIVATE'): Promise<Room> {
  const r = await freshRoom(kind)
  await ok(t.url, `mutation($c: String!) { joinRoom(code: $c) { id } }`, { c: r.code }, fx.spare.token)
  return r
}

const TIMER = `{ roomId phase }`
async function timerRoom(a: Actor, state: 'running' | 'paused'): Promise<string> {
  if (a === 'deletedRoom') return fx.deleted.id
  const r = await freshRoom()
  await ok(t.url, `mutation($r: ID!) { startRoomTimer(roomId: $r) ${TIMER} }`, { r: r.id }, tokenOf('owner'))
  if (state === 'paused') await ok(t.url, `mutation($r: ID!) { pauseRoomTimer(roomId: $r) ${TIMER} }`, { r: r.id }, tokenOf('owner'))
  return r.id
}

/** a message by member in the row's room (a fresh one for actors that may change it) */
async function memberMessage(a: Actor, which: 'pub' | 'priv'): Promise<string> {
  if (a === 'deletedRoom') return fx.deletedMsg
  return (await send(t.url, tokenOf('member'), fx[which].id, 'target ' + uniqueName('m'))).id
}

const ROOM_SEL = '{ id }'
const MSG_SEL = '{ id body }'

// The order matters only for rows that change relations: those come last.
const ROWS: Row[] = [
  // ---------------------------------------------------------------- queries
  { field: 'Query.me', doc: '{ me { id } }', expect: all('ok', { anonymous: 'ok' }) },
  { field: 'Query.user', doc: 'query($id: ID!) { user(id: $id) { id friendship } }', vars: (_a, f) => ({ id: f.users.owner.id }), expect: all('ok') },
  { field: 'Query.users', doc: '{ users(search: "u") { edges { node { id } } } }', expect: all('ok') },
  { field: 'Query.sessions', doc: '{ sessions { id current } }', expect: all('ok') },
  { field: 'Query.rooms', doc: '{ rooms { edges { node { id } } } }', expect: all('ok') },
  { field: 'Query.myRooms', doc: '{ myRooms { id } }', expect: all('ok') },
  { field: 'Query.room', label: 'PRIVATE', doc: `query($id: ID!) { room(id: $id) ${ROOM_SEL} }`, vars: (a, f) => ({ id: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Query.room', label: 'PUBLIC', doc: `query($id: ID!) { room(id: $id) ${ROOM_SEL} }`, vars: (a, f) => ({ id: roomOf('pub')(a, f) }), expect: publicRoom('ok') },
  { field: 'Query.room', label: 'DIRECT', doc: `query($id: ID!) { room(id: $id) ${ROOM_SEL} }`, vars: (a, f) => ({ id: roomOf('direct')(a, f) }), expect: members('owner', 'friend') },
  { field: 'Query.roomByCode', label: 'PRIVATE code', doc: `query($c: String!) { roomByCode(code: $c) ${ROOM_SEL} }`, vars: (a, f) => ({ c: a === 'deletedRoom' ? f.deleted.code : f.priv.code }), expect: all('ok', { deletedRoom: 'NOT_FOUND' }) },
  { field: 'Query.roomByCode', label: 'DIRECT code', doc: `query($c: String!) { roomByCode(code: $c) ${ROOM_SEL} }`, vars: (_a, f) => ({ c: f.direct.code }), expect: all('NOT_FOUND') },
  { field: 'Query.messages', label: 'PRIVATE', doc: `query($r: ID!) { messages(roomId: $r) { edges { node { id } } } }`, vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Query.messages', label: 'PUBLIC', doc: `query($r: ID!) { messages(roomId: $r) { edges { node { id } } } }`, vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('ok') },
  { field: 'Query.messages', label: 'DIRECT', doc: `query($r: ID!) { messages(roomId: $r) { edges { node { id } } } }`, vars: (a, f) => ({ r: roomOf('direct')(a, f) }), expect: members('owner', 'friend') },
  { field: 'Query.searchMessages', label: 'PRIVATE', doc: `query($r: ID) { searchMessages(query: "hello", roomId: $r) { edges { node { id } } } }`, vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Query.searchMessages', label: 'PUBLIC', doc: `query($r: ID) { searchMessages(query: "hello", roomId: $r) { edges { node { id } } } }`, vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('ok') },
  { field: 'Query.searchMessages', label: 'own rooms', doc: `{ searchMessages(query: "hello") { edges { node { id } } } }`, expect: all('ok') },
  { field: 'Query.friends', doc: '{ friends { id } }', expect: all('ok') },
  { field: 'Query.friendRequests', doc: '{ friendRequests(direction: INCOMING) { id } }', expect: all('ok') },
  { field: 'Query.studySessions', doc: '{ studySessions { edges { node { id } } } }', expect: all('ok') },
  { field: 'Query.studyStats', doc: '{ studyStats { totalMinutes } }', expect: all('ok') },
  { field: 'Query.notificationsList', doc: '{ notificationsList { id } }', expect: all('ok') },
  { field: 'Query.unreadNotificationCount', doc: '{ unreadNotificationCount }', expect: all('ok') },
  { field: 'Query.blockedUsers', doc: '{ blockedUsers { id } }', expect: all('ok') },
  { field: 'Query.callParticipants', label: 'PRIVATE', doc: 'query($r: ID!) { callParticipants(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  // a PUBLIC room is readable by any signed-in user; only joining its call needs membership
  { field: 'Query.callParticipants', label: 'PUBLIC', doc: 'query($r: ID!) { callParticipants(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('ok') },
  { field: 'Query.callConfig', doc: '{ callConfig { iceServers { urls } } }', expect: all('ok') },

  // ---------------------------------------------------------------- subscriptions (graphql-ws)
  { field: 'Subscription.messageAdded', label: 'PRIVATE', doc: 'subscription($r: ID!) { messageAdded(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Subscription.messageAdded', label: 'PUBLIC', doc: 'subscription($r: ID!) { messageAdded(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('ok') },
  { field: 'Subscription.messageAdded', label: 'DIRECT', doc: 'subscription($r: ID!) { messageAdded(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('direct')(a, f) }), expect: members('owner', 'friend') },
  { field: 'Subscription.messageEvents', label: 'PRIVATE', doc: 'subscription($r: ID!) { messageEvents(roomId: $r) { seq } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Subscription.messageEvents', label: 'PUBLIC', doc: 'subscription($r: ID!) { messageEvents(roomId: $r) { seq } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('ok') },
  { field: 'Subscription.roomTimer', label: 'PRIVATE', doc: 'subscription($r: ID!) { roomTimer(roomId: $r) { phase } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Subscription.roomTimer', label: 'PUBLIC', doc: 'subscription($r: ID!) { roomTimer(roomId: $r) { phase } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  { field: 'Subscription.typing', label: 'PRIVATE', doc: 'subscription($r: ID!) { typing(roomId: $r) { typing } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  // typing is for members (DESIGN §2), as presence is: readers of a PUBLIC room who are not in it are FORBIDDEN
  { field: 'Subscription.typing', label: 'PUBLIC', doc: 'subscription($r: ID!) { typing(roomId: $r) { typing } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  { field: 'Subscription.presenceChanged', label: 'PRIVATE room', doc: 'subscription($r: ID) { presenceChanged(roomId: $r) { status } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  // presence is for room-mates: readers of a PUBLIC room who are not in it see nobody's status
  { field: 'Subscription.presenceChanged', label: 'PUBLIC room', doc: 'subscription($r: ID) { presenceChanged(roomId: $r) { status } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  { field: 'Subscription.presenceChanged', label: 'friends', doc: 'subscription { presenceChanged { status } }', expect: all('ok') },
  { field: 'Subscription.userUpdated', label: 'a user', doc: 'subscription($u: ID) { userUpdated(userId: $u) { id } }', vars: (_a, f) => ({ u: f.users.owner.id }), expect: all('ok') },
  { field: 'Subscription.userUpdated', label: 'own circle', doc: 'subscription { userUpdated { id } }', expect: all('ok') },
  { field: 'Subscription.signalReceived', label: 'PRIVATE room', doc: 'subscription($r: ID) { signalReceived(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Subscription.signalReceived', label: 'any room', doc: 'subscription { signalReceived { id } }', expect: all('ok') },
  { field: 'Subscription.notifications', doc: 'subscription { notifications { id } }', expect: all('ok') },
  { field: 'Subscription.roomActivity', doc: 'subscription { roomActivity { room { id } } }', expect: all('ok') },
  // the viewer's own list: what arrives is only about rooms they are (or were) in (tests/realtime/room-activity)
  { field: 'Subscription.roomListChanged', doc: 'subscription { roomListChanged { kind roomId room { id } } }', expect: all('ok') },
  { field: 'Subscription.callChanged', label: 'PRIVATE', doc: 'subscription($r: ID!) { callChanged(roomId: $r) { joined } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Subscription.callChanged', label: 'PUBLIC', doc: 'subscription($r: ID!) { callChanged(roomId: $r) { joined } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  // a reader of a PUBLIC room may listen, but only signals addressed to them arrive, and those need both in the room
  { field: 'Subscription.signalReceived', label: 'PUBLIC room', doc: 'subscription($r: ID) { signalReceived(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('ok') },
  { field: 'Subscription.friendshipChanged', doc: 'subscription { friendshipChanged { friendship } }', expect: all('ok') },

  // ---------------------------------------------------------------- mutations on rooms and messages
  { field: 'Mutation.signUp', doc: 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }', vars: () => ({ i: { username: uniqueName('su'), password: PASSWORD } }), expect: all('ok', { anonymous: 'ok' }) },
  { field: 'Mutation.logIn', doc: 'mutation($i: LogInInput!) { logIn(input: $i) { token } }', vars: (_a, f) => ({ i: { username: f.spare.username, password: PASSWORD } }), expect: all('ok', { anonymous: 'ok' }) },
  { field: 'Mutation.updateProfile', doc: 'mutation { updateProfile(input: { firstName: "Ann" }) { id } }', expect: all('ok') },
  { field: 'Mutation.setPresence', doc: 'mutation { setPresence(status: ONLINE) { id } }', expect: all('ok') },
  { field: 'Mutation.markNotificationsRead', doc: 'mutation { markNotificationsRead }', expect: all('ok') },
  { field: 'Mutation.createRoom', doc: 'mutation { createRoom(input: { name: "mine" }) { id } }', expect: all('ok') },
  {
    field: 'Mutation.updateRoom', label: 'PRIVATE', doc: 'mutation($r: ID!) { updateRoom(id: $r, input: { description: "x" }) { id } }',
    vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: { ...members('owner'), member: 'FORBIDDEN' },
  },
  {
    field: 'Mutation.updateRoom', label: 'PUBLIC', doc: 'mutation($r: ID!) { updateRoom(id: $r, input: { description: "y" }) { id } }',
    vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner'),
  },
  {
    field: 'Mutation.deleteRoom', label: 'PRIVATE', doc: 'mutation($r: ID!) { deleteRoom(id: $r) }',
    vars: async (a) => ({ r: a === 'deletedRoom' ? fx.deleted.id : (await freshRoom('PRIVATE')).id }), expect: { ...members('owner'), member: 'FORBIDDEN' },
  },
  {
    field: 'Mutation.deleteRoom', label: 'PUBLIC', doc: 'mutation($r: ID!) { deleteRoom(id: $r) }',
    vars: async (a) => ({ r: a === 'deletedRoom' ? fx.deleted.id : (await freshRoom('PUBLIC')).id }), expect: publicRoom('FORBIDDEN', 'owner'),
  },
  {
    field: 'Mutation.joinRoom', label: 'PUBLIC by id', doc: 'mutation($r: ID) { joinRoom(roomId: $r) { id } }',
    vars: async (a) => ({ r: a === 'deletedRoom' ? fx.deleted.id : (await freshRoom('PUBLIC')).id }), expect: publicRoom('ok'),
  },
  {
    field: 'Mutation.joinRoom', label: 'PRIVATE by id', doc: 'mutation($r: ID) { joinRoom(roomId: $r) { id } }',
    vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member'),
  },
  {
    field: 'Mutation.joinRoom', label: 'PRIVATE by code', doc: 'mutation($c: String) { joinRoom(code: $c) { id } }',
    vars: async (a) => ({ c: a === 'deletedRoom' ? fx.deleted.code : (await freshRoom('PRIVATE')).code }), expect: all('ok', { deletedRoom: 'NOT_FOUND' }),
  },
  { field: 'Mutation.joinRoom', label: 'DIRECT by code', doc: 'mutation($c: String) { joinRoom(code: $c) { id } }', vars: (_a, f) => ({ c: f.direct.code }), expect: all('NOT_FOUND') },
  {
    field: 'Mutation.leaveRoom', label: 'PRIVATE', doc: 'mutation($r: ID!) { leaveRoom(roomId: $r) }',
    vars: async (a) => ({ r: a === 'deletedRoom' ? fx.deleted.id : (await freshRoom('PRIVATE')).id }), expect: members('owner', 'member'),
  },
  {
    field: 'Mutation.leaveRoom', label: 'PUBLIC', doc: 'mutation($r: ID!) { leaveRoom(roomId: $r) }',
    vars: async (a) => ({ r: a === 'deletedRoom' ? fx.deleted.id : (await freshRoom('PUBLIC')).id }), expect: publicRoom('FORBIDDEN', 'owner', 'member'),
  },
  // moderation (contract part 2): a fresh room with `spare` in it as the member acted on
  ...(['PRIVATE', 'PUBLIC'] as const).flatMap((kind): Row[] => {
    const who = kind === 'PRIVATE' ? { ...members('owner'), member: 'FORBIDDEN' as Outcome } : publicRoom('FORBIDDEN', 'owner')
    const mods = kind === 'PRIVATE' ? { ...members('owner'), member: 'FORBIDDEN' as Outcome } : publicRoom('FORBIDDEN', 'owner')
    const target = async (a: Actor) => ({ r: a === 'deletedRoom' ? fx.deleted.id : (await roomWithSpare(kind)).id, u: fx.spare.id })
    return [
      { field: 'Mutation.setMemberRole', label: kind, doc: 'mutation($r: ID!, $u: ID!) { setMemberRole(roomId: $r, userId: $u, role: MODERATOR) { role } }', vars: target, expect: who },
      { field: 'Mutation.removeMember', label: kind, doc: 'mutation($r: ID!, $u: ID!) { removeMember(roomId: $r, userId: $u, ban: true) }', vars: target, expect: mods },
      { field: 'Mutation.unbanMember', label: kind, doc: 'mutation($r: ID!, $u: ID!) { unbanMember(roomId: $r, userId: $u) }', vars: target, expect: mods },
      { field: 'Mutation.regenerateRoomCode', label: kind, doc: 'mutation($r: ID!) { regenerateRoomCode(roomId: $r) { id } }', vars: async (a) => ({ r: (await target(a)).r }), expect: mods },
    ]
  }),
  { field: 'Subscription.roomChanged', label: 'PRIVATE', doc: 'subscription($r: ID!) { roomChanged(roomId: $r) { kind } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Subscription.roomChanged', label: 'PUBLIC', doc: 'subscription($r: ID!) { roomChanged(roomId: $r) { kind } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('ok') },
  { field: 'Subscription.roomChanged', label: 'DIRECT', doc: 'subscription($r: ID!) { roomChanged(roomId: $r) { kind } }', vars: (a, f) => ({ r: roomOf('direct')(a, f) }), expect: members('owner', 'friend') },
  { field: 'Mutation.sendMessage', label: 'PRIVATE', doc: `mutation($r: ID!) { sendMessage(roomId: $r, body: "hello there") ${MSG_SEL} }`, vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Mutation.sendMessage', label: 'PUBLIC', doc: `mutation($r: ID!) { sendMessage(roomId: $r, body: "hello there") ${MSG_SEL} }`, vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  { field: 'Mutation.sendMessage', label: 'DIRECT', doc: `mutation($r: ID!) { sendMessage(roomId: $r, body: "hello there") ${MSG_SEL} }`, vars: (a, f) => ({ r: roomOf('direct')(a, f) }), expect: members('owner', 'friend') },
  {
    field: 'Mutation.editMessage', label: 'PRIVATE', doc: `mutation($m: ID!) { editMessage(id: $m, body: "edited") ${MSG_SEL} }`,
    vars: async (a) => ({ m: await memberMessage(a, 'priv') }), expect: { ...members('member'), owner: 'FORBIDDEN' },
  },
  {
    field: 'Mutation.editMessage', label: 'PUBLIC', doc: `mutation($m: ID!) { editMessage(id: $m, body: "edited") ${MSG_SEL} }`,
    vars: async (a) => ({ m: await memberMessage(a, 'pub') }), expect: publicRoom('FORBIDDEN', 'member'),
  },
  {
    field: 'Mutation.deleteMessage', label: 'PRIVATE', doc: `mutation($m: ID!) { deleteMessage(id: $m) { id deletedAt } }`,
    vars: async (a) => ({ m: await memberMessage(a, 'priv') }), expect: members('owner', 'member'),
  },
  {
    field: 'Mutation.deleteMessage', label: 'PUBLIC', doc: `mutation($m: ID!) { deleteMessage(id: $m) { id deletedAt } }`,
    vars: async (a) => ({ m: await memberMessage(a, 'pub') }), expect: publicRoom('FORBIDDEN', 'owner', 'member'),
  },
  ...(['addReaction', 'removeReaction'] as const).flatMap((f): Row[] => [
    { field: `Mutation.${f}`, label: 'PRIVATE', doc: `mutation($m: ID!) { ${f}(messageId: $m, emoji: "👍") ${MSG_SEL} }`, vars: async (a) => ({ m: await memberMessage(a, 'priv') }), expect: members('owner', 'member') },
    { field: `Mutation.${f}`, label: 'PUBLIC', doc: `mutation($m: ID!) { ${f}(messageId: $m, emoji: "👍") ${MSG_SEL} }`, vars: async (a) => ({ m: await memberMessage(a, 'pub') }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  ]),
  ...(['pinMessage', 'unpinMessage'] as const).flatMap((f): Row[] => [
    { field: `Mutation.${f}`, label: 'PRIVATE', doc: `mutation($m: ID!) { ${f}(messageId: $m) { id pinnedAt } }`, vars: async (a) => ({ m: await memberMessage(a, 'priv') }), expect: { ...members('owner'), member: 'FORBIDDEN' } },
    { field: `Mutation.${f}`, label: 'PUBLIC', doc: `mutation($m: ID!) { ${f}(messageId: $m) { id pinnedAt } }`, vars: async (a) => ({ m: await memberMessage(a, 'pub') }), expect: publicRoom('FORBIDDEN', 'owner') },
  ]),
  {
    field: 'Mutation.markRead', label: 'PRIVATE', doc: 'mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { id } }',
    vars: (a, f) => ({ r: roomOf('priv')(a, f), m: a === 'deletedRoom' ? f.deletedMsg : f.privMsg }), expect: members('owner', 'member'),
  },
  {
    field: 'Mutation.markRead', label: 'PUBLIC', doc: 'mutation($r: ID!, $m: ID!) { markRead(roomId: $r, messageId: $m) { id } }',
    vars: (a, f) => ({ r: roomOf('pub')(a, f), m: a === 'deletedRoom' ? f.deletedMsg : f.pubMsg }), expect: publicRoom('FORBIDDEN', 'owner', 'member'),
  },
  // a level is the viewer's own membership setting: a non-member (even of a PUBLIC room they can see) has none to set
  { field: 'Mutation.setRoomNotificationLevel', label: 'PRIVATE', doc: 'mutation($r: ID!) { setRoomNotificationLevel(roomId: $r, level: NONE) { id viewerNotificationLevel } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Mutation.setRoomNotificationLevel', label: 'PUBLIC', doc: 'mutation($r: ID!) { setRoomNotificationLevel(roomId: $r, level: ALL) { id viewerNotificationLevel } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  { field: 'Mutation.setRoomNotificationLevel', label: 'DIRECT', doc: 'mutation($r: ID!) { setRoomNotificationLevel(roomId: $r, level: MENTIONS) { id viewerNotificationLevel } }', vars: (a, f) => ({ r: roomOf('direct')(a, f) }), expect: members('owner', 'friend') },
  { field: 'Mutation.setTyping', label: 'PRIVATE', doc: 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Mutation.setTyping', label: 'PUBLIC', doc: 'mutation($r: ID!) { setTyping(roomId: $r, typing: true) }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  {
    field: 'Mutation.sendSignal', label: 'PRIVATE', doc: 'mutation($i: SendSignalInput!) { sendSignal(input: $i) { id } }',
    vars: (a, f) => ({ i: { roomId: roomOf('priv')(a, f), toUserId: a === 'owner' ? f.users.member.id : f.users.owner.id, kind: 'HANGUP', payload: '{}' } }),
    expect: members('owner', 'member'),
  },
  {
    field: 'Mutation.sendSignal', label: 'PUBLIC', doc: 'mutation($i: SendSignalInput!) { sendSignal(input: $i) { id } }',
    vars: (a, f) => ({ i: { roomId: roomOf('pub')(a, f), toUserId: a === 'owner' ? f.users.member.id : f.users.owner.id, kind: 'HANGUP', payload: '{}' } }),
    expect: publicRoom('FORBIDDEN', 'owner', 'member'),
  },
  { field: 'Mutation.joinCall', label: 'PRIVATE', doc: 'mutation($r: ID!) { joinCall(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Mutation.joinCall', label: 'PUBLIC', doc: 'mutation($r: ID!) { joinCall(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  { field: 'Mutation.leaveCall', label: 'PRIVATE', doc: 'mutation($r: ID!) { leaveCall(roomId: $r) }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Mutation.startRoomTimer', doc: `mutation($r: ID!) { startRoomTimer(roomId: $r) ${TIMER} }`, vars: async (a) => ({ r: a === 'deletedRoom' ? fx.deleted.id : (await freshRoom()).id }), expect: members('owner', 'member') },
  { field: 'Mutation.pauseRoomTimer', doc: `mutation($r: ID!) { pauseRoomTimer(roomId: $r) ${TIMER} }`, vars: async (a) => ({ r: await timerRoom(a, 'running') }), expect: members('owner', 'member') },
  { field: 'Mutation.resumeRoomTimer', doc: `mutation($r: ID!) { resumeRoomTimer(roomId: $r) ${TIMER} }`, vars: async (a) => ({ r: await timerRoom(a, 'paused') }), expect: members('owner', 'member') },
  { field: 'Mutation.stopRoomTimer', doc: `mutation($r: ID!) { stopRoomTimer(roomId: $r) ${TIMER} }`, vars: async (a) => ({ r: await timerRoom(a, 'running') }), expect: members('owner', 'member') },
  // members pass the room check and then need to be present in a focus phase (none is: CONFLICT); others never learn of the room
  { field: 'Mutation.setFocusGoal', doc: `mutation($r: ID!) { setFocusGoal(roomId: $r, goal: "Read") ${TIMER} }`, vars: async (a) => ({ r: await timerRoom(a, 'running') }), expect: { ...members(), owner: 'CONFLICT', member: 'CONFLICT' } },
  { field: 'Mutation.setFocusGoalDone', doc: `mutation($r: ID!) { setFocusGoalDone(roomId: $r, done: true) ${TIMER} }`, vars: async (a) => ({ r: await timerRoom(a, 'running') }), expect: { ...members(), owner: 'CONFLICT', member: 'CONFLICT' } },
  { field: 'Mutation.setNotificationHold', doc: 'mutation { setNotificationHold(enabled: true) { id holdNotificationsWhileFocusing } }', expect: all('ok') },
  { field: 'Mutation.recordStudySession', label: 'PRIVATE', doc: 'mutation($r: ID) { recordStudySession(roomId: $r, minutes: 5) { id } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  { field: 'Mutation.recordStudySession', label: 'PUBLIC', doc: 'mutation($r: ID) { recordStudySession(roomId: $r, minutes: 5) { id } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },
  { field: 'Mutation.startStudySession', label: 'PRIVATE', doc: 'mutation($r: ID) { startStudySession(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('priv')(a, f) }), expect: members('owner', 'member') },
  {
    // the owner's running session (started by the row above); each actor's own is ended by them
    field: 'Mutation.endStudySession', doc: 'mutation($s: ID!) { endStudySession(id: $s) { id endedAt } }',
    vars: async (a, f) => {
      const who: Signed = a === 'member' ? 'member' : 'owner'
      const d = await ok(t.url, '{ studySessions(first: 1) { edges { node { id endedAt } } } }', {}, f.users[who].token)
      return { s: d.studySessions.edges[0].node.id }
    },
    expect: members('owner', 'member'),
  },
  { field: 'Mutation.startStudySession', label: 'PUBLIC', doc: 'mutation($r: ID) { startStudySession(roomId: $r) { id } }', vars: (a, f) => ({ r: roomOf('pub')(a, f) }), expect: publicRoom('FORBIDDEN', 'owner', 'member') },

  // ---------------------------------------------------------------- sessions
  {
    field: 'Mutation.revokeSession', label: "the owner's session", doc: 'mutation($s: ID!) { revokeSession(id: $s) }',
    vars: async (a) => ({ s: a === 'owner' ? (await logInAgain('owner')).sessionId : fx.users.owner.sessionId }), expect: all('NOT_FOUND', { owner: 'ok' }),
  },
  {
    field: 'Mutation.logOut', doc: 'mutation { logOut }', token: async (a) => (await logInAgain(a)).token, expect: all('ok'),
  },
  // the account's own password is the check: a signed-in actor with a wrong one changes nothing
  // (the right-password paths are in tests/api/account.test.ts: they end the actor's sessions)
  {
    field: 'Mutation.changePassword', doc: 'mutation { changePassword(currentPassword: "not the password", newPassword: "a fresh long passphrase") }',
    expect: all('BAD_USER_INPUT'),
  },
  { field: 'Mutation.deleteAccount', doc: 'mutation { deleteAccount(password: "not the password") }', expect: all('BAD_USER_INPUT') },
  { field: 'Mutation.setWeeklyGoal', doc: 'mutation { setWeeklyGoal(minutes: 120) { weeklyGoalMinutes } }', expect: all('ok') },
  // one's own avatar: removing it is open to every signed-in user (setting one needs an upload: tests/api/attachments.test.ts)
  { field: 'Mutation.setAvatar', doc: 'mutation { setAvatar(attachmentId: null) { id avatarUrl } }', expect: all('ok') },

  // ---------------------------------------------------------------- relations (last: they change who is whose friend)
  { field: 'Mutation.openDirectRoom', doc: 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', vars: (_a, f) => ({ u: f.users.owner.id }), expect: all('FORBIDDEN', { owner: 'BAD_USER_INPUT', friend: 'ok' }) },
  {
    // a request from member to owner, fresh for the actor that answers it
    field: 'Mutation.respondToFriendRequest', doc: 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: false) { status } }',
    vars: async () => ({ id: await pendingRequest() }), expect: all('NOT_FOUND', { owner: 'ok', member: 'FORBIDDEN' }),
  },
  {
    field: 'Mutation.cancelFriendRequest', doc: 'mutation($id: ID!) { cancelFriendRequest(id: $id) { status } }',
    vars: async () => ({ id: await pendingRequest() }), expect: all('NOT_FOUND', { member: 'ok', owner: 'FORBIDDEN' }),
  },
  {
    field: 'Mutation.sendFriendRequest', doc: 'mutation($u: ID!) { sendFriendRequest(userId: $u) { status } }',
    vars: (_a, f) => ({ u: f.users.owner.id }), expect: all('ok', { owner: 'BAD_USER_INPUT', friend: 'CONFLICT', blocked: 'FORBIDDEN' }),
  },
  { field: 'Mutation.blockUser', doc: 'mutation($u: ID!) { blockUser(userId: $u) }', vars: (_a, f) => ({ u: f.users.owner.id }), expect: all('ok', { owner: 'BAD_USER_INPUT' }) },
  { field: 'Mutation.unblockUser', doc: 'mutation($u: ID!) { unblockUser(userId: $u) }', vars: (_a, f) => ({ u: f.users.owner.id }), expect: all('ok', { owner: 'BAD_USER_INPUT' }) },
  { field: 'Mutation.removeFriend', doc: 'mutation($u: ID!) { removeFriend(userId: $u) }', vars: (_a, f) => ({ u: f.spare.id }), expect: all('ok') },
]

/** a pending request from member to owner (member's relation with owner is otherwise NONE) */
let pendingFor: string | null = null
async function pendingRequest(): Promise<string> {
  if (pendingFor) {
    const open = await ok(t.url, '{ friendRequests(direction: OUTGOING) { id status } }', {}, tokenOf('member'))
    if (open.friendRequests.some((r: { id: string }) => r.id === pendingFor)) return pendingFor
  }
  const d = await ok(t.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: fx.users.owner.id }, tokenOf('member'))
  pendingFor = d.sendFriendRequest.id
  return pendingFor!
}

function schemaFields(): string[] {
  const schema = buildSchema(fs.readFileSync(path.resolve('schema.graphql'), 'utf8'))
  const out: string[] = []
  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()] as GraphQLObjectType[]) {
    for (const name of Object.keys(type.getFields())) out.push(`${type.name}.${name}`)
  }
  return out
}


const clients = new Map<Actor, Client>()
function clientOf(a: Actor): Client {
  let c = clients.get(a)
  if (!c) clients.set(a, (c = wsClient(t.wsUrl, a === 'anonymous' ? null : tokenOf(a), { lazy: false })))
  return c
}

/** a subscription's outcome: its error frame's code, or ok once the gateway counts it live */
async function subscribeOutcome(a: Actor, doc: string, vars: Record<string, unknown>): Promise<{ outcome: string; data: unknown }> {
  const gateway = t.app.hearth.realtime
  const before = gateway.liveSubscriptions
  let err: any = null
  let data: unknown = null
  const dispose = clientOf(a).subscribe({ query: doc, variables: vars }, {
    next: (v) => { if (v.errors) err = v.errors; else data = v.data },
    error: (e) => { err = e },
    complete: () => {},
  })
  const end = Date.now() + 10_000
  let outcome: string | null = null
  while (!outcome) {
    if (err) outcome = (Array.isArray(err) ? err[0]?.extensions?.code : null) ?? `closed: ${String(err?.code ?? err)}`
    else if (gateway.liveSubscriptions > before) outcome = 'ok'
    else if (Date.now() > end) outcome = 'timeout'
    else await new Promise((r) => setTimeout(r, 10))
  }
  dispose()
  const until = Date.now() + 5000
  while (gateway.liveSubscriptions > before && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
  return { outcome, data }
}

async function runRow(row: Row, a: Actor): Promise<string> {
  const vars = row.vars ? await row.vars(a, fx) : {}
  if (row.field.startsWith('Subscription.')) return (await subscribeOutcome(a, row.doc, vars)).outcome
  const token = a === 'anonymous' ? null : row.token ? await row.token(a, fx) : tokenOf(a)
  const r = await call(row.doc, vars, token)
  const name = row.field.split('.')[1]
  if (r.errors?.length) {
    // a refusal shows nothing of what was asked
    const leaked = r.data?.[name]
    if (leaked !== null && leaked !== undefined) return `leaked ${JSON.stringify(leaked)} with ${r.errors[0].extensions?.code}`
    return r.errors[0].extensions?.code ?? `no code: ${r.errors[0].message}`
  }
  if (r.status !== 200) return `HTTP ${r.status}`
  return 'ok'
}

async function setUp(databaseUrl?: string) {
  t = await startApp({ databaseUrl, env: { JOIN_CODE_RATE_LIMIT: '1000', SEND_RATE_LIMIT_PER_USER: '0' } })
  pendingFor = null
  const users = {} as Record<Signed, TestUser>
  for (const a of SIGNED) users[a] = await signUp(t.url, uniqueName(a.slice(0, 6)), PASSWORD)
  const spare = await signUp(t.url, uniqueName('spare'), PASSWORD)
  const O = users.owner.token
  const pub = await createRoom(t.url, O, 'Public hall', 'PUBLIC')
  const priv = await createRoom(t.url, O, 'Private den', 'PRIVATE')
  for (const who of ['member', 'removed'] as const) {
    await ok(t.url, `mutation($r: ID) { joinRoom(roomId: $r) { id } }`, { r: pub.id }, users[who].token)
    await ok(t.url, `mutation($c: String) { joinRoom(code: $c) { id } }`, { c: priv.code }, users[who].token)
  }
  const pubMsg = (await send(t.url, users.member.token, pub.id, 'hello public')).id
  const privMsg = (await send(t.url, users.member.token, priv.id, 'hello private')).id
  for (const r of [pub.id, priv.id]) await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r }, users.removed.token)
  // friends: a request answered
  const req = await ok(t.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: users.friend.id }, O)
  await ok(t.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { status } }', { id: req.sendFriendRequest.id }, users.friend.token)
  const direct = (await ok(t.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id code } }', { u: users.friend.id }, O)).openDirectRoom
  await send(t.url, O, direct.id, 'hello friend')
  await ok(t.url, 'mutation($u: ID!) { blockUser(userId: $u) }', { u: users.blocked.id }, O)
  // the deleted room: its owner had a message in it
  const del = await createRoom(t.url, users.deletedRoom.token, 'Doomed', 'PRIVATE')
  const deletedMsg = (await send(t.url, users.deletedRoom.token, del.id, 'hello doomed')).id
  await ok(t.url, 'mutation($r: ID!) { deleteRoom(id: $r) }', { r: del.id }, users.deletedRoom.token)
  fx = { users, pub, priv, direct, deleted: del, pubMsg, privMsg, deletedMsg, spare }
}

async function tearDown() {
  for (const c of clients.values()) await c.dispose()
  clients.clear()
  await t?.close()
}

// SQLite and PostgreSQL (skipped without TEST_PG_URL): the visibility queries differ per dialect
for (const backend of BACKENDS) describe.runIf(canRun(backend))(`authorization matrix (${BACKEND_NAMES[backend]})`, () => {
  let dropDb: (() => Promise<void>) | null = null
  beforeAll(async () => {
    const db = backend === 'postgres' ? await freshPgDatabase() : null
    dropDb = db ? db.drop : null
    await setUp(db?.url)
  }, 120_000)
  afterAll(async () => {
    await tearDown()
    await dropDb?.()
  })

  it('every Query, Mutation and Subscription field of schema.graphql has a row', () => {
    const covered = new Set(ROWS.map((r) => r.field))
    const missing = schemaFields().filter((f) => !covered.has(f))
    expect(missing, 'fields without a row in the authorization matrix').toEqual([])
    const stale = [...covered].filter((f) => !schemaFields().includes(f))
    expect(stale, 'rows for fields the schema no longer has').toEqual([])
  })

  // before the matrix, which changes who is whose friend
  it('lists and viewer-dependent fields show each actor only what they may see', async () => {
    const O = fx.users.owner
    // the owner online: an open socket
    const c = clientOf('owner')
    const dispose = c.subscribe({ query: 'subscription { notifications { id } }' }, { next: () => {}, error: () => {}, complete: () => {} })
    await eventually(async () => (await ok(t.url, 'query($id: ID!) { user(id: $id) { status } }', { id: O.id }, tokenOf('friend'))).user.status === 'ONLINE', 10_000, 'owner ONLINE')
    const sees: Record<Signed, { status: string; friendship: string; rooms: string[]; search: string[] }> = {} as any
    for (const a of SIGNED) {
      const d = await ok(t.url, `query($id: ID!) {
        user(id: $id) { status friendship }
        rooms(first: 100) { edges { node { id } } }
        searchMessages(query: "hello", first: 100) { edges { node { body } } }
        users(search: "", first: 100) { edges { node { id status } } }
      }`, { id: O.id }, tokenOf(a))
      sees[a] = {
        status: d.user.status, friendship: d.user.friendship,
        rooms: d.rooms.edges.map((e: any) => e.node.id),
        search: d.searchMessages.edges.map((e: any) => e.node.body).sort(),
      }
      // the same status wherever the user shows up
      const inList = d.users.edges.find((e: any) => e.node.id === O.id)
      if (inList) expect(inList.node.status, a).toBe(d.user.status)
    }
    dispose()
    const expected: Record<Signed, [string, string]> = {
      owner: ['ONLINE', 'NONE'], member: ['ONLINE', 'NONE'], friend: ['ONLINE', 'FRIENDS'],
      nonMember: ['OFFLINE', 'NONE'], nonFriend: ['OFFLINE', 'NONE'], blocked: ['OFFLINE', 'NONE'],
      removed: ['OFFLINE', 'NONE'], deletedRoom: ['OFFLINE', 'NONE'],
    }
    for (const a of SIGNED) expect([sees[a].status, sees[a].friendship], a).toEqual(expected[a])
    // the blocker, and only the blocker, sees BLOCKED
    const b = await ok(t.url, 'query($id: ID!) { user(id: $id) { friendship } }', { id: fx.users.blocked.id }, tokenOf('owner'))
    expect(b.user.friendship).toBe('BLOCKED')
    // rooms: the PUBLIC room for everyone, the PRIVATE one for its members, never a DIRECT or deleted one
    for (const a of SIGNED) {
      expect(sees[a].rooms, a).toContain(fx.pub.id)
      expect(sees[a].rooms.includes(fx.priv.id), a).toBe(a === 'owner' || a === 'member')
      expect(sees[a].rooms, a).not.toContain(fx.direct.id)
      expect(sees[a].rooms, a).not.toContain(fx.deleted.id)
    }
    // search without a room: only rooms the viewer belongs to
    expect(sees.owner.search).toEqual(['hello friend', 'hello private', 'hello public'])
    expect(sees.member.search).toEqual(['hello private', 'hello public'])
    expect(sees.friend.search).toEqual(['hello friend'])
    for (const a of ['nonMember', 'nonFriend', 'blocked', 'removed', 'deletedRoom'] as const) expect(sees[a].search, a).toEqual([])
  })

  it('each actor gets the outcome the contract gives, for every row', async () => {
    const mismatches: string[] = []
    for (const row of ROWS) {
      // refusals first, against the state the successful calls then change
      const order = [...ACTORS].sort((x, y) => Number(row.expect[x] === 'ok') - Number(row.expect[y] === 'ok'))
      for (const a of order) {
        let got: string
        try { got = await runRow(row, a) } catch (e) { got = `threw ${(e as Error).message}` }
        if (got !== row.expect[a]) mismatches.push(`${row.field}${row.label ? ` (${row.label})` : ''} as ${a}: expected ${row.expect[a]}, got ${got}`)
      }
    }
    // the server is still healthy after the whole matrix
    const health = await fetch(t.url + '/health')
    expect(health.status).toBe(200)
    expect(mismatches).toEqual([])
  }, 600_000)

  it('nothing a refused actor tried was stored: the private room holds only its members\' messages', async () => {
    const d = await ok(t.url, 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { sender { id } } } } }', { r: fx.priv.id }, tokenOf('owner'))
    const senders = new Set(d.messages.edges.map((e: any) => e.node.sender.id))
    for (const id of senders) expect([fx.users.owner.id, fx.users.member.id]).toContain(id)
    const pubD = await ok(t.url, 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { sender { id } } } } }', { r: fx.pub.id }, tokenOf('owner'))
    for (const e of pubD.messages.edges) expect([fx.users.owner.id, fx.users.member.id]).toContain(e.node.sender.id)
  })
})
