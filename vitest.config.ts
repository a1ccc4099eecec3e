import { createRequire } from 'node:module'
import { defineConfig } from 'vitest/config'

const require = createRequire(import.meta.url)

// Separate from web/vite.config.ts: server tests run in node, not in a DOM.
export default defineConfig({
  // mercurius loads graphql's CommonJS build; our code must get the very same copy (as it does under
  // Node), or graphql-js rejects "a GraphQLSchema from another module or realm"
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }] },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // CI runs `npm test` alone on 2 cores, and each file's apps share their worker's event loop
    // with the test itself (plus Redis, PostgreSQL and, for e2e, a browser): one file per core.
    // More workers only stretch every timer; tests wait for state (waitLive, eventually) rather
    // than sleeping, so no retry is configured: a failure is a finding, not noise to re-roll.
    maxWorkers: 2,
    fileParallelism: true,
    globalSetup: ['tests/helpers/global-setup.ts'],
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
  },
})
