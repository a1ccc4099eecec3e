// `npm run bench`: Hearth against the floor (bench/floor-server.ts), same generator, same
// machine, back to back. See the README's Performance section for the scenarios.
//
//   npm run bench                      every scenario, full sizes (a few minutes)
//   npm run bench -- --quick           small sizes, under a minute; exits 1 on any loss/duplicate
//   npm run bench -- --scenarios fanout --fanout-n 1000 --modes closed --profile
//   npm run bench -- --env SQLITE_SYNCHRONOUS=NORMAL      (extra server environment, repeatable)
//   npm run bench -- --node-arg --trace-gc                 (extra node option for the server, repeatable)
//   npm run bench -- --scenarios fanout --web-query --distinct-after
//                                      Hearth's subscribers as web pages: the web client's document,
//                                      each resuming from its own point
//   npm run bench -- --scenarios fanout --web-pages kinds|all --distinct-after
//                                      and with the page's second stream (messageEvents) on each socket
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execSync } from 'node:child_process'
import { killAll, pgBackendsCpuMs, sample, type ProcSample } from './lib/proc.js'
import { FloorTarget, HearthTarget, SEND, WEB_MESSAGE_ADDED, WEB_MESSAGE_EVENTS, WEB_MESSAGE_EVENTS_ALL, type Member, type Target } from './lib/targets.js'
import { Recorder, Sub, pool } from './lib/ws-client.js'
import { Histogram } from './lib/hist.js'
import { heapDiff, takeSnapshot } from './lib/heap.js'
import { summariseProfiles, type Window } from './profile-top.js'
import { printReactions, reactionsScenario, type ReactionsRow } from './reactions.js'

// ---------- options ----------

interface Options {
  quick: boolean
  scenarios: string[]
  fanoutN: number[]
  idleN: number[]
  multiN: number
  rooms: number
  members: number
  /** messages per second per room member (rooms scenario) */
  memberRate: number
  /** rooms scenario: how sends travel (HTTP POST, or a mutation on the sender's socket) */
  transports: ('http' | 'ws')[]
  /** rooms scenario: one variant per SQLITE_SYNCHRONOUS value (SQLite, one instance) */
  syncs: ('NORMAL' | 'FULL')[]
  /** rooms scenario: also on PostgreSQL with two instances (needs a PostgreSQL URL) */
  roomsPg: boolean
  /** rooms scenario: raise the rate until p99 passes sweepP99Ms (capacity) */
  sweep: boolean
  sweepP99Ms: number
  sweepFactor: number
  sweepDurationS: number
  rate: number
  k: number
  durationS: number
  modes: ('open' | 'closed')[]
  socketsPerUser: number
  /** every subscriber resumes from its own point (after = 2^31 + i, past every seq: nothing to replay), as web clients do */
  distinctAfter: boolean
  /** Hearth subscribes with the web client's document (all the fields a page shows) */
  webQuery: boolean
  /** each Hearth socket also holds the web client's messageEvents stream: as now (kinds) or as before (all kinds) */
  webPages: 'kinds' | 'all' | null
  bodyBytes: number
  profile: boolean
  floor: boolean
  redisUrl: string
  pgUrl: string | null
  out: string | null
  /** one deployment for every scenario instead of fresh servers per scenario */
  reuse: boolean
  /** heap snapshots of the servers before and after the sockets: heap per connection, by kind */
  heap: boolean
  /** runs per scenario; the table shows medians */
  repeat: number
  /** every scenario on PostgreSQL (pgUrl), not only multi */
  pgAll: boolean
  /** reactions: subscribers, reacting users, the spread of their reactions, and the coalescing ticks to compare */
  reactionSubs: number
  reactors: number
  reactionSpreadMs: number
  reactionTicks: number[]
  /** extra environment for the Hearth server (--env KEY=VALUE, repeatable) */
  env: Record<string, string>
  /** extra node options for the Hearth server (--node-arg --trace-gc, repeatable) */
  nodeArgs: string[]
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes('--quick')
  const o: Options = {
    quick,
    // quick: a smoke test of every code path; fanout rows report memory per connection too
    scenarios: quick ? ['fanout', 'rooms', 'multi'] : ['fanout', 'rooms', 'idle', 'multi', 'reactions'],
    fanoutN: quick ? [100] : [100, 1000, 5000],
    idleN: quick ? [200] : [1000, 5000],
    multiN: quick ? 100 : 1000,
    rooms: quick ? 20 : 200,
    members: 5,
    memberRate: 1,
    transports: ['http', 'ws'],
    syncs: quick ? ['NORMAL'] : ['NORMAL', 'FULL'],
    roomsPg: !quick,
    sweep: !quick,
    sweepP99Ms: 50,
    sweepFactor: 1.4,
    sweepDurationS: 5,
    rate: 20,
    k: 16,
    durationS: quick ? 2 : 10,
    modes: ['open', 'closed'],
    socketsPerUser: 25,
    distinctAfter: false,
    webQuery: false,
    webPages: null,
    bodyBytes: 100,
    profile: false,
    floor: true,
    redisUrl: process.env.BENCH_REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    pgUrl: process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? null,
    out: null,
    reuse: quick,
    pgAll: false,
    repeat: 1,
    heap: false,
    env: {},
    reactionSubs: quick ? 100 : 1000,
    reactors: quick ? 20 : 100,
    reactionSpreadMs: 1000,
    // the configured tick, and 0 (one event per change) to show what coalescing saves
    reactionTicks: [100, 0],
    nodeArgs: [],
  }
  const nums = (s: string) => s.split(',').map((x) => {
    const n = Number(x)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`not a positive number: ${x}`)
    return n
  })
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const val = () => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    switch (a) {
      case '--quick': break
      case '--scenarios': o.scenarios = val().split(','); break
      case '--fanout-n': o.fanoutN = nums(val()); break
      case '--idle-n': o.idleN = nums(val()); break
      case '--multi-n': o.multiN = nums(val())[0]; break
      case '--rooms': o.rooms = nums(val())[0]; break
      case '--members': o.members = nums(val())[0]; break
      case '--member-rate': o.memberRate = nums(val())[0]; break
      case '--transports': o.transports = val().split(',') as Options['transports']; break
      case '--syncs': { const v = val(); o.syncs = v === 'none' ? [] : v.split(',').map((x) => x.toUpperCase()) as Options['syncs']; break }
      case '--rooms-pg': o.roomsPg = true; break
      case '--no-rooms-pg': o.roomsPg = false; break
      case '--sweep': o.sweep = true; break
      case '--no-sweep': o.sweep = false; break
      case '--sweep-p99': o.sweepP99Ms = nums(val())[0]; break
      case '--sweep-factor': o.sweepFactor = nums(val())[0]; break
      case '--sweep-duration': o.sweepDurationS = nums(val())[0]; break
      case '--rate': o.rate = nums(val())[0]; break
      case '--k': o.k = nums(val())[0]; break
      case '--duration': o.durationS = nums(val())[0]; break
      case '--modes': o.modes = val().split(',') as Options['modes']; break
      case '--sockets-per-user': o.socketsPerUser = nums(val())[0]; break
      case '--distinct-after': o.distinctAfter = true; break
      case '--web-query': o.webQuery = true; break
      case '--web-pages': { const v = val(); if (v !== 'kinds' && v !== 'all') throw new Error(`--web-pages wants kinds or all (got ${v})`); o.webPages = v; o.webQuery = true; break }
      case '--body-bytes': o.bodyBytes = nums(val())[0]; break
      case '--profile': o.profile = true; break
      case '--no-floor': o.floor = false; break
      case '--reaction-subs': o.reactionSubs = nums(val())[0]; break
      case '--reactors': o.reactors = nums(val())[0]; break
      case '--reaction-ticks': o.reactionTicks = val().split(',').map((x) => { const n = Number(x); if (!Number.isInteger(n) || n < 0) throw new Error(`not a tick: ${x}`); return n }); break
      case '--reuse': o.reuse = true; break
      case '--no-reuse': o.reuse = false; break
      case '--pg': o.pgAll = true; break
      case '--heap': o.heap = true; break
      case '--repeat': o.repeat = Math.max(1, Math.round(nums(val())[0])); break
      case '--out': o.out = val(); break
      case '--env': {
        const kv = val()
        const eq = kv.indexOf('=')
        if (eq <= 0) throw new Error(`--env wants KEY=VALUE (got ${kv})`)
        o.env[kv.slice(0, eq)] = kv.slice(eq + 1)
        break
      }
      case '--node-arg': o.nodeArgs.push(val()); break
      case '--help':
        console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(0, 8).join('\n'))
        process.exit(0)
        break
      default: throw new Error(`unknown option ${a} (see --help)`)
    }
  }
  for (const s of o.scenarios) if (!['fanout', 'rooms', 'idle', 'multi', 'reactions'].includes(s)) throw new Error(`unknown scenario ${s}`)
  for (const m of o.modes) if (m !== 'open' && m !== 'closed') throw new Error(`unknown mode ${m}`)
  if (o.pgAll && !o.pgUrl) throw new Error('--pg needs BENCH_PG_URL or TEST_PG_URL')
  for (const t of o.transports) if (t !== 'http' && t !== 'ws') throw new Error(`unknown transport ${t}`)
  for (const x of o.syncs) if (x !== 'NORMAL' && x !== 'FULL') throw new Error(`unknown SQLITE_SYNCHRONOUS ${x}`)
  if (!(o.sweepFactor > 1)) throw new Error('--sweep-factor must be above 1')
  if (o.roomsPg && !o.pgUrl) o.roomsPg = false
  if (o.members > o.socketsPerUser * 2) o.socketsPerUser = Math.ceil(o.members / 2)
  return o
}

