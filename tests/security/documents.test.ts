// Hostile GraphQL documents over HTTP and over the socket: what is refused, that nothing ran,
// and that the server keeps serving.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp, type TestUser } from '../helpers/client.js'
import { createRoom, send } from '../helpers/rooms.js'
import { acked, bearer, until } from './raw.js'

async function healthy(t: TestApp) {
  const h = await fetch(t.url + '/health')
  expect(h.status).toBe(200)
  expect(await ok(t.url, '{ me { id } }')).toEqual({ me: null })
}

describe('GET never runs a mutation', () => {
  let t: TestApp
  let u: TestUser
  beforeAll(async () => {
    t = await startApp()
    u = await signUp(t.url)
  })
  afterAll(async () => { await t?.close() })

  const get = (params: Record<string, string>, headers: Record<string, string>) =>
    fetch(t.url + '/graphql?' + new URLSearchParams(params), { headers: { authorization: `Bearer ${u.token}`, ...headers } })

  it('a query over GET with a preflight header works (so the refusals below are about mutations)', async () => {
    const res = await get({ query: '{ me { id } }' }, { 'x-mercurius-operation-name': 'Me' })
    expect(res.status).toBe(200)
    expect((await res.json()).data.me.id).toBe(u.id)
  })

  it('refuses mutations over GET whatever CSRF-satisfying headers come with them, and stores nothing', async () => {
    const headerSets: Record<string, string>[] = [
      {},
      { 'content-type': 'application/json' },
      // mercurius' preflight headers satisfy CSRF prevention; Apollo's are listed for good measure
      { 'x-mercurius-operation-name': 'M' },
      { 'mercurius-require-preflight': 'true' },
      { 'x-apollo-operation-name': 'M', 'apollo-require-preflight': 'true' },
      { 'content-type': 'application/json', 'x-mercurius-operation-name': 'M', 'x-http-method-override': 'POST' },
    ]
    const docs: Record<string, string>[] = [
      { query: 'mutation M { createRoom(input: { name: "via GET" }) { id } }' },
      // a query and a mutation in one document, the mutation picked by name
      { query: 'query Q { me { id } } mutation M { createRoom(input: { name: "via GET" }) { id } }', operationName: 'M' },
      { query: 'mutation M { logOut }' },
    ]
    for (const headers of headerSets) {
      for (const params of docs) {
        const res = await get(params, headers)
        expect(res.status, JSON.stringify({ headers, params })).toBeGreaterThanOrEqual(400)
        expect(res.status).toBeLessThan(500)
        const body: any = await res.json().catch(() => null)
        expect(body?.data?.createRoom ?? null).toBeNull()
        expect(body?.data?.logOut ?? null).toBeNull()
      }
    }
    // nothing was created and the session was not logged out
    const rooms = await ok(t.url, '{ myRooms { name } }', {}, u.token)
    expect(rooms.myRooms).toEqual([])
    await healthy(t)
  })
})

describe('cross-site requests carrying the session cookie', () => {
  let t: TestApp
  let u: TestUser
  beforeAll(async () => {
    t = await startApp()
    u = await signUp(t.url)
  })
  afterAll(async () => { await t?.close() })

  it('a foreign page\'s simple POST (form or multipart, with the cookie) runs no mutation, and no CORS header lets it read', async () => {
    const cookie = `hearth_session=${u.token}`
    const origin = 'http://evil.example'
    const mutation = 'mutation { createRoom(input: { name: "csrf" }) { id } }'
    const attempts: RequestInit[] = [
      { method: 'POST', headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ query: mutation }).toString() },
      { method: 'POST', headers: { cookie, origin, 'content-type': 'text/plain' }, body: JSON.stringify({ query: mutation }) },
      { method: 'POST', headers: { cookie, origin }, body: (() => { const f = new FormData(); f.set('query', mutation); return f })() },
    ]
    for (const init of attempts) {
      const res = await fetch(t.url + '/graphql', init)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
    }
    // a preflight from the foreign page is not granted either
    const pre = await fetch(t.url + '/graphql', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
    expect(pre.headers.get('access-control-allow-origin')).toBeNull()
    expect((await ok(t.url, '{ myRooms { id } }', {}, u.token)).myRooms).toEqual([])
    // the same cookie works for a same-origin JSON request (so the refusals above are about CSRF)
    const own = await fetch(t.url + '/graphql', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { id } }' }) })
    expect((await own.json()).data.me.id).toBe(u.id)
  })
})

