// callConfig hands signed-in clients the deployment's STUN/TURN servers (ICE_SERVERS), so calls
// can cross NATs; nobody else sees them (TURN credentials), and a bad value stops the start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.js'
import { startApp, type TestApp } from '../helpers/app.js'
import { errorCode, ok, signUp } from '../helpers/client.js'

const Q = '{ callConfig { iceServers { urls username credential } } }'
const SERVERS = [{ urls: 'stun:stun.example.org:3478' }, { urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'], username: 'u1', credential: 's3cret' }]

let t: TestApp
let plain: TestApp
beforeAll(async () => {
  t = await startApp({ env: { ICE_SERVERS: JSON.stringify(SERVERS) } })
  plain = await startApp()
})
afterAll(async () => { await t?.close(); await plain?.close() })

describe('callConfig', () => {
  it('gives a signed-in user the configured servers, urls always as a list', async () => {
    const u = await signUp(t.url)
    expect(await ok(t.url, Q, {}, u.token)).toEqual({
      callConfig: {
        iceServers: [
          { urls: ['stun:stun.example.org:3478'], username: null, credential: null },
          { urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'], username: 'u1', credential: 's3cret' },
        ],
      },
    })
  })

  it('is UNAUTHENTICATED without a session: TURN credentials are not public', async () => {
    expect(await errorCode(t.url, Q)).toBe('UNAUTHENTICATED')
  })

  it('is an empty list when the deployment configures none', async () => {
    const u = await signUp(plain.url)
    expect(await ok(plain.url, Q, {}, u.token)).toEqual({ callConfig: { iceServers: [] } })
  })

  it.each([
    ['not JSON', 'stun:x'],
    ['not an array', '{"urls":"stun:x"}'],
    ['an http url', '[{"urls":"http://x"}]'],
    ['no urls', '[{"username":"u"}]'],
    ['a numeric credential', '[{"urls":"turn:x","username":"u","credential":5}]'],
  ])('refuses ICE_SERVERS that is %s, naming the variable', (_what, value) => {
    expect(() => loadConfig({ ICE_SERVERS: value })).toThrow(/ICE_SERVERS/)
  })
})
