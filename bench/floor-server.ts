// The floor: the least a stored, Redis-fed WebSocket broadcast can do, measured next to Hearth
// in the same run. A send (POST /send, or a graphql-transport-ws `subscribe` of a mutation on
// the socket) stores the message with one INSERT (SQLite: a file of its own, WAL, one
// transaction per message, `synchronous` as SQLITE_SYNCHRONOUS says, FULL by default as for
// Hearth; PostgreSQL when FLOOR_PG_URL is set), then does one Redis PUBLISH; each instance relays
// what Redis delivers to the sockets of the room, the frame built once and wrapped with each
// subscriber's id (as Hearth does). It checks nothing (no session, no membership): that is the
// part of Hearth's cost the comparison shows. It speaks just enough graphql-transport-ws for the
// generator: connection_init/ack, subscribe (variables.roomId, or a mutation's variables),
// complete, ping/pong.
import http from 'node:http'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { WebSocketServer, WebSocket } from 'ws'
import { Redis } from 'ioredis'
import SQLite from 'better-sqlite3'
import pg from 'pg'

const port = Number(process.env.PORT ?? 0)
const prefix = process.env.FLOOR_PREFIX ?? 'bench:floor:'
const maxBuffered = 4 * 1024 * 1024
const pub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const sub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
type Member = { ws: WebSocket; head: string }
const rooms = new Map<string, Set<Member>>()
// seq per room is counted where the PUBLISH happens: the generator sends through one instance
const seqs = new Map<string, number>()

type Stored = { id: string; roomId: string; seq: number; senderId: string; body: string; clientId: string; at: number }
/** stores one message; resolves once it is committed */
let store: (m: Stored) => Promise<void>
let closeStore: () => void = () => {}
if (process.env.FLOOR_PG_URL) {
  const pool = new pg.Pool({ connectionString: process.env.FLOOR_PG_URL, max: 10 })
  await pool.query('CREATE TABLE IF NOT EXISTS floor_messages (id text PRIMARY KEY, room_id text NOT NULL, seq integer NOT NULL, sender_id text NOT NULL, body text NOT NULL, client_id text, created_at bigint NOT NULL)')
  store = async (m) => { await pool.query('INSERT INTO floor_messages VALUES ($1, $2, $3, $4, $5, $6, $7)', [m.id, m.roomId, m.seq, m.senderId, m.body, m.clientId, m.at]) }
  closeStore = () => { void pool.end() }
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-floor-'))
  const db = new SQLite(path.join(dir, 'floor.db'))
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${process.env.SQLITE_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL'}`)
  db.exec('CREATE TABLE floor_messages (id text PRIMARY KEY, room_id text NOT NULL, seq integer NOT NULL, sender_id text NOT NULL, body text NOT NULL, client_id text, created_at integer NOT NULL)')
  const insert = db.prepare('INSERT INTO floor_messages VALUES (?, ?, ?, ?, ?, ?, ?)')
  store = (m) => { insert.run(m.id, m.roomId, m.seq, m.senderId, m.body, m.clientId, m.at); return Promise.resolve() }
  closeStore = () => { db.close(); fs.rmSync(dir, { recursive: true, force: true }) }
}

/** one send: stored, published; resolves with its seq */
async function send(m: { roomId: string; body: string; clientId: string; senderId: string; senderName: string }): Promise<number> {
  const seq = (seqs.get(m.roomId) ?? 0) + 1
  seqs.set(m.roomId, seq)
  const id = crypto.randomUUID()
  const at = Date.now()
  const stored = store({ id, roomId: m.roomId, seq, senderId: m.senderId, body: m.body, clientId: m.clientId, at })
  // the same fields, in the same order, as the Hearth subscription the generator uses
  const message = { id, seq, clientId: m.clientId, createdAt: new Date(at).toISOString(), sender: { id: m.senderId, displayName: m.senderName }, body: m.body }
  // published in seq order per room (PostgreSQL commits may finish out of order)
  const prev = chains.get(m.roomId)
  const done = (prev ? prev.then(() => stored) : stored).then(() => pub.publish(prefix + m.roomId, JSON.stringify(message)))
  const tail = done.then(() => {}, () => {})
  chains.set(m.roomId, tail)
  void tail.then(() => { if (chains.get(m.roomId) === tail) chains.delete(m.roomId) })
  await done
  return seq
}
const chains = new Map<string, Promise<void>>()

sub.on('message', (channel: string, text: string) => {
  const members = rooms.get(channel.slice(prefix.length))
  if (!members) return
  const tail = `{"data":{"messageAdded":${text}}}}`
  for (const m of members) {
    if (m.ws.bufferedAmount > maxBuffered) { m.ws.close(1013, 'Too slow'); continue }
    m.ws.send(m.head + tail)
  }
})

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') { res.end('{"status":"ok"}'); return }
  if (req.method !== 'POST' || req.url !== '/send') { res.statusCode = 404; res.end(); return }
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    send(JSON.parse(Buffer.concat(chunks).toString('utf8'))).then(
      (seq) => { res.setHeader('content-type', 'application/json'); res.end(`{"data":{"sendMessage":{"seq":${seq}}}}`) },
      (e) => { res.statusCode = 500; res.end(String(e)) },
    )
  })
})

const wss = new WebSocketServer({ server, path: '/graphql', perMessageDeflate: false })
wss.on('connection', (ws) => {
  const mine = new Map<string, { room: string; member: Member }>()
  ws.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString('utf8'))
    if (msg.type === 'connection_init') ws.send('{"type":"connection_ack"}')
    else if (msg.type === 'ping') ws.send('{"type":"pong"}')
    else if (msg.type === 'subscribe' && /^\s*mutation\b/.test(msg.payload?.query ?? '')) {
      const id = JSON.stringify(msg.id)
      send(msg.payload.variables).then(
        (seq) => { ws.send(`{"id":${id},"type":"next","payload":{"data":{"sendMessage":{"seq":${seq}}}}}`); ws.send(`{"id":${id},"type":"complete"}`) },
        (e) => ws.send(JSON.stringify({ id: msg.id, type: 'error', payload: [{ message: String(e) }] })),
      )
    } else if (msg.type === 'subscribe') {
      const room = String(msg.payload?.variables?.roomId)
      const member = { ws, head: `{"id":${JSON.stringify(msg.id)},"type":"next","payload":` }
      let set = rooms.get(room)
      if (!set) { rooms.set(room, (set = new Set())); void sub.subscribe(prefix + room) }
      set.add(member)
      mine.set(msg.id, { room, member })
    } else if (msg.type === 'complete') drop(msg.id)
  })
  const drop = (id: string) => {
    const s = mine.get(id)
    if (!s) return
    mine.delete(id)
    const set = rooms.get(s.room)
    set?.delete(s.member)
    if (set && set.size === 0) { rooms.delete(s.room); void sub.unsubscribe(prefix + s.room) }
  }
  ws.on('close', () => { for (const id of [...mine.keys()]) drop(id) })
})

// the generator keeps connections alive across pauses: an idle close racing a new request is a reset
server.keepAliveTimeout = 120_000
server.listen(port, '127.0.0.1')
process.on('SIGTERM', () => { wss.close(); server.close(); pub.disconnect(); sub.disconnect(); closeStore(); process.exit(0) })
