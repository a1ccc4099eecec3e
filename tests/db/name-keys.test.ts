// Names are found case- and accent-insensitively alike on SQLite and PostgreSQL. users(search:)
// compared lower(display_name), and SQLite's lower() folds ASCII only: "Émile" did not find
// "ÉMILE ZOLA" there (it did on PostgreSQL); rooms' keys were only lower-cased, so "EMILE" did
// not find the room "Émile" and accented names sorted after "z". The migration fills the keys of
// rows stored before it.
import crypto from 'node:crypto'
import { Migrator, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/index.js'
import { migrateToLatest, migrationProvider } from '../../src/db/migrate.js'
import { BACKENDS, BACKEND_NAMES, canRun, freshPgDatabase, startApp, tempSqlitePath, type TestApp } from '../helpers/app.js'
import { ok, signUp } from '../helpers/client.js'
import { createRoom } from '../helpers/rooms.js'

const USERS = 'query($s: String) { users(search: $s, first: 100) { edges { node { displayName } } } }'
const ROOMS = 'query($s: String) { rooms(search: $s, first: 100) { edges { node { name } } } }'
const UPDATE = 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id displayName } }'

for (const backend of BACKENDS) {
  describe.runIf(canRun(backend))(`names found alike (${BACKEND_NAMES[backend]})`, () => {
    let t: TestApp
    let drop = async () => {}
    beforeAll(async () => {
      const db = backend === 'postgres' ? await freshPgDatabase() : { url: tempSqlitePath(), drop: async () => {} }
      drop = db.drop
      t = await startApp({ databaseUrl: db.url, env: { SEND_RATE_LIMIT_PER_USER: '0', ROOM_CREATE_RATE_LIMIT: '1000' } })
    })
    afterAll(async () => { await t?.close(); await drop() })

    it('users(search:) folds case and accents of any script: "Émile", "émile" and "EMILE" each find all three', async () => {
      const tag = crypto.randomBytes(3).toString('hex')
      const names = [`Émile Zola ${tag}`, `ÉMILE ZOLA ${tag}`, `émile ${tag}`, `Über Uwe ${tag}`, `Ωmega Man ${tag}`, `ZOË ${tag}`, `Ａnna ${tag}`]
      const viewer = await signUp(t.url)
      for (const displayName of names) {
        const u = await signUp(t.url)
        await ok(t.url, UPDATE, { input: { displayName } }, u.token)
      }
      const found = async (s: string) => (await ok(t.url, USERS, { s }, viewer.token)).users.edges.map((e: any) => e.node.displayName).sort()
      const emiles = names.slice(0, 3).sort()
      for (const s of ['Émile', 'émile', 'ÉMILE', 'EMILE', 'emile zola']) {
        expect(await found(s), s).toEqual(s === 'emile zola' ? names.slice(0, 2).sort() : emiles)
      }
      expect(await found('über uwe')).toEqual([names[3]])
      expect(await found('UBER')).toEqual([names[3]])
      expect(await found('ωMEGA')).toEqual([names[4]])
      expect(await found(`zoe ${tag}`)).toEqual([names[5]])
      expect(await found(`anna ${tag}`)).toEqual([names[6]])
      // a later rename is found by its new name only
      const v = await signUp(t.url)
      await ok(t.url, UPDATE, { input: { displayName: `Ærøskøbing ${tag}` } }, v.token)
      expect(await found(`ÆRØSKØBING ${tag}`)).toEqual([`Ærøskøbing ${tag}`])
      await ok(t.url, UPDATE, { input: { displayName: `Plain ${tag}` } }, v.token)
      expect(await found(`ærøskøbing ${tag}`)).toEqual([])
    })

    it('rooms(search:) folds accents too, and accented names sort with their letters, not after "z"', async () => {
      const u = await signUp(t.url)
      const tag = crypto.randomBytes(3).toString('hex')
      for (const name of [`Zebra ${tag}`, `Émile ${tag}`, `apple ${tag}`, `Straße ${tag}`]) await createRoom(t.url, u.token, name)
      const list = async (s: string) => (await ok(t.url, ROOMS, { s }, u.token)).rooms.edges.map((e: any) => e.node.name)
      expect(await list(`EMILE ${tag}`)).toEqual([`Émile ${tag}`])
      expect(await list(`strasse ${tag}`)).toEqual([`Straße ${tag}`])
      expect(await list(tag)).toEqual([`apple ${tag}`, `Émile ${tag}`, `Straße ${tag}`, `Zebra ${tag}`])
    })
  })

  describe.runIf(canRun(backend))(`the name keys' migration (${BACKEND_NAMES[backend]})`, () => {
    it('fills the keys of users and rooms stored before it', async () => {
      const made = backend === 'postgres' ? await freshPgDatabase() : { url: tempSqlitePath(), drop: async () => {} }
      const database = openDatabase(made.url)
      try {
        const migrator = new Migrator({ db: database.db, provider: migrationProvider })
        const to = await migrator.migrateTo('2026_12_07_0300_reaction_events_pending')
        expect(to.error).toBeUndefined()
        const userId = crypto.randomUUID()
        const roomId = crypto.randomUUID()
        await sql`INSERT INTO users (id, username, username_key, display_name, first_name, last_name, password_hash, created_at, updated_at, last_seen_at)
          VALUES (${userId}, 'zola', 'zola', 'ÉMILE ZOLA', NULL, NULL, '!', 1, 1, NULL)`.execute(database.db)
        await sql`INSERT INTO rooms (id, code, name, name_key, description, kind, is_active, created_by, created_at, updated_at, last_activity_at, msg_seq, event_seq, direct_key)
          VALUES (${roomId}, 'CODE1234', 'Über Café', 'über café', NULL, 'PUBLIC', 1, ${userId}, 1, 1, 1, 0, 0, NULL)`.execute(database.db)
        await migrateToLatest(database.db)
        const user = await database.db.selectFrom('users').select('display_name_key').where('id', '=', userId).executeTakeFirstOrThrow()
        const room = await database.db.selectFrom('rooms').select('name_key').where('id', '=', roomId).executeTakeFirstOrThrow()
        expect(user.display_name_key).toBe('emile zola')
        expect(room.name_key).toBe('uber cafe')
      } finally {
        await database.close()
        await made.drop()
      }
    })
  })
}
