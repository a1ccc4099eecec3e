// Hostile text and ids: invisible or direction-changing characters in names, broken Unicode,
// control characters, oversized strings and ids that are not ids. Each is refused (or
// normalised), nothing is stored, and nothing is answered with an internal error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp, uniqueName, type TestUser } from '../helpers/client.js'
import { createRoom, send } from '../helpers/rooms.js'
import { acked, bearer, until } from './raw.js'

let t: TestApp
let u: TestUser
let other: TestUser
let room: { id: string; code: string }
let msgId: string
beforeAll(async () => {
  t = await startApp({ env: { JOIN_CODE_RATE_LIMIT: '1000', SEND_RATE_LIMIT_PER_USER: '0' } })
  u = await signUp(t.url)
  other = await signUp(t.url)
  room = await createRoom(t.url, u.token, 'Inputs')
  msgId = (await send(t.url, u.token, room.id, 'first')).id
})
afterAll(async () => { await t?.close() })

const SIGN_UP = 'mutation($i: SignUpInput!) { signUp(input: $i) { user { username displayName } } }'

// characters that must never end up in a name as given
const HOSTILE: Record<string, string> = {
  'lone high surrogate': 'ab\uD800cd',
  'lone low surrogate': 'ab\uDC00cd',
  NUL: 'ab\u0000cd',
  BEL: 'ab\u0007cd',
  ESC: 'ab\u001B[31mcd',
  DEL: 'ab\u007Fcd',
  C1: 'ab\u0085cd',
  newline: 'ab\ncd',
  'right-to-left override': 'ab\u202Ecd',
  'left-to-right embedding': 'ab\u202Acd',
  'first strong isolate': 'ab\u2068cd',
  'right-to-left mark': 'ab\u200Fcd',
}
// Default_Ignorable_Code_Point: each renders as nothing, so "ab<it>cd" looks like "abcd"
const INVISIBLE: Record<string, string> = {
  'zero-width space': 'ab\u200Bcd',
  'word joiner': 'ab\u2060cd',
  'byte order mark': 'ab\uFEFFcd',
  'soft hyphen': 'ab\u00ADcd',
  'zero-width joiner': 'ab\u200Dcd',
  'zero-width non-joiner': 'ab\u200Ccd',
  'combining grapheme joiner': 'ab\u034Fcd',
  'variation selector': 'ab\uFE0Fcd',
  'Mongolian vowel separator': 'ab\u180Ecd',
  'Hangul filler inside': 'ab\u3164cd',
  'tag character': 'ab\u{E0041}cd',
}
// names that render as blank (contract part 2): fillers and blanks that trimming keeps
const BLANK: Record<string, string> = {
  'Hangul filler U+3164': '\u3164',
  'Hangul choseong filler U+115F': '\u115F',
  'Hangul jungseong filler U+1160': '\u1160',
  'halfwidth Hangul filler U+FFA0': '\uFFA0\uFFA0',
  'Braille blank U+2800': '\u2800\u2800\u2800',
  'Braille blank between spaces': ' \u2800 \u3000\u2800 ',
}

async function code(query: string, variables: Record<string, unknown>, token: string | null = u.token) {
  const r = await gql(t.url, query, variables, token)
  expect(r.status, query).toBeLessThan(500)
  return { code: r.errors?.[0]?.extensions?.code, field: r.errors?.[0]?.extensions?.field, message: r.errors?.[0]?.message, data: r.data }
}

