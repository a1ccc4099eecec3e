// A private redis-server process that a test may kill and restart, without touching the shared one.
import { spawn, type ChildProcess, execFileSync } from 'node:child_process'
import net from 'node:net'

function redisBinary(): string {
  try { return execFileSync('which', ['redis-server']).toString().trim() } catch { /* below */ }
  throw new Error('redis-server is not installed: the Redis restart tests need it (.ci/run installs it)')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export class PrivateRedis {
  private proc: ChildProcess | null = null
  constructor(readonly port: number) {}
  static async create() { const r = new PrivateRedis(await freePort()); await r.start(); return r }
  get url() { return `redis://127.0.0.1:${this.port}` }

  async start() {
    this.proc = spawn(redisBinary(), ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    const end = Date.now() + 5000
    while (Date.now() < end) {
      const okConn = await new Promise<boolean>((resolve) => {
        const c = net.connect(this.port, '127.0.0.1', () => { c.end(); resolve(true) })
        c.on('error', () => resolve(false))
      })
      if (okConn) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('private redis did not start')
  }

  async kill() {
    const p = this.proc
    this.proc = null
    if (!p || p.exitCode !== null) return
    await new Promise<void>((resolve) => { p.once('exit', () => resolve()); p.kill('SIGKILL') })
  }
}
