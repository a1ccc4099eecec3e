// The "reactions" scenario: a burst of reactions to one message. N sockets subscribe to the room's
// messageEvents; R users each add one reaction to the same message, spread evenly over `spreadMs`.
// Every subscriber must see a gapless run of event seqs whose last event carries all R reactions
// (coalescing may merge changes, never lose one). Reported: the events each subscriber got,
// deliveries (frames) per second, server CPU per delivery and per reaction, latency from the last
// reaction sent to the final state everywhere.
import WebSocket from 'ws'
import { sample } from './lib/proc.js'
import { pool } from './lib/ws-client.js'
import type { HearthTarget, Member } from './lib/targets.js'

const EVENTS = 'subscription($roomId: ID!) { messageEvents(roomId: $roomId) { seq kind message { id reactions { emoji count } } } }'
const ADD = 'mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }'
const SEND = 'mutation($roomId: ID!, $body: String!) { sendMessage(roomId: $roomId, body: $body) { id seq } }'
const EMOJI = ['👍', '🎉', '❤️', '😂', '👀']

export interface ReactionsRow {
  scenario: 'reactions'
  subscribers: number
  reactors: number
  spreadMs: number
  tickMs: number
  ok: boolean
  failure: string | null
  /** REACTIONS_CHANGED events each subscriber received (median); without coalescing it would be `reactors` */
  eventsPerSubscriber: number
  deliveries: number
  deliveriesPerSec: number
  serverCpuMs: number
  serverCpuUsPerDelivery: number
  serverCpuMsPerReaction: number
  /** from the last addReaction sent to every subscriber holding the final state */
  settleMs: number
  reactionP50Ms: number
  reactionP99Ms: number
}

class EventSub {
  seqs: number[] = []
  final = false
  lastTotal = -1
  error: string | null = null
  ws!: WebSocket
  constructor(private want: number) {}
  open(url: string, token: string, roomId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false })
      this.ws = ws
      const timer = setTimeout(() => reject(new Error('subscribe timeout')), 30_000)
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })))
      ws.on('message', (d: Buffer) => {
        const m = JSON.parse(String(d))
        if (m.type === 'connection_ack') {
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: EVENTS, variables: { roomId } } }))
          clearTimeout(timer)
          resolve()
        } else if (m.type === 'next') {
          if (m.payload.errors) { this.error ??= JSON.stringify(m.payload.errors).slice(0, 200); return }
          const ev = m.payload.data.messageEvents
          this.seqs.push(ev.seq)
          const total = (ev.message.reactions as { count: number }[]).reduce((a, g) => a + g.count, 0)
          this.lastTotal = total
          if (total === this.want) this.final = true
        } else if (m.type === 'error') {
          this.error ??= JSON.stringify(m.payload).slice(0, 200)
        }
      })
      ws.on('error', (e) => { this.error ??= e.message; reject(e) })
    })
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const q = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : 0 }

