// Captures the main screens at desktop and phone widths into docs/screenshots/ with Debian's
// Chromium. Seeds a throwaway database with a few people, rooms and messages first.
//   npm run build && node --import tsx tests/e2e/screenshots.ts   (not a test: it writes files)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const OUT = path.join(ROOT, 'docs/screenshots')
const PASSWORD = 'correct horse battery'

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-shots-'))
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', AUTH_RATE_LIMIT_PER_IP: '100000' }, { port: 0, databaseUrl: path.join(dir, 'h.db'), redisUrl: null, webDistDir: path.join(ROOT, 'web/dist') })
  const app = await buildApp(config)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

  const gql = async (query: string, variables: Record<string, unknown> = {}, token?: string) => {
    const r = await fetch(url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) })
    const b = (await r.json()) as { data: any; errors?: unknown[] }
    if (b.errors) throw new Error(JSON.stringify(b.errors))
    return b.data
  }
  const user = async (username: string, displayName: string) => {
    const d = await gql('mutation($i: SignUpInput!) { signUp(input: $i) { token user { id } } }', { i: { username, password: PASSWORD, displayName } })
    return { token: d.signUp.token as string, id: d.signUp.user.id as string }
  }
  const alice = await user('alice', 'Alice Chen')
  const bob = await user('bob', 'Bob Diaz')
  const cara = await user('cara', 'Cara Okafor')
  const dev = await user('devi', 'Devi Rao')

  const room = async (token: string, name: string, description: string, kind = 'PUBLIC') => (await gql('mutation($i: CreateRoomInput!) { createRoom(input: $i) { id code } }', { i: { name, description, kind } }, token)).createRoom as { id: string; code: string }
  const join = (token: string, code: string) => gql('mutation($c: String!) { joinRoom(code: $c) { id } }', { c: code }, token)
  const say = async (token: string, roomId: string, body: string, replyToId?: string) => (await gql('mutation($r: ID!, $b: String!, $re: ID) { sendMessage(roomId: $r, body: $b, replyToId: $re) { id } }', { r: roomId, b: body, re: replyToId ?? null }, token)).sendMessage.id as string
  const react = (token: string, messageId: string, emoji: string) => gql('mutation($m: ID!, $e: String!) { addReaction(messageId: $m, emoji: $e) { id } }', { m: messageId, e: emoji }, token)

  const algo = await room(alice.token, 'Algorithms study group', 'Weekly problem sets and exam prep')
  const thesis = await room(bob.token, 'Thesis writing', 'Quiet accountability room', 'PRIVATE')
  await room(cara.token, 'Spanish conversation', 'Practice every evening')
  await room(dev.token, 'Late-night coding', 'Side projects and rubber ducks')
  for (const u of [bob, cara, dev]) await join(u.token, algo.code)
  await join(alice.token, thesis.code)
  const exam = await say(alice.token, algo.id, 'Exam is on **Friday 12 December**, room B-204. Bring the formula sheet.')
  await gql('mutation($m: ID!) { pinMessage(messageId: $m) { id } }', { m: exam }, alice.token)
  const q = await say(bob.token, algo.id, 'I am stuck on the amortised analysis question')
  await say(cara.token, algo.id, 'The potential method notes helped me: https://en.wikipedia.org/wiki/Potential_method', q)
  await say(cara.token, algo.id, 'And the loop I used, with `n` doublings:\n```python\nfor i in range(n):\n    size *= 2  # amortised O(1)\n```')
  for (const [u, e] of [[bob, '👍'], [dev, '👍'], [alice, '🎉']] as const) await react(u.token, q, e)
  await say(dev.token, algo.id, '@alice can you start a 25 minute focus timer? Then we compare answers in the break.')
  await say(bob.token, algo.id, '<b>tags</b> stay plain text here, by the way')
  await say(alice.token, algo.id, 'Starting it now. Cameras optional :)')
  await say(bob.token, thesis.id, 'Chapter 3 draft is done, 4 200 words.')
  await say(bob.token, algo.id, 'Question 2 done. On to 3.')

  await gql('mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: alice.id }, bob.token)
  const reqs = await gql('query { friendRequests(direction: INCOMING) { id } }', {}, alice.token)
  await gql('mutation($id: ID!) { respondToFriendRequest(id: $id, accept: true) { id } }', { id: reqs.friendRequests[0].id }, alice.token)
  await gql('mutation($u: ID!) { sendFriendRequest(userId: $u) { id } }', { u: alice.id }, cara.token)
  const dm = (await gql('mutation($u: ID!) { openDirectRoom(userId: $u) { id } }', { u: alice.id }, bob.token)).openDirectRoom.id as string
  await say(bob.token, dm, 'Coffee before the exam on Friday?')
  await gql('mutation($r: ID!) { startRoomTimer(roomId: $r, focusMinutes: 25, breakMinutes: 5) { phase } }', { r: algo.id }, alice.token)
  for (const m of [50, 25, 75]) await gql('mutation($r: ID, $m: Int!) { recordStudySession(roomId: $r, minutes: $m) { id } }', { r: algo.id, m }, alice.token)
  await gql('mutation($r: ID, $m: Int!) { recordStudySession(roomId: $r, minutes: $m) { id } }', { r: thesis.id, m: 40 }, alice.token)

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
  fs.mkdirSync(OUT, { recursive: true })
  const shoot = async (page: Page, name: string) => {
    await page.waitForTimeout(400)
    await page.screenshot({ path: path.join(OUT, `${name}.png`) })
    console.log('wrote', `docs/screenshots/${name}.png`)
  }
  for (const [suffix, viewport, scheme] of [['desktop', { width: 1280, height: 800 }, 'light'], ['phone', { width: 390, height: 844 }, 'light'], ['desktop-dark', { width: 1280, height: 800 }, 'dark'], ['phone-dark', { width: 390, height: 844 }, 'dark']] as const) {
    const context = await browser.newContext({ viewport, colorScheme: scheme, deviceScaleFactor: suffix === 'phone' ? 2 : 1 })
    const page = await context.newPage()
    await page.goto(url + '/signin')
    if (!suffix.endsWith('dark')) await shoot(page, `signin-${suffix}`)
    await page.getByLabel('Username').fill('alice')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('Connected').waitFor()
    await page.getByRole('list', { name: 'Your rooms' }).waitFor()
    await shoot(page, `rooms-${suffix}`)
    await page.goto(`${url}/rooms/${algo.id}`)
    await page.getByRole('log').locator('li.message').nth(5).waitFor()
    await page.getByRole('log').locator('li.message').last().scrollIntoViewIfNeeded()
    await page.getByTestId('timer-phase').waitFor({ state: 'attached' })
    await shoot(page, `room-${suffix}`)
    if (suffix.endsWith('dark')) { await context.close(); continue }
    await page.goto(url + '/friends')
    await page.getByRole('list', { name: 'Your friends' }).waitFor()
    await shoot(page, `friends-${suffix}`)
    await page.goto(url + '/progress')
    await page.getByTestId('total-minutes').waitFor()
    await shoot(page, `progress-${suffix}`)
    await context.close()
  }
  await browser.close()
  await app.close()
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
