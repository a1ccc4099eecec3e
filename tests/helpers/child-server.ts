// The real server entry (src/server.ts) in a child process: for kill -9 and SIGTERM tests.
import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

export interface ChildServer {
  proc: ChildProcess
  url: string
  wsUrl: string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  output(): string
}

export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const port = await freePort()
  const root = path.resolve(import.meta.dirname, '../..')
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', AUTH_RATE_LIMIT_PER_IP: '100000', SEND_RATE_LIMIT_PER_USER: '0', WEB_DIST_DIR: '', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stdout!.on('data', (d) => { out += d })
  proc.stderr!.on('data', (d) => { out += d })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })))
  const url = `http://127.0.0.1:${port}`
  const end = Date.now() + 30_000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited early: ${out}`)
    try {
      const r = await fetch(url + '/health')
      if (r.status === 200) break
    } catch { /* not up yet */ }
    if (Date.now() > end) { proc.kill('SIGKILL'); throw new Error(`server did not start: ${out}`) }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { proc, url, wsUrl: `ws://127.0.0.1:${port}/graphql`, exited, output: () => out }
}