// ---------- results ----------

interface Row {
  scenario: string
  /** rooms scenario: transport and database (e.g. "http NORMAL", "ws pg") */
  variant?: string
  target: 'hearth' | 'floor'
  n: number
  mode: string
  instances: number
  rate: number | null
  k: number | null
  durationS: number
  sent: number
  sendErrors: number
  expected: number
  delivered: number
  missing: number
  duplicates: number
  subscriberErrors: number
  firstError: string | null
  ok: boolean
  deliveriesPerSec: number | null
  latencyMs: { p50: number; p95: number; p99: number; max: number } | null
  /** the sendMessage round trip alone */
  sendMs: { p50: number; p99: number } | null
  serverCpuUsPerDelivery: number | null
  /** on PostgreSQL: CPU of the backends serving the target's database, per delivery (pgBackendsCpuMs) */
  dbCpuUsPerDelivery?: number | null
  serverCpuPct: number
  generatorCpuPct: number
  serverRssMB: number
  rssPerConnKB: number | null
  /** --heap: V8 heap growth per connection between snapshots (each after a full GC) */
  heapPerConnKB?: number | null
  /** 1-minute load average of the machine when the phase ended: the machine is shared */
  loadAvg: number
  /** a step of the capacity sweep (not in the main table) */
  sweep?: boolean
  ratio?: { throughput: number | null; cpuPerDelivery: number | null; p99: number | null; rssPerConn: number | null; heapPerConn?: number | null }
}

// ---------- one system under test, one scenario ----------

interface Plan {
  scenario: string
  /** sockets per room */
  perRoom: number
  rooms: number
  instances: number
  /** fanout: a separate owner sends; rooms: the members themselves */
  membersSend: boolean
  /** rooms scenario variants */
  variant?: string
  transport?: 'http' | 'ws'
  pg?: boolean
  env?: Record<string, string>
  /** after the phases: raise the open-loop rate until p99 passes the bound */
  sweep?: boolean
  phases: ({ mode: 'open'; rate: number; durationS: number } | { mode: 'closed'; k: number; durationS: number } | { mode: 'idle'; durationS: number })[]
}

