// Fails loudly (never skips) when a service the suite needs is missing in CI.
import { Redis } from 'ioredis'
import pg from 'pg'

export default async function setup() {
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
  const r = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null })
  try {
    await r.connect()
    await r.ping()
  } catch (e) {
    throw new Error(`Redis is required by the test suite at ${redisUrl} (set TEST_REDIS_URL): ${(e as Error).message}`)
  } finally {
    r.disconnect()
  }
  const pgUrl = process.env.TEST_PG_URL
  if (pgUrl) {
    const c = new pg.Client({ connectionString: pgUrl })
    try {
      await c.connect()
      await c.query('select 1')
    } catch (e) {
      throw new Error(`TEST_PG_URL is set but PostgreSQL does not answer at ${pgUrl}: ${(e as Error).message}`)
    } finally {
      await c.end().catch(() => {})
    }
  } else if (process.env.CI) {
    throw new Error('CI must set TEST_PG_URL: the repository tests run on PostgreSQL too')
  } else if (process.env.TEST_DATABASE === 'postgres') {
    throw new Error('TEST_DATABASE=postgres needs TEST_PG_URL (a database the tests may create databases from)')
  }
  if (process.env.TEST_DATABASE && !['sqlite', 'postgres'].includes(process.env.TEST_DATABASE)) {
    throw new Error(`TEST_DATABASE must be sqlite or postgres (got "${process.env.TEST_DATABASE}")`)
  }
}
