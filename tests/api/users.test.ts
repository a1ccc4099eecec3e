// The contract's user rules: profiles, lookups, search, and live userUpdated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, eventually, gql, ok, signUp, sleep, uniqueName, wsClient, type TestUser } from '../helpers/client.js'

const PROFILE = 'id username displayName firstName lastName updatedAt'
const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { ${PROFILE} } }`
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { token } }`

let t: TestApp
beforeAll(async () => { t = await startApp() })
afterAll(async () => { await t?.close() })

async function me(token: string) {
  return (await ok(t.url, `{ me { ${PROFILE} } }`, {}, token)).me
}

describe('updateProfile', () => {
  it('stores trimmed names, keeps omitted fields, clears with null or blank, and moves updatedAt', async () => {
    const u = await signUp(t.url)
    const before = await me(u.token)
    await sleep(5)
    const d = await ok(t.url, UPDATE, { input: { displayName: '  Grace  ', firstName: ' Grace ', lastName: 'Hopper' } }, u.token)
    expect(d.updateProfile).toMatchObject({ id: u.id, displayName: 'Grace', firstName: 'Grace', lastName: 'Hopper' })
    expect(Date.parse(d.updateProfile.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt))
    const d2 = await ok(t.url, UPDATE, { input: { firstName: null, lastName: '   ' } }, u.token)
    expect(d2.updateProfile).toMatchObject({ displayName: 'Grace', firstName: null, lastName: null })
    expect(await me(u.token)).toMatchObject({ displayName: 'Grace', firstName: null, lastName: null })
  })

  it('counts code points: 64 emoji is a valid displayName', async () => {
    const u = await signUp(t.url)
    const d = await ok(t.url, UPDATE, { input: { displayName: '🔥'.repeat(64) } }, u.token)
    expect(d.updateProfile.displayName).toBe('🔥'.repeat(64))
  })

  it.each([
    ['displayName', null, 'input.displayName'],
    ['displayName', '', 'input.displayName'],
    ['displayName', '   ', 'input.displayName'],
    ['displayName', 'n'.repeat(65), 'input.displayName'],
    ['displayName', 'two\nlines', 'input.displayName'],
    ['displayName', 'evil\u202Egnp.exe', 'input.displayName'],
    ['firstName', 'f'.repeat(65), 'input.firstName'],
    ['firstName', 'nul\u0000byte', 'input.firstName'],
    ['lastName', 'l'.repeat(65), 'input.lastName'],
  ])('refuses %s = %j as BAD_USER_INPUT on its field, and changes nothing', async (key, value, field) => {
    const u = await signUp(t.url)
    await ok(t.url, UPDATE, { input: { displayName: 'Kept', firstName: 'Kept', lastName: 'Kept' } }, u.token)
    const before = await me(u.token)
    // a valid field beside the invalid one must not be stored either
    const other = key === 'lastName' ? 'firstName' : 'lastName'
    const r = await gql(t.url, UPDATE, { input: { [other]: 'Changed', [key]: value } }, u.token)
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field })
    expect(await me(u.token)).toEqual(before)
  })

  it('needs a session', async () => {
    const r = await gql(t.url, UPDATE, { input: { displayName: 'x' } })
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
  })
})

describe('user and users', () => {
  it('user(id) finds a user; an unknown or malformed id is NOT_FOUND', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const d = await ok(t.url, 'query($id: ID!) { user(id: $id) { id username status friendship } }', { id: b.id }, a.token)
    expect(d.user).toEqual({ id: b.id, username: b.username, status: 'OFFLINE', friendship: 'NONE' })
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope', "' or 1=1 --"]) {
      const r = await gql(t.url, 'query($id: ID!) { user(id: $id) { id } }', { id }, a.token)
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    }
  })

  it('users(search) matches a case-insensitive substring of username or displayName, and pages', async () => {
    const tag = uniqueName('Srch').replace(/_/g, 'x')
    const a = await signUp(t.url, `${tag}_one`)
    const b = await signUp(t.url, `zz${tag.toUpperCase()}_two`)
    const c = await signUp(t.url)
    await ok(t.url, UPDATE, { input: { displayName: `The ${tag.toLowerCase()} three` } }, c.token)
    await signUp(t.url) // not matching
    const q = 'query($s: String, $f: Int, $a: String) { users(search: $s, first: $f, after: $a) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }'
    const all = await ok(t.url, q, { s: tag.toLowerCase(), f: 100 }, a.token)
    expect(all.users.edges.map((e: any) => e.node.id).sort()).toEqual([a.id, b.id, c.id].sort())
    const p1 = await ok(t.url, q, { s: tag, f: 2 }, a.token)
    expect(p1.users.edges).toHaveLength(2)
    expect(p1.users.pageInfo.hasNextPage).toBe(true)
    const p2 = await ok(t.url, q, { s: tag, f: 2, a: p1.users.pageInfo.endCursor }, a.token)
    expect(p2.users.edges).toHaveLength(1)
    expect(p2.users.pageInfo.hasNextPage).toBe(false)
    const seen = [...p1.users.edges, ...p2.users.edges].map((e: any) => e.node.id)
    expect(new Set(seen).size).toBe(3)
  })

  it('treats LIKE wildcards in a search as plain characters', async () => {
    const a = await signUp(t.url)
    const pct = await ok(t.url, '{ users(search: "%", first: 100) { edges { node { id } } } }', {}, a.token)
    expect(pct.users.edges).toEqual([])
  })

  it('refuses first <= 0 on "first" and a forged cursor on "after"; clamps first to 100', async () => {
    const a = await signUp(t.url)
    const zero = await gql(t.url, '{ users(first: 0) { edges { cursor } } }', {}, a.token)
    expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' })
    const neg = await gql(t.url, '{ users(first: -3) { edges { cursor } } }', {}, a.token)
    expect(neg.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' })
    const bad = await gql(t.url, '{ users(after: "12") { edges { cursor } } }', {}, a.token)
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' })
    // enough users for the clamp to show
    while ((await ok(t.url, '{ users(first: 100) { edges { cursor } } }', {}, a.token)).users.edges.length < 100) {
      await Promise.all(Array.from({ length: 20 }, () => signUp(t.url, uniqueName(), 'plum kettle 41')))
    }
    const big = await ok(t.url, '{ users(first: 1000) { edges { cursor } pageInfo { hasNextPage } } }', {}, a.token)
    expect(big.users.edges).toHaveLength(100)
  })
})