const T0 = performance.now()
/** measured phases on CLOCK_MONOTONIC, to cut the server's CPU profile down to them */
const windows: Record<'hearth' | 'floor', Window[]> = { hearth: [], floor: [] }
const monoUs = () => Number(process.hrtime.bigint() / 1000n)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function sum(pids: number[]): ProcSample {
  let cpuMs = 0
  let rssBytes = 0
  for (const pid of pids) {
    const s = sample(pid)
    if (!s) throw new Error(`server process ${pid} is gone`)
    cpuMs += s.cpuMs
    rssBytes += s.rssBytes
  }
  return { cpuMs, rssBytes, at: performance.now() }
}

function makeBody(bytes: number): string {
  const words = 'the quick brown fox jumps over the lazy dog while we study for the exam together '
  let s = ''
  while (s.length < bytes) s += words
  return s.slice(0, bytes).trim() || 'x'
}

class Session {
  rec = new Recorder()
  subs: Sub[] = []
  roomIds: string[] = []
  /** members of each room (users; a user may be in several rooms) */
  roomMembers: Member[][] = []
  owner: Member | null = null
  head: number[] = []
  subsPerRoom: number[] = []
  nextIdx = 0
  /** round trip of the send request alone (the write path), apart from fan-out */
  sendHist = new Histogram()
  body: string

  constructor(readonly target: Target, readonly plan: Plan, readonly opts: Options, readonly tag: string) {
    this.body = makeBody(opts.bodyBytes)
  }

  log(msg: string) { console.log(`  ${((performance.now() - T0) / 1000).toFixed(1).padStart(6)}s [${this.target.kind} ${this.plan.scenario} n=${this.plan.rooms * this.plan.perRoom}] ${msg}`) }