describe('usernames', () => {
  it('are unique case-insensitively; fullwidth spellings are not the ASCII the contract allows', async () => {
    const base = uniqueName('bob').toLowerCase()
    const first = await ok(t.url, SIGN_UP, { i: { username: base, password: 'a fine password' } })
    expect(first.signUp.user.username).toBe(base)
    for (const name of [base.toUpperCase(), ` ${base} `]) {
      const r = await code(SIGN_UP, { i: { username: name, password: 'a fine password' } }, null)
      expect(r.code, JSON.stringify(name)).toBe('CONFLICT')
    }
    // "3-32 of [a-zA-Z0-9_.-]": a fullwidth name is refused (taken or new), not folded into ASCII
    const fullwidth = (s: string) => [...s].map((c) => /[a-z0-9]/.test(c) ? String.fromCodePoint(c.codePointAt(0)! + 0xFEE0) : c).join('')
    for (const name of [fullwidth(base), fullwidth(uniqueName('fw').toLowerCase())]) {
      const r = await code(SIGN_UP, { i: { username: name, password: 'a fine password' } }, null)
      expect([r.code, r.field], JSON.stringify(name)).toEqual(['BAD_USER_INPUT', 'input.username'])
    }
  })

  it('refuses control, bidi, invisible, combining and broken characters', async () => {
    const bad = { ...HOSTILE, ...INVISIBLE, 'combining accent': 'abe\u0301cd', 'Cyrillic look-alike': 'аdmin', space: 'ab cd', emoji: 'ab\u{1F600}cd' }
    for (const [what, name] of Object.entries(bad)) {
      const r = await code(SIGN_UP, { i: { username: name + uniqueName('x'), password: 'a fine password' } }, null)
      expect(r.code, what).toBe('BAD_USER_INPUT')
      expect(r.field, what).toBe('input.username')
    }
  })
})

