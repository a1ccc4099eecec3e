// A member who leaves a private room while their subscription to it is still starting (here:
// replaying a long history to a reader that has paused) receives nothing sent after the leave,
// and the subscription ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApp, type TestApp } from '../helpers/app.js'
import { ok, signUp, sleep } from '../helpers/client.js'
import { createRoom, joinByCode, send } from '../helpers/rooms.js'

let t: TestApp
beforeAll(async () => { t = await startApp({ env: { SEND_RATE_LIMIT_PER_USER: '0' } }) })
afterAll(async () => { await t.close() })

async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>) {
  let i = 0
  await Promise.all(Array.from({ length: n }, async () => { while (i < items.length) await fn(items[i++]) }))
}

async function until(pred: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

describe('leaving while a subscription starts', () => {
  it('nothing sent after the leave arrives and the subscription completes', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const room = await createRoom(t.url, a.token, 'Secret', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    // a history far bigger than what the socket buffers hold: the replay has to wait for the reader
    const filler = 'x'.repeat(2000)
    await pool(Array.from({ length: 3000 }, (_, i) => i), 16, async (i) => { await send(t.url, a.token, room.id, `${i} ${filler}`) })

    const ws = new WebSocket(t.wsUrl, 'graphql-transport-ws')
    const frames: any[] = []
    ws.on('message', (d) => frames.push(JSON.parse(String(d))))
    await new Promise((r) => ws.once('open', r))
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${b.token}` } }))
    await until(() => frames.some((f) => f.type === 'connection_ack'), 5000, 'ack')
    ws.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: 'subscription($r: ID!) { messageAdded(roomId: $r, after: "0") { seq body } }', variables: { r: room.id } } }))
    await until(() => frames.some((f) => f.type === 'next'), 10_000, 'the replay to begin')
    // stop reading: the server's replay waits for the socket to drain
    const raw = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
    raw.pause()
    // fixed wait: the server's send buffer filling up is not visible from the client side
    await sleep(500)
    await ok(t.url, 'mutation($r: ID!) { leaveRoom(roomId: $r) }', { r: room.id }, b.token)
    await send(t.url, a.token, room.id, 'after the leave')
    // fixed wait: gives the blocked replay time to see the leave while still blocked (the race under test)
    await sleep(200)
    raw.resume()
    await until(() => frames.some((f) => f.type === 'complete' || f.type === 'error'), 20_000, 'the subscription to end')
    // marker: the pong to a ping is written after any frame the server still had queued
    ws.send(JSON.stringify({ type: 'ping' }))
    await until(() => frames.some((f) => f.type === 'pong'), 5000, 'pong')
    const bodies = frames.filter((f) => f.type === 'next').map((f) => f.payload.data.messageAdded.body as string)
    expect(bodies.length).toBeGreaterThan(0)
    expect(bodies).not.toContain('after the leave')
    expect(frames.find((f) => f.type === 'complete' || f.type === 'error')).toMatchObject({ id: 's', type: 'complete' })
    ws.close()
  }, 120_000)
})