  async setup() {
    const { rooms, perRoom } = this.plan
    const totalSockets = rooms * perRoom
    // a user holds several sockets (tabs): fewer argon2 sign-ups, same fan-out work
    const byTabs = Math.ceil(totalSockets / this.opts.socketsPerUser)
    // members of one room are distinct users when they talk to each other
    const userCount = this.plan.membersSend ? Math.max(perRoom, byTabs) : byTabs
    const t0 = performance.now()
    const users = await this.target.users(userCount + 1)
    this.owner = users.pop()!
    for (let r = 0; r < rooms; r++) {
      this.roomIds.push(await this.target.createRoom(this.owner, `bench room ${r}`))
      this.head.push(0)
      this.subsPerRoom.push(perRoom)
      const members: Member[] = []
      // rooms share users when there are fewer users than seats
      for (let j = 0; j < perRoom; j++) members.push(users[(r * perRoom + j) % users.length])
      this.roomMembers.push(members)
    }
    const joins: { m: Member; roomId: string }[] = []
    for (let r = 0; r < rooms; r++) {
      const seen = new Set<string>()
      for (const m of this.roomMembers[r]) if (!seen.has(m.userId)) { seen.add(m.userId); joins.push({ m, roomId: this.roomIds[r] }) }
    }
    await pool(joins, 8, (j) => this.target.join(j.m, j.roomId))
    this.log(`${users.length + 1} users, ${rooms} room(s), ${joins.length} joins in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }

  async connect() {
    const t0 = performance.now()
    const { rooms, perRoom, instances } = this.plan
    for (let r = 0; r < rooms; r++) {
      for (let j = 0; j < perRoom; j++) this.subs.push(new Sub(r, this.subs.length % instances))
    }
    await pool(this.subs, 100, async (s, i) => {
      const r = s.room
      const m = this.roomMembers[r][i % perRoom]
      const inst = this.target.instances[s.instance]
      const variables = this.target.variables(this.roomIds[r])
      if (this.opts.distinctAfter && this.target.kind === 'hearth') variables.after = String(2 ** 31 + i)
      const query = this.opts.webQuery && this.target.kind === 'hearth' ? WEB_MESSAGE_ADDED : this.target.query
      const extra = this.opts.webPages && this.target.kind === 'hearth' ? { query: this.opts.webPages === 'kinds' ? WEB_MESSAGE_EVENTS : WEB_MESSAGE_EVENTS_ALL, variables: { roomId: this.roomIds[r] } } : null
      await s.open(inst.wsUrl, m.token, query, variables, this.rec, undefined, extra)
    })
    this.log(`${this.subs.length} sockets subscribed in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }

  /** the sender's own socket in the room (the floor counts seqs where it publishes: a socket on its instance 0) */
  socketOf(room: number, i: number): Sub {
    const perRoom = this.plan.perRoom
    if (this.target.kind === 'floor' && this.plan.instances > 1) {
      for (let j = 0; j < perRoom; j++) { const s = this.subs[room * perRoom + j]; if (s.instance === 0) return s }
    }
    return this.subs[room * perRoom + (i % perRoom)]
  }

  senderOf(room: number, i: number): Member {
    if (!this.plan.membersSend) return this.owner!
    const ms = this.roomMembers[room]
    return ms[i % ms.length]
  }

  /** one message to `room`; counts what every subscriber of the room now must receive */
  async sendOne(room: number, tally: { sent: number; errors: number; expected: number; firstError: string | null }): Promise<void> {
    const idx = this.nextIdx++
    const m = this.senderOf(room, Math.floor(idx / this.plan.rooms))
    const instance = idx % this.plan.instances
    const t = performance.now()
    this.rec.markSent(idx, t)
    try {
      const seq = this.plan.transport === 'ws'
        ? (await this.socketOf(room, Math.floor(idx / this.plan.rooms)).operate(SEND, this.target.wsSendVariables(m, this.roomIds[room], String(idx), this.body))).sendMessage.seq as number
        : await this.target.send(instance, m, this.roomIds[room], String(idx), this.body)
      this.sendHist.add((performance.now() - t) * 1000)
      if (seq > this.head[room]) this.head[room] = seq
      tally.sent++
      tally.expected += this.subsPerRoom[room]
    } catch (e) {
      tally.errors++
      tally.firstError ??= (e as Error).message
    }
  }

  /**
   * Proves every subscription is live before measuring: one message per room until every
   * socket has received one, then everyone must be at the room's head. The floor has no
   * history, so its subscribers start counting from there.
   */
  async warmUp() {
    const tally = { sent: 0, errors: 0, expected: 0, firstError: null as string | null }
    const deadline = performance.now() + 60_000
    for (let round = 0; ; round++) {
      const waiting = new Set(this.subs.filter((s) => s.got === 0).map((s) => s.room))
      if (waiting.size === 0) break
      if (performance.now() > deadline || round > 30) throw new Error(`warm-up: ${this.subs.filter((s) => s.got === 0).length} subscribers never received anything; first error: ${this.subs.find((s) => s.error)?.error ?? 'none'}`)
      await pool([...waiting], 16, (r) => this.sendOne(r, tally))
      if (tally.errors) throw new Error(`warm-up send failed: ${tally.firstError}`)
      const until = performance.now() + 2000
      while (performance.now() < until && this.subs.some((s) => s.got === 0)) await sleep(20)
    }
    const until = performance.now() + 10_000
    while (performance.now() < until && this.subs.some((s) => s.last < this.head[s.room])) await sleep(20)
    if (!this.target.strict) {
      for (const s of this.subs) { s.last = this.head[s.room]; s.dups = 0; s.gaps = 0 }
    }
  }

  integrity() {
    let missing = 0
    let duplicates = 0
    let errors = 0
    let firstError: string | null = null
    for (const s of this.subs) {
      missing += s.gaps + Math.max(0, this.head[s.room] - s.last)
      duplicates += s.dups
      if (s.error) { errors++; firstError ??= s.error }
    }
    return { missing, duplicates, errors, firstError }
  }

  async phase(ph: Plan['phases'][number], rssBefore: number): Promise<Row> {
    const rec = this.rec
    const tally = { sent: 0, errors: 0, expected: 0, firstError: null as string | null }
    rec.startPhase(this.nextIdx)
    this.sendHist.reset()
    const pids = this.target.pids().slice(0, this.plan.instances)
    const s0 = sum(pids)
    const pgDb = this.target.pgDatabase
    const db0 = pgDb ? pgBackendsCpuMs(pgDb) : 0
    const g0 = process.cpuUsage()
    const t0 = performance.now()
    const w0 = monoUs()
    const rooms = this.plan.rooms
    let roomCursor = 0
    const nextRoom = () => { const r = roomCursor; roomCursor = (roomCursor + 1) % rooms; return r }

    if (ph.mode === 'open') {
      const total = Math.round(ph.rate * ph.durationS)
      const inflight = new Set<Promise<void>>()
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / ph.rate
        const wait = due - performance.now()
        if (wait >= 1) await sleep(wait)
        const p = this.sendOne(nextRoom(), tally)
        inflight.add(p)
        void p.then(() => inflight.delete(p))
      }
      await Promise.all(inflight)
    } else if (ph.mode === 'closed') {
      const end = t0 + ph.durationS * 1000
      await Promise.all(Array.from({ length: ph.k }, async () => {
        while (performance.now() < end) {
          const before = tally.errors
          await this.sendOne(nextRoom(), tally)
          if (tally.errors > before) await sleep(50)
        }
      }))
    } else {
      await sleep(ph.durationS * 1000)
    }
    const sendEnd = performance.now()
    // drain: everything sent must arrive; give up after 10 s without progress (or 120 s in all)
    let lastSeen = -1
    let lastProgress = performance.now()
    while (rec.delivered < tally.expected) {
      const now = performance.now()
      if (rec.delivered !== lastSeen) { lastSeen = rec.delivered; lastProgress = now }
      if (now - lastProgress > 10_000 || now - sendEnd > 120_000) break
      await sleep(10)
    }
    if (ph.mode !== 'idle') await sleep(200) // late duplicates would show up here
    const end = ph.mode === 'idle' ? performance.now() : (rec.lastDeliveryAt || performance.now())
    const s1 = sum(pids)
    const db1 = pgDb ? pgBackendsCpuMs(pgDb) : 0
    const g1 = process.cpuUsage(g0)
    windows[this.target.kind].push({ label: `${this.plan.scenario} ${ph.mode}`, fromUs: w0, toUs: monoUs() })
    const wallMs = (s1.at - t0)
    const integ = this.integrity()
    if (this.opts.webPages && this.target.kind === 'hearth') this.log(`${ph.mode}: ${this.subs.reduce((a, x) => a + x.extraFrames, 0)} frames on the pages' messageEvents streams so far`)
    const delivered = rec.delivered
    const n = this.subs.length
    const h = rec.hist
    const row: Row = {
      scenario: this.plan.scenario,
      ...(this.plan.variant ? { variant: this.plan.variant } : {}),
      target: this.target.kind,
      n,
      mode: ph.mode,
      instances: this.plan.instances,
      rate: ph.mode === 'open' ? ph.rate : null,
      k: ph.mode === 'closed' ? ph.k : null,
      durationS: ph.durationS,
      sent: tally.sent,
      sendErrors: tally.errors,
      expected: tally.expected,
      delivered,
      missing: integ.missing + Math.max(0, tally.expected - delivered - integ.missing),
      duplicates: integ.duplicates,
      subscriberErrors: integ.errors + rec.unknown,
      firstError: tally.firstError ?? integ.firstError,
      ok: false,
      deliveriesPerSec: delivered > 0 ? delivered / ((end - t0) / 1000) : null,
      sendMs: this.sendHist.count ? { p50: this.sendHist.quantile(0.5) / 1000, p99: this.sendHist.quantile(0.99) / 1000 } : null,
      latencyMs: h.count ? { p50: h.quantile(0.5) / 1000, p95: h.quantile(0.95) / 1000, p99: h.quantile(0.99) / 1000, max: h.max / 1000 } : null,
      serverCpuUsPerDelivery: delivered > 0 ? ((s1.cpuMs - s0.cpuMs) * 1000) / delivered : null,
      ...(pgDb ? { dbCpuUsPerDelivery: delivered > 0 ? ((db1 - db0) * 1000) / delivered : null } : {}),
      serverCpuPct: ((s1.cpuMs - s0.cpuMs) / wallMs) * 100,
      generatorCpuPct: (((g1.user + g1.system) / 1000) / wallMs) * 100,
      serverRssMB: s1.rssBytes / 1048576,
      // a deployment shared by several scenarios has garbage of the earlier ones to collect, and
      // writing a heap snapshot (--heap) leaves the server's RSS inflated
      rssPerConnKB: n > 0 && !this.opts.reuse && !this.opts.heap ? (s1.rssBytes - rssBefore) / n / 1024 : null,
      loadAvg: os.loadavg()[0],
    }
    row.ok = row.sendErrors === 0 && row.missing === 0 && row.duplicates === 0 && row.subscriberErrors === 0 && delivered === tally.expected
    return row
  }

