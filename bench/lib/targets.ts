// The two systems under test behind one interface: Hearth (dist/server.js, the real API as
// `npm start` runs it, built from src/ when a bench starts) and the floor (bench/floor-server.ts). Each runs as its own child process(es) on 127.0.0.1.
import crypto from 'node:crypto'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { type Child, freePort, spawnNode, waitHealthy } from './proc.js'
import { HttpClient } from './http.js'
import { pool } from './ws-client.js'

export interface Member { token: string | null; userId: string; name: string }

export interface Instance { child: Child; port: number; http: HttpClient; wsUrl: string }

export interface StartOptions {
  instances: number
  redisUrl: string
  /** Hearth only: pass --cpu-prof to the server and write profiles here */
  profileDir?: string | null
  /** Hearth only: PostgreSQL admin URL for a fresh database (else a temp SQLite file) */
  pgUrl?: string | null
  logDir: string
  tag: string
  /** extra environment for the Hearth server */
  env?: Record<string, string>
  /** extra node options for the Hearth server */
  nodeArgs?: string[]
  /** SIGUSR2 writes a heap snapshot here */
  heapDir?: string | null
}

function diagArgs(o: StartOptions): string[] {
  return [
    ...(o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : []),
    ...(o.heapDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${o.heapDir}`] : []),
  ]
}

export interface Target {
  readonly kind: 'hearth' | 'floor'
  /** subscriptions resume after seq 0, so every seq from 1 must arrive (the floor has no history) */
  readonly strict: boolean
  readonly query: string
  instances: Instance[]
  start(o: StartOptions): Promise<void>
  users(n: number): Promise<Member[]>
  createRoom(owner: Member, name: string): Promise<string>
  join(m: Member, roomId: string): Promise<void>
  /** one message; resolves with its seq */
  send(instance: number, m: Member, roomId: string, clientId: string, body: string): Promise<number>
  /** the same send as a graphql-transport-ws `subscribe` of a mutation on the sender's socket: its variables (query: SEND) */
  wsSendVariables(m: Member, roomId: string, clientId: string, body: string): Record<string, unknown>
  variables(roomId: string): Record<string, unknown>
  pids(): number[]
  /** the PostgreSQL database it stores in (null: SQLite) */
  pgDatabase: string | null
  stop(): Promise<void>
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..')

let built = false
/** The server is measured as production runs it: compiled to dist/ (see scripts/build-server.mjs), not through tsx. */
function buildServer() {
  if (built) return
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-server.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  built = true
}
const PASSWORD = 'bench-password-1234'

export const MESSAGE_ADDED = 'subscription($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { id seq clientId createdAt sender { id displayName } body } }'
/** the web client's live document (web/src/features/room/feed.ts): the fields a real page asks for */
export const WEB_MESSAGE_ADDED = `subscription MessageAddedLive($roomId: ID!, $after: String) { messageAdded(roomId: $roomId, after: $after) { ...MessageFields } }
fragment MessageFields on Message { id roomId seq body createdAt editedAt deletedAt clientId sender { id username displayName avatarUrl }
  attachments { id name size url thumbnailUrl } replyTo { id seq body deletedAt sender { id username displayName } }
  reactions { emoji count users(first: 5) { id displayName } } pinnedAt pinnedBy { id username displayName } }`
/** the web client's second live stream of a room (web/src/features/room/feed.ts): edits, deletes, reactions, pins */
export const WEB_MESSAGE_EVENTS = `subscription MessageEventsLive($roomId: ID!, $after: Int) { messageEvents(roomId: $roomId, after: $after, kinds: [EDITED, DELETED, REACTIONS_CHANGED, PINNED, UNPINNED]) { seq kind message { ...MessageFields } } }
fragment MessageFields on Message { id roomId seq body createdAt editedAt deletedAt clientId sender { id username displayName avatarUrl }
  attachments { id name size url thumbnailUrl } replyTo { id seq body deletedAt sender { id username displayName } }
  reactions { emoji count users(first: 5) { id displayName } } pinnedAt pinnedBy { id username displayName } }`
/** the same as the web client subscribed before 92bb3c6: every kind, so each new message came a second time */
export const WEB_MESSAGE_EVENTS_ALL = WEB_MESSAGE_EVENTS.replace(', kinds: [EDITED, DELETED, REACTIONS_CHANGED, PINNED, UNPINNED]', '')
const SIGN_UP = 'mutation($input: SignUpInput!) { signUp(input: $input) { token user { id displayName } } }'
const CREATE_ROOM = 'mutation($input: CreateRoomInput!) { createRoom(input: $input) { id } }'
const JOIN = 'mutation($roomId: ID!) { joinRoom(roomId: $roomId) { id } }'
export const SEND = 'mutation($roomId: ID!, $body: String!, $clientId: String) { sendMessage(roomId: $roomId, body: $body, clientId: $clientId) { seq } }'

export class HearthTarget implements Target {
  readonly kind = 'hearth'
  readonly strict = true
  readonly query = MESSAGE_ADDED
  instances: Instance[] = []
  private tmp: string | null = null
  private dropPg: (() => Promise<void>) | null = null
  pgDatabase: string | null = null
  private userCount = 0
  private tag = ''

  async start(o: StartOptions) {
    this.tag = o.tag
    let databaseUrl: string
    if (o.pgUrl) {
      const name = 'hearth_bench_' + crypto.randomBytes(5).toString('hex')
      this.pgDatabase = name
      const admin = new pg.Client({ connectionString: o.pgUrl })
      await admin.connect()
      await admin.query(`CREATE DATABASE ${name}`)
      await admin.end()
      const u = new URL(o.pgUrl)
      u.pathname = '/' + name
      databaseUrl = u.toString()
      this.dropPg = async () => {
        const c = new pg.Client({ connectionString: o.pgUrl! })
        await c.connect()
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await c.end()
      }
    } else {
      this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'))
      databaseUrl = path.join(this.tmp, 'hearth.db')
    }
    // one after the other: the first one runs the migrations
    for (let i = 0; i < o.instances; i++) {
      const port = await freePort()
      buildServer()
      const args = [...diagArgs(o), ...(o.nodeArgs ?? []), 'dist/server.js']
      const child = spawnNode(`${o.tag}-hearth-${i}`, args, {
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: databaseUrl,
        REDIS_URL: o.redisUrl,
        LOG_LEVEL: 'warn',
        AUTH_RATE_LIMIT_PER_IP: '1000000000',
        SEND_RATE_LIMIT_PER_USER: '0',
        // every simulated client connects from 127.0.0.1
        WS_SOCKETS_PER_IP: '10000000',
        WS_UNAUTHENTICATED_PER_IP: '10000000',
        WEB_DIST_DIR: path.join(os.tmpdir(), 'hearth-bench-no-web'),
        ...o.env,
      }, ROOT, o.logDir)
      this.instances.push({ child, port, http: new HttpClient(port, 64), wsUrl: `ws://127.0.0.1:${port}/graphql` })
      await waitHealthy(child, `http://127.0.0.1:${port}/health`)
    }
  }

  async users(n: number): Promise<Member[]> {
    const out: Member[] = new Array(n)
    const idxs = Array.from({ length: n }, (_, i) => i)
    // argon2 runs 4 at a time on the server: a few more in flight keep it busy
    await pool(idxs, 8, async (i) => {
      const username = `b${this.tag}_${this.userCount + i}`.slice(0, 32)
      const d = await this.instances[0].http.gql(SIGN_UP, { input: { username, password: PASSWORD } })
      out[i] = { token: d.signUp.token, userId: d.signUp.user.id, name: d.signUp.user.displayName }
    })
    this.userCount += n
    return out
  }

  async createRoom(owner: Member, name: string): Promise<string> {
    const d = await this.instances[0].http.gql(CREATE_ROOM, { input: { name, kind: 'PUBLIC' } }, owner.token!)
    return d.createRoom.id
  }

  async join(m: Member, roomId: string): Promise<void> {
    await this.instances[0].http.gql(JOIN, { roomId }, m.token!)
  }

  async send(instance: number, m: Member, roomId: string, clientId: string, body: string): Promise<number> {
    const d = await this.instances[instance].http.gql(SEND, { roomId, body, clientId }, m.token!)
    return d.sendMessage.seq
  }

  wsSendVariables(_m: Member, roomId: string, clientId: string, body: string) { return { roomId, body, clientId } }
  variables(roomId: string) { return { roomId, after: '0' } }
  pids() { return this.instances.map((i) => i.child.pid) }

  async stop() {
    await Promise.all(this.instances.map(async (i) => { i.http.close(); await i.child.stop() }))
    this.instances = []
    if (this.dropPg) { await this.dropPg().catch(() => {}); this.dropPg = null }
    if (this.tmp) { fs.rmSync(this.tmp, { recursive: true, force: true }); this.tmp = null }
  }
}

