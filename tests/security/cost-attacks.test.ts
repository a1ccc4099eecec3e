// The expensive-request attacks of the public-safety review (issue 13, findings 1, 2 and 5),
// each written as the attacker sends it. Before the fix: the fragment chain held the event loop
// for seconds (n = 24: ~6 s, ~4x per two levels), 30 aliased studyStats over 15,000 sessions
// 13.7 s, 30 aliased myRooms over 3,000 rooms 8.4 s, 30 aliased searches over 20,000 messages
// by a user in no room 1.3 s. `npm run bench:attacks` measures them on a production build.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BACKENDS, canRun, databaseFor, startApp, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp, type TestUser } from '../helpers/client.js'
import { createRoom, send } from '../helpers/rooms.js'
import { acked, until } from './raw.js'

/** fragments F0..Fn, each spreading the next one twice: 2^n paths through ~30 bytes a level */
function fragmentChain(n: number, leaf = '__typename'): string {
  let q = 'query { ...F0 }\n'
  for (let i = 0; i < n; i++) q += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }\n`
  return q + `fragment F${n} on Query { ${leaf} }\n`
}

const aliased = (n: number, field: string) => `query { ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`

/** runs `attack` while /health is asked every 20 ms; the longest /health answer is how long anyone else waited */
async function whileHealthPolled<T>(url: string, attack: () => Promise<T>): Promise<{ result: T; ms: number; worstHealthMs: number; healthAnswers: number }> {
  let worst = 0
  let answers = 0
  let running = true
  const poll = (async () => {
    while (running) {
      const t = performance.now()
      const r = await fetch(url + '/health')
      expect(r.status).toBe(200)
      worst = Math.max(worst, performance.now() - t)
      answers++
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  const t0 = performance.now()
  const result = await attack()
  const ms = performance.now() - t0
  running = false
  await poll
  return { result, ms, worstHealthMs: worst, healthAnswers: answers }
}

describe('validation work is linear in the document', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp() })
  afterAll(async () => { await t?.close() })

  it('an anonymous fragment chain of n = 32 (2^32 paths) is refused at once and /health keeps answering', async () => {
    const { result, ms, worstHealthMs } = await whileHealthPolled(t.url, () => gql(t.url, fragmentChain(32)))
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(result.errors?.[0]?.message).toMatch(/too costly|Too many/)
    expect(result.data ?? null).toBeNull()
    // before the fix: ~6 s at n = 24 and 4x more per two levels (days at n = 32)
    expect(ms).toBeLessThan(2000)
    expect(worstHealthMs).toBeLessThan(2000)
  })

  it('the same chain over a WebSocket that never signed in gets an error frame at once, and the socket keeps working', async () => {
    const s = await acked(t.wsUrl)
    const t0 = performance.now()
    s.send({ id: 'chain', type: 'subscribe', payload: { query: fragmentChain(32) } })
    await until(() => s.of('chain').length > 0, 5000, 'an answer to the chain')
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(s.of('chain', 'error')[0].payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    s.send({ id: 'me', type: 'subscribe', payload: { query: '{ me { id } }' } })
    await until(() => s.of('me', 'next').length === 1, 5000, 'me')
    expect(s.of('me', 'next')[0].payload.data).toEqual({ me: null })
    s.ws.close()
  })

  it('__typename costs something: a chain whose leaves are only __typename is refused once it asks for more than the cost limit', async () => {
    // 2^14 = 16,384 __typename plus the spreads' own fields stay under 20,000; 2^15 does not
    const small = await gql(t.url, fragmentChain(14))
    expect(small.errors).toBeUndefined()
    expect(small.data).toEqual({ __typename: 'Query' })
    const big = await gql(t.url, fragmentChain(15))
    expect(big.errors?.[0]?.message).toMatch(/too costly/)
  })

  it('aliases and directives count as executed: an alias spread through a fragment chain counts once per path', async () => {
    // one alias, reached 2^6 = 64 times through the chain: more than the 30 aliases allowed
    const r = await gql(t.url, fragmentChain(6, 'x: __typename'))
    expect(r.errors?.[0]?.message).toMatch(/Too many aliases/)
    const d = await gql(t.url, fragmentChain(6, '__typename @include(if: true)'))
    expect(d.errors?.[0]?.message).toMatch(/Too many directives/)
    const fine = await gql(t.url, fragmentChain(4, 'x: __typename'))
    expect(fine.data).toEqual({ x: 'Query' })
  })

  it('page sizes given as variables count as the variables say: small pages pass, large ones are refused (HTTP and socket)', async () => {
    const u = await signUp(t.url)
    const room = await createRoom(t.url, u.token, 'Paged by variables')
    await send(t.url, u.token, room.id, 'first message')
    // what a typed (codegen) client sends: page sizes as variables
    const Q = 'query($r: ID!, $f: Int, $uf: Int) { messages(roomId: $r, first: $f) { edges { node { body reactions { emoji count users(first: $uf) { id username displayName } } } } } }'
    const small = await gql(t.url, Q, { r: room.id, f: 8, uf: 5 }, u.token)
    expect(small.errors).toBeUndefined()
    expect(small.data.messages.edges.map((e: any) => e.node.body)).toEqual(['first message'])
    // the same document with pages of 100: the estimate is over the limit, refused before it runs
    const big = await gql(t.url, Q, { r: room.id, f: 100, uf: 100 }, u.token)
    expect(big.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(big.errors?.[0]?.message).toMatch(/too costly/)
    expect(big.data ?? null).toBeNull()
    // the operation's own default counts when the variable is not sent
    const defaulted = 'query($r: ID!, $f: Int = 100, $uf: Int = 100) { messages(roomId: $r, first: $f) { edges { node { reactions { users(first: $uf) { id username displayName } } } } } }'
    expect((await gql(t.url, defaulted, { r: room.id }, u.token)).errors?.[0]?.message).toMatch(/too costly/)
    expect((await gql(t.url, defaulted, { r: room.id, f: 5, uf: 5 }, u.token)).errors).toBeUndefined()
    // over the socket alike
    const s = await acked(t.wsUrl, { authorization: `Bearer ${u.token}` })
    s.send({ id: 'small', type: 'subscribe', payload: { query: Q, variables: { r: room.id, f: 8, uf: 5 } } })
    s.send({ id: 'big', type: 'subscribe', payload: { query: Q, variables: { r: room.id, f: 100, uf: 100 } } })
    await until(() => s.of('small', 'next').length === 1 && s.of('big').length > 0, 5000, 'both answers')
    expect(s.of('small', 'next')[0].payload.data.messages.edges).toHaveLength(1)
    expect(s.of('big', 'error')[0].payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    s.ws.close()
  })

  it('a chain of depth through fragments is measured once per fragment (depth limit still holds through them)', async () => {
    // 40 fragments nesting me { ... } would be 40 levels: refused by depth, quickly
    let q = 'query { ...D0 }\n'
    for (let i = 0; i < 40; i++) q += `fragment D${i} on Query { ...D${i + 1} ...D${i + 1} }\n`
    q += 'fragment D40 on Query { rooms { edges { node { members { edges { node { user { friendship } } } } } } } }\n'
    const { result, ms } = await whileHealthPolled(t.url, () => gql(t.url, q))
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(ms).toBeLessThan(2000)
  })
})

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`expensive fields and unbounded lists (${backend})`, () => {
    let t: TestApp
    // the set-up creates hundreds of things from one account: per-user limits off
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend), env: { SEND_RATE_LIMIT_PER_USER: '0' } }) })
    afterAll(async () => { await t?.close() })

    it('30 aliased studyStats or searches in one request are refused before anything runs; 4 are answered', async () => {
      const u = await signUp(t.url)
      for (let i = 0; i < 40; i++) await ok(t.url, 'mutation { recordStudySession(minutes: 25) { id } }', {}, u.token)
      const stats = 'studyStats(days: 366) { totalMinutes sessionCount byDay { minutes } }'
      const many = await gql(t.url, aliased(30, stats), {}, u.token)
      expect(many.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
      expect(many.errors?.[0]?.message).toMatch(/at most 4/)
      expect(many.data ?? null).toBeNull()
      const four = await ok(t.url, aliased(4, stats), {}, u.token)
      for (let i = 0; i < 4; i++) expect(four[`a${i}`]).toMatchObject({ totalMinutes: 1000, sessionCount: 40 })
      // spread through fragments counts too
      const spread = await gql(t.url, `query { ...S ...T } fragment S on Query { ...T ...T } fragment T on Query { a: ${stats} b: searchMessages(query: "x") { edges { cursor } } }`, {}, u.token)
      expect(spread.errors?.[0]?.message).toMatch(/at most 4/)
      const search = await gql(t.url, aliased(30, 'searchMessages(query: "hello", first: 100) { edges { node { id } } }'), {}, u.token)
      expect(search.errors?.[0]?.message).toMatch(/at most 4/)
    })

    it('30 aliased myRooms are refused by the cost estimate (myRooms counts as its cap of 500 rooms)', async () => {
      const u = await signUp(t.url)
      const r = await gql(t.url, aliased(30, 'myRooms { id name kind memberCount }'), {}, u.token)
      expect(r.errors?.[0]?.message).toMatch(/too costly/)
      // what the web client asks stays well within it
      expect((await ok(t.url, '{ myRooms { id name kind memberCount viewerRole unreadCount lastMessage { id body createdAt sender { id displayName } } } }', {}, u.token)).myRooms).toEqual([])
    })

    it('an account belongs to at most 500 rooms: the 501st create or join is CONFLICT and changes nothing', async () => {
      const u = await signUp(t.url)
      const other = await signUp(t.url)
      const open = await createRoom(t.url, other.token, 'One more')
      for (let i = 0; i < 500; i += 25) {
        await Promise.all(Array.from({ length: 25 }, (_, j) => ok(t.url, 'mutation($n: String!) { createRoom(input: { name: $n }) { id } }', { n: `r${i + j}` }, u.token)))
      }
      const created = await gql(t.url, 'mutation { createRoom(input: { name: "too many" }) { id } }', {}, u.token)
      expect(created.errors?.[0]?.extensions?.code).toBe('CONFLICT')
      expect(created.errors?.[0]?.message).toMatch(/500 rooms/)
      const joined = await gql(t.url, 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', { r: open.id }, u.token)
      expect(joined.errors?.[0]?.extensions?.code).toBe('CONFLICT')
      const mine = (await ok(t.url, '{ myRooms { id name } }', {}, u.token)).myRooms
      expect(mine).toHaveLength(500)
      expect(mine.some((r: any) => r.name === 'too many' || r.id === open.id)).toBe(false)
    })

    it('the 500-room cap holds when joins and creates race: from 490 rooms, 40 at once store exactly 10; a friend at the cap gets no direct room', async () => {
      const u = await signUp(t.url)
      const other = await signUp(t.url)
      const CREATE = 'mutation($n: String!) { createRoom(input: { name: $n }) { id } }'
      for (let i = 0; i < 490; i += 35) await Promise.all(Array.from({ length: Math.min(35, 490 - i) }, (_, j) => ok(t.url, CREATE, { n: `q${i + j}` }, u.token)))
      const open = await Promise.all(Array.from({ length: 30 }, (_, i) => createRoom(t.url, other.token, `Open ${i}`)))
      // each join locks its own room's row: counted side by side, all of them passed the cap (PostgreSQL stored 529)
      const answers = await Promise.all([
        ...open.map((r) => gql(t.url, 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', { r: r.id }, u.token)),
        ...Array.from({ length: 10 }, (_, i) => gql(t.url, CREATE, { n: `late${i}` }, u.token)),
      ])
      expect(answers.filter((a) => !a.errors)).toHaveLength(10)
      const refused = answers.filter((a) => a.errors)
      expect(refused).toHaveLength(30)
      for (const a of refused) expect(a.errors?.[0]?.extensions?.code).toBe('CONFLICT')
      expect((await ok(t.url, '{ myRooms { id } }', {}, u.token)).myRooms).toHaveLength(500)
      // one more, one at a time, still refused
      expect((await gql(t.url, CREATE, { n: 'after' }, u.token)).errors?.[0]?.extensions?.code).toBe('CONFLICT')

      // a direct room would be a 501st room for u: refused for the friend who opens it, naming u, and nothing is made
      const sent = await ok(t.url, 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: u.id }, other.token)
      await ok(t.url, 'mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: sent.sendFriendRequest.id }, u.token)
      const dm = await gql(t.url, 'mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: u.id }, other.token)
      expect(dm.errors?.[0]?.extensions?.code).toBe('CONFLICT')
      expect(dm.errors?.[0]?.message).toContain(`@${u.username}`)
      expect((await ok(t.url, '{ myRooms { id kind } }', {}, other.token)).myRooms.filter((r: any) => r.kind === 'DIRECT')).toEqual([])
      expect((await ok(t.url, '{ myRooms { id } }', {}, u.token)).myRooms).toHaveLength(500)
    })

    it('pending friend requests are capped at 100 per sender: the 101st is CONFLICT, and each list returns at most 100', async () => {
      const sender = await signUp(t.url)
      const people: TestUser[] = []
      for (let i = 0; i < 101; i += 20) people.push(...await Promise.all(Array.from({ length: Math.min(20, 101 - i) }, () => signUp(t.url))))
      const REQ = 'mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }'
      for (let i = 0; i < 100; i += 20) await Promise.all(people.slice(i, i + 20).map((p) => ok(t.url, REQ, { u: p.id }, sender.token)))
      const extra = await gql(t.url, REQ, { u: people[100].id }, sender.token)
      expect(extra.errors?.[0]?.extensions?.code).toBe('CONFLICT')
      expect((await ok(t.url, '{ friendRequests(direction: INCOMING) { id } }', {}, people[100].token)).friendRequests).toEqual([])
      expect((await ok(t.url, '{ friendRequests(direction: OUTGOING) { id } }', {}, sender.token)).friendRequests).toHaveLength(100)
    })

    it('a call holds at most 16 people (its participant lists are capped): the 17th joinCall is CONFLICT', async () => {
      const owner = await signUp(t.url)
      const room = await createRoom(t.url, owner.token, 'Big call')
      const people = [owner, ...await Promise.all(Array.from({ length: 16 }, () => signUp(t.url)))]
      for (const p of people.slice(1)) await ok(t.url, 'mutation($r: ID!) { joinRoom(roomId: $r) { id } }', { r: room.id }, p.token)
      const JOIN = 'mutation($r: ID!) { joinCall(roomId: $r) { id } }'
      for (const p of people.slice(0, 16)) await ok(t.url, JOIN, { r: room.id }, p.token)
      const late = await gql(t.url, JOIN, { r: room.id }, people[16].token)
      expect(late.errors?.[0]?.extensions?.code).toBe('CONFLICT')
      const inCall = (await ok(t.url, 'query($r: ID!) { callParticipants(roomId: $r) { id } }', { r: room.id }, owner.token)).callParticipants
      expect(inCall).toHaveLength(16)
      expect(inCall.some((u: any) => u.id === people[16].id)).toBe(false)
      // someone already in the call may join again (a reconnect)
      expect((await ok(t.url, JOIN, { r: room.id }, people[3].token)).joinCall).toHaveLength(15)
    })

    it('message search by a user in no room finds nothing, however much the database holds; members find their own', async () => {
      const owner = await signUp(t.url)
      const loner = await signUp(t.url)
      const room = await createRoom(t.url, owner.token, 'Private talk', 'PRIVATE')
      for (let i = 0; i < 60; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => send(t.url, owner.token, room.id, `hello world ${i + j}`)))
      const SEARCH = 'query($q: String!) { searchMessages(query: $q, first: 100) { edges { node { id body } } } }'
      expect((await ok(t.url, SEARCH, { q: 'hello' }, loner.token)).searchMessages.edges).toEqual([])
      expect((await ok(t.url, SEARCH, { q: 'hello' }, owner.token)).searchMessages.edges).toHaveLength(60)
      // a room token is never a word: searching for the room's id finds nothing
      const token = 'r' + room.id.replace(/-/g, '')
      expect((await ok(t.url, SEARCH, { q: token }, owner.token)).searchMessages.edges).toEqual([])
      expect((await ok(t.url, SEARCH, { q: token.slice(0, 4) }, owner.token)).searchMessages.edges).toEqual([])
    })

    it('a one-character word matches whole words only (no prefix scan); two characters match as a prefix', async () => {
      const u = await signUp(t.url)
      const room = await createRoom(t.url, u.token, 'Words')
      await send(t.url, u.token, room.id, 'hello there')
      await send(t.url, u.token, room.id, 'plan b it is')
      const SEARCH = 'query($q: String!) { searchMessages(query: $q) { edges { node { body } } } }'
      const bodies = async (q: string) => (await ok(t.url, SEARCH, { q }, u.token)).searchMessages.edges.map((e: any) => e.node.body)
      expect(await bodies('h')).toEqual([])
      expect(await bodies('b')).toEqual(['plan b it is'])
      expect(await bodies('he')).toEqual(['hello there'])
      expect(await bodies('hel th')).toEqual(['hello there'])
    })
  })
}
