// Shared pieces of the browser tests: a fresh web build when the sources changed, Debian's
// Chromium driven by playwright-core (never a downloaded browser), and the app serving web/dist.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { startApp, type StartOptions, type TestApp } from '../helpers/app.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const DIST = path.join(ROOT, 'web/dist')
const LOCK = path.join(ROOT, 'web/.build-lock')

function newestMtime(p: string): number {
  const st = fs.statSync(p)
  if (!st.isDirectory()) return st.mtimeMs
  let n = st.mtimeMs
  for (const e of fs.readdirSync(p)) n = Math.max(n, newestMtime(path.join(p, e)))
  return n
}

function isStale(): boolean {
  const index = path.join(DIST, 'index.html')
  if (!fs.existsSync(index) || !fs.existsSync(path.join(DIST, 'graphiql.html'))) return true
  const built = fs.statSync(index).mtimeMs
  const sources = Math.max(newestMtime(path.join(ROOT, 'web/src')), newestMtime(path.join(ROOT, 'web/index.html')), newestMtime(path.join(ROOT, 'web/graphiql.html')), newestMtime(path.join(ROOT, 'web/vite.config.ts')),
    // the password rule the account page shares with the server
    newestMtime(path.join(ROOT, 'src/lib/passwords.ts')))
  return sources > built
}

/** Builds web/dist once when it is missing or older than its sources; test files share one build. */
export async function ensureWebBuilt(): Promise<void> {
  const deadline = Date.now() + 180_000
  for (;;) {
    if (!isStale()) return
    try {
      fs.mkdirSync(LOCK)
    } catch {
      // another test file is building: wait for it (a lock older than 3 minutes is abandoned)
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > 180_000) fs.rmSync(LOCK, { recursive: true, force: true })
      } catch { /* gone meanwhile */ }
      if (Date.now() > deadline) throw new Error('timed out waiting for the web build')
      await new Promise((r) => setTimeout(r, 500))
      continue
    }
    try {
      if (isStale()) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'error'], { cwd: ROOT, stdio: 'pipe' })
    } finally {
      fs.rmSync(LOCK, { recursive: true, force: true })
    }
  }
}

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** scrollbars: drawn as on a desktop (headless Chromium hides them unless told), taking their width from the page */
export async function launch(extraArgs: string[] = [], opts: { scrollbars?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ...(opts.scrollbars ? { ignoreDefaultArgs: ['--hide-scrollbars'] } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  })
}

export async function startWebApp(opts: StartOptions = {}): Promise<TestApp> {
  await ensureWebBuilt()
  return startApp({ ...opts, overrides: { webDistDir: DIST, ...opts.overrides } })
}

let n = 0
export function uname(prefix: string): string {
  return `${prefix}${process.pid % 1000}${Date.now() % 100000}${n++}`
}

/** Collects page errors so a test can assert that nothing threw (and that no injected script ran). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  return errors
}

export async function signUpInPage(page: Page, baseUrl: string, username: string, password = 'correct horse battery', displayName?: string) {
  await page.goto(baseUrl + '/signup')
  await page.getByLabel('Username').fill(username)
  if (displayName) await page.getByLabel('Display name (optional)').fill(displayName)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')
}

export async function signInInPage(page: Page, baseUrl: string, username: string, password = 'correct horse battery') {
  await page.goto(baseUrl + '/signin')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('Connected')
}

export async function newPage(browser: Browser, viewport = { width: 1280, height: 800 }, timezoneId?: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, ...(timezoneId ? { timezoneId } : {}) })
  const page = await context.newPage()
  return { context, page }
}

/**
 * A time zone where it is now at least `hoursAfter` past local midnight and at least two hours
 * before the next: sessions logged "just now" in a test then fall on today alone (a session that
 * crosses midnight counts on both days, so a test run at 00:11 would otherwise see a streak of 2).
 * Tokyo's and New York's unsafe hours never overlap, so one always qualifies; UTC comes last so
 * the zone the page sends differs from the server's default.
 */
export function zoneAwayFromMidnight(hoursAfter = 3, now = Date.now()): string {
  for (const tz of ['Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'UTC']) {
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', hourCycle: 'h23' }).format(now))
    if (hour >= hoursAfter && hour < 22) return tz
  }
  throw new Error('no candidate time zone is away from midnight')
}