  close() { for (const s of this.subs) s.close() }
}

function startTarget(target: Target, instances: number, pg: boolean, opts: Options, tag: string, logDir: string, profileDir: string | null, env: Record<string, string> = {}) {
  return target.start({
    instances,
    redisUrl: opts.redisUrl,
    profileDir: profileDir ? path.join(profileDir, target.kind) : null,
    pgUrl: pg ? opts.pgUrl : null,
    env: { ...opts.env, ...env },
    nodeArgs: opts.nodeArgs,
    heapDir: opts.heap ? path.join(logDir, 'heap') : null,
    logDir,
    tag,
  })
}

/** Runs one plan; starts and stops the target unless it is `shared` (already running). */
async function runOn(target: Target, plan: Plan, opts: Options, tag: string, logDir: string, profileDir: string | null, shared: boolean): Promise<Row[]> {
  const rows: Row[] = []
  if (!shared) await startTarget(target, plan.instances, plan.pg ?? (plan.instances > 1 || opts.pgAll), opts, tag, logDir, profileDir, plan.env)
  const session = new Session(target, plan, opts, tag)
  session.log(`${plan.instances} instance(s) up`)
  try {
    await session.setup()
    await sleep(opts.quick ? 300 : 1000)
    const rssBefore = sum(target.pids().slice(0, plan.instances)).rssBytes
    const heapDir = path.join(logDir, 'heap')
    const snapA = opts.heap && plan.instances === 1 ? await takeSnapshot(target.pids()[0], heapDir) : null
    await session.connect()
    await session.warmUp()
    for (const ph of plan.phases) {
      const row = await session.phase(ph, rssBefore)
      session.log(`${ph.mode}: ${row.delivered}/${row.expected} delivered${row.ok ? '' : ' (FAILED: ' + (row.firstError ?? `missing ${row.missing}, dups ${row.duplicates}`) + ')'}`)
      rows.push(row)
    }
    const first = rows[0]
    if (plan.sweep && first && first.mode === 'open' && first.rate) {
      // capacity: the highest open-loop rate whose p99 stays within the bound, found by raising
      // the rate by a factor from the main phase (or lowering it, when that one is already over)
      const passes = (r: Row) => r.ok && r.latencyMs !== null && r.latencyMs.p99 <= opts.sweepP99Ms
      const up = passes(first)
      let rate = first.rate
      // down at most 4 steps (on a busy machine the p99 of a short phase is mostly its stalls)
      for (let step = 0; step < (up ? 10 : 4); step++) {
        rate = Math.round(up ? rate * opts.sweepFactor : rate / opts.sweepFactor)
        if (rate < 10) break
        const row = await session.phase({ mode: 'open', rate, durationS: opts.sweepDurationS }, rssBefore)
        row.sweep = true
        row.rssPerConnKB = null
        session.log(`sweep ${rate}/s: p99 ${fmt(row.latencyMs?.p99, 1)} ms, ${row.delivered}/${row.expected} delivered${row.ok ? '' : ' (FAILED: ' + (row.firstError ?? `missing ${row.missing}, dups ${row.duplicates}`) + ')'}`)
        rows.push(row)
        if (!row.ok || passes(row) !== up) break
      }
    }
    if (snapA) {
      const snapB = await takeSnapshot(target.pids()[0], heapDir)
      const d = heapDiff(snapA, snapB, session.subs.length)
      session.log(d.text.replace(/\n/g, '\n      '))
      for (const r of rows) r.heapPerConnKB = d.perConnKB
      if (!process.env.KEEP_HEAP) fs.rmSync(snapA, { force: true })
      if (!process.env.KEEP_HEAP) fs.rmSync(snapB, { force: true })
    }
  } finally {
    session.close()
    await sleep(300)
    if (!shared) await target.stop()
  }
  return rows
}

// ---------- output ----------

const fmt = (v: number | null | undefined, digits = 0) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits))

