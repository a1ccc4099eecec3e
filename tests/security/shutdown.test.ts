// SIGTERM on an instance under load (the real server entry in a child process), watched from a
// second instance on the same database and Redis: what was acknowledged is stored, nothing is
// half-written, sockets hear 1012, and the instance's users do not stay ONLINE on a stale lease.
import { afterAll, describe, expect, it } from 'vitest'
import net from 'node:net'
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

describe('SIGTERM with a slow request in flight', () => {
  it('cuts the request after a short grace and exits cleanly (code 0, its cleanup done), not at the hard bound', async () => {
    const a: ChildServer = await startChildServer({ DATABASE_URL: await testDatabaseUrl() })
    cleanups.push(() => { if (a.proc.exitCode === null) a.proc.kill('SIGKILL') })
    const u = await signUp(a.url)
    // an upload that announces 5 MB and trickles in, as over a slow phone line
    const port = Number(new URL(a.url).port)
    const sock = net.connect(port, '127.0.0.1')
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()))
    const cut = new Promise<void>((resolve) => sock.once('close', () => resolve()))
    sock.on('error', () => {})
    sock.write(`POST /uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${u.token}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 5000000\r\n\r\n` +
      `--XYZ\r\nContent-Disposition: form-data; name="file"; filename="slow.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`)
    const trickle = setInterval(() => { if (!sock.destroyed) sock.write(Buffer.alloc(100)) }, 200)
    cleanups.push(() => clearInterval(trickle))
    // the server has the request: its first bytes are in
    await eventually(() => sock.bytesWritten > 1000, 5000, 'the upload under way')
    a.proc.kill('SIGTERM')
    // before: the close waited on the request until the 10 s bound killed the process (exit 1, no cleanup)
    const exit = await Promise.race([a.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running 20 s after SIGTERM:\n${a.output()}`)), 20_000))])
    clearInterval(trickle)
    expect(exit.code, a.output()).toBe(0)
    await cut
  }, 30_000)
})
