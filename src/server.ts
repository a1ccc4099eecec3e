// Process entry: config, app, listen, graceful shutdown. Everything else lives in app.ts.
import { ConfigError, loadConfig } from './config.js'
import { buildApp } from './app.js'

let config
try {
  config = loadConfig()
} catch (e) {
  if (e instanceof ConfigError) { console.error(e.message); process.exit(2) }
  throw e
}

const app = await buildApp(config)
await app.listen({ port: config.port, host: config.host })

let stopping = false
async function stop(signal: string) {
  if (stopping) return
  stopping = true
  app.log.info({ signal }, 'shutting down')
  // hard bound: a stuck close must not keep the process alive forever
  const timer = setTimeout(() => process.exit(1), 10_000)
  timer.unref()
  try {
    await app.close()
    process.exit(0)
  } catch (e) {
    app.log.error({ err: e }, 'shutdown failed')
    process.exit(1)
  }
}
// a stray rejection is a bug to log, not a reason to drop every connected user
process.on('unhandledRejection', (reason) => { app.log.error({ err: reason }, 'unhandled rejection') })
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
