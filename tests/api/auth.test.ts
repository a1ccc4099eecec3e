// The contract's authentication rules, driven from outside over real HTTP and real WebSockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { SIGN_UP, collect, eventually, gql, ok, signUp, sleep, uniqueName, wsClient } from '../helpers/client.js'

const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token user { id username } session { id current } } }`
const PASSWORD = 'correct horse battery'

let t: TestApp
beforeAll(async () => { t = await startApp() })
afterAll(async () => { await t?.close() })

async function signUpErr(input: Record<string, unknown>) {
  const r = await gql(t.url, SIGN_UP, { input })
  return r.errors?.[0]
}

async function userCount(search: string, token: string): Promise<number> {
  const d = await ok(t.url, 'query($s: String) { users(search: $s, first: 100) { edges { node { username } } } }', { s: search }, token)
  return d.users.edges.length
}

/** A raw graphql-transport-ws socket: resolves with the close code when the server closes it. */
function rawSocket(url: string) {
  const ws = new WebSocket(url, 'graphql-transport-ws')
  const frames: any[] = []
  ws.on('message', (d) => frames.push(JSON.parse(String(d))))
  const closed = new Promise<{ code: number; at: number }>((resolve) => ws.on('close', (code) => resolve({ code, at: Date.now() })))
  const open = new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
  return { ws, frames, closed, open, send: (m: unknown) => ws.send(JSON.stringify(m)) }
}

async function ackedSocket(url: string, token: string) {
  const s = rawSocket(url)
  await s.open
  s.send({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })
  const end = Date.now() + 5000
  while (!s.frames.some((f) => f.type === 'connection_ack')) {
    if (Date.now() > end) throw new Error('no connection_ack')
    await sleep(20)
  }
  return s
}

/** Waits for the close, failing if it takes longer than the contract's one second. */
async function closedWithin(s: ReturnType<typeof rawSocket>, ms: number): Promise<number> {
  const timeout = sleep(ms).then(() => null)
  const r = await Promise.race([s.closed, timeout])
  if (!r) throw new Error(`socket still open after ${ms} ms`)
  return r.code
}

describe('signUp', () => {
  it('creates a user with a session; displayName defaults to the username', async () => {
    const name = uniqueName('New.user-')
    const d = await ok(t.url, `mutation($input: SignUpInput!) { signUp(input: $input) {
      token user { id username displayName firstName lastName createdAt updatedAt } session { id current expiresAt } } }`,
    { input: { username: `  ${name} `, password: PASSWORD } })
    expect(d.signUp.user.username).toBe(name)
    expect(d.signUp.user.displayName).toBe(name)
    expect(d.signUp.user.firstName).toBeNull()
    expect(d.signUp.token.length).toBeGreaterThanOrEqual(43)
    expect(d.signUp.session.current).toBe(true)
    expect(Date.parse(d.signUp.session.expiresAt)).toBeGreaterThan(Date.now())
    const me = await ok(t.url, '{ me { id username } }', {}, d.signUp.token)
    expect(me.me).toEqual({ id: d.signUp.user.id, username: name })
  })

  it('keeps a given displayName, trimmed', async () => {
    const d = await ok(t.url, SIGN_UP, { input: { username: uniqueName(), password: PASSWORD, displayName: '  Ada Lovelace  ' } })
    expect(d.signUp.user.displayName).toBe('Ada Lovelace')
  })

  it('accepts usernames of 3 and 32 characters of [a-zA-Z0-9_.-]', async () => {
    const three = 'a' + Math.random().toString(36).slice(2, 4)
    const d3 = await gql(t.url, SIGN_UP, { input: { username: three, password: PASSWORD } })
    // a 3-character name may already be taken by another run of this file: CONFLICT is also a pass of the length rule
    expect(d3.errors?.[0]?.extensions?.code ?? 'OK').toMatch(/^(OK|CONFLICT)$/)
    const long = (uniqueName('L') + '_'.repeat(32)).slice(0, 32)
    const d32 = await ok(t.url, SIGN_UP, { input: { username: long, password: PASSWORD } })
    expect(d32.signUp.user.username).toBe(long)
  })

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(33)],
    ['a space', 'has space'],
    ['a symbol', 'bang!'],
    ['non-ASCII letters', 'zoë_user'],
    ['empty', ''],
  ])('refuses a username with %s as BAD_USER_INPUT on input.username', async (_what, username) => {
    const e = await signUpErr({ username, password: PASSWORD })
    expect(e?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(e?.extensions?.field).toBe('input.username')
  })

  it('refuses a username taken in another letter case with CONFLICT, and stores nothing', async () => {
    const base = uniqueName('Case_')
    const first = await signUp(t.url, base)
    const e = await signUpErr({ username: base.toUpperCase(), password: PASSWORD })
    expect(e?.extensions?.code).toBe('CONFLICT')
    const e2 = await signUpErr({ username: base.toLowerCase(), password: PASSWORD })
    expect(e2?.extensions?.code).toBe('CONFLICT')
    expect(await userCount(base, first.token)).toBe(1)
  })

  it.each([
    ['7 characters', 'short77'],
    ['7 code points written as 14 UTF-16 units', '😀😀😀😀😀😀😀'],
    ['257 code points', 'p'.repeat(257)],
    ['a megabyte', 'x'.repeat(1024 * 1024 - 200)],
    ['empty', ''],
    ['7 characters padded with spaces (counted after trimming)', '   short77   '],
    ['only spaces', ' '.repeat(12)],
  ])('refuses a password of %s as BAD_USER_INPUT on input.password, and stores nothing', async (_what, password) => {
    const username = uniqueName('pw')
    const r = await fetch(t.url + '/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SIGN_UP, variables: { input: { username, password } } }),
    })
    const body: any = await r.json()
    if (password.length > 500_000) {
      // the body limit may refuse it before the resolver does: still no user, still a clear refusal
      expect(['BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED']).toContain(body.errors?.[0]?.extensions?.code)
    } else {
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' })
    }
    const other = await signUp(t.url)
    expect(await userCount(username, other.token)).toBe(0)
  })

  it('accepts passwords of 8 and of 256 code points (emoji count once)', async () => {
    await signUp(t.url, uniqueName(), 'k7#vQ2!m')
    const u = await signUp(t.url, uniqueName(), '😀'.repeat(256))
    expect(u.token).toBeTruthy()
  })

  it('keeps the spaces around a password as part of it', async () => {
    const name = uniqueName('sp')
    await signUp(t.url, name, '  spaced secret  ')
    expect((await ok(t.url, LOG_IN, { input: { username: name, password: '  spaced secret  ' } })).logIn.user.username).toBe(name)
    expect((await gql(t.url, LOG_IN, { input: { username: name, password: 'spaced secret' } })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })

  it.each([
    ['empty', '   '],
    ['65 code points', 'd'.repeat(65)],
  ])('refuses a displayName that is %s on input.displayName', async (_what, displayName) => {
    const e = await signUpErr({ username: uniqueName(), password: PASSWORD, displayName })
    expect(e?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.displayName' })
  })
})

describe('logIn', () => {
  it('matches the username case-insensitively and starts a new session', async () => {
    const name = uniqueName('Mixed')
    const u = await signUp(t.url, name)
    const d = await ok(t.url, LOG_IN, { input: { username: name.toUpperCase(), password: PASSWORD } })
    expect(d.logIn.user.id).toBe(u.id)
    expect(d.logIn.session.id).not.toBe(u.sessionId)
    expect(d.logIn.token).not.toBe(u.token)
    expect(d.logIn.session.current).toBe(true)
  })

  it('answers an unknown user and a wrong password with the same code and message', async () => {
    const u = await signUp(t.url)
    const wrong = await gql(t.url, LOG_IN, { input: { username: u.username, password: 'not the password' } })
    const unknown = await gql(t.url, LOG_IN, { input: { username: uniqueName('nobody'), password: 'not the password' } })
    expect(wrong.data).toBeNull()
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(unknown.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(unknown.errors?.[0]?.message).toBe(wrong.errors?.[0]?.message)
    expect(unknown.errors?.[0]?.extensions).toEqual(wrong.errors?.[0]?.extensions)
  })
})

describe('tokens', () => {
  it('me is null without a token', async () => {
    const r = await gql(t.url, '{ me { id } }')
    expect(r.errors).toBeUndefined()
    expect(r.data).toEqual({ me: null })
  })

  const EVERY_OPERATION: [string, string, Record<string, unknown>?][] = [
    ['me', '{ me { id } }'],
    ['user', 'query($id: ID!) { user(id: $id) { id } }', { id: '00000000-0000-4000-8000-000000000000' }],
    ['users', '{ users { edges { node { id } } } }'],
    ['sessions', '{ sessions { id } }'],
    ['updateProfile', 'mutation { updateProfile(input: { displayName: "x" }) { id } }'],
    ['logOut', 'mutation { logOut }'],
    ['revokeSession', 'mutation($id: ID!) { revokeSession(id: $id) }', { id: '00000000-0000-4000-8000-000000000000' }],
    ['signUp', SIGN_UP, { input: { username: 'zz_never_made', password: PASSWORD } }],
    ['logIn', LOG_IN, { input: { username: 'zz_never_made', password: PASSWORD } }],
  ]

  it.each(EVERY_OPERATION)('an unknown token is UNAUTHENTICATED for %s', async (_name, query, vars) => {
    const r = await gql(t.url, query, vars, 'x'.repeat(43))
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })

  it.each(EVERY_OPERATION)('a revoked token is UNAUTHENTICATED for %s', async (_name, query, vars) => {
    const u = await signUp(t.url)
    expect(await ok(t.url, 'mutation { logOut }', {}, u.token)).toEqual({ logOut: true })
    const r = await gql(t.url, query, vars, u.token)
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(r.data?.me ?? null).toBeNull()
  })

  it('an empty or blank Authorization header counts as none sent (clients that send `Bearer ${token ?? ""}`)', async () => {
    for (const authorization of ['', 'Bearer ', 'bearer']) {
      const r = await gql(t.url, '{ me { id } }', {}, null, { authorization })
      expect(r.errors, authorization).toBeUndefined()
      expect(r.data?.me).toBeNull()
      const name = uniqueName()
      const up = await gql(t.url, SIGN_UP, { input: { username: name, password: 'correct horse battery' } }, null, { authorization })
      expect(up.data?.signUp?.user?.username).toBe(name)
    }
    // and the web client's cookie still applies beside a blank header
    const res = await fetch(t.url + '/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SIGN_UP, variables: { input: { username: uniqueName(), password: 'correct horse battery' } } }),
    })
    const me = (await res.json()).data.signUp.user.id
    const cookie = /hearth_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0]
    const r = await gql(t.url, '{ me { id } }', {}, null, { authorization: '', cookie })
    expect(r.data?.me?.id).toBe(me)
  })

  it('an Authorization header of another scheme, or a token without one, is a rejected token', async () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'y'.repeat(43), 'Bearer a b']) {
      const r = await gql(t.url, '{ me { id } }', {}, null, { authorization })
      expect(r.errors?.[0]?.extensions?.code, authorization).toBe('UNAUTHENTICATED')
    }
  })

  it('an expired token is UNAUTHENTICATED, me included', async () => {
    const short = await startApp({ overrides: { sessionTtlSeconds: 1 } })
    try {
      const u = await signUp(short.url)
      expect((await ok(short.url, '{ me { id } }', {}, u.token)).me.id).toBe(u.id)
      // the TTL's unit is the second, so 1 s is the shortest: poll until it has run out
      const r = await eventually(async () => {
        const res = await gql(short.url, '{ me { id } }', {}, u.token)
        return res.errors ? res : null
      }, 5000, 'the session to expire')
      expect(r?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    } finally {
      await short.close()
    }
  })

  it('the httpOnly session cookie authenticates the web client, and logOut clears it', async () => {
    const res = await fetch(t.url + '/graphql', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: SIGN_UP, variables: { input: { username: uniqueName('ck'), password: PASSWORD } } }),
    })
    const setCookie = res.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/hearth_session=[^;]+/)
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    const cookie = /hearth_session=[^;]+/.exec(setCookie)![0]
    const body: any = await res.json()
    const me = await gql(t.url, '{ me { id } }', {}, null, { cookie })
    expect(me.data.me?.id).toBe(body.data.signUp.user.id)
    const out = await gql(t.url, 'mutation { logOut }', {}, null, { cookie })
    expect(out.data).toEqual({ logOut: true })
    expect(out.headers.get('set-cookie') ?? '').toMatch(/hearth_session=;/)
    // a stale cookie is a rejected token (UNAUTHENTICATED, `me` included) and is cleared
    const after = await gql(t.url, '{ me { id } }', {}, null, { cookie })
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(after.data?.me ?? null).toBeNull()
    expect(after.headers.get('set-cookie') ?? '').toMatch(/hearth_session=;/)
    const bogus = await gql(t.url, '{ me { id } }', {}, null, { cookie: 'hearth_session=bogus' })
    expect(bogus.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    // but the page that still holds it can sign in again
    const again = await gql(t.url, LOG_IN, { input: { username: body.data.signUp.user.username, password: PASSWORD } }, null, { cookie })
    expect(again.errors).toBeUndefined()
    expect(again.data.logIn.user.id).toBe(body.data.signUp.user.id)
    const fresh = await gql(t.url, SIGN_UP, { input: { username: uniqueName('ck'), password: PASSWORD } }, null, { cookie })
    expect(fresh.errors).toBeUndefined()
  })
})

describe('sessions', () => {
  it('lists the live sessions, marks the current one, and records the user agent', async () => {
    const name = uniqueName()
    const a = await signUp(t.url, name)
    const b = await gql(t.url, LOG_IN, { input: { username: name, password: PASSWORD } }, null, { 'user-agent': 'HearthTest/2' })
    const bToken = b.data.logIn.token
    const list = await ok(t.url, '{ sessions { id current userAgent createdAt lastUsedAt expiresAt } }', {}, bToken)
    expect(list.sessions).toHaveLength(2)
    const current = list.sessions.filter((s: any) => s.current)
    expect(current).toHaveLength(1)
    expect(current[0].id).toBe(b.data.logIn.session.id)
    expect(current[0].userAgent).toBe('HearthTest/2')
    expect(list.sessions.map((s: any) => s.id).sort()).toEqual([a.sessionId, b.data.logIn.session.id].sort())
    const fromA = await ok(t.url, '{ sessions { id current } }', {}, a.token)
    expect(fromA.sessions.find((s: any) => s.current).id).toBe(a.sessionId)
  })

  it('revokeSession ends one of the viewer\'s own sessions', async () => {
    const name = uniqueName()
    const a = await signUp(t.url, name)
    const b = (await ok(t.url, LOG_IN, { input: { username: name, password: PASSWORD } })).logIn
    expect(await ok(t.url, 'mutation($id: ID!) { revokeSession(id: $id) }', { id: b.session.id }, a.token)).toEqual({ revokeSession: true })
    expect((await gql(t.url, '{ me { id } }', {}, b.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    const list = await ok(t.url, '{ sessions { id } }', {}, a.token)
    expect(list.sessions.map((s: any) => s.id)).toEqual([a.sessionId])
    // ending a session that has ended: CONFLICT (it is the viewer's own, so nothing leaks)
    expect((await gql(t.url, 'mutation($id: ID!) { revokeSession(id: $id) }', { id: b.session.id }, a.token)).errors?.[0]?.extensions?.code).toBe('CONFLICT')
    expect((await ok(t.url, '{ sessions { id } }', {}, a.token)).sessions.map((s: any) => s.id)).toEqual([a.sessionId])
  })

  it('another user\'s session id, or a malformed id, is NOT_FOUND and changes nothing', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    for (const id of [b.sessionId, 'not-an-id', '00000000-0000-4000-8000-000000000000']) {
      const r = await gql(t.url, 'mutation($id: ID!) { revokeSession(id: $id) }', { id }, a.token)
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    }
    expect((await ok(t.url, '{ me { id } }', {}, b.token)).me.id).toBe(b.id)
  })

  it('logOut revokes only the current session; without a token it is UNAUTHENTICATED', async () => {
    const name = uniqueName()
    const a = await signUp(t.url, name)
    const b = (await ok(t.url, LOG_IN, { input: { username: name, password: PASSWORD } })).logIn
    expect(await ok(t.url, 'mutation { logOut }', {}, a.token)).toEqual({ logOut: true })
    expect((await gql(t.url, '{ me { id } }', {}, a.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect((await ok(t.url, '{ me { id } }', {}, b.token)).me.id).toBe(a.id)
    expect((await gql(t.url, 'mutation { logOut }')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })
})

describe('sessions on open sockets', () => {
  it('logOut closes that session\'s socket with 4403 within a second, and only that session\'s', async () => {
    const name = uniqueName()
    const a = await signUp(t.url, name)
    const b = (await ok(t.url, LOG_IN, { input: { username: name, password: PASSWORD } })).logIn
    const sa = await ackedSocket(t.wsUrl, a.token)
    const sb = await ackedSocket(t.wsUrl, b.token)
    await ok(t.url, 'mutation { logOut }', {}, a.token)
    expect(await closedWithin(sa, 1000)).toBe(4403)
    // the other session's socket still answers
    sb.send({ type: 'ping' })
    await eventually(() => sb.frames.some((f) => f.type === 'pong'), 5000, 'pong')
    expect(sb.ws.readyState).toBe(WebSocket.OPEN)
    sb.ws.close()
  })

  it('revokeSession closes the revoked session\'s socket with 4403 within a second', async () => {
    const name = uniqueName()
    const a = await signUp(t.url, name)
    const b = (await ok(t.url, LOG_IN, { input: { username: name, password: PASSWORD } })).logIn
    const sb = await ackedSocket(t.wsUrl, b.token)
    const base = t.app.hearth.realtime.liveSubscriptions
    sb.send({ id: '1', type: 'subscribe', payload: { query: 'subscription { userUpdated { id } }' } })
    await waitLive(t, base + 1)
    await ok(t.url, 'mutation($id: ID!) { revokeSession(id: $id) }', { id: b.session.id }, a.token)
    expect(await closedWithin(sb, 1000)).toBe(4403)
  })

  it.each([
    ['logOut', () => 'mutation { logOut }', { logOut: true }],
    ['revokeSession of its own session', (sessionId: string) => `mutation { revokeSession(id: "${sessionId}") }`, { revokeSession: true }],
    ['deleteAccount', () => `mutation { deleteAccount(password: "${PASSWORD}") }`, { deleteAccount: true }],
  ])('%s sent over the socket answers there first, then the socket closes with 4403', async (_name, doc, answer) => {
    const name = uniqueName()
    const a = await signUp(t.url, name)
    const mutation = doc(a.sessionId)
    const b = (await ok(t.url, LOG_IN, { input: { username: name, password: PASSWORD } })).logIn
    const sa = await ackedSocket(t.wsUrl, a.token)
    const sb = await ackedSocket(t.wsUrl, b.token)
    sa.send({ id: 'out', type: 'subscribe', payload: { query: mutation } })
    expect((await sa.closed).code).toBe(4403)
    const frames = sa.frames.filter((f) => f.id === 'out')
    expect(frames.map((f) => f.type)).toEqual(['next', 'complete'])
    expect(frames[0].payload).toEqual({ data: answer })
    // the session really ended: its token no longer works
    expect((await gql(t.url, '{ me { id } }', {}, a.token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    // another session's socket: still open after logOut, closed with 4403 after deleteAccount
    if (_name !== 'deleteAccount') {
      sb.send({ type: 'ping' })
      await eventually(() => sb.frames.some((f) => f.type === 'pong'), 5000, 'pong')
      expect(sb.ws.readyState).toBe(WebSocket.OPEN)
      sb.ws.close()
    } else expect(await closedWithin(sb, 1000)).toBe(4403)
  })

  it('a graphql-ws client sees the 4403 close of a revoked session', async () => {
    const u = await signUp(t.url)
    let closeCode = 0
    const client = wsClient(t.wsUrl, u.token, { on: { closed: (e: any) => { closeCode = e?.code ?? 0 } } })
    const base = t.app.hearth.realtime.liveSubscriptions
    const sub = collect(client, 'subscription { userUpdated { id displayName } }')
    await waitLive(t, base + 1)
    await ok(t.url, 'mutation { logOut }', {}, u.token)
    // what the client sees, not how fast (the tests above hold the second)
    await sub.waitFor(() => sub.state.done, 5000, 'the subscription to end')
    expect(closeCode).toBe(4403)
    await client.dispose()
  })
})

describe('connection_init', () => {
  it.each([
    ['an unknown token', `Bearer ${'y'.repeat(43)}`],
    ['a non-Bearer scheme', 'Basic dXNlcjpwYXNz'],
    ['a token without a scheme', 'y'.repeat(43)],
    ['a number', 123],
    ['an object', { token: 'x' }],
  ])('with %s closes 4403', async (_what, authorization) => {
    const s = rawSocket(t.wsUrl)
    await s.open
    s.send({ type: 'connection_init', payload: { authorization } })
    expect(await closedWithin(s, 2000)).toBe(4403)
    expect(s.frames.some((f) => f.type === 'connection_ack')).toBe(false)
  })

  it.each([['an empty string', ''], ['a bare Bearer', 'Bearer '], ['null', null]])('with %s as authorization is an anonymous socket', async (_what, authorization) => {
    const s = rawSocket(t.wsUrl)
    await s.open
    s.send({ type: 'connection_init', payload: { authorization } })
    await eventually(() => s.frames.some((f) => f.type === 'connection_ack'), 5000, 'connection_ack')
    s.send({ id: 'a', type: 'subscribe', payload: { query: 'subscription { notifications { id } }' } })
    await eventually(() => s.frames.some((f) => f.id === 'a'), 5000, 'the refusal')
    expect(s.frames.find((f) => f.id === 'a')).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'UNAUTHENTICATED' } }] })
  })

  it('with a revoked token closes 4403', async () => {
    const u = await signUp(t.url)
    await ok(t.url, 'mutation { logOut }', {}, u.token)
    const s = rawSocket(t.wsUrl)
    await s.open
    s.send({ type: 'connection_init', payload: { authorization: `Bearer ${u.token}` } })
    expect(await closedWithin(s, 2000)).toBe(4403)
  })

  it('without a token is accepted; each subscription gets an UNAUTHENTICATED error and the socket stays open', async () => {
    const s = rawSocket(t.wsUrl)
    await s.open
    s.send({ type: 'connection_init' })
    await eventually(() => s.frames.length > 0, 5000, 'connection_ack')
    expect(s.frames[0]).toEqual({ type: 'connection_ack' })
    s.send({ id: 'a', type: 'subscribe', payload: { query: 'subscription { userUpdated { id } }' } })
    s.send({ id: 'b', type: 'subscribe', payload: { query: 'subscription($u: ID) { userUpdated(userId: $u) { id } }', variables: { u: '00000000-0000-4000-8000-000000000000' } } })
    const end = Date.now() + 10_000
    while (s.frames.filter((f) => f.type === 'error').length < 2 && Date.now() < end) await sleep(20)
    const errs = s.frames.filter((f) => f.type === 'error')
    expect(errs.map((f) => f.id).sort()).toEqual(['a', 'b'])
    for (const f of errs) expect(f.payload[0].extensions.code).toBe('UNAUTHENTICATED')
    s.send({ type: 'ping' })
    await eventually(() => s.frames.some((f) => f.type === 'pong'), 5000, 'pong')
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    expect(s.frames.at(-1)).toEqual({ type: 'pong' })
    // the same id may be used again once its subscription was refused
    s.send({ id: 'a', type: 'subscribe', payload: { query: 'subscription { userUpdated { id } }' } })
    await eventually(() => s.frames.filter((f) => f.type === 'error' && f.id === 'a').length >= 2 || s.ws.readyState !== WebSocket.OPEN, 5000, 'the second refusal')
    expect(s.ws.readyState).toBe(WebSocket.OPEN)
    expect(s.frames.filter((f) => f.type === 'error' && f.id === 'a')).toHaveLength(2)
    s.ws.close()
  })
})
