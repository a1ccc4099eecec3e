// Process entry: config, app, listen, graceful shutdown. Everything else lives in app.ts.
import { ConfigError, loadConfig } from './config.js'
import { buildApp } from './app.js'
import { NewerDatabaseError } from './db/migrate.js'

/** system errors at start that name their cause well enough without a stack */
const START_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES', 'ETIMEDOUT', 'ECONNRESET', '28P01', '3D000', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'HEARTH_INSTANCE_LOCKED'])

let config
try {
  config = loadConfig()
} catch (e) {
  if (e instanceof ConfigError) { console.error(e.message); process.exit(2) }
  throw e
}

let app: Awaited<ReturnType<typeof buildApp>>
try {
  app = await buildApp(config)
  await app.listen({ port: config.port, host: config.host })
} catch (e) {
  // what an operator can act on is one line (a database that is newer, an address that does not
  // resolve or is taken, a database that does not answer); anything else with its stack
  const code = (e as { code?: unknown })?.code
  if (e instanceof NewerDatabaseError || (typeof code === 'string' && START_CODES.has(code))) {
    console.error(`Hearth could not start: ${(e as Error).message}`)
  } else {
    console.error('Hearth could not start:', e)
  }
  process.exit(1)
}

// a NODE_ENV that is none of the three runs as development: said at start, since a misspelt
// "production" would otherwise quietly serve GraphiQL and set cookies without Secure
const rawEnv = process.env.NODE_ENV
if (rawEnv && !['development', 'production', 'test'].includes(rawEnv)) {
  app.log.warn(`NODE_ENV=${rawEnv} is not production, development or test: running as development (GraphiQL and introspection on, cookies not Secure over HTTP)`)
}

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
