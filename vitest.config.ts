import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const require = createRequire(import.meta.url)

// The browser tests drive Debian's Chromium (tests/e2e/browser.ts). Where it is missing, outside
// CI, they are left out and the summary says so (tests/helpers/summary-reporter.ts); in CI
// (CI=true) they always run, and fail without it.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const E2E = fileURLToPath(new URL('./tests/e2e', import.meta.url))
const browserFiles = fs.readdirSync(E2E)
  .filter((f) => f.endsWith('.test.ts') && fs.readFileSync(path.join(E2E, f), 'utf8').includes('launch('))
  .map((f) => `tests/e2e/${f}`)
const leftOut = !process.env.CI && !fs.existsSync(CHROMIUM) ? browserFiles : []
if (leftOut.length) process.env.HEARTH_NO_CHROMIUM = `${leftOut.length} browser test files not run: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`

// Separate from web/vite.config.ts: server tests run in node, not in a DOM.
export default defineConfig({
  // mercurius loads graphql's CommonJS build; our code must get the very same copy (as it does under
  // Node), or graphql-js rejects "a GraphQLSchema from another module or realm"
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...leftOut],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI runs `npm test` alone on 2 cores, and each file's apps share their worker's event loop
    // with the test itself (plus Redis, PostgreSQL and, for e2e, a browser): one file per core.
    // More workers only stretch every timer. Tests wait for state (waitLive, eventually, until,
    // collect().waitFor); a test that proves something does NOT arrive sends a later marker event
    // that must arrive and checks the unwanted one did not come before it. Four fixed waits remain,
    // each commented where it stands: two in tests/realtime/leave-race.test.ts (the server's send
    // buffer filling, and the blocked replay meeting the leave, are invisible to a client),
    // one in tests/security/failures.test.ts (a dropped event leaves no trace; only time lets an
    // unhandled rejection surface) and one in tests/e2e/graphiql.test.ts (GraphiQL's headers
    // editor shows no sign of having taken an edit). Other timers in tests/ are poll intervals or
    // deadlines. No retry is configured: a failure is a finding, not noise to re-roll.
    maxWorkers: 2,
    fileParallelism: true,
    globalSetup: ['tests/helpers/global-setup.ts'],
    // drops the PostgreSQL databases each file created (TEST_DATABASE=postgres: every app's)
    setupFiles: ['tests/helpers/setup-file.ts'],
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
})
