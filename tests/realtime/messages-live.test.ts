import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../helpers/app.js'
import { collect, signUp, sleep, wsClient } from '../helpers/client.js'
import { MESSAGE_ADDED, MESSAGE_EVENTS, createRoom, joinByCode, send } from '../helpers/rooms.js'

let t: TestApp
beforeAll(async () => { t = await startApp() })
afterAll(async () => { await t.close() })

describe('live messages', () => {
  it('delivers to members live, and replays with after', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const room = await createRoom(t.url, a.token, 'Study', 'PRIVATE')
    await joinByCode(t.url, b.token, room.code)
    await send(t.url, a.token, room.id, 'first')
    const cb = wsClient(t.wsUrl, b.token)
    const sub = collect(cb, MESSAGE_ADDED, { roomId: room.id, after: '0' })
    await sub.waitCount(1)
    await send(t.url, a.token, room.id, 'second')
    await send(t.url, b.token, room.id, 'third')
    await sub.waitCount(3)
    expect(sub.events.map((e) => e.messageAdded.body)).toEqual(['first', 'second', 'third'])
    expect(sub.events.map((e) => e.messageAdded.seq)).toEqual([1, 2, 3])
    const ev = collect(cb, MESSAGE_EVENTS, { roomId: room.id, after: 0 })
    await ev.waitCount(3)
    expect(ev.events.map((e) => e.messageEvents.kind)).toEqual(['ADDED', 'ADDED', 'ADDED'])
    sub.dispose(); ev.dispose()
    await cb.dispose()
  })

  it('refuses a non-member of a private room with NOT_FOUND', async () => {
    const a = await signUp(t.url)
    const c = await signUp(t.url)
    const room = await createRoom(t.url, a.token, 'Secret', 'PRIVATE')
    const cc = wsClient(t.wsUrl, c.token)
    const sub = collect(cc, MESSAGE_ADDED, { roomId: room.id })
    await sub.waitError()
    expect(sub.state.errors?.[0].extensions.code).toBe('NOT_FOUND')
    await send(t.url, a.token, room.id, 'hidden')
    await sleep(200)
    expect(sub.events).toHaveLength(0)
    await cc.dispose()
  })
})
