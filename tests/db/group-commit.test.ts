// SQLite's group commit under load (SQLITE_GROUP_COMMIT_MS): a send that comes while commits are
// frequent waits up to the window for others to share its commit; a send after a quiet spell
// commits at once. Either way every send is answered with its own message, stored once, and
// delivered once, in order. PostgreSQL has no group commit (each send is one statement).
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { startApp, tempSqlitePath, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, signUp, wsClient } from '../helpers/client.js'
import { MESSAGE_ADDED, SEND, createRoom, joinByCode, send } from '../helpers/rooms.js'

describe('SQLite group commit window', () => {
  let t: TestApp | null = null
  afterEach(async () => { await t?.close(); t = null })

  it('is 1 ms unless SQLITE_GROUP_COMMIT_MS says otherwise (0: every turn of the event loop)', () => {
    expect(loadConfig({}).sqliteGroupCommitMs).toBe(1)
    expect(loadConfig({ SQLITE_GROUP_COMMIT_MS: '0' }).sqliteGroupCommitMs).toBe(0)
    expect(() => loadConfig({ SQLITE_GROUP_COMMIT_MS: '-1' })).toThrow(/SQLITE_GROUP_COMMIT_MS/)
    expect(() => loadConfig({ SQLITE_GROUP_COMMIT_MS: '10001' })).toThrow(/SQLITE_GROUP_COMMIT_MS/)
  })

  it('a lone send after a quiet spell does not wait for the window', async () => {
    // the longest window (10 s): a send that waited for it would not be answered within the test's 8 s
    t = await startApp({ databaseUrl: tempSqlitePath(), env: { SQLITE_GROUP_COMMIT_MS: '10000' } })
    const u = await signUp(t.url)
    const room = await createRoom(t.url, u.token, 'Quiet')
    const m = await send(t.url, u.token, room.id, 'first after a quiet spell')
    expect(m.seq).toBe(1)
    expect(t.app.hearth.messages.repo.commits).toEqual({ commits: 1, sends: 1 })
  }, 8000)

  it('sends that come while commits are frequent share one commit, and each is stored and delivered once, in order', async () => {
    t = await startApp({ databaseUrl: tempSqlitePath(), env: { SQLITE_GROUP_COMMIT_MS: '1500', SEND_RATE_LIMIT_PER_USER: '0' } })
    const users = await Promise.all(Array.from({ length: 5 }, () => signUp(t!.url)))
    const room = await createRoom(t.url, users[0].token, 'Busy')
    for (const u of users.slice(1)) await joinByCode(t.url, u.token, room.code)
    const watcher = wsClient(t.wsUrl, users[0].token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const seen = collect(watcher, MESSAGE_ADDED, { roomId: room.id })
    await waitLive(t, live + 1)
    const repo = t.app.hearth.messages.repo
    // a send after a quiet spell commits alone, at once
    await send(t.url, users[0].token, room.id, 'opening')
    const before = { ...repo.commits }
    expect(before.sends).toBe(before.commits)
    // right after that commit: the next send waits for the window, and the four sent meanwhile join it
    const first = gql(t.url, SEND, { roomId: room.id, body: 'busy 0' }, users[0].token)
    const rest = users.slice(1).map((u, i) => gql(t!.url, SEND, { roomId: room.id, body: `busy ${i + 1}` }, u.token))
    const answers = (await Promise.all([first, ...rest])).map((r) => r.data.sendMessage)
    expect(repo.commits).toEqual({ commits: before.commits + 1, sends: before.sends + 5 })
    // each answered with its own message, seqs 2..6 once each
    expect(answers.map((a) => a.seq).sort()).toEqual([2, 3, 4, 5, 6])
    expect(new Set(answers.map((a) => a.id)).size).toBe(5)
    await seen.waitCount(6)
    const got = seen.events.map((e) => e.messageAdded)
    expect(got.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6])
    expect(got.slice(1).map((m) => m.body).sort()).toEqual(['busy 0', 'busy 1', 'busy 2', 'busy 3', 'busy 4'])
    // the room's history holds them once each
    const page = await gql(t.url, 'query($r: ID!) { messages(roomId: $r, last: 20) { edges { node { seq } } } }', { r: room.id }, users[0].token)
    expect(page.data.messages.edges.map((e: any) => e.node.seq)).toEqual([1, 2, 3, 4, 5, 6])
    await watcher.dispose()
  })
})
