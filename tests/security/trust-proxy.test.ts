// Behind proxies that append to X-Forwarded-For (nginx's $proxy_add_x_forwarded_for, most load
// balancers), TRUST_PROXY=true takes the first entry, which the client writes: each request could
// claim another address and no per-IP limit held. TRUST_PROXY_HOPS=n trusts the n nearest proxies:
// the address the nearest one saw is the client's, whatever the client put first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientIp } from '../../src/app.js'
import { startApp, type TestApp } from '../helpers/app.js'
import { gql } from '../helpers/client.js'
import { raw } from './raw.js'

const LOG_IN = 'mutation($i: LogInInput!) { logIn(input: $i) { token } }'

describe('TRUST_PROXY_HOPS', () => {
  let t: TestApp
  beforeAll(async () => { t = await startApp({ env: { TRUST_PROXY_HOPS: '1', AUTH_RATE_LIMIT_PER_IP: '5', WS_SOCKETS_PER_IP: '2' } }) })
  afterAll(async () => { await t?.close() })

  it("one proxy that appends: the client's own first entry does not change its address for the per-IP limits", async () => {
    const codes: string[] = []
    for (let i = 0; i < 7; i++) {
      // the client forges a new first entry each time; the proxy appends the address it saw
      const r = await gql(t.url, LOG_IN, { i: { username: `nobody${i}`, password: 'whatever1' } }, null, { 'x-forwarded-for': `203.0.113.${i}, 198.51.100.7` })
      codes.push(String(r.errors?.[0]?.extensions?.code))
    }
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED', 'RATE_LIMITED'])
    // another client behind the same proxy is another address
    const other = await gql(t.url, LOG_IN, { i: { username: 'nobody', password: 'whatever1' } }, null, { 'x-forwarded-for': '198.51.100.8' })
    expect(other.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    // sockets alike: the third from one address is refused whatever it claims first
    const open = [await raw(t.wsUrl, { 'x-forwarded-for': '203.0.113.50, 198.51.100.9' }), await raw(t.wsUrl, { 'x-forwarded-for': '203.0.113.51, 198.51.100.9' })]
    await expect(raw(t.wsUrl, { 'x-forwarded-for': '203.0.113.52, 198.51.100.9' })).rejects.toMatchObject({ status: 429 })
    for (const s of open) s.ws.close()
  })

  it('clientIp reads the chain as Fastify does', () => {
    expect(clientIp(false, '1.1.1.1', '10.0.0.1')).toBe('10.0.0.1')
    expect(clientIp(true, '1.1.1.1, 2.2.2.2', '10.0.0.1')).toBe('1.1.1.1')
    expect(clientIp(1, '1.1.1.1, 2.2.2.2', '10.0.0.1')).toBe('2.2.2.2')
    expect(clientIp(2, '1.1.1.1, 2.2.2.2', '10.0.0.1')).toBe('1.1.1.1')
    // more hops than entries: the farthest address there is
    expect(clientIp(5, '2.2.2.2', '10.0.0.1')).toBe('2.2.2.2')
    expect(clientIp(1, undefined, '10.0.0.1')).toBe('10.0.0.1')
  })
})
