// SIGTERM on an instance under load (the real server entry in a child process), watched from a
// second instance on the same database and Redis: what was acknowledged is stored, nothing is
// half-written, sockets hear 1012, and the instance's users do not stay ONLINE on a stale lease.
import { afterAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApp, testDatabaseUrl, REDIS_URL, type TestApp } from '../helpers/app.js'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { eventually, gql, ok, signUp } from '../helpers/client.js'
import { createRoom, joinByCode, SEND } from '../helpers/rooms.js'

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterAll(async () => { for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {}) })

describe('SIGTERM under load', () => {
  it('acknowledged sends are stored, no seq is missing, sockets get 1012, presence ends at once, new requests are refused', async () => {
    const db = await testDatabaseUrl()
    // both instances use the same Redis keys (no prefix), as two instances of one deployment would
    const a: ChildServer = await startChildServer({ DATABASE_URL: db, REDIS_URL, PRESENCE_OFFLINE_GRACE_MS: '0' })
    cleanups.push(() => { if (a.proc.exitCode === null) a.proc.kill('SIGKILL') })
    const b: TestApp = await startApp({ databaseUrl: db, redis: true, redisPrefix: '' })
    cleanups.push(() => b.close())

    const p = await signUp(a.url)
    const q = await signUp(b.url)
    const room = await createRoom(a.url, p.token, 'Shutdown')
    await joinByCode(b.url, q.token, room.code)
    const ws = new WebSocket(a.wsUrl, 'graphql-transport-ws')
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    await new Promise<void>((resolve) => ws.on('open', () => { ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${p.token}` } })); resolve() }))
    await new Promise<void>((resolve) => ws.once('message', () => resolve()))
    const statusOfP = async () => (await ok(b.url, 'query($id: ID!) { user(id: $id) { status } }', { id: p.id }, q.token)).user.status
    await eventually(async () => (await statusOfP()) === 'ONLINE', 10_000, 'P ONLINE as seen through B')

    // a burst of sends in flight when the signal comes
    const N = 30
    const sends = Array.from({ length: N }, (_, i) =>
      gql(a.url, SEND, { roomId: room.id, body: `burst ${i}`, clientId: `b${i}` }, p.token).catch((e) => ({ failed: String(e) }) as const))
    await new Promise((r) => setTimeout(r, 20))
    a.proc.kill('SIGTERM')
    const results = await Promise.all(sends)
    expect(await closed).toBe(1012)
    expect((await a.exited).code, a.output()).toBe(0)

    const acknowledged = results.filter((r: any) => r.data?.sendMessage).map((r: any) => r.data.sendMessage.body as string)
    const stored = (await ok(b.url, 'query($r: ID!) { messages(roomId: $r, first: 100) { edges { node { body seq clientId } } } }', { r: room.id }, q.token)).messages.edges.map((e: any) => e.node)
    // every acknowledged send is stored; what is stored was asked for; seqs have no hole
    for (const body of acknowledged) expect(stored.map((m: any) => m.body)).toContain(body)
    for (const m of stored) expect(m.clientId).toMatch(/^b\d+$/)
    expect(stored.map((m: any) => m.seq)).toEqual(stored.map((_: unknown, i: number) => i + 1))
    // an answer that was not a success was a refusal (503 or a closed connection), never a half
    for (const r of results as any[]) {
      if (r.data?.sendMessage) continue
      if ('failed' in r) continue
      expect(r.status).toBe(503)
    }
    // new requests to the stopped instance are refused
    await expect(fetch(a.url + '/health')).rejects.toThrow()
    // its user's lease went with it: OFFLINE long before a 60 s lease would have run out
    await eventually(async () => (await statusOfP()) === 'OFFLINE', 10_000, 'P OFFLINE as seen through B')
  }, 90_000)
})
