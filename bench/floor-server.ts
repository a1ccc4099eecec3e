// The floor: the least a Redis-fed WebSocket broadcast can do, measured next to Hearth in the
// same run. POST /send stores nothing and does one Redis PUBLISH; each instance relays what
// Redis delivers to the sockets of the room, the frame built once and wrapped with each
// subscriber's id (as Hearth does). It speaks just enough graphql-transport-ws for the
// generator: connection_init/ack, subscribe (variables.roomId), complete, ping/pong.
import http from 'node:http'
import crypto from 'node:crypto'
import { WebSocketServer, WebSocket } from 'ws'
import { Redis } from 'ioredis'

const port = Number(process.env.PORT ?? 0)
const prefix = process.env.FLOOR_PREFIX ?? 'bench:floor:'
const maxBuffered = 4 * 1024 * 1024
const pub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
const sub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
type Member = { ws: WebSocket; head: string }
const rooms = new Map<string, Set<Member>>()
// seq per room is counted where the PUBLISH happens: the generator sends through one instance
const seqs = new Map<string, number>()

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
    const m = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    const seq = (seqs.get(m.roomId) ?? 0) + 1
    seqs.set(m.roomId, seq)
    // the same fields, in the same order, as the Hearth subscription the generator uses
    const message = { id: crypto.randomUUID(), seq, clientId: m.clientId, createdAt: new Date().toISOString(), sender: { id: m.senderId, displayName: m.senderName }, body: m.body }
    pub.publish(prefix + m.roomId, JSON.stringify(message)).then(
      () => { res.setHeader('content-type', 'application/json'); res.end(`{"data":{"sendMessage":{"seq":${seq}}}}`) },
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
    else if (msg.type === 'subscribe') {
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
process.on('SIGTERM', () => { wss.close(); server.close(); pub.disconnect(); sub.disconnect(); process.exit(0) })