export async function reactionsScenario(target: HearthTarget, o: { subscribers: number; reactors: number; spreadMs: number; socketsPerUser: number; tickMs: number; log: (s: string) => void }): Promise<ReactionsRow> {
  const userCount = Math.max(o.reactors, Math.ceil(o.subscribers / o.socketsPerUser))
  const users = await target.users(userCount + 1)
  const owner = users.pop() as Member
  const roomId = await target.createRoom(owner, 'reactions bench')
  await pool(users, 8, async (m) => { await target.join(m, roomId) })
  const http = target.instances[0].http
  const message = (await http.gql(SEND, { roomId, body: 'react to this' }, owner.token!)).sendMessage
  const subs = Array.from({ length: o.subscribers }, () => new EventSub(o.reactors))
  await pool(subs, 100, (s, i) => s.open(target.instances[0].wsUrl, users[i % users.length].token!, roomId))
  // live: one warm-up reaction by the owner must reach everyone, then it is taken back
  await http.gql(ADD, { m: message.id, e: '🔥' }, owner.token!)
  const live = Date.now() + 30_000
  while (subs.some((s) => s.seqs.length === 0) && Date.now() < live) await sleep(20)
  await http.gql('mutation($m: ID!, $e: String!) { removeReaction(messageId: $m, emoji: $e) { id } }', { m: message.id, e: '🔥' }, owner.token!)
  while (subs.some((s) => s.seqs.length < 2 || s.lastTotal !== 0) && Date.now() < live) await sleep(20)
  if (subs.some((s) => s.seqs.length < 2 || s.lastTotal !== 0)) throw new Error('warm-up: not every subscriber saw the warm-up reaction come and go')
  const base = subs.map((s) => s.seqs.at(-1) ?? 0)
  for (const s of subs) { s.seqs = []; s.final = false }
  o.log(`${subs.length} subscribers live on one message; ${o.reactors} reactions over ${o.spreadMs} ms`)

  const pids = target.pids().slice(0, 1)
  const cpu0 = pids.reduce((a, p) => a + (sample(p)?.cpuMs ?? 0), 0)
  const t0 = performance.now()
  const times: number[] = []
  let lastSent = t0
  let failure: string | null = null
  await Promise.all(users.slice(0, o.reactors).map(async (u, i) => {
    await sleep((i * o.spreadMs) / o.reactors)
    const t = performance.now()
    try {
      await http.gql(ADD, { m: message.id, e: EMOJI[i % EMOJI.length] }, u.token!)
    } catch (e) {
      failure ??= (e as Error).message
    }
    times.push(performance.now() - t)
    lastSent = Math.max(lastSent, t)
  }))
  const deadline = performance.now() + 60_000
  while (subs.some((s) => !s.final) && performance.now() < deadline) await sleep(5)
  const tEnd = performance.now()
  const cpu1 = pids.reduce((a, p) => a + (sample(p)?.cpuMs ?? 0), 0)
  // late frames (duplicates) would show up here
  await sleep(300)
  for (const s of subs) s.ws.close()

  let deliveries = 0
  subs.forEach((s, i) => {
    deliveries += s.seqs.length
    if (s.error) failure ??= `subscriber: ${s.error}`
    if (!s.final) failure ??= `a subscriber never saw all ${o.reactors} reactions`
    const expect = s.seqs.map((_, k) => base[i] + 1 + k)
    if (s.seqs.some((x, k) => x !== expect[k])) failure ??= `a subscriber's seqs were not gapless: ${s.seqs.slice(0, 10).join(',')}… after ${base[i]}`
  })
  const cpuMs = cpu1 - cpu0
  const wallS = (tEnd - t0) / 1000
  return {
    scenario: 'reactions', subscribers: subs.length, reactors: o.reactors, spreadMs: o.spreadMs, tickMs: o.tickMs,
    ok: failure === null, failure,
    eventsPerSubscriber: q(subs.map((s) => s.seqs.length), 0.5),
    deliveries,
    deliveriesPerSec: deliveries / wallS,
    serverCpuMs: cpuMs,
    serverCpuUsPerDelivery: deliveries ? (cpuMs * 1000) / deliveries : 0,
    serverCpuMsPerReaction: cpuMs / o.reactors,
    settleMs: tEnd - lastSent,
    reactionP50Ms: q(times, 0.5),
    reactionP99Ms: q(times, 0.99),
  }
}

export function printReactions(rows: ReactionsRow[]) {
  const head = ['scenario', 'subs', 'reactions', 'tick ms', 'ok', 'events/sub', 'deliveries', 'dlv/s', 'server CPU ms', 'µs/delivery', 'CPU ms/reaction', 'settle ms', 'react p50/p99 ms']
  const body = rows.map((r) => [r.scenario, String(r.subscribers), `${r.reactors} in ${r.spreadMs} ms`, String(r.tickMs), r.ok ? 'yes' : 'NO', String(r.eventsPerSubscriber), String(r.deliveries), r.deliveriesPerSec.toFixed(0),
    r.serverCpuMs.toFixed(0), r.serverCpuUsPerDelivery.toFixed(1), r.serverCpuMsPerReaction.toFixed(2), r.settleMs.toFixed(0), `${r.reactionP50Ms.toFixed(0)}/${r.reactionP99Ms.toFixed(0)}`])
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  console.log([head, ...body].map((r) => r.map((c, i) => c.padStart(w[i])).join('  ')).join('\n'))
  for (const r of rows) if (r.failure) console.log(`  reactions (tick ${r.tickMs} ms) FAILED: ${r.failure}`)
}