function printTable(rows: Row[]) {
  const head = ['scenario', 'target', 'N', 'mode', 'sent', 'delivered/expected', 'loss', 'dup', 'err', 'dlv/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'send p50/p99',
    'srv µs/dlv', 'db µs/dlv', 'srv CPU%', 'gen CPU%', 'srv RSS MB', 'KB/conn', 'heap KB/conn', 'x floor: dlv/s', 'µs/dlv', 'p99', 'KB/conn', 'load', 'ok']
  const lines = rows.map((r) => {
    const mode = r.mode === 'open' ? `open ${r.rate}/s` : r.mode === 'closed' ? `closed K=${r.k}` : r.mode
    return [r.scenario + (r.variant ? ` ${r.variant}` : '') + (r.instances > 1 ? ` x${r.instances}` : ''), r.target, String(r.n), mode, String(r.sent), `${r.delivered}/${r.expected}`, String(r.missing), String(r.duplicates), String(r.sendErrors + r.subscriberErrors),
      fmt(r.deliveriesPerSec), fmt(r.latencyMs?.p50, 1), fmt(r.latencyMs?.p95, 1), fmt(r.latencyMs?.p99, 1), fmt(r.latencyMs?.max, 1), r.sendMs ? `${fmt(r.sendMs.p50, 1)}/${fmt(r.sendMs.p99, 1)}` : '-',
      fmt(r.serverCpuUsPerDelivery, 1), fmt(r.dbCpuUsPerDelivery, 1), fmt(r.serverCpuPct), fmt(r.generatorCpuPct), fmt(r.serverRssMB), fmt(r.rssPerConnKB, 1), fmt(r.heapPerConnKB, 1),
      r.ratio ? fmt(r.ratio.throughput, 2) : '', r.ratio ? fmt(r.ratio.cpuPerDelivery, 2) : '', r.ratio ? fmt(r.ratio.p99, 2) : '', r.ratio ? fmt(r.ratio.rssPerConn, 2) : '',
      fmt(r.loadAvg, 1), r.ok ? 'ok' : 'FAIL']
  })
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |'
  console.log(line(head))
  console.log('|' + widths.map((w, i) => (i < 4 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|')
  for (const l of lines) console.log(line(l))
}

function addRatios(rows: Row[]) {
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? null : a / b)
  for (const r of rows) {
    if (r.target !== 'hearth') continue
    const f = rows.find((x) => x.target === 'floor' && x.scenario === r.scenario && x.n === r.n && x.mode === r.mode && x.instances === r.instances &&
      x.variant === r.variant && x.rate === r.rate && !!x.sweep === !!r.sweep)
    if (!f) continue
    r.ratio = {
      throughput: ratio(r.deliveriesPerSec, f.deliveriesPerSec),
      cpuPerDelivery: ratio(r.serverCpuUsPerDelivery, f.serverCpuUsPerDelivery),
      p99: ratio(r.latencyMs?.p99, f.latencyMs?.p99),
      rssPerConn: ratio(r.rssPerConnKB, f.rssPerConnKB),
      heapPerConn: ratio(r.heapPerConnKB, f.heapPerConnKB),
    }
  }
}

/** one row per target/scenario/N/mode: medians of the measurements, sums of the counts and failures */
function medianRows(all: Row[]): Row[] {
  const groups = new Map<string, Row[]>()
  for (const r of all) {
    const key = `${r.target}|${r.scenario}|${r.n}|${r.mode}|${r.instances}|${r.variant ?? ''}|${r.rate ?? ''}|${r.sweep ? 's' : ''}`
    const g = groups.get(key)
    if (g) g.push(r); else groups.set(key, [r])
  }
  const med = (xs: (number | null | undefined)[]): number | null => {
    const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b)
    if (!v.length) return null
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2
  }
  const total = (g: Row[], f: (r: Row) => number) => g.reduce((a, r) => a + f(r), 0)
  return [...groups.values()].map((g) => {
    const lat = g.every((r) => r.latencyMs) ? {
      p50: med(g.map((r) => r.latencyMs!.p50))!, p95: med(g.map((r) => r.latencyMs!.p95))!,
      p99: med(g.map((r) => r.latencyMs!.p99))!, max: med(g.map((r) => r.latencyMs!.max))!,
    } : null
    const send = g.every((r) => r.sendMs) ? { p50: med(g.map((r) => r.sendMs!.p50))!, p99: med(g.map((r) => r.sendMs!.p99))! } : null
    const { ratio: _ratio, ...first } = g[0]
    return {
      ...first,
      sent: total(g, (r) => r.sent), sendErrors: total(g, (r) => r.sendErrors), expected: total(g, (r) => r.expected),
      delivered: total(g, (r) => r.delivered), missing: total(g, (r) => r.missing), duplicates: total(g, (r) => r.duplicates),
      subscriberErrors: total(g, (r) => r.subscriberErrors), firstError: g.find((r) => r.firstError)?.firstError ?? null,
      ok: g.every((r) => r.ok),
      deliveriesPerSec: med(g.map((r) => r.deliveriesPerSec)), latencyMs: lat, sendMs: send,
      serverCpuUsPerDelivery: med(g.map((r) => r.serverCpuUsPerDelivery)), dbCpuUsPerDelivery: med(g.map((r) => r.dbCpuUsPerDelivery ?? null)), serverCpuPct: med(g.map((r) => r.serverCpuPct))!,
      generatorCpuPct: med(g.map((r) => r.generatorCpuPct))!, serverRssMB: med(g.map((r) => r.serverRssMB))!,
      rssPerConnKB: med(g.map((r) => r.rssPerConnKB)), heapPerConnKB: med(g.map((r) => r.heapPerConnKB)), loadAvg: med(g.map((r) => r.loadAvg))!,
    }
  })
}

// ---------- capacity ----------

interface Capacity {
  target: 'hearth' | 'floor'
  scenario: string
  variant: string
  instances: number
  /** the highest rate (sends/s) whose p99 stayed within the bound; 0 when none did */
  rate: number
  deliveriesPerSec: number | null
  p99Ms: number | null
  /** every step: rate and p99 */
  steps: { rate: number; p99: number | null; ok: boolean }[]
  ratio?: number | null
}

function capacitiesOf(rows: Row[], boundMs: number): Capacity[] {
  const out: Capacity[] = []
  const groups = new Map<string, Row[]>()
  for (const r of rows) {
    if (r.mode !== 'open' || r.rate === null || r.scenario !== 'rooms') continue
    const key = `${r.target}|${r.scenario}|${r.variant ?? ''}|${r.instances}`
    const g = groups.get(key)
    if (g) g.push(r); else groups.set(key, [r])
  }
  for (const g of groups.values()) {
    if (!g.some((r) => r.sweep)) continue
    const steps = g.map((r) => ({ rate: r.rate!, p99: r.latencyMs?.p99 ?? null, ok: r.ok })).sort((a, b) => a.rate - b.rate)
    const best = g.filter((r) => r.ok && r.latencyMs !== null && r.latencyMs.p99 <= boundMs).sort((a, b) => b.rate! - a.rate!)[0]
    out.push({
      target: g[0].target, scenario: g[0].scenario, variant: g[0].variant ?? '', instances: g[0].instances,
      rate: best?.rate ?? 0, deliveriesPerSec: best?.deliveriesPerSec ?? null, p99Ms: best?.latencyMs?.p99 ?? null, steps,
    })
  }
  for (const c of out) {
    if (c.target !== 'hearth') continue
    const f = out.find((x) => x.target === 'floor' && x.variant === c.variant && x.instances === c.instances)
    c.ratio = f && f.rate > 0 ? c.rate / f.rate : null
  }
  return out
}

function printCapacities(caps: Capacity[], boundMs: number) {
  if (!caps.length) return
  console.log(`\ncapacity: the highest rate (sends/s, open loop) with p99 <= ${boundMs} ms and nothing lost`)
  console.log('| variant | target | sends/s | dlv/s | p99 ms | x floor | steps (sends/s: p99 ms) |')
  console.log('|---|---|---:|---:|---:|---:|---|')
  for (const c of caps) {
    console.log(`| rooms ${c.variant}${c.instances > 1 ? ` x${c.instances}` : ''} | ${c.target} | ${c.rate} | ${fmt(c.deliveriesPerSec)} | ${fmt(c.p99Ms, 1)} | ${c.ratio === undefined ? '' : fmt(c.ratio, 2)} | ${c.steps.map((s) => `${s.rate}: ${fmt(s.p99, 1)}${s.ok ? '' : '!'}`).join(', ')} |`)
  }
}

/** medians of each (target, variant) capacity over the repeats */
function medianCapacities(all: Capacity[][]): Capacity[] {
  const groups = new Map<string, Capacity[]>()
  for (const c of all.flat()) {
    const key = `${c.target}|${c.variant}|${c.instances}`
    const g = groups.get(key)
    if (g) g.push(c); else groups.set(key, [c])
  }
  const med = (xs: number[]) => { const v = [...xs].sort((a, b) => a - b); return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2 }
  const out = [...groups.values()].map((g) => ({
    ...g[0], rate: med(g.map((c) => c.rate)),
    deliveriesPerSec: med(g.map((c) => c.deliveriesPerSec ?? 0)), p99Ms: med(g.map((c) => c.p99Ms ?? 0)),
    steps: g.flatMap((c) => c.steps), ratio: undefined as number | null | undefined,
  }))
  for (const c of out) {
    if (c.target !== 'hearth') continue
    const f = out.find((x) => x.target === 'floor' && x.variant === c.variant && x.instances === c.instances)
    c.ratio = f && f.rate > 0 ? c.rate / f.rate : null
  }
  return out
}

// ---------- main ----------

function multiDb(opts: Options): string {
  if (opts.pgAll) return opts.pgUrl ? ', on PostgreSQL' : ''
  if (!opts.scenarios.includes('multi')) return ''
  return opts.pgUrl ? ', multi on PostgreSQL' : ', multi on one shared SQLite file'
}

async function main() {
  const opts = parseArgs(process.argv.slice(2))
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
  const resultsDir = path.join(root, 'bench', 'results')
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const logDir = path.join(resultsDir, 'logs', stamp)
  const profileDir = opts.profile ? path.join(resultsDir, 'profiles', stamp) : null
  fs.mkdirSync(resultsDir, { recursive: true })
  const outFile = opts.out ?? path.join(resultsDir, `${stamp}${opts.quick ? '-quick' : ''}.jsonl`)
  let commit = 'unknown'
  try { commit = execSync('git rev-parse --short HEAD', { cwd: root, encoding: 'utf8' }).trim() } catch { /* not a checkout */ }
  const started = performance.now()
  const closedDuration = opts.durationS
  const loadPhases = (rate: number): Plan['phases'] => opts.modes.map((m) => (m === 'open' ? { mode: 'open' as const, rate, durationS: opts.durationS } : { mode: 'closed' as const, k: opts.k, durationS: closedDuration }))

  const plans: Plan[] = []
  if (opts.scenarios.includes('fanout')) {
    for (const n of opts.fanoutN) plans.push({ scenario: 'fanout', perRoom: n, rooms: 1, instances: 1, membersSend: false, phases: loadPhases(opts.rate) })
  }
  if (opts.scenarios.includes('rooms')) {
    // every member sends memberRate messages per second: 200 x 5 x 1 = 1000 sends/s, 5000 deliveries/s
    const phases: Plan['phases'] = [{ mode: 'open', rate: opts.rooms * opts.members * opts.memberRate, durationS: opts.durationS }]
    const base = { scenario: 'rooms', perRoom: opts.members, rooms: opts.rooms, membersSend: true, sweep: opts.sweep, phases }
    for (const sync of opts.syncs) {
      for (const transport of opts.transports) {
        // --pg: this variant on PostgreSQL too (SQLITE_SYNCHRONOUS then changes nothing of Hearth's)
        // a shared deployment (--quick) keeps the environment it started with
        plans.push({ ...base, instances: 1, variant: opts.reuse ? transport : `${transport} ${opts.pgAll ? 'pg' : sync}`, transport, pg: opts.pgAll, env: { SQLITE_SYNCHRONOUS: sync } })
      }
      if (opts.pgAll || opts.reuse) break
    }
    if (opts.roomsPg && !opts.pgAll) {
      for (const transport of opts.transports) plans.push({ ...base, instances: 2, variant: `${transport} pg`, transport, pg: true })
    }
  }
  if (opts.scenarios.includes('idle')) {
    for (const n of opts.idleN) plans.push({ scenario: 'idle', perRoom: n, rooms: 1, instances: 1, membersSend: false, phases: [{ mode: 'idle', durationS: opts.quick ? 2 : 5 }] })
  }
  if (opts.scenarios.includes('multi')) {
    plans.push({ scenario: 'multi', perRoom: opts.multiN, rooms: 1, instances: 2, membersSend: false, phases: loadPhases(opts.rate) })
  }

  console.log(`hearth bench${opts.quick ? ' (quick)' : ''}: commit ${commit}, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, ${plans.length} scenario run(s)${multiDb(opts)}; logs in ${path.relative(root, logDir)}`)
  if (os.loadavg()[0] > os.cpus().length * 0.75) console.log('  note: the machine is busy with other work; figures will be noisy (the load column shows it per row)')
  const rows: Row[] = []
  const out = fs.openSync(outFile, 'a')
  let failed = false
  let run = 0
  const newTag = () => `${Date.now().toString(36)}${run++}`
  // --quick: one floor and one Hearth deployment (two instances each) serve every scenario, since
  // starting a server is most of a short run; full runs start fresh servers for each scenario
  let shared: Target[] | null = null
  const capRuns: Capacity[][] = []
  try {
    if (opts.reuse) {
      const n = Math.max(...plans.map((p) => p.instances))
      const pg = (n > 1 || opts.pgAll) && !!opts.pgUrl
      shared = opts.floor ? [new FloorTarget(), new HearthTarget()] : [new HearthTarget()]
      const tag = newTag()
      await Promise.all(shared.map((t) => startTarget(t, n, pg, opts, tag, logDir, profileDir)))
      console.log(`  ${((performance.now() - T0) / 1000).toFixed(1).padStart(6)}s servers up (shared by every scenario${pg ? ', PostgreSQL' : ''})`)
    }
  } catch (e) {
    for (const t of shared ?? []) await t.stop().catch(() => {})
    throw e
  }
  for (const plan of plans) {
    const runs: Row[][] = []
    // floor and Hearth alternate, so slow drifts of the shared machine hit both alike
    for (let rep = 0; rep < opts.repeat; rep++) {
      const targets: Target[] = shared ?? (opts.floor ? [new FloorTarget(), new HearthTarget()] : [new HearthTarget()])
      const planRows: Row[] = []
      for (const t of targets) {
        try {
          planRows.push(...await runOn(t, plan, opts, newTag(), logDir, profileDir, shared !== null))
        } catch (e) {
          failed = true
          console.error(`  [${t.kind} ${plan.scenario}] run failed: ${(e as Error).stack ?? e}`)
        }
      }
      addRatios(planRows)
      for (const r of planRows) {
        if (!r.ok) failed = true
        fs.writeSync(out, JSON.stringify({ at: new Date().toISOString(), commit, quick: opts.quick, node: process.version, ...(opts.repeat > 1 ? { repeat: rep + 1 } : {}), ...r }) + '\n')
      }
      runs.push(planRows)
      ;(capRuns[rep] ??= []).push(...capacitiesOf(planRows, opts.sweepP99Ms))
    }
    if (opts.repeat === 1) { rows.push(...runs[0]); continue }
    const medians = medianRows(runs.flat())
    addRatios(medians)
    for (const r of medians) fs.writeSync(out, JSON.stringify({ at: new Date().toISOString(), commit, quick: opts.quick, node: process.version, median: opts.repeat, ...r }) + '\n')
    rows.push(...medians)
  }
  for (const t of shared ?? []) await t.stop()
  // reactions: its own servers (one instance each), once per coalescing tick
  const reactionRows: ReactionsRow[] = []
  if (opts.scenarios.includes('reactions')) {
    for (const tick of opts.reactionTicks) {
      const target = new HearthTarget()
      const tag = newTag()
      try {
        await startTarget(target, 1, opts.pgAll, { ...opts, env: { ...opts.env, REACTION_TICK_MS: String(tick) } }, tag, logDir, profileDir)
        const log = (m: string) => console.log(`  ${((performance.now() - T0) / 1000).toFixed(1).padStart(6)}s [hearth reactions tick=${tick}] ${m}`)
        const row = await reactionsScenario(target, { subscribers: opts.reactionSubs, reactors: opts.reactors, spreadMs: opts.reactionSpreadMs, socketsPerUser: opts.socketsPerUser, tickMs: tick, log })
        log(`${row.deliveries} deliveries, ${row.eventsPerSubscriber} events per subscriber${row.ok ? '' : ` (FAILED: ${row.failure})`}`)
        if (!row.ok) failed = true
        reactionRows.push(row)
        fs.writeSync(out, JSON.stringify({ at: new Date().toISOString(), commit, quick: opts.quick, node: process.version, loadAvg: os.loadavg()[0], ...row }) + '\n')
      } catch (e) {
        failed = true
        console.error(`  [hearth reactions tick=${tick}] run failed: ${(e as Error).stack ?? e}`)
      } finally {
        await target.stop().catch(() => {})
      }
    }
  }
  fs.closeSync(out)
  console.log('')
  if (rows.length) printTable(rows.filter((r) => !r.sweep))
  if (reactionRows.length) {
    console.log('')
    printReactions(reactionRows)
  }
  if (opts.repeat > 1) console.log(`medians of ${opts.repeat} runs each (counts and failures summed); every run is in the JSON lines`)
  if (capRuns.length) {
    const caps = opts.repeat > 1 ? medianCapacities(capRuns) : capRuns[0]
    const capOut = fs.openSync(outFile, 'a')
    for (const c of caps) fs.writeSync(capOut, JSON.stringify({ at: new Date().toISOString(), commit, capacity: true, ...(opts.repeat > 1 ? { median: opts.repeat } : {}), ...c }) + '\n')
    fs.closeSync(capOut)
    printCapacities(caps, opts.sweepP99Ms)
    if (opts.repeat > 1) console.log(`capacity: medians of ${opts.repeat} runs; the steps of every run are listed`)
  }
  console.log(`\n${rows.length} row(s) in ${path.relative(process.cwd(), outFile)}; ${((performance.now() - started) / 1000).toFixed(0)} s`)
  if (profileDir && fs.existsSync(profileDir)) {
    // wall-clock samples: on a busy machine time spent descheduled in a syscall counts as that syscall
    console.log(`\nCPU profiles (server main threads, measured phases only) in ${path.relative(process.cwd(), profileDir)}`)
    for (const kind of ['floor', 'hearth'] as const) {
      const dir = path.join(profileDir, kind)
      if (fs.existsSync(dir)) console.log(`\n${kind}:\n${summariseProfiles(dir, kind === 'hearth' ? 30 : 12, windows[kind])}`)
    }
  }
  if (failed) {
    console.error('\nFAILED: loss, duplicates, errors or a run that did not finish (see above)')
    process.exitCode = 1
  }
}

process.on('SIGINT', () => { killAll(); process.exit(130) })
process.on('SIGTERM', () => { killAll(); process.exit(143) })

main().catch((e) => {
  console.error(e)
  killAll()
  process.exit(1)
}).then(() => {
  // sockets or agents left behind must not keep the generator alive
  setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref()
})
