// `npm run dev`: the API with tsx (restarted on change) on :4000 and Vite's dev server with a
// proxy for /graphql (HTTP and WebSocket), so the page and the API share one origin.
import { spawn } from 'node:child_process'

const children = []
function run(name, cmd, args, env = {}) {
  const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  child.on('exit', (code, signal) => {
    if (stopping) return
    console.error(`[dev] ${name} exited (${signal ?? code}); stopping`)
    stop(code ?? 1)
  })
  children.push(child)
  return child
}

let stopping = false
function stop(code = 0) {
  if (stopping) return
  stopping = true
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM')
  setTimeout(() => process.exit(code), 500).unref()
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

const apiPort = process.env.PORT ?? '4000'
run('api', 'npx', ['tsx', 'watch', '--clear-screen=false', 'src/server.ts'], { PORT: apiPort, WEB_DIST_DIR: process.env.WEB_DIST_DIR ?? 'web/dist' })
run('web', 'npx', ['vite', '--config', 'web/vite.config.ts'], { API_URL: `http://127.0.0.1:${apiPort}` })
