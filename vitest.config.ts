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
    // 2 cores: a few files at a time, each with its own apps, databases and Redis prefix
    maxWorkers: 3,
    fileParallelism: true,
    globalSetup: ['tests/helpers/global-setup.ts'],
  },
})