describe('production mode (NODE_ENV=production)', () => {
  let t: TestApp
  let dev: TestApp
  let u: TestUser
  beforeAll(async () => {
    t = await startApp({ env: { NODE_ENV: 'production' } })
    dev = await startApp()
    u = await signUp(t.url)
  })
  afterAll(async () => { await t?.close(); await dev?.close() })

  const INTROSPECTION = ['{ __schema { queryType { name } } }', '{ __type(name: "User") { fields { name } } }', '{ me { id } __schema { types { name } } }']
  // each of these earns a "Did you mean" hint from graphql-js in development
  const TYPOS: { query: string; variables?: Record<string, unknown> }[] = [
    { query: '{ mee { id } }' },
    { query: '{ me { usernam } }' },
    { query: '{ friendRequests(direction: INCOMIN) { id } }' },
    { query: 'query($d: FriendRequestDirectio!) { friendRequests(direction: $d) { id } }', variables: { d: 'INCOMING' } },
    { query: 'query($d: FriendRequestDirection!) { friendRequests(direction: $d) { id } }', variables: { d: 'INCOMIN' } },
    { query: 'query { user(idd: "x") { id } }' },
    { query: 'mutation { signUp(input: { usernam: "abc", password: "12345678" }) { token } }' },
  ]

  it('in development the same documents do get hints and introspection (the test can tell)', async () => {
    const r = await gql(dev.url, '{ mee { id } }')
    expect(JSON.stringify(r.errors)).toMatch(/Did you mean/)
    expect((await gql(dev.url, INTROSPECTION[0])).data.__schema.queryType.name).toBe('Query')
  })

  it('HTTP: introspection is refused and no error suggests a name', async () => {
    for (const q of INTROSPECTION) {
      const r = await gql(t.url, q, {}, u.token)
      expect(r.status, q).toBe(400)
      expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
      expect(r.data ?? null).toBeNull()
    }
    // GET runs the same rules
    const viaGet = await fetch(t.url + '/graphql?' + new URLSearchParams({ query: INTROSPECTION[0] }), { headers: { authorization: `Bearer ${u.token}`, 'x-mercurius-operation-name': 'I' } })
    expect(viaGet.status).toBe(400)
    expect(await viaGet.text()).not.toMatch(/"queryType"/)
    for (const d of TYPOS) {
      const r = await gql(t.url, d.query, d.variables, u.token)
      expect(r.errors?.length, d.query).toBeGreaterThan(0)
      expect(JSON.stringify(r.errors), d.query).not.toMatch(/did you mean/i)
    }
    await healthy(t)
  })

  it('GraphiQL is served in development and not in production, from the same build', async () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-dist-'))
    fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>app</title>')
    fs.writeFileSync(path.join(dist, 'graphiql.html'), '<!doctype html><title>GraphiQL</title>')
    const prod = await startApp({ env: { NODE_ENV: 'production' }, overrides: { webDistDir: dist } })
    const devWeb = await startApp({ overrides: { webDistDir: dist } })
    try {
      const d = await fetch(devWeb.url + '/graphiql', { headers: { accept: 'text/html' } })
      expect(await d.text()).toContain('GraphiQL')
      const p = await fetch(prod.url + '/graphiql', { headers: { accept: 'text/html' } })
      expect(await p.text()).not.toContain('GraphiQL')
      expect(await (await fetch(prod.url + '/graphiql.html', { headers: { accept: 'text/html' } })).text()).not.toContain('GraphiQL')
    } finally {
      await prod.close()
      await devWeb.close()
    }
  })

  it('WebSocket: introspection is refused and no error frame suggests a name', async () => {
    const s = await acked(t.wsUrl, bearer(u.token))
    const docs = [
      ...INTROSPECTION.map((query) => ({ query })),
      ...TYPOS,
      { query: 'subscription { messageAddd(roomId: "x") { id } }' },
      { query: 'subscription { userUpdated { displayNam } }' },
      { query: 'subscription { __schema { types { name } } }' },
    ]
    docs.forEach((d, i) => s.send({ id: String(i), type: 'subscribe', payload: d }))
    await until(() => docs.every((_d, i) => s.of(String(i)).some((f) => f.type === 'error' || f.type === 'complete')), 10_000, 'an answer to every document')
    for (let i = 0; i < docs.length; i++) {
      const frames = s.of(String(i))
      const text = JSON.stringify(frames)
      expect(text, docs[i].query).not.toMatch(/did you mean/i)
      // refused: an error frame, or a result carrying only errors; never introspection data
      expect(text).not.toMatch(/"queryType"|"fields"|"types"/)
      const errored = frames.some((f) => f.type === 'error' || (f.type === 'next' && f.payload.errors?.length))
      expect(errored, docs[i].query).toBe(true)
    }
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    s.ws.close()
    await healthy(t)
  })
})