describe('userUpdated', () => {
  async function live(token: string, userId?: string) {
    const client = wsClient(t.wsUrl, token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const sub = collect(client, userId
      ? 'subscription($u: ID) { userUpdated(userId: $u) { id displayName firstName } }'
      : 'subscription { userUpdated { id displayName firstName } }', userId ? { u: userId } : undefined)
    await waitLive(t, live + 1)
    return { client, sub }
  }

  async function twoSessions(): Promise<[TestUser, string]> {
    const name = uniqueName()
    const u = await signUp(t.url, name)
    const second = (await ok(t.url, LOG_IN, { input: { username: name, password: 'correct horse battery' } })).logIn.token
    return [u, second]
  }

  it('reaches the viewer\'s other session', async () => {
    const [u, other] = await twoSessions()
    const { client, sub } = await live(other)
    await ok(t.url, UPDATE, { input: { displayName: 'From laptop', firstName: 'Ann' } }, u.token)
    await sub.waitCount(1)
    expect(sub.events).toEqual([{ userUpdated: { id: u.id, displayName: 'From laptop', firstName: 'Ann' } }])
    await client.dispose()
  })

  it('with userId reaches any signed-in viewer watching that user, and nobody else\'s edits', async () => {
    const target = await signUp(t.url)
    const bystander = await signUp(t.url)
    const watcher = await signUp(t.url)
    const { client, sub } = await live(watcher.token, target.id)
    await ok(t.url, UPDATE, { input: { displayName: 'Bystander edit' } }, bystander.token)
    await ok(t.url, UPDATE, { input: { displayName: 'Target edit' } }, target.token)
    // a later edit of the target is the marker: the bystander's would have arrived before it
    await ok(t.url, UPDATE, { input: { displayName: 'Marker' } }, target.token)
    await sub.waitCount(2)
    expect(sub.events).toEqual([
      { userUpdated: { id: target.id, displayName: 'Target edit', firstName: null } },
      { userUpdated: { id: target.id, displayName: 'Marker', firstName: null } },
    ])
    await client.dispose()
  })

  it('a refused update publishes nothing', async () => {
    const [u, other] = await twoSessions()
    const { client, sub } = await live(other)
    await gql(t.url, UPDATE, { input: { displayName: '' } }, u.token)
    await ok(t.url, UPDATE, { input: { displayName: 'Valid' } }, u.token)
    // 'Valid' is the marker: an event of the refused update would have come before it
    await sub.waitCount(1)
    expect(sub.events.map((e: any) => e.userUpdated.displayName)).toEqual(['Valid'])
    await client.dispose()
  })

  it('an unknown or malformed userId is a NOT_FOUND error frame; the socket keeps working', async () => {
    const u = await signUp(t.url)
    const client = wsClient(t.wsUrl, u.token)
    for (const id of ['00000000-0000-4000-8000-000000000000', 'x']) {
      const bad = collect(client, 'subscription($u: ID) { userUpdated(userId: $u) { id } }', { u: id })
      await bad.waitError()
      expect(bad.state.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
    }
    const live = t.app.hearth.realtime.liveSubscriptions
    const good = collect(client, 'subscription { userUpdated { id displayName } }')
    await waitLive(t, live + 1)
    await ok(t.url, UPDATE, { input: { displayName: 'Still live' } }, u.token)
    await good.waitCount(1)
    expect(good.events[0].userUpdated.displayName).toBe('Still live')
    await client.dispose()
  })

  it('stops after complete: an unsubscribed client gets nothing more', async () => {
    const [u, other] = await twoSessions()
    const before = t.app.hearth.realtime.liveSubscriptions
    const { client, sub } = await live(other)
    await ok(t.url, UPDATE, { input: { displayName: 'one' } }, u.token)
    await sub.waitCount(1)
    sub.dispose()
    // the server has stopped the feed before the next edit is published
    await eventually(() => t.app.hearth.realtime.liveSubscriptions === before, 5000, 'the subscription to stop')
    // marker: a second subscription on the same socket; frames of one socket arrive in order,
    // so once it has seen 'three', a frame of 'two' for the stopped one would already be here
    const marker = collect(client, 'subscription { userUpdated { id displayName firstName } }')
    await waitLive(t, before + 1)
    await ok(t.url, UPDATE, { input: { displayName: 'two' } }, u.token)
    await ok(t.url, UPDATE, { input: { displayName: 'three' } }, u.token)
    await marker.waitFor(() => marker.events.some((e: any) => e.userUpdated.displayName === 'three'), 5000, 'the marker edit')
    expect(sub.events).toHaveLength(1)
    await client.dispose()
  })
})