describe('display names and room names', () => {
  const targets = [
    { name: 'signUp displayName', field: 'input.displayName', run: (v: string) => gql(t.url, SIGN_UP, { i: { username: uniqueName('dn'), password: 'a fine password', displayName: v } }), read: (d: any) => d.signUp.user.displayName },
    { name: 'updateProfile displayName', field: 'input.displayName', run: (v: string) => gql(t.url, 'mutation($v: String) { updateProfile(input: { displayName: $v }) { displayName } }', { v }, u.token), read: (d: any) => d.updateProfile.displayName },
    { name: 'updateProfile firstName', field: 'input.firstName', run: (v: string) => gql(t.url, 'mutation($v: String) { updateProfile(input: { firstName: $v }) { firstName } }', { v }, u.token), read: (d: any) => d.updateProfile.firstName },
    { name: 'updateProfile lastName', field: 'input.lastName', run: (v: string) => gql(t.url, 'mutation($v: String) { updateProfile(input: { lastName: $v }) { lastName } }', { v }, u.token), read: (d: any) => d.updateProfile.lastName },
    { name: 'createRoom name', field: 'input.name', run: (v: string) => gql(t.url, 'mutation($v: String!) { createRoom(input: { name: $v }) { name } }', { v }, u.token), read: (d: any) => d.createRoom.name },
    { name: 'updateRoom name', field: 'input.name', run: (v: string) => gql(t.url, 'mutation($r: ID!, $v: String) { updateRoom(id: $r, input: { name: $v }) { name } }', { r: room.id, v }, u.token), read: (d: any) => d.updateRoom.name },
  ]

  it('refuse control characters, broken Unicode and direction overrides', async () => {
    const roomsBefore = (await ok(t.url, '{ myRooms { id } }', {}, u.token)).myRooms.length
    for (const target of targets) {
      for (const [what, v] of Object.entries(HOSTILE)) {
        const r = await target.run(v)
        expect(r.errors?.[0]?.extensions?.code, `${target.name}: ${what}`).toBe('BAD_USER_INPUT')
        expect(r.errors?.[0]?.extensions?.field, `${target.name}: ${what}`).toBe(target.field)
      }
    }
    // nothing was stored on the way
    expect((await ok(t.url, '{ myRooms { id } }', {}, u.token)).myRooms.length).toBe(roomsBefore)
    const me = await ok(t.url, '{ me { displayName firstName lastName } }', {}, u.token)
    expect(JSON.stringify(me)).not.toMatch(/cd/)
  })

  // issue 13, finding 8 (impersonation): a name with an invisible character looked like another
  // user's name and was dropped silently into one; names of Hangul fillers or Braille blanks were
  // stored as blank-looking names. Both are refused now, and nothing is stored.
  it('refuse invisible (Default_Ignorable) characters and names that render as blank, storing nothing', async () => {
    const before = await ok(t.url, '{ me { displayName firstName lastName } }', {}, u.token)
    const roomBefore = (await ok(t.url, 'query($r: ID!) { room(id: $r) { name } }', { r: room.id }, u.token)).room.name
    const roomsBefore = (await ok(t.url, '{ myRooms { id } }', {}, u.token)).myRooms.length
    for (const target of targets) {
      for (const [what, v] of Object.entries({ ...INVISIBLE, ...BLANK, 'only invisible characters': '\u200B\u2060\uFEFF' })) {
        const r = await target.run(v)
        expect(r.errors?.[0]?.extensions?.code, `${target.name}: ${what}`).toBe('BAD_USER_INPUT')
        expect(r.errors?.[0]?.extensions?.field, `${target.name}: ${what}`).toBe(target.field)
        expect(r.errors?.[0]?.message, `${target.name}: ${what}`).toMatch(/invisible|blank/)
      }
    }
    expect(await ok(t.url, '{ me { displayName firstName lastName } }', {}, u.token)).toEqual(before)
    expect((await ok(t.url, 'query($r: ID!) { room(id: $r) { name } }', { r: room.id }, u.token)).room.name).toBe(roomBefore)
    expect((await ok(t.url, '{ myRooms { id } }', {}, u.token)).myRooms.length).toBe(roomsBefore)
  })

  it('are stored as typed and trimmed (no normalisation: an accent stays a combining mark); spaces, a Braille blank or emoji between visible letters are fine', async () => {
    for (const target of targets) {
      const r = await target.run('  Cafe\u0301  ')
      expect(target.read(r.data), target.name).toBe('Cafe\u0301')
      // whitespace the trim removes never refuses a single-line name
      const nl = await target.run('Ada\n')
      expect(nl.errors, target.name).toBeUndefined()
      expect(target.read(nl.data), target.name).toBe('Ada')
      for (const v of ['Ada Lovelace', 'a\u2800b', 'Ada \u{1F600}']) {
        const ok2 = await target.run(v)
        expect(ok2.errors, `${target.name}: ${JSON.stringify(v)}`).toBeUndefined()
        expect(target.read(ok2.data), target.name).toBe(v)
      }
      // only spaces: an optional name is cleared, a required one is empty
      const empty = await target.run('   ')
      if (target.field.endsWith('Name') && target.name.includes('updateProfile') && !target.field.endsWith('displayName')) {
        expect(target.read(empty.data), target.name).toBeNull()
      } else {
        expect(empty.errors?.[0]?.extensions?.code, target.name).toBe('BAD_USER_INPUT')
      }
    }
  })

  it('message bodies refuse broken Unicode and control characters (newlines and RTL text are fine)', async () => {
    for (const v of ['a\uD800b', 'a\u0000b', 'a\u001Bb', 'a\u0085b']) {
      const r = await code('mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: room.id, b: v })
      expect(r.code, JSON.stringify(v)).toBe('BAD_USER_INPUT')
      expect(r.field).toBe('body')
    }
    const fine = await send(t.url, u.token, room.id, 'line one\nשלום \u202Bmixed\u202C')
    expect(fine.body).toBe('line one\nשלום \u202Bmixed\u202C')
  })

  it('plain ASCII text is trimmed and held to the same limits (its own fast path in cleanText)', async () => {
    expect((await send(t.url, u.token, room.id, '  plain words, trimmed  ')).body).toBe('plain words, trimmed')
    // 4000 characters after the trim is the cap, spaces around it or not
    expect((await send(t.url, u.token, room.id, ' ' + 'b'.repeat(4000) + ' ')).body).toHaveLength(4000)
    for (const v of ['', '   ', 'c'.repeat(4001)]) {
      const r = await code('mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: room.id, b: v })
      expect(r.code, JSON.stringify(v.slice(0, 10))).toBe('BAD_USER_INPUT')
      expect(r.field).toBe('body')
    }
    const empty = await code('mutation($r: ID!) { sendMessage(roomId: $r, body: "x", clientId: "  ") { id } }', { r: room.id })
    expect(empty).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clientId' })
  })

  it('a page size the answer\'s selection refuses refuses the mutation before it writes (a rejected mutation changes nothing)', async () => {
    const count = async () => (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 100) { edges { node { id } } } }', { r: room.id }, u.token)).messages.edges.length
    const before = await count()
    const literal = await code('mutation($r: ID!) { sendMessage(roomId: $r, body: "kept?") { id room { members(first: 0) { edges { cursor } } } } }', { r: room.id })
    expect(literal).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' })
    const variable = await code('mutation($r: ID!, $n: Int) { sendMessage(roomId: $r, body: "kept?") { ...M } } fragment M on Message { room { messages(last: $n) { edges { cursor } } } }', { r: room.id, n: -1 })
    expect(variable).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' })
    expect(await count()).toBe(before)
    const rooms = (await ok(t.url, '{ myRooms { id } }', {}, u.token)).myRooms.length
    expect(await code('mutation { createRoom(input: { name: "never made" }) { id messages(first: -1) { edges { cursor } } } }', {})).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' })
    expect((await ok(t.url, '{ myRooms { id } }', {}, u.token)).myRooms.length).toBe(rooms)
    // a good page size in the same place works as before
    expect((await ok(t.url, 'mutation($r: ID!) { sendMessage(roomId: $r, body: "kept") { room { members(first: 1) { edges { cursor } } } } }', { r: room.id }, u.token)).sendMessage.room.members.edges).toHaveLength(1)
  })

  it('counts code points of the text as sent, after the trim, however much whitespace surrounds it', async () => {
    const SEND = 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { body } }'
    // "e" + a combining accent is two code points: 2000 of them fill the 4000, 2001 are over
    expect((await ok(t.url, SEND, { r: room.id, b: 'e\u0301'.repeat(2000) }, u.token)).sendMessage.body).toBe('e\u0301'.repeat(2000))
    expect(await code(SEND, { r: room.id, b: 'e\u0301'.repeat(2001) })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' })
    // an astral character is one code point (two UTF-16 units): 4000 of them are fine
    expect((await ok(t.url, SEND, { r: room.id, b: '\u{1D49C}'.repeat(4000) }, u.token)).sendMessage.body).toHaveLength(8000)
    // padding the trim takes away refuses nothing, ASCII or not
    expect((await ok(t.url, SEND, { r: room.id, b: 'hi' + ' '.repeat(9100) }, u.token)).sendMessage.body).toBe('hi')
    expect((await ok(t.url, SEND, { r: room.id, b: '\u00e9t\u00e9' + '\u3000'.repeat(9100) }, u.token)).sendMessage.body).toBe('\u00e9t\u00e9')
  })
})

describe('every string input has a length cap', () => {
  // [label, document, variables with the oversized value, expected field]
  const long = (n: number, c = 'a') => c.repeat(n)
  const CASES: [string, string, () => Record<string, unknown>, string][] = [
    ['signUp username', SIGN_UP, () => ({ i: { username: long(33), password: 'a fine password' } }), 'input.username'],
    ['signUp displayName', SIGN_UP, () => ({ i: { username: uniqueName('c'), password: 'a fine password', displayName: long(65) } }), 'input.displayName'],
    ['signUp password', SIGN_UP, () => ({ i: { username: uniqueName('c'), password: long(257) } }), 'input.password'],
    ['updateProfile displayName', 'mutation($v: String) { updateProfile(input: { displayName: $v }) { id } }', () => ({ v: long(65) }), 'input.displayName'],
    ['updateProfile firstName', 'mutation($v: String) { updateProfile(input: { firstName: $v }) { id } }', () => ({ v: long(65) }), 'input.firstName'],
    ['updateProfile lastName', 'mutation($v: String) { updateProfile(input: { lastName: $v }) { id } }', () => ({ v: long(65) }), 'input.lastName'],
    ['createRoom name', 'mutation($v: String!) { createRoom(input: { name: $v }) { id } }', () => ({ v: long(81) }), 'input.name'],
    ['createRoom description', 'mutation($v: String) { createRoom(input: { name: "ok", description: $v }) { id } }', () => ({ v: long(1001) }), 'input.description'],
    ['updateRoom name', 'mutation($r: ID!, $v: String) { updateRoom(id: $r, input: { name: $v }) { id } }', () => ({ r: room.id, v: long(81) }), 'input.name'],
    ['updateRoom description', 'mutation($r: ID!, $v: String) { updateRoom(id: $r, input: { description: $v }) { id } }', () => ({ r: room.id, v: long(1001) }), 'input.description'],
    ['sendMessage body', 'mutation($r: ID!, $v: String!) { sendMessage(roomId: $r, body: $v) { id } }', () => ({ r: room.id, v: long(4001, '\u{1F600}') }), 'body'],
    ['sendMessage clientId', 'mutation($r: ID!, $v: String) { sendMessage(roomId: $r, body: "x", clientId: $v) { id } }', () => ({ r: room.id, v: long(65) }), 'clientId'],
    ['editMessage body', 'mutation($m: ID!, $v: String!) { editMessage(id: $m, body: $v) { id } }', () => ({ m: msgId, v: long(4001) }), 'body'],
    ['sendSignal payload', 'mutation($i: SendSignalInput!) { sendSignal(input: $i) { id } }', () => ({ i: { roomId: room.id, toUserId: other.id, kind: 'OFFER', payload: JSON.stringify({ sdp: long(65537) }) } }), 'input.payload'],
    ['users search', 'query($v: String) { users(search: $v) { edges { cursor } } }', () => ({ v: long(101) }), 'search'],
    ['rooms search', 'query($v: String) { rooms(search: $v) { edges { cursor } } }', () => ({ v: long(101) }), 'search'],
    ['searchMessages query', 'query($v: String!) { searchMessages(query: $v) { edges { cursor } } }', () => ({ v: long(201) }), 'query'],
    ['joinRoom code', 'mutation($v: String) { joinRoom(code: $v) { id } }', () => ({ v: long(65) }), 'code'],
    ['studyStats timeZone', 'query($v: String) { studyStats(timeZone: $v) { totalMinutes } }', () => ({ v: 'Europe/' + long(100) }), 'timeZone'],
    ['messages after', 'query($r: ID!, $v: String) { messages(roomId: $r, after: $v) { edges { cursor } } }', () => ({ r: room.id, v: long(10_000) }), 'after'],
    ['users after', 'query($v: String) { users(after: $v) { edges { cursor } } }', () => ({ v: long(10_000) }), 'after'],
    ['rooms after', 'query($v: String) { rooms(after: $v) { edges { cursor } } }', () => ({ v: long(10_000) }), 'after'],
  ]

  it.each(CASES)('%s: one past the cap is BAD_USER_INPUT on its field', async (_label, doc, vars, field) => {
    const r = await code(doc, vars())
    expect(r.code).toBe('BAD_USER_INPUT')
    expect(r.field).toBe(field)
  })

  it('nothing of those was stored', async () => {
    const d = await ok(t.url, 'query($r: ID!) { room(id: $r) { name description messages(first: 100) { edges { node { body clientId } } } } me { displayName firstName lastName } }', { r: room.id }, u.token)
    expect(JSON.stringify(d)).not.toMatch(/aaaaaaaaaa|\u{1F600}{10}/u)
  })

  it('oversized values where only a lookup happens name nothing (no error detail, no 500)', async () => {
    expect((await code('query($v: String!) { roomByCode(code: $v) { id } }', { v: long(100_000) })).code).toBe('NOT_FOUND')
    expect((await code('mutation($i: LogInInput!) { logIn(input: $i) { token } }', { i: { username: long(100_000), password: 'whatever1' } }, null)).code).toBe('UNAUTHENTICATED')
    // a long token is just a wrong token; one past Node's header limit is refused before anything runs
    const r = await gql(t.url, '{ me { id } }', {}, long(10_000))
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED')
    const huge = await fetch(t.url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + long(100_000) }, body: '{"query":"{ me { id } }"}' })
    expect(huge.status).toBe(431)
    expect((await fetch(t.url + '/health')).status).toBe(200)
  })
})

