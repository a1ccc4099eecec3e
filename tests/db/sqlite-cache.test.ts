// SQLite's page cache: the connection Hearth writes on gets the ceiling SQLITE_CACHE_MB gives
// (256 MiB unless set), not the library's 16 MiB, under which the send path read pages back
// from the file on every send (src/db/index.ts).
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/index.js'
import type { Database } from '../../src/db/types.js'
import { loadConfig } from '../../src/config.js'
import { tempSqlitePath } from '../helpers/app.js'

describe('SQLite page cache', () => {
  let database: Database | null = null
  afterEach(async () => { await database?.close(); database = null })

  const cacheKiB = (d: Database) => d.sqlite!.rows<{ cache_size: number }>('pragma cache_size', [])[0].cache_size

  it('is 256 MiB unless SQLITE_CACHE_MB says otherwise', async () => {
    expect(loadConfig({}).sqliteCacheMb).toBe(256)
    database = openDatabase(tempSqlitePath(), { cacheMb: loadConfig({}).sqliteCacheMb })
    // negative: KiB, as SQLite reads it
    expect(cacheKiB(database)).toBe(-256 * 1024)
  })

  it('takes the size configured', async () => {
    database = openDatabase(tempSqlitePath(), { cacheMb: loadConfig({ SQLITE_CACHE_MB: '8' }).sqliteCacheMb })
    expect(cacheKiB(database)).toBe(-8 * 1024)
  })
})
