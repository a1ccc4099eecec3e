import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, waitLive, type TestApp } from '../helpers/app.js'
import { collect, gql, ok, signUp, wsClient } from '../helpers/client.js'

let t: TestApp
beforeAll(async () => { t = await startApp() })
afterAll(async () => { await t.close() })

describe('smoke', () => {
  it('health answers 200 with the db up', async () => {
    const res = await fetch(t.url + '/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ok', db: 'up' })
  })

  it('signs up, reads me and sees its own profile edit live', async () => {
    const u = await signUp(t.url)
    const me = await ok(t.url, '{ me { id username displayName createdAt } }', {}, u.token)
    expect(me.me.id).toBe(u.id)
    expect(me.me.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    const client = wsClient(t.wsUrl, u.token)
    const live = t.app.hearth.realtime.liveSubscriptions
    const sub = collect(client, 'subscription { userUpdated { id displayName } }')
    await waitLive(t, live + 1)
    await ok(t.url, 'mutation { updateProfile(input: { displayName: "  New Name " }) { displayName } }', {}, u.token)
    await sub.waitCount(1)
    expect(sub.events[0]).toEqual({ userUpdated: { id: u.id, displayName: 'New Name' } })
    sub.dispose()
    await client.dispose()
  })

  it('masks a missing session', async () => {
    const r = await gql(t.url, '{ sessions { id } }')
    expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED')
  })
})
