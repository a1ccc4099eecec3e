import { loadConfig } from '../config.js'
import { openDatabase } from './index.js'
import { migrateToLatest } from './migrate.js'

const config = loadConfig()
const database = openDatabase(config.databaseUrl)
try {
  const applied = await migrateToLatest(database.db)
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date')
} finally {
  await database.close()
}
