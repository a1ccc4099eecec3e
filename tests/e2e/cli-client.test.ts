// examples/cli-client as an integrator would run it: it signs in, joins by code, prints history
// and live messages, sends stdin lines, and after a server restart resumes without gaps or repeats.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { tempSqlitePath } from '../helpers/app.js'
import { ok, signUp, uniqueName } from '../helpers/client.js'
import { createRoom, SEND } from '../helpers/rooms.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const dbFile = tempSqlitePath()
let app: FastifyInstance | null = null
let cli: ChildProcessWithoutNullStreams | null = null

function build() {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', AUTH_RATE_LIMIT_PER_IP: '100000' }, { port: 0, databaseUrl: dbFile, redisUrl: null, webDistDir: null })
  return buildApp(config)
}

afterAll(async () => {
  cli?.kill()
  await app?.close()
})

describe('examples/cli-client', () => {
  it('prints history and live messages, sends stdin lines, resumes after a restart', async () => {
    app = await build()
    await app.listen({ port: 0, host: '127.0.0.1' })
    const port = (app.server.address() as { port: number }).port
    const url = `http://127.0.0.1:${port}`
    const owner = await signUp(url, uniqueName('own'))
    const cliUser = await signUp(url, uniqueName('cli'), 'cli password 1')
    const room = await createRoom(url, owner.token, 'CLI Room', 'PRIVATE') as { id: string; code: string }
    await ok(url, SEND, { roomId: room.id, body: 'from history' }, owner.token)

    cli = spawn(process.execPath, ['--import', 'tsx', 'examples/cli-client/src/main.ts', '--url', url, '--user', cliUser.username, '--code', room.code], {
      cwd: ROOT, env: { ...process.env, HEARTH_PASSWORD: 'cli password 1' },
    })
    let out = ''
    let err = ''
    cli.stdout.on('data', (d) => (out += d))
    cli.stderr.on('data', (d) => (err += d))
    const lines = () => out.split('\n').filter(Boolean).map((l) => l.replace(/^\[[^\]]*\] /, ''))

    await expect.poll(lines, { timeout: 20_000 }).toEqual([`${owner.username}: from history`])
    await expect.poll(() => err, { timeout: 10_000 }).toContain('signed in as')

    await ok(url, SEND, { roomId: room.id, body: 'live one' }, owner.token)
    await expect.poll(lines, { timeout: 10_000 }).toEqual([`${owner.username}: from history`, `${owner.username}: live one`])

    cli.stdin.write('typed on stdin\n')
    await expect.poll(lines, { timeout: 10_000 }).toContain(`${cliUser.username}: typed on stdin`)

    // restart: messages stored before the new server accepts connections are replayed once
    await app.close()
    const next = await build()
    app = next
    for (const body of ['missed 1', 'missed 2']) {
      const r = await next.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` }, payload: { query: SEND, variables: { roomId: room.id, body } } })
      expect(r.json().errors).toBeUndefined()
    }
    await next.listen({ port, host: '127.0.0.1' })
    await expect.poll(() => err, { timeout: 20_000 }).toContain('reconnected')
    await expect.poll(lines, { timeout: 10_000 }).toEqual([
      `${owner.username}: from history`, `${owner.username}: live one`, `${cliUser.username}: typed on stdin`,
      `${owner.username}: missed 1`, `${owner.username}: missed 2`,
    ])
    cli.stdin.end()
    await new Promise((r) => cli!.once('exit', r))
    expect(lines()).toHaveLength(5)
  }, 90_000)
})
