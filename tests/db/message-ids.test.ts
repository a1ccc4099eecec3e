// Message ids are time-ordered UUIDs (version 7): valid ids everywhere an id is taken, each new
// one sorting after the last, so the primary key's index grows at its end (src/lib/ids.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { newTimeOrderedId } from '../../src/lib/ids.js'
import { isId } from '../../src/lib/text.js'
import { BACKENDS, BACKEND_NAMES, canRun, databaseFor, startApp, type TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { createRoom, send } from '../helpers/rooms.js'

describe('newTimeOrderedId', () => {
  it('gives version-7 UUIDs that increase within a millisecond, across 4096 of them, and when the clock steps back', () => {
    const ids: string[] = []
    const now = vi.spyOn(Date, 'now')
    try {
      now.mockReturnValue(1_800_000_000_000)
      for (let i = 0; i < 5000; i++) ids.push(newTimeOrderedId()) // past the 12-bit counter
      now.mockReturnValue(1_799_999_999_000) // the clock went back a second
      for (let i = 0; i < 10; i++) ids.push(newTimeOrderedId())
      now.mockReturnValue(1_800_000_001_000)
      ids.push(newTimeOrderedId())
    } finally {
      now.mockRestore()
    }
    for (const id of ids) {
      expect(isId(id)).toBe(true)
      expect(id[14]).toBe('7')
      expect('89ab').toContain(id[19])
    }
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
    // the first 48 bits are the milliseconds
    expect(parseInt(ids[0].slice(0, 8) + ids[0].slice(9, 13), 16)).toBe(1_800_000_000_000)
    expect(parseInt(ids.at(-1)!.slice(0, 8) + ids.at(-1)!.slice(9, 13), 16)).toBe(1_800_000_001_000)
  })
})

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`message ids on ${BACKEND_NAMES[backend]}`, () => {
    let t: TestApp
    beforeAll(async () => { t = await startApp({ databaseUrl: await databaseFor(backend) }) })
    afterAll(async () => { await t?.close() })

    it('a room\'s messages have ids in the order they were sent, and each id finds its message', async () => {
      const u = await signUp(t.url)
      const room = await createRoom(t.url, u.token, 'Ordered ids')
      const sent = []
      for (let i = 0; i < 20; i++) sent.push(await send(t.url, u.token, room.id, `m${i}`))
      const ids = sent.map((m) => m.id)
      expect([...ids].sort()).toEqual(ids)
      const page = (await ok(t.url, 'query($r: ID!) { messages(roomId: $r, first: 50) { edges { node { id body } } } }', { r: room.id }, u.token)).messages.edges
      expect(page.map((e: any) => e.node.id)).toEqual(ids)
      expect(page.map((e: any) => e.node.body)).toEqual(sent.map((_, i) => `m${i}`))
    })
  })
}