export class FloorTarget implements Target {
  readonly kind = 'floor'
  readonly strict = false
  readonly query = MESSAGE_ADDED
  instances: Instance[] = []
  private dropPg: (() => Promise<void>) | null = null
  pgDatabase: string | null = null

  async start(o: StartOptions) {
    const prefix = `bench:floor:${o.tag}:`
    // the floor stores each message where Hearth does: PostgreSQL, or a SQLite file of its own
    // with Hearth's SQLITE_SYNCHRONOUS
    let pgUrl: string | null = null
    if (o.pgUrl) {
      const made = await freshPgDatabase(o.pgUrl, 'floor_bench_')
      pgUrl = made.url
      this.pgDatabase = made.name
      this.dropPg = made.drop
    }
    for (let i = 0; i < o.instances; i++) {
      const port = await freePort()
      const args = [...diagArgs(o), '--import', 'tsx', 'bench/floor-server.ts']
      const child = spawnNode(`${o.tag}-floor-${i}`, args, {
        PORT: String(port), REDIS_URL: o.redisUrl, FLOOR_PREFIX: prefix,
        ...(o.env?.SQLITE_SYNCHRONOUS ? { SQLITE_SYNCHRONOUS: o.env.SQLITE_SYNCHRONOUS } : {}),
        ...(pgUrl ? { FLOOR_PG_URL: pgUrl } : {}),
      }, ROOT, o.logDir)
      this.instances.push({ child, port, http: new HttpClient(port, 64), wsUrl: `ws://127.0.0.1:${port}/graphql` })
      await waitHealthy(child, `http://127.0.0.1:${port}/health`)
    }
  }

