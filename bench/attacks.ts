// `npm run bench:attacks`: the expensive requests of the public-safety review, timed against a
// production build (dist/server.js, SQLite, no Redis), with /health polled every 20 ms meanwhile.
// Prints, per attack, how long the attack request took, what it answered, and the longest
// /health wait while it ran (the event loop's stall as any other user sees it).
//
//   npm run build:server && npm run bench:attacks
//   npm run bench:attacks -- --sessions 15000 --rooms 3000 --messages 20000 --chain 24,26
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const args = process.argv.slice(2)
const num = (name: string, def: number) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : def
}
const SESSIONS = num('--sessions', 15_000)
const ROOMS = num('--rooms', 3_000)
const MESSAGES = num('--messages', 20_000)
const CHAIN = (args.includes('--chain') ? args[args.indexOf('--chain') + 1] : '24,32').split(',').map(Number)
const PORT = num('--port', 4700 + Math.floor(Math.random() * 200))
const BASE = `http://127.0.0.1:${PORT}`

async function gql(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<any> {
  const res = await fetch(`${BASE}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  })
  const text = await res.text()
  try { return JSON.parse(text) } catch { return { status: res.status, text: text.slice(0, 200) } }
}

async function inBatches(n: number, width: number, fn: (i: number) => Promise<unknown>) {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) { const i = next++; await fn(i) }
  }))
}

async function signUp(name: string): Promise<string> {
  const r = await gql('mutation($i: SignUpInput!) { signUp(input: $i) { token } }', { i: { username: name, password: 'correct horse battery staple' } })
  if (!r.data) throw new Error(JSON.stringify(r))
  return r.data.signUp.token
}

/** times one request while /health is asked every 20 ms; the longest /health answer is the stall */
async function attack(label: string, query: string, token?: string) {
  let worst = 0
  let running = true
  const poll = (async () => {
    while (running) {
      const t = performance.now()
      await fetch(`${BASE}/health`).then((r) => r.text())
      worst = Math.max(worst, performance.now() - t)
      await new Promise((r) => setTimeout(r, 20))
    }
  })()
  const t0 = performance.now()
  const r = await gql(query, {}, token)
  const took = performance.now() - t0
  running = false
  await poll
  const body = JSON.stringify(r)
  const answer = r.errors ? `refused: ${r.errors[0].extensions?.code ?? ''} ${String(r.errors[0].message).slice(0, 70)}` : `answered, ${(body.length / 1024).toFixed(0)} KB`
  console.log(`| ${label} | ${took.toFixed(0)} ms | ${worst.toFixed(0)} ms | ${answer} |`)
}

function fragmentChain(n: number): string {
  let q = 'query { ...F0 }\n'
  for (let i = 0; i < n; i++) q += `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }\n`
  q += `fragment F${n} on Query { __typename }\n`
  return q
}

const aliased = (n: number, field: string) => `query { ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-attacks-'))
  const server = spawn(process.execPath, ['dist/server.js'], {
    env: {
      ...process.env, NODE_ENV: 'production', PORT: String(PORT), HOST: '127.0.0.1', DATABASE_URL: path.join(dir, 'h.db'),
      REDIS_URL: '', WEB_DIST_DIR: '', LOG_LEVEL: 'error', SQLITE_SYNCHRONOUS: 'NORMAL',
      // the set-up creates thousands of things from one account
      AUTH_RATE_LIMIT_PER_IP: '100000', SEND_RATE_LIMIT_PER_USER: '0',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${BASE}/health`).then((r) => r.ok, () => false)) break
      if (i > 200) throw new Error('server did not start')
      await new Promise((r) => setTimeout(r, 100))
    }
    const stamp = Date.now().toString(36)
    console.log(`setting up: ${SESSIONS} study sessions, ${ROOMS} rooms, ${MESSAGES} messages`)
    const student = await signUp(`st${stamp}`)
    await inBatches(SESSIONS, 16, async () => {
      const r = await gql('mutation { recordStudySession(minutes: 25) { id } }', {}, student)
      if (!r.data) throw new Error(JSON.stringify(r))
    })
    const hoarder = await signUp(`ho${stamp}`)
    let rooms = 0
    await inBatches(ROOMS, 16, async (i) => {
      const r = await gql('mutation($n: String!) { createRoom(input: { name: $n }) { id } }', { n: `room ${i}` }, hoarder)
      // since the fix an account belongs to at most 500 rooms: the rest are refused with CONFLICT
      if (r.data) rooms++
      else if (r.errors?.[0]?.extensions?.code !== 'CONFLICT') throw new Error(JSON.stringify(r))
    })
    const talker = await signUp(`ta${stamp}`)
    const room = (await gql('mutation { createRoom(input: { name: "busy" }) { id } }', {}, talker)).data.createRoom.id
    await inBatches(MESSAGES, 16, async (i) => {
      const r = await gql('mutation($r: ID!, $b: String!) { sendMessage(roomId: $r, body: $b) { id } }', { r: room, b: `hello world number ${i}` }, talker)
      if (!r.data) throw new Error(JSON.stringify(r))
    })
    const loner = await signUp(`lo${stamp}`)

    console.log('\n| attack | request | longest /health wait | answer |\n|---|---:|---:|---|')
    // each two levels cost ~4x before the fix: n=32 would have held the server for ~25 minutes
    for (const n of CHAIN) await attack(`1. fragment chain n=${n}, anonymous`, fragmentChain(n))
    await attack(`2. 30 x studyStats(days: 366), ${SESSIONS} sessions`, aliased(30, 'studyStats(days: 366) { totalMinutes sessionCount currentStreakDays byDay { date minutes } }'), student)
    await attack(`2. 30 x myRooms, member of ${rooms} rooms`, aliased(30, 'myRooms { id name kind memberCount }'), hoarder)
    await attack(`5. 30 x searchMessages, in no room, ${MESSAGES} messages`, aliased(30, 'searchMessages(query: "hello", first: 100) { edges { node { id } } }'), loner)
    // the most one operation may still ask for since the fix
    await attack(`2. 4 x studyStats(days: 366), ${SESSIONS} sessions`, aliased(4, 'studyStats(days: 366) { totalMinutes sessionCount currentStreakDays byDay { date minutes } }'), student)
    await attack(`2. 9 x myRooms, member of ${rooms} rooms`, aliased(9, 'myRooms { id name kind memberCount }'), hoarder)
    await attack(`5. 4 x searchMessages, in no room, ${MESSAGES} messages`, aliased(4, 'searchMessages(query: "hello", first: 100) { edges { node { id } } }'), loner)
    await attack(`5. 4 x searchMessages, member of the room of ${MESSAGES} matches`, aliased(4, 'searchMessages(query: "hello", first: 100) { edges { node { id } } }'), talker)
  } finally {
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => { console.error(e); process.exit(1) })
