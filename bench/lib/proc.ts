// Child processes under test: spawned directly with node (no npm or shell in between, so the
// pid we sample is the server itself), sampled through /proc, and always killed when the
// generator exits, whatever the reason.
import { spawn, execSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

const live = new Set<ChildProcess>()
let hooked = false

function hookExit() {
  if (hooked) return
  hooked = true
  process.on('exit', () => {
    for (const c of live) { try { c.kill('SIGKILL') } catch { /* already gone */ } }
  })
}

let clkTck = 100
try { clkTck = Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100 } catch { /* Linux default */ }

export interface ProcSample { cpuMs: number; rssBytes: number; at: number }

/** CPU (user + system) and RSS of a process from /proc; null once it has exited. */
export function sample(pid: number): ProcSample | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name may contain spaces: fields start after the closing parenthesis
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(f[11]) + Number(f[12])
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const m = /VmRSS:\s+(\d+) kB/.exec(status)
    return { cpuMs: (ticks * 1000) / clkTck, rssBytes: m ? Number(m[1]) * 1024 : 0, at: performance.now() }
  } catch {
    return null
  }
}

/**
 * CPU (user + system) of the PostgreSQL server processes serving one database: the backends whose
 * process title names it (`postgres: user db host(port) state`). The pools keep their
 * connections, so the same backends are sampled before and after a phase; the server's shared
 * processes (WAL writer, checkpointer, autovacuum) are not counted: other databases share them.
 */
export function pgBackendsCpuMs(database: string): number {
  let ms = 0
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    let cmd: string
    try { cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8') } catch { continue }
    if (!cmd.startsWith('postgres: ') || !cmd.split(' ').includes(database)) continue
    const s = sample(Number(d))
    if (s) ms += s.cpuMs
  }
  return ms
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

export class Child {
  private exited = false
  readonly exit: Promise<number | null>
  private tail: string[] = []

  constructor(readonly name: string, readonly proc: ChildProcess, logFile: string) {
    const log = fs.createWriteStream(logFile)
    const keep = (d: Buffer) => {
      log.write(d)
      this.tail.push(d.toString('utf8'))
      if (this.tail.length > 40) this.tail.shift()
    }
    proc.stdout?.on('data', keep)
    proc.stderr?.on('data', keep)
    this.exit = new Promise((resolve) => proc.on('exit', (code) => {
      this.exited = true
      live.delete(proc)
      log.end()
      resolve(code)
    }))
  }

  get pid(): number { return this.proc.pid! }
  get alive(): boolean { return !this.exited }
  recentOutput(): string { return this.tail.join('').split('\n').slice(-20).join('\n') }

  /** SIGTERM (a graceful exit also writes --cpu-prof files), then SIGKILL after `graceMs` */
  async stop(graceMs = 12_000): Promise<void> {
    if (this.exited) return
    this.proc.kill('SIGTERM')
    const t = setTimeout(() => { try { this.proc.kill('SIGKILL') } catch { /* gone */ } }, graceMs)
    await this.exit
    clearTimeout(t)
  }
}

export function spawnNode(name: string, args: string[], env: Record<string, string>, cwd: string, logDir: string): Child {
  hookExit()
  fs.mkdirSync(logDir, { recursive: true })
  const proc = spawn(process.execPath, args, {
    cwd,
    // only what the child needs: no NODE_OPTIONS or DATABASE_URL leaking in from the caller
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  live.add(proc)
  return new Child(name, proc, path.join(logDir, `${name}.log`))
}

/** Polls GET url until it answers 200; fails early if the child dies. */
export async function waitHealthy(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!child.alive) throw new Error(`${child.name} exited during start-up:\n${child.recentOutput()}`)
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.status === 200) return
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${child.name} did not become healthy within ${timeoutMs} ms:\n${child.recentOutput()}`)
}

export function killAll() {
  for (const c of live) { try { c.kill('SIGKILL') } catch { /* already gone */ } }
}
