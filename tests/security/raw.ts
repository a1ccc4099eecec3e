// A raw graphql-transport-ws client on the `ws` package: frames as they come, so a test can
// misbehave (stop reading, never answer pings, send what it likes in connection_init).
import WebSocket from 'ws'
import { sleep } from '../helpers/client.js'

export interface Raw {
  ws: WebSocket
  frames: any[]
  closed: Promise<{ code: number; reason: string }>
  send(m: unknown): void
  /** resolves with the close code, or rejects when the socket is still open after `ms` */
  closeCode(ms?: number): Promise<number>
  /** frames of one subscription id of one type */
  of(id: string, type?: string): any[]
}

export function raw(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  const ws = new WebSocket(url, 'graphql-transport-ws', { headers })
  const frames: any[] = []
  ws.on('message', (d) => { try { frames.push(JSON.parse(String(d))) } catch { frames.push(String(d)) } })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({
      ws, frames, closed,
      send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
      async closeCode(ms = 5000) {
        const r = await Promise.race([closed, sleep(ms).then(() => null)])
        if (!r) throw new Error(`still open after ${ms} ms`)
        return r.code
      },
      of: (id, type) => frames.filter((f) => f.id === id && (!type || f.type === type)),
    }))
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })))
    ws.once('error', reject)
  })
}

export async function until(pred: () => boolean, ms = 5000, what = 'condition') {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

/** a socket past connection_ack (anonymous without a token) */
export async function acked(url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<Raw> {
  const s = await raw(url, headers)
  s.send(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload })
  await until(() => s.frames.some((f) => f.type === 'connection_ack') || s.ws.readyState !== WebSocket.OPEN, 10_000, 'connection_ack')
  return s
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
