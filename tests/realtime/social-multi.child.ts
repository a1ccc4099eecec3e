// A whole app instance in its own process, for tests that kill it with SIGKILL: a real crash,
// where no shutdown hook runs. Prints {"port": n} once it listens.
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

const config = loadConfig(process.env, { port: 0, webDistDir: null })
const app = await buildApp(config, { redisPrefix: process.env.CHILD_REDIS_PREFIX ?? '' })
await app.listen({ port: 0, host: '127.0.0.1' })
const addr = app.server.address()
process.stdout.write(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }) + '\n')