  async users(n: number): Promise<Member[]> {
    return Array.from({ length: n }, (_, i) => ({ token: null, userId: crypto.randomUUID(), name: `floor${i}` }))
  }

  async createRoom(): Promise<string> { return crypto.randomUUID() }
  async join(): Promise<void> {}

  async send(_instance: number, m: Member, roomId: string, clientId: string, body: string): Promise<number> {
    // always through instance 0: the floor counts seqs in the process that publishes
    const res = await this.instances[0].http.post('/send', JSON.stringify({ roomId, body, clientId, senderId: m.userId, senderName: m.name }))
    if (res.status !== 200) throw new Error(`floor send: HTTP ${res.status} ${res.text.slice(0, 200)}`)
    return JSON.parse(res.text).data.sendMessage.seq
  }

  wsSendVariables(m: Member, roomId: string, clientId: string, body: string) { return { roomId, body, clientId, senderId: m.userId, senderName: m.name } }
  variables(roomId: string) { return { roomId, after: '0' } }
  pids() { return this.instances.map((i) => i.child.pid) }

  async stop() {
    await Promise.all(this.instances.map(async (i) => { i.http.close(); await i.child.stop() }))
    this.instances = []
    if (this.dropPg) { await this.dropPg().catch(() => {}); this.dropPg = null }
  }
}

async function freshPgDatabase(adminUrl: string, prefix: string): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = prefix + crypto.randomBytes(5).toString('hex')
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const u = new URL(adminUrl)
  u.pathname = '/' + name
  return {
    name,
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await c.end()
    },
  }
}
