// GraphiQL from our own bundle: a query over HTTP and a subscription over graphql-ws, both
// authorised by the Authorization header typed into GraphiQL's headers editor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { waitLive, type TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { launch, newPage, startWebApp, uname } from './browser.js'

let app: TestApp
let browser: Browser

beforeAll(async () => {
  app = await startWebApp()
  browser = await launch()
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

// GraphiQL's editors are CodeMirror 5 instances; their API is the dependable way to type JSON and queries
const setEditor = (page: Page, selector: string, text: string) =>
  page.evaluate(([sel, t]) => {
    const el = document.querySelector(sel) as (Element & { CodeMirror?: { setValue(v: string): void } }) | null
    if (!el?.CodeMirror) throw new Error(`no editor at ${sel}`)
    el.CodeMirror.setValue(t)
  }, [selector, text] as const).then(() => selector.includes('query-editor')
    // GraphiQL takes an edit after a debounce: it has the query once its storage holds it
    ? page.waitForFunction((t) => localStorage.getItem('graphiql:query') === t, text, { timeout: 5000 }).then(() => undefined)
    // fixed wait: the headers (not persisted by default) leave no trace of being taken
    : page.waitForTimeout(300))
const result = (page: Page) => page.evaluate(() => (document.querySelector('.result-window .CodeMirror') as unknown as { CodeMirror: { getValue(): string } } | null)?.CodeMirror.getValue() ?? '')

describe('GraphiQL', () => {
  it('runs queries and subscriptions with the token from the headers editor', async () => {
    const user = await signUp(app.url, uname('gq'))
    const { context, page } = await newPage(browser)
    await page.goto(app.url + '/graphiql')
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor()
    await page.getByRole('button', { name: 'Headers' }).click()
    await page.locator('.graphiql-editor-tool .CodeMirror').last().waitFor()
    await setEditor(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror', JSON.stringify({ Authorization: `Bearer ${user.token}` }))

    await setEditor(page, '.graphiql-query-editor .CodeMirror', 'query { me { username } }')
    await page.getByRole('button', { name: 'Execute query' }).click()
    await expect.poll(() => result(page), { timeout: 10_000 }).toContain(user.username)

    await setEditor(page, '.graphiql-query-editor .CodeMirror', `subscription { userUpdated(userId: "${user.id}") { displayName } }`)
    const live = app.app.hearth.realtime.liveSubscriptions
    await page.getByRole('button', { name: 'Execute query' }).click()
    // once the subscription is live, change the profile over plain HTTP
    await waitLive(app, live + 1)
    await ok(app.url, 'mutation { updateProfile(input: { displayName: "Seen In GraphiQL" }) { id } }', {}, user.token)
    await expect.poll(() => result(page), { timeout: 10_000 }).toContain('Seen In GraphiQL')
    await context.close()
  }, 90_000)
})