describe('a NUL in credentials being checked', () => {
  it('logIn answers the one failed answer (UNAUTHENTICATED, "Wrong username or password"), not BAD_USER_INPUT', async () => {
    const LOG_IN = 'mutation($i: LogInInput!) { logIn(input: $i) { token } }'
    const wrong = await code(LOG_IN, { i: { username: u.username, password: 'not the password' } }, null)
    expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED' })
    for (const i of [{ username: `${u.username}\u0000`, password: 'correct horse battery' }, { username: u.username, password: 'correct\u0000horse' }]) {
      const r = await code(LOG_IN, { i }, null)
      expect(r, JSON.stringify(i)).toEqual({ code: 'UNAUTHENTICATED', field: undefined, message: wrong.message, data: null })
    }
  })

  it('changePassword and deleteAccount: a NUL in the password checked is "not your current password"', async () => {
    const v = await signUp(t.url)
    const changed = await code('mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', { c: 'pass\u0000word', n: 'a new fine password' }, v.token)
    expect(changed).toMatchObject({ code: 'BAD_USER_INPUT', field: 'currentPassword', message: 'That is not your current password' })
    const erased = await code('mutation($p: String!) { deleteAccount(password: $p) }', { p: 'pass\u0000word' }, v.token)
    expect(erased).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password', message: 'That is not your current password' })
    expect((await ok(t.url, '{ me { id } }', {}, v.token)).me.id).toBe(v.id)
    // a new password with NUL is still refused as such
    const bad = await code('mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }', { c: 'correct horse battery', n: 'new\u0000password' }, v.token)
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'newPassword' })
  })
})