describe('page sizes, directives and subscription documents', () => {
  let t: TestApp
  let u: TestUser
  let roomId: string
  beforeAll(async () => {
    t = await startApp({ env: { QUERY_DIRECTIVE_LIMIT: '5', SEND_RATE_LIMIT_PER_USER: '0' } })
    u = await signUp(t.url)
    roomId = (await createRoom(t.url, u.token, 'Pages')).id
    for (let i = 0; i < 105; i++) await send(t.url, u.token, roomId, `m${i}`)
  })
  afterAll(async () => { await t?.close() })

  it('first: 1000000 is clamped to 100 (and last too); 0 and below are BAD_USER_INPUT', async () => {
    const d = await ok(t.url, 'query($r: ID!) { messages(roomId: $r, first: 1000000) { edges { node { seq } } pageInfo { hasNextPage } } }', { r: roomId }, u.token)
    expect(d.messages.edges).toHaveLength(100)
    expect(d.messages.pageInfo.hasNextPage).toBe(true)
    const l = await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 2147483647) { edges { node { seq } } pageInfo { hasPreviousPage } } }', { r: roomId }, u.token)
    expect(l.messages.edges).toHaveLength(100)
    expect(l.messages.edges.at(-1).node.seq).toBe(105)
    // every other connection and list that takes a page size survives the same number
    const others = [
      '{ users(first: 1000000) { edges { node { id } } } }',
      '{ rooms(first: 1000000) { edges { node { id } } } }',
      'query($r: ID!) { room(id: $r) { members(first: 1000000) { edges { node { role } } } messages(first: 1000000) { edges { node { id } } } } }',
      '{ searchMessages(query: "m1", first: 1000000) { edges { node { id } } } }',
      '{ studySessions(first: 1000000) { edges { node { id } } } }',
      '{ notificationsList(first: 1000000) { id } }',
    ]
    for (const q of others) {
      const r = await gql(t.url, q, { r: roomId }, u.token)
      expect(r.errors, q).toBeUndefined()
      expect(JSON.stringify(r.data).length).toBeLessThan(200_000)
    }
    const search = await ok(t.url, '{ searchMessages(query: "m1", first: 1000000) { edges { node { id } } } }', {}, u.token)
    expect(search.searchMessages.edges.length).toBeLessThanOrEqual(100)
    for (const q of ['first: 0', 'first: -5', 'last: 0']) {
      const r = await gql(t.url, `query($r: ID!) { messages(roomId: $r, ${q}) { edges { node { id } } } }`, { r: roomId }, u.token)
      expect(r.errors?.[0].extensions?.code, q).toBe('BAD_USER_INPUT')
    }
  })

  it('page sizes that multiply are refused by the cost estimate (QUERY_COST_LIMIT), over HTTP and over the socket', async () => {
    // measured before the limit: 30 of these over 20 rooms x 100 messages took ~5 s of CPU and ~600 MB
    const one = 'rooms(first: 100) { edges { node { name messages(first: 100) { edges { node { id body sender { username } room { name } } } } } } }'
    const bomb = '{ ' + Array.from({ length: 30 }, (_, i) => `a${i}: ${one}`).join(' ') + ' }'
    for (const q of [bomb, `{ ${one} }`, `query($n: Int) { rooms(first: $n) { edges { node { messages(first: $n) { edges { node { id body } } } } } } }`]) {
      const r = await gql(t.url, q, { n: 100 }, u.token)
      expect(r.status, q.slice(0, 60)).toBe(400)
      expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
      expect(r.errors?.[0].message).toMatch(/costly/)
      expect(r.data ?? null).toBeNull()
    }
    // the same through fragments
    const viaFragments = await gql(t.url, '{ rooms(first: 100) { edges { node { ...R } } } } fragment R on Room { messages(first: 100) { edges { node { ...M } } } } fragment M on Message { id body sender { username } }', {}, u.token)
    expect(viaFragments.status).toBe(400)
    // what a client really asks for passes: a page of messages with their senders, a page of rooms
    await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 100) { edges { cursor node { id body seq createdAt editedAt deletedAt clientId sender { id username displayName status } } } pageInfo { hasPreviousPage startCursor } } }', { r: roomId }, u.token)
    await ok(t.url, '{ rooms(first: 100) { edges { node { id name kind memberCount viewerIsMember unreadCount lastMessage { id body sender { displayName } } } } } }', {}, u.token)
    // subscriptions are executed per event: the same estimate applies
    const s = await acked(t.wsUrl, bearer(u.token))
    s.send({ id: 'c', type: 'subscribe', payload: { query: 'subscription($r: ID!) { messageAdded(roomId: $r) { room { members(first: 100) { edges { node { user { id } } } } messages(first: 100) { edges { node { room { members(first: 100) { edges { node { role } } } } } } } } } }', variables: { r: roomId } } })
    await until(() => s.of('c', 'error').length === 1)
    expect(s.of('c', 'error')[0].payload[0].message).toMatch(/costly/)
    s.ws.close()
    await healthy(t)
  })

  it('refuses more directives than QUERY_DIRECTIVE_LIMIT over HTTP and over the socket', async () => {
    // one directive per field (the same directive twice at one place is refused anyway)
    const fields = ['id', 'username', 'displayName', 'createdAt', 'updatedAt', 'firstName']
    const dirs = (n: number) => fields.slice(0, n).map((f) => `${f} @include(if: true)`).join(' ')
    expect((await gql(t.url, `{ me { ${dirs(5)} } }`, {}, u.token)).status).toBe(200)
    const r = await gql(t.url, `{ me { ${dirs(6)} } }`, {}, u.token)
    expect(r.status).toBe(400)
    expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    // spread over fields and fragments, still counted
    const spread = await gql(t.url, `{ me @skip(if: false) { id @include(if: true) ...F @include(if: true) } } fragment F on User { username @skip(if: false) displayName @skip(if: false) createdAt @skip(if: false) }`, {}, u.token)
    expect(spread.status).toBe(400)
    const s = await acked(t.wsUrl, bearer(u.token))
    s.send({ id: 'd', type: 'subscribe', payload: { query: `subscription { userUpdated { ${dirs(6)} } }` } })
    await until(() => s.of('d', 'error').length === 1)
    expect(s.of('d', 'error')[0].payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    s.ws.close()
  })

  it('a 1000-alias subscription and a fragment-cycle subscription are refused over the socket; nothing runs, the socket keeps working', async () => {
    const gw = t.app.hearth.realtime
    const base = gw.liveSubscriptions
    const s = await acked(t.wsUrl, bearer(u.token))
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: body`).join(' ')
    s.send({ id: 'alias', type: 'subscribe', payload: { query: `subscription($r: ID!) { messageAdded(roomId: $r) { ${aliases} } }`, variables: { r: roomId } } })
    s.send({
      id: 'cycle', type: 'subscribe', payload: {
        query: `subscription($r: ID!) { messageAdded(roomId: $r) { ...A } }
          fragment A on Message { room { lastMessage { ...B } } }
          fragment B on Message { id ...A }`,
        variables: { r: roomId },
      },
    })
    await until(() => s.of('alias', 'error').length === 1 && s.of('cycle', 'error').length === 1, 10_000, 'two error frames')
    expect(s.of('alias', 'error')[0].payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(s.of('cycle', 'error')[0].payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(gw.liveSubscriptions).toBe(base)
    // a well-formed subscription on the same socket receives the next message; the refused ones nothing
    s.send({ id: 'good', type: 'subscribe', payload: { query: 'subscription($r: ID!) { messageAdded(roomId: $r) { body } }', variables: { r: roomId } } })
    await waitLive(t, base + 1)
    await send(t.url, u.token, roomId, 'after the bombs')
    await until(() => s.of('good', 'next').length === 1)
    // a second message is the marker: a frame of the first for a refused id would come before it
    await send(t.url, u.token, roomId, 'marker')
    await until(() => s.of('good', 'next').length === 2)
    expect(s.of('good', 'next')[0].payload.data.messageAdded.body).toBe('after the bombs')
    expect(s.of('alias', 'next')).toEqual([])
    expect(s.of('cycle', 'next')).toEqual([])
    s.ws.close()
    await healthy(t)
  })

  it('distinct large documents (one token can be a 200 KB string) do not pile up in the server\'s document cache', async () => {
    const cache = t.app.hearth.realtime.documents
    const s = await acked(t.wsUrl, bearer(u.token))
    const N = 60
    for (let i = 0; i < N; i++) {
      const filler = `${i}-` + 'x'.repeat(200_000)
      s.send({ id: `big${i}`, type: 'subscribe', payload: { query: `subscription { userUpdated(userId: "${filler}") { id } }` } })
    }
    await until(() => s.frames.filter((f) => f.type === 'error').length === N, 20_000, 'an answer to each')
    expect(new Set(s.frames.filter((f) => f.type === 'error').map((f) => f.payload[0].extensions.code))).toEqual(new Set(['NOT_FOUND']))
    // 60 x 200 KB was sent; the cache keeps within its budget
    expect(cache.chars).toBeLessThanOrEqual(cache.maxChars)
    expect(cache.chars).toBeGreaterThan(0)
    // and small everyday documents are still cached and served
    s.send({ id: 'small', type: 'subscribe', payload: { query: '{ me { id } }' } })
    await until(() => s.of('small', 'complete').length === 1)
    expect(s.of('small', 'next')[0].payload.data.me.id).toBe(u.id)
    s.ws.close()
    await healthy(t)
  })

  it('a subscription whose root field sits in a fragment or behind @skip/@include neither crashes the server nor slips past', async () => {
    // before: the gateway read selections[0].name and threw from the socket's message handler,
    // an uncaught exception that ended the process (one frame from any client)
    const gw = t.app.hearth.realtime
    const base = gw.liveSubscriptions
    const s = await acked(t.wsUrl, bearer(u.token))
    const docs: Record<string, { query: string; variables?: Record<string, unknown> }> = {
      inline: { query: 'subscription { ... on Subscription { userUpdated { id displayName } } }' },
      spread: { query: 'subscription { ...F } fragment F on Subscription { userUpdated { id displayName } }' },
      skipped: { query: 'subscription { userUpdated @skip(if: true) { id } }' },
      variable: { query: 'subscription($x: Boolean!) { userUpdated @include(if: $x) { id } }', variables: { x: false } },
      nested: { query: 'subscription { ... on Subscription { ...F } } fragment F on Subscription { ... on Subscription { userUpdated { id displayName } } }' },
    }
    for (const [id, payload] of Object.entries(docs)) s.send({ id, type: 'subscribe', payload })
    await until(() => s.of('skipped', 'error').length === 1 && s.of('variable', 'error').length === 1)
    expect(s.of('skipped', 'error')[0].payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    expect(s.of('variable', 'error')[0].payload[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
    await waitLive(t, base + 3)
    await ok(t.url, 'mutation { updateProfile(input: { displayName: "Fragmented" }) { id } }', {}, u.token)
    await until(() => ['inline', 'spread', 'nested'].every((id) => s.of(id, 'next').length === 1))
    for (const id of ['inline', 'spread', 'nested']) expect(s.of(id, 'next')[0].payload.data.userUpdated.displayName).toBe('Fragmented')
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    // the same documents over HTTP are refused as documents, not as internal errors
    for (const payload of Object.values(docs)) {
      const r = await gql(t.url, payload.query, payload.variables, u.token)
      expect(r.status).toBe(400)
      expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    }
    s.ws.close()
    await healthy(t)
  })
  it('variables over the socket: the wrong type is refused like over HTTP (BAD_USER_INPUT naming the argument), and undeclared ones are neither kept nor able to break the socket', async () => {
    const s = await acked(t.wsUrl, bearer(u.token))
    // a query and a subscription with a variable of the wrong type: an error message, not an internal error
    s.send({ id: 'q', type: 'subscribe', payload: { query: 'query($id: ID!) { room(id: $id) { id } }', variables: { id: [1] } } })
    s.send({ id: 's', type: 'subscribe', payload: { query: 'subscription($r: ID!) { messageAdded(roomId: $r) { id } }', variables: { r: { no: 1 } } } })
    s.send({ id: 'm', type: 'subscribe', payload: { query: 'subscription($r: ID!) { messageAdded(roomId: $r) { id } }' } })
    // a mutation with a body that is not a string, and one without its body: nothing is stored
    const before = (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 100) { edges { node { id } } } }', { r: roomId }, u.token)).messages.edges.length
    s.send({ id: 'mu', type: 'subscribe', payload: { query: 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', variables: { r: roomId, b: 5 } } })
    s.send({ id: 'mv', type: 'subscribe', payload: { query: 'mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', variables: { r: roomId } } })
    await until(() => ['q', 's', 'm', 'mu', 'mv'].every((id) => s.of(id, 'error').length === 1))
    // the document is valid; the values are not: invalid input, with the argument they were given for
    const fields: Record<string, string> = { q: 'id', s: 'roomId', m: 'roomId', mu: 'body', mv: 'body' }
    for (const [id, field] of Object.entries(fields)) expect(s.of(id, 'error')[0].payload[0].extensions, id).toEqual({ code: 'BAD_USER_INPUT', field })
    expect(s.of('mu', 'next')).toEqual([])
    expect((await ok(t.url, 'query($r: ID!) { messages(roomId: $r, last: 100) { edges { node { id } } } }', { r: roomId }, u.token)).messages.edges.length).toBe(before)
    const http = await gql(t.url, 'query($id: ID!) { room(id: $id) { id } }', { id: [1] }, u.token)
    expect(http.status).toBe(400)
    expect(http.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'id' })
    // a value inside an input object is named by its path; an enum value out of range alike
    const room = await gql(t.url, 'mutation($input: CreateRoomInput!) { createRoom(input: $input) { id } }', { input: { name: 'Nope', kind: 'SECRET' } }, u.token)
    expect(room.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.kind' })
    const status = await gql(t.url, 'mutation($s: PresenceStatus!) { setPresence(status: $s) { id } }', { s: 'BUSY' }, u.token)
    expect(status.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'status' })
    // a value written into the document itself is an invalid document, as before
    const literal = await gql(t.url, 'mutation { setPresence(status: BUSY) { id } }', {}, u.token)
    expect(literal.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
    // an undeclared variable nested far deeper than JSON.stringify can walk (it closed the socket with 1011)
    const frame = JSON.stringify({ id: 'deep', type: 'subscribe', payload: { query: 'subscription($r: ID!) { messageAdded(roomId: $r) { body } }', variables: { r: roomId } } })
    const deep = '['.repeat(50_000) + '1' + ']'.repeat(50_000)
    const gw = t.app.hearth.realtime
    const base = gw.liveSubscriptions
    s.send(frame.replace('"variables":{', `"variables":{"junk":${deep},`))
    await waitLive(t, base + 1)
    await send(t.url, u.token, roomId, 'still here')
    await until(() => s.of('deep', 'next').length === 1)
    expect(s.of('deep', 'next')[0].payload.data.messageAdded.body).toBe('still here')
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    s.ws.close()
    await healthy(t)
  })

  it('a query that is not a string is a 400, and a document nested too deeply is refused without an internal message', async () => {
    for (const query of [5, true, ['{ me { id } }']]) {
      const res = await fetch(t.url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
      const body = await res.json()
      expect(res.status, JSON.stringify(query)).toBe(400)
      // no GraphQL document to read: a malformed document, as the contract names it
      expect(body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED')
    }
    const deep = `{ users(search: ${'['.repeat(2400)}"a"${']'.repeat(2400)}) { edges { cursor } } }`
    const r = await gql(t.url, deep, {}, u.token)
    expect(r.status).toBe(400)
    expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED')
    expect(r.errors?.[0].message).not.toMatch(/call stack/i)
    const s = await acked(t.wsUrl, bearer(u.token))
    s.send({ id: 'd', type: 'subscribe', payload: { query: deep } })
    await until(() => s.of('d', 'error').length === 1)
    expect(s.of('d', 'error')[0].payload[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED')
    s.ws.close()
    await healthy(t)
  })
})
