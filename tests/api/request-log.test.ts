// What the server logs per HTTP request: one line at debug (not Fastify's two at info, which cost a
// send over HTTP 8-11% of its server CPU at the default level), a slow one at warn, and never a
// query string (a GET's GraphQL variables).
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { testDatabaseUrl } from '../helpers/app.js'
import { eventually, gql } from '../helpers/client.js'

async function startLogged(env: Record<string, string>, routes?: (app: FastifyInstance) => void) {
  const lines: any[] = []
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l))
      cb()
    },
  })
  const config = loadConfig({ NODE_ENV: 'test', WEB_DIST_DIR: '', ...env }, { port: 0, databaseUrl: await testDatabaseUrl(), redisUrl: null, webDistDir: null })
  const app = await buildApp(config, { logStream })
  routes?.(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const addr = app.server.address()
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`
  return { app, lines, url }
}

const requestLines = (lines: any[]) => lines.filter((l) => ['incoming request', 'request completed', 'slow request'].includes(l.msg))

describe('request logging', () => {
  let app: FastifyInstance | null = null
  afterEach(async () => { await app?.close(); app = null })

  it('logs every request once at debug, with its path but not its query string', async () => {
    const s = await startLogged({ LOG_LEVEL: 'debug' })
    app = s.app
    const res = await fetch(`${s.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { 'mercurius-require-preflight': 'true' } })
    expect(res.status).toBe(200)
    const found = await eventually(() => { const l = requestLines(s.lines).filter((x) => x.req?.url === '/graphql'); return l.length ? l : null }, 5000, 'the request line')
    expect(found).toHaveLength(1)
    const line = found![0]
    expect(line).toMatchObject({ level: 20, msg: 'request completed', req: { method: 'GET', url: '/graphql' }, res: { statusCode: 200 } })
    expect(typeof line.responseTime).toBe('number')
    expect(JSON.stringify(s.lines)).not.toContain('__typename')
    expect(s.lines.some((l) => l.msg === 'incoming request')).toBe(false)
  })

  it('logs a slow request at warn, and nothing about it at info otherwise', async () => {
    const s = await startLogged({ LOG_LEVEL: 'info', LOG_SLOW_REQUEST_MS: '0' })
    app = s.app
    expect((await gql(s.url, '{ __typename }')).data).toEqual({ __typename: 'Query' })
    const lines = await eventually(() => { const l = requestLines(s.lines); return l.length ? l : null }, 5000, 'the slow request line')
    expect(lines).toHaveLength(1)
    expect(lines![0]).toMatchObject({ level: 40, msg: 'slow request', req: { method: 'POST', url: '/graphql' }, res: { statusCode: 200 } })
  })

  it('a body the client stops sending is cut off (408) without an internal error line', async () => {
    const s = await startLogged({ LOG_LEVEL: 'info', REQUEST_TIMEOUT_MS: '800', HEADERS_TIMEOUT_MS: '800' })
    app = s.app
    const { connect } = await import('node:net')
    const port = Number(new URL(s.url).port)
    const answer = await new Promise<string>((resolve) => {
      const c = connect(port, '127.0.0.1', () => c.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{"query":'))
      let got = ''
      c.on('data', (d) => { got += String(d) })
      c.on('close', () => resolve(got))
    })
    expect(answer).toMatch(/^HTTP\/1\.1 408/)
    // marker: an ordinary request after it; its line (at info, when slow) is not needed, the error lines are
    expect((await gql(s.url, '{ __typename }')).data).toEqual({ __typename: 'Query' })
    expect(s.lines.filter((l) => l.level >= 50)).toEqual([])
  })

  it('still logs a failed request at error, at info', async () => {
    const s = await startLogged({ LOG_LEVEL: 'info' }, (app) => app.get('/test-boom', async () => { throw new Error('boom for the log') }))
    app = s.app
    expect((await fetch(`${s.url}/test-boom`)).status).toBe(500)
    const errors = await eventually(() => { const l = s.lines.filter((x) => x.level === 50 && JSON.stringify(x).includes('boom for the log')); return l.length ? l : null }, 5000, 'the error line')
    expect(errors!.length).toBeGreaterThan(0)
  })
})