describe('ids are validated before they reach a query or a topic', () => {
  const GARBAGE = ['', 'not-an-id', "' OR 1=1 --", 'room.*.events', '*', '00000000-0000-0000-0000-00000000000g', 'x'.repeat(10_000), '\u0000', '../../etc/passwd']
  const ID_OPS: [string, string, (id: string) => Record<string, unknown>][] = [
    ['user', 'query($id: ID!) { user(id: $id) { id } }', (id) => ({ id })],
    ['room', 'query($id: ID!) { room(id: $id) { id } }', (id) => ({ id })],
    ['messages', 'query($id: ID!) { messages(roomId: $id) { edges { cursor } } }', (id) => ({ id })],
    ['searchMessages', 'query($id: ID) { searchMessages(query: "x", roomId: $id) { edges { cursor } } }', (id) => ({ id })],
    ['callParticipants', 'query($id: ID!) { callParticipants(roomId: $id) { id } }', (id) => ({ id })],
    ['revokeSession', 'mutation($id: ID!) { revokeSession(id: $id) }', (id) => ({ id })],
    ['updateRoom', 'mutation($id: ID!) { updateRoom(id: $id, input: { name: "n" }) { id } }', (id) => ({ id })],
    ['deleteRoom', 'mutation($id: ID!) { deleteRoom(id: $id) }', (id) => ({ id })],
    ['joinRoom', 'mutation($id: ID) { joinRoom(roomId: $id) { id } }', (id) => ({ id })],
    ['leaveRoom', 'mutation($id: ID!) { leaveRoom(roomId: $id) }', (id) => ({ id })],
    ['openDirectRoom', 'mutation($id: ID!) { openDirectRoom(userId: $id) { id } }', (id) => ({ id })],
    ['sendMessage', 'mutation($id: ID!) { sendMessage(roomId: $id, body: "x") { id } }', (id) => ({ id })],
    ['editMessage', 'mutation($id: ID!) { editMessage(id: $id, body: "x") { id } }', (id) => ({ id })],
    ['deleteMessage', 'mutation($id: ID!) { deleteMessage(id: $id) { id } }', (id) => ({ id })],
    ['markRead room', 'mutation($id: ID!, $m: ID!) { markRead(roomId: $id, messageId: $m) { id } }', (id) => ({ id, m: msgId })],
    ['setTyping', 'mutation($id: ID!) { setTyping(roomId: $id, typing: true) }', (id) => ({ id })],
    ['sendFriendRequest', 'mutation($id: ID!) { sendFriendRequest(userId: $id) { id } }', (id) => ({ id })],
    ['respondToFriendRequest', 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', (id) => ({ id })],
    ['cancelFriendRequest', 'mutation($id: ID!) { cancelFriendRequest(id: $id) { id } }', (id) => ({ id })],
    ['removeFriend', 'mutation($id: ID!) { removeFriend(userId: $id) }', (id) => ({ id })],
    ['blockUser', 'mutation($id: ID!) { blockUser(userId: $id) }', (id) => ({ id })],
    ['sendSignal room', 'mutation($id: ID!, $to: ID!) { sendSignal(input: { roomId: $id, toUserId: $to, kind: OFFER, payload: "{}" }) { id } }', (id) => ({ id, to: other.id })],
    ['sendSignal to', 'mutation($id: ID!, $r: ID!) { sendSignal(input: { roomId: $r, toUserId: $id, kind: OFFER, payload: "{}" }) { id } }', (id) => ({ id, r: room.id })],
    ['startStudySession', 'mutation($id: ID) { startStudySession(roomId: $id) { id } }', (id) => ({ id })],
    ['endStudySession', 'mutation($id: ID!) { endStudySession(id: $id) { id } }', (id) => ({ id })],
    ['recordStudySession', 'mutation($id: ID) { recordStudySession(roomId: $id, minutes: 5) { id } }', (id) => ({ id })],
    ['startRoomTimer', 'mutation($id: ID!) { startRoomTimer(roomId: $id) { phase } }', (id) => ({ id })],
    ['joinCall', 'mutation($id: ID!) { joinCall(roomId: $id) { id } }', (id) => ({ id })],
    ['leaveCall', 'mutation($id: ID!) { leaveCall(roomId: $id) }', (id) => ({ id })],
  ]

  it('every id argument given garbage answers NOT_FOUND over HTTP, never 500', async () => {
    const wrong: string[] = []
    for (const [name, doc, vars] of ID_OPS) {
      for (const g of GARBAGE) {
        const r = await gql(t.url, doc, vars(g), u.token)
        const c = r.errors?.[0]?.extensions?.code
        if (r.status >= 500 || c !== 'NOT_FOUND') wrong.push(`${name}(${JSON.stringify(g.slice(0, 20))}): HTTP ${r.status} ${c}`)
      }
    }
    expect(wrong).toEqual([])
    expect((await fetch(t.url + '/health')).status).toBe(200)
  })

  it('every subscription with a garbage id gets a NOT_FOUND error frame; no topic is subscribed', async () => {
    const SUBS = [
      'subscription($id: ID!) { messageAdded(roomId: $id) { id } }',
      'subscription($id: ID!) { messageEvents(roomId: $id) { seq } }',
      'subscription($id: ID!) { roomTimer(roomId: $id) { phase } }',
      'subscription($id: ID!) { typing(roomId: $id) { typing } }',
      'subscription($id: ID) { presenceChanged(roomId: $id) { status } }',
      'subscription($id: ID) { userUpdated(userId: $id) { id } }',
      'subscription($id: ID) { signalReceived(roomId: $id) { id } }',
      'subscription($id: ID!) { callChanged(roomId: $id) { joined } }',
    ]
    const s = await acked(t.wsUrl, bearer(u.token))
    const base = t.app.hearth.realtime.liveSubscriptions
    const ids: string[] = []
    SUBS.forEach((query, i) => GARBAGE.forEach((g, j) => {
      const id = `${i}-${j}`
      ids.push(id)
      s.send({ id, type: 'subscribe', payload: { query, variables: { id: g } } })
    }))
    await until(() => ids.every((id) => s.of(id, 'error').length === 1), 15_000, 'an error frame for each')
    const codes = new Set(ids.map((id) => s.of(id, 'error')[0].payload[0].extensions.code))
    expect([...codes]).toEqual(['NOT_FOUND'])
    expect(t.app.hearth.realtime.liveSubscriptions).toBe(base)
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    s.ws.close()
  })
})
