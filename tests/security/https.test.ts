// Served over HTTPS (behind a proxy that says so, TRUST_PROXY on): browsers are told to keep to
// HTTPS (Strict-Transport-Security, in production) and the session cookie is Secure whatever
// NODE_ENV says. Over plain HTTP neither: a development server on http://localhost keeps working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../helpers/app.js'
import { uniqueName } from '../helpers/client.js'

const SIGN_UP = 'mutation($i: SignUpInput!) { signUp(input: $i) { token } }'

async function signUpOver(t: TestApp, proto: string | null) {
  const res = await fetch(t.url + '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(proto ? { 'x-forwarded-proto': proto } : {}) },
    body: JSON.stringify({ query: SIGN_UP, variables: { i: { username: uniqueName('tls'), password: 'correct horse battery' } } }),
  })
  expect(res.status).toBe(200)
  return { hsts: res.headers.get('strict-transport-security'), cookie: res.headers.get('set-cookie') ?? '' }
}

describe('HTTPS behind a trusted proxy', () => {
  let prod: TestApp
  let dev: TestApp
  beforeAll(async () => {
    prod = await startApp({ env: { NODE_ENV: 'production', TRUST_PROXY: 'true' } })
    dev = await startApp({ env: { NODE_ENV: 'development', TRUST_PROXY: 'true' } })
  })
  afterAll(async () => { await prod?.close(); await dev?.close() })

  it('production over HTTPS: Strict-Transport-Security; over plain HTTP: none', async () => {
    const tls = await signUpOver(prod, 'https')
    expect(tls.hsts).toBe('max-age=31536000')
    expect(tls.cookie).toMatch(/; Secure/)
    expect((await signUpOver(prod, null)).hsts).toBeNull()
    const page = await fetch(prod.url + '/', { headers: { 'x-forwarded-proto': 'https' } })
    expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000')
  })

  it('the session cookie is Secure on a request that came over HTTPS, also outside production; not over plain HTTP there', async () => {
    expect((await signUpOver(dev, 'https')).cookie).toMatch(/; Secure/)
    const plain = await signUpOver(dev, null)
    expect(plain.cookie).toMatch(/HttpOnly/)
    expect(plain.cookie).not.toMatch(/Secure/)
    expect(plain.hsts).toBeNull()
  })
})
