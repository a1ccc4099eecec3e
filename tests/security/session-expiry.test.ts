// A socket signed in with a session ends when the session does: the heartbeat closes it with
// 4403 at the session's expiry, as an HTTP request with that token is refused from then on.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startApp, type TestApp } from '../helpers/app.js'
import { errorCode, signUp, sleep } from '../helpers/client.js'

let t: TestApp
beforeAll(async () => { t = await startApp({ env: { WS_HEARTBEAT_MS: '200' } }) })
afterAll(async () => { await t?.close() })

function socket(token: string) {
  const ws = new WebSocket(t.wsUrl, 'graphql-transport-ws')
  const frames: any[] = []
  ws.on('message', (d) => frames.push(JSON.parse(String(d))))
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })))
  return { ws, frames, closed }
}

describe('session expiry on an open socket', () => {
  it('closes the socket with 4403 once its session expires, and not before; another session stays', async () => {
    const a = await signUp(t.url)
    const b = await signUp(t.url)
    const db = t.app.hearth.database.db
    const expiresAt = Date.now() + 1500
    await sql`update sessions set expires_at = ${expiresAt} where id = ${a.sessionId}`.execute(db)
    const sa = socket(a.token)
    const sb = socket(b.token)
    const startedAt = Date.now()
    const code = await Promise.race([sa.closed, sleep(8000).then(() => -1)])
    expect(code).toBe(4403)
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt)
    expect(Date.now() - startedAt).toBeLessThan(8000)
    expect(sa.frames.some((f) => f.type === 'connection_ack')).toBe(true)
    // the same token over HTTP is refused too
    expect(await errorCode(t.url, '{ me { id } }', {}, a.token)).toBe('UNAUTHENTICATED')
    // the other user's socket is untouched
    expect(sb.ws.readyState).toBe(WebSocket.OPEN)
    sb.ws.close()
  })
})
