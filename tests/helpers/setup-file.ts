// Runs in every test file (vitest setupFiles). Its afterAll is registered first, so it runs after
// the file's own afterAll hooks have closed their apps: it drops the PostgreSQL databases the
// file created and did not drop itself (every app startApp puts on PostgreSQL, for one).
import { afterAll } from 'vitest'
import { dropUndroppedDatabases } from './databases.js'

afterAll(async () => {
  await dropUndroppedDatabases()
})
