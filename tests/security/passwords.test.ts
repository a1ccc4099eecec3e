// Issue 13, finding 11 (passwords) and contract part 2's password rule: very common passwords
// ("password", "12345678") were accepted at sign-up, and so was a password equal to the
// username. The attack: sign up with each; every one is BAD_USER_INPUT on input.password with a
// message that says why, and no account is made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from '../helpers/app.js'
import { gql, ok, signUp, uniqueName, type TestUser } from '../helpers/client.js'
import { commonPasswordCount } from '../../src/lib/passwords.js'

const SIGN_UP = 'mutation($i: SignUpInput!) { signUp(input: $i) { token user { username } } }'
const LOG_IN = 'mutation($i: LogInInput!) { logIn(input: $i) { token } }'

let t: TestApp
let viewer: TestUser
beforeAll(async () => {
  t = await startApp()
  viewer = await signUp(t.url)
})
afterAll(async () => { await t?.close() })

/** whether a username names an account (seen through users search by a signed-in viewer) */
async function exists(username: string) {
  const d = await ok(t.url, 'query($q: String!) { users(search: $q, first: 5) { edges { node { username } } } }', { q: username }, viewer.token)
  return d.users.edges.some((e: any) => e.node.username.toLowerCase() === username.toLowerCase())
}

describe('the password rule', () => {
  it('knows at least 10,000 common passwords', async () => {
    expect(await commonPasswordCount()).toBeGreaterThanOrEqual(10_000)
  })

  it.each([
    ['password'], ['12345678'], ['qwertyuiop'], ['PASSWORD'], ['Password123'], ['iloveyou'], ['  letmein1  '],
  ])('refuses the common password %j as BAD_USER_INPUT on input.password, saying it is too common', async (password) => {
    const username = uniqueName('pw')
    const r = await gql(t.url, SIGN_UP, { i: { username, password } })
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' })
    expect(r.errors?.[0]?.message).toMatch(/too common/)
    expect(r.data).toBeNull()
    expect(await exists(username)).toBe(false)
  })

  it('refuses a password equal to the username or the display name, whatever the case', async () => {
    const username = uniqueName('same')
    for (const [password, displayName] of [[username, null], [username.toUpperCase(), undefined], ['Grace Hopper 1906', 'grace hopper 1906'], [' Grace Hopper 1906 ', 'Grace Hopper 1906']] as const) {
      const r = await gql(t.url, SIGN_UP, { i: { username, password, displayName } })
      expect(r.errors?.[0]?.extensions, password).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' })
      expect(r.errors?.[0]?.message).toMatch(/username or display name/)
    }
    expect(await exists(username)).toBe(false)
  })

  it('accepts a strong password, which then logs in', async () => {
    const username = uniqueName('strong')
    const password = 'violet kettle 7 harbour'
    expect((await ok(t.url, SIGN_UP, { i: { username, password, displayName: 'Violet' } })).signUp.token).toBeTruthy()
    expect((await ok(t.url, LOG_IN, { i: { username, password } })).logIn.token).toBeTruthy()
  })
})
