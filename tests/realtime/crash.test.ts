// The process dies in the worst way (kill -9 while writing) or is asked to stop (SIGTERM):
// nothing acknowledged is lost, the database stays intact, and clients are told to come back.
import Database from 'better-sqlite3'
import WebSocket from 'ws'
import { afterAll, describe, expect, it } from 'vitest'
import { tempSqlitePath } from '../helpers/app.js'
import { startChildServer, type ChildServer } from '../helpers/child-server.js'
import { gql, ok, signUp, sleep } from '../helpers/client.js'
import { createRoom, SEND } from '../helpers/rooms.js'

const children: ChildServer[] = []
afterAll(() => { for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGKILL') })

describe('process failures', () => {
  it('kill -9 during a write load: integrity_check is ok and every acknowledged message is there', async () => {
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
    await sleep(200)
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
    const server = await startChildServer({ DATABASE_URL: tempSqlitePath() })
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
})
