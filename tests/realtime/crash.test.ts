// The process dies in the worst way (kill -9 while writing) or is asked to stop (SIGTERM):
// nothing acknowledged is lost, the database stays intact, and clients are told to come back.
// The kill -9 case is SQLite only (it checks the file with integrity_check; a PostgreSQL server
// is not killed with the app); the SIGTERM cases run on the run's backend (TEST_DATABASE).
import Database from 'better-sqlite3'
import crypto from 'node:crypto'
import net from 'node:net'
import WebSocket from 'ws'
import { afterAll, describe, expect, it } from 'vitest'
import { tempSqlitePath, testDatabaseUrl } from '../helpers/app.js'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { gql, ok, signUp, sleep } from '../helpers/client.js'
import { createRoom, SEND } from '../helpers/rooms.js'

const children: ChildServer[] = []
afterAll(() => { for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL') })

describe('process failures', () => {
  it('SQLite: kill -9 during a write load: integrity_check is ok and every acknowledged message is there', async () => {
    const db = tempSqlitePath()
    const first = await startChildServer({ DATABASE_URL: db })
    children.push(first)
    const u = await signUp(first.url)
    const room = await createRoom(first.url, u.token, 'Crash')
    const acknowledged = new Set<string>()
    let stop = false
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        try {
          const r = await gql(first.url, SEND, { roomId: room.id, body: `w${w} ${i}`, clientId: `w${w}-${i}` }, u.token)
          if (r.data?.sendMessage?.id) acknowledged.add(r.data.sendMessage.id)
        } catch { return }
      }
    })
    // kill while writes are in full flow: after a first batch is acknowledged, however slow the machine
    const until = Date.now() + 20_000
    while (acknowledged.size < 20 && Date.now() < until) await sleep(20)
    // and more still being acknowledged: the kill lands with writes in flow
    const flowing = acknowledged.size + 10
    while (acknowledged.size < flowing && Date.now() < until) await sleep(20)
    first.proc.kill('SIGKILL')
    stop = true
    await Promise.all(writers)
    await first.exited
    expect(acknowledged.size).toBeGreaterThanOrEqual(20)

    const check = new Database(db, { readonly: true })
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()

    const second = await startChildServer({ DATABASE_URL: db })
    children.push(second)
    const seen = new Set<string>()
    let after: string | null = null
    for (;;) {
      const d: any = await ok(second.url, 'query($r: ID!, $a: String) { messages(roomId: $r, first: 100, after: $a) { edges { node { id seq } } pageInfo { hasNextPage endCursor } } }', { r: room.id, a: after }, u.token)
      d.messages.edges.forEach((e: any, i: number) => { seen.add(e.node.id); if (i > 0) expect(e.node.seq).toBe(d.messages.edges[i - 1].node.seq + 1) })
      if (!d.messages.pageInfo.hasNextPage) break
      after = d.messages.pageInfo.endCursor
    }
    for (const id of acknowledged) expect(seen.has(id)).toBe(true)
    second.proc.kill('SIGTERM')
    await second.exited
  }, 90_000)

  it('SIGTERM closes sockets with 1012, refuses new work and exits promptly', async () => {
    const server = await startChildServer({ DATABASE_URL: await testDatabaseUrl() })
    children.push(server)
    const u = await signUp(server.url)
    const ws = new WebSocket(server.wsUrl, 'graphql-transport-ws')
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
    await new Promise<void>((resolve) => ws.on('open', () => { ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${u.token}` } })); resolve() }))
    await new Promise<void>((resolve) => ws.once('message', () => resolve()))
    const started = Date.now()
    server.proc.kill('SIGTERM')
    expect(await closed).toBe(1012)
    const { code } = await server.exited
    expect(code).toBe(0)
    expect(Date.now() - started).toBeLessThan(10_000)
    await expect(fetch(server.url + '/health')).rejects.toThrow()
  }, 60_000)

  it('SIGTERM still exits cleanly when a client never answers the close frame', async () => {
    const server = await startChildServer({ DATABASE_URL: await testDatabaseUrl() })
    children.push(server)
    // a WebSocket upgrade by hand, then silence: the client's end never sends its close frame
    const port = Number(new URL(server.url).port)
    const sock = net.connect(port, '127.0.0.1')
    let received = Buffer.alloc(0)
    const upgraded = new Promise<void>((resolve) => sock.on('data', (d) => {
      received = Buffer.concat([received, d])
      if (received.includes('\r\n\r\n')) resolve()
    }))
    const ended = new Promise<void>((resolve) => { sock.on('close', () => resolve()); sock.on('end', () => resolve()) })
    await new Promise<void>((resolve) => sock.on('connect', () => resolve()))
    sock.write([
      'GET /graphql HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade',
      `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`, 'Sec-WebSocket-Version: 13',
      'Sec-WebSocket-Protocol: graphql-transport-ws', '', ''].join('\r\n'))
    await upgraded
    expect(received.toString('latin1')).toMatch(/^HTTP\/1\.1 101/)
    server.proc.kill('SIGTERM')
    // ws would wait 30 s for the close frame; the process must not sit past its shutdown bound
    const { code } = await server.exited
    expect(code, server.output()).toBe(0)
    await ended
    // what the server sent after the upgrade ends with a close frame (opcode 8) carrying 1012
    const frames = received.subarray(received.indexOf('\r\n\r\n') + 4)
    const close = frames.indexOf(0x88)
    expect(close).toBeGreaterThanOrEqual(0)
    expect(frames.readUInt16BE(close + 2)).toBe(1012)
    sock.destroy()
  }, 60_000)
})
