// The users and sessions repositories against real databases: SQLite always, PostgreSQL when
// TEST_PG_URL is set (CI sets it; skipped otherwise). The same cases run on both.
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/index.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import type { Database, SessionsTable, UsersTable } from '../../src/db/types.js'
import { UsersRepository } from '../../src/modules/users/users.repository.js'
import { SessionsRepository } from '../../src/modules/auth/sessions.repository.js'
import { BACKENDS, BACKEND_NAMES, canRun, freshPgDatabase, tempSqlitePath } from '../helpers/app.js'

const make = (backend: 'sqlite' | 'postgres'): Promise<{ url: string; drop(): Promise<void> }> =>
  backend === 'postgres' ? freshPgDatabase() : Promise.resolve({ url: tempSqlitePath(), drop: async () => {} })

// epoch ms well past 2^31, as real timestamps are: must round-trip as exact numbers
const T0 = 1_795_000_000_123

let n = 0
function userRow(over: Partial<UsersTable> = {}): UsersTable {
  const username = over.username ?? `User_${n++}_${crypto.randomBytes(3).toString('hex')}`
  return {
    id: crypto.randomUUID(), username, username_key: username.toLowerCase(), display_name: username,
    first_name: null, last_name: null, password_hash: '$argon2id$fake', created_at: T0, updated_at: T0, last_seen_at: null,
    ...over,
  }
}

function sessionRow(userId: string, over: Partial<SessionsTable> = {}): SessionsTable {
  return {
    id: crypto.randomUUID(), user_id: userId, token_hash: crypto.randomBytes(32).toString('hex'),
    created_at: T0, last_used_at: T0, expires_at: T0 + 86_400_000, user_agent: 'test', revoked_at: null,
    ...over,
  }
}

for (const backend of BACKENDS) describe.runIf(canRun(backend))(BACKEND_NAMES[backend], () => {
  let database: Database
  let drop: () => Promise<void>
  let users: UsersRepository
  let sessions: SessionsRepository

  beforeAll(async () => {
    const d = await make(backend)
    drop = d.drop
    database = openDatabase(d.url)
    await migrateToLatest(database.db)
    users = new UsersRepository(database.db)
    sessions = new SessionsRepository(database.db)
  })
  afterAll(async () => {
    await database?.close()
    await drop?.()
  })

  it('migrating again applies nothing', async () => {
    expect(await migrateToLatest(database.db)).toEqual([])
  })

  describe('users', () => {
    it('inserts and reads back every field, times as exact numbers', async () => {
      const row = userRow({ first_name: 'Zoë', last_name: '山田', last_seen_at: T0 + 5 })
      await users.insert(row)
      const got = await users.byId(row.id)
      expect(got).toEqual({
        id: row.id, username: row.username, displayName: row.display_name, firstName: 'Zoë', lastName: '山田',
        createdAt: T0, updatedAt: T0, lastSeenAt: T0 + 5, avatarId: null,
      })
      expect(typeof got!.createdAt).toBe('number')
    })

    it('byId of an unknown id is null; byIds returns only what exists', async () => {
      const a = userRow()
      const b = userRow()
      await users.insert(a)
      await users.insert(b)
      expect(await users.byId(crypto.randomUUID())).toBeNull()
      const map = await users.byIds([a.id, crypto.randomUUID(), b.id])
      expect([...map.keys()].sort()).toEqual([a.id, b.id].sort())
      expect(map.get(a.id)!.username).toBe(a.username)
      expect((await users.byIds([])).size).toBe(0)
    })

    it('the username key is unique: the database refuses a second user with it', async () => {
      const a = userRow()
      await users.insert(a)
      await expect(users.insert(userRow({ username: a.username.toUpperCase(), username_key: a.username_key }))).rejects.toThrow()
      expect(await users.keyTaken(a.username_key)).toBe(true)
      expect(await users.keyTaken('never_' + a.username_key)).toBe(false)
    })

    it('credentialsByKey finds the user and its password hash by the lower-case key', async () => {
      const a = userRow({ password_hash: '$argon2id$v=19$secret' })
      await users.insert(a)
      const c = await users.credentialsByKey(a.username_key)
      expect(c?.user.id).toBe(a.id)
      expect(c?.passwordHash).toBe('$argon2id$v=19$secret')
      expect(await users.credentialsByKey('no_such_key_' + n)).toBeNull()
    })

    it('update changes only the given fields and moves updated_at; an unknown id gives null', async () => {
      const a = userRow({ first_name: 'Keep' })
      await users.insert(a)
      const u = await users.update(a.id, { display_name: 'New' }, T0 + 1000)
      expect(u).toMatchObject({ displayName: 'New', firstName: 'Keep', updatedAt: T0 + 1000 })
      const cleared = await users.update(a.id, { first_name: null }, T0 + 2000)
      expect(cleared).toMatchObject({ displayName: 'New', firstName: null })
      expect(await users.update(crypto.randomUUID(), { display_name: 'x' }, T0)).toBeNull()
      await users.touchLastSeen(a.id, T0 + 3000)
      expect((await users.byId(a.id))!.lastSeenAt).toBe(T0 + 3000)
    })

    it('search: case-insensitive substring of username or display name, ordered by key, paged by key', async () => {
      const tag = 'q' + crypto.randomBytes(3).toString('hex')
      const rows = [
        userRow({ username: `${tag}_b`, username_key: `${tag}_b` }),
        userRow({ username: `A${tag.toUpperCase()}`, username_key: `a${tag}` }),
        userRow({ display_name: `Named ${tag.toUpperCase()} here` }),
        userRow({ display_name: 'unrelated' }),
      ]
      for (const r of rows) await users.insert(r)
      const all = await users.search(tag, null, 100)
      expect(all.map((x) => x.user.id).sort()).toEqual([rows[0].id, rows[1].id, rows[2].id].sort())
      const keys = all.map((x) => x.key)
      expect(keys).toEqual([...keys].sort())
      const first = await users.search(tag.toUpperCase(), null, 2)
      expect(first).toHaveLength(2)
      const rest = await users.search(tag, first[1].key, 100)
      expect(rest.map((x) => x.key)).toEqual(keys.slice(2))
    })

    it('search treats % and _ as plain characters', async () => {
      const tag = 'w' + crypto.randomBytes(3).toString('hex')
      const pct = userRow({ display_name: `100% ${tag}` })
      const under = userRow({ username: `${tag}_x`, username_key: `${tag}_x` })
      const plain = userRow({ username: `${tag}zx`, username_key: `${tag}zx` })
      for (const r of [pct, under, plain]) await users.insert(r)
      expect((await users.search('100%', null, 100)).map((x) => x.user.id)).toEqual([pct.id])
      expect((await users.search(`${tag}_`, null, 100)).map((x) => x.user.id)).toEqual([under.id])
    })
  })

  describe('sessions', () => {
    async function withUser() {
      const u = userRow()
      await users.insert(u)
      return u
    }

    it('finds a live session of its user by token hash', async () => {
      const u = await withUser()
      const s = sessionRow(u.id, { expires_at: Date.now() + 60_000 })
      await sessions.insert(s)
      const found = await sessions.liveByTokenHash(s.token_hash, Date.now())
      expect(found).toEqual({ id: s.id, userId: u.id, createdAt: T0, lastUsedAt: T0, expiresAt: s.expires_at, userAgent: 'test' })
      expect(await sessions.liveByTokenHash('0'.repeat(64), Date.now())).toBeNull()
    })

    it('a token hash is unique', async () => {
      const u = await withUser()
      const s = sessionRow(u.id)
      await sessions.insert(s)
      await expect(sessions.insert(sessionRow(u.id, { token_hash: s.token_hash }))).rejects.toThrow()
    })

    it('an expired or revoked session is not live', async () => {
      const u = await withUser()
      const now = T0 + 10_000
      const expired = sessionRow(u.id, { expires_at: now })
      const revoked = sessionRow(u.id, { expires_at: now + 60_000, revoked_at: now - 1 })
      const live = sessionRow(u.id, { expires_at: now + 1 })
      for (const s of [expired, revoked, live]) await sessions.insert(s)
      expect(await sessions.liveByTokenHash(expired.token_hash, now)).toBeNull()
      expect(await sessions.liveByTokenHash(revoked.token_hash, now)).toBeNull()
      expect((await sessions.liveByTokenHash(live.token_hash, now))?.id).toBe(live.id)
      expect((await sessions.liveForUser(u.id, now)).map((s) => s.id)).toEqual([live.id])
    })

    it('liveForUser lists only that user\'s live sessions, newest first', async () => {
      const u = await withUser()
      const other = await withUser()
      const older = sessionRow(u.id, { created_at: T0 + 1 })
      const newer = sessionRow(u.id, { created_at: T0 + 2 })
      await sessions.insert(older)
      await sessions.insert(newer)
      await sessions.insert(sessionRow(other.id))
      expect((await sessions.liveForUser(u.id, T0 + 10)).map((s) => s.id)).toEqual([newer.id, older.id])
    })

    it('touch moves last_used_at', async () => {
      const u = await withUser()
      const s = sessionRow(u.id)
      await sessions.insert(s)
      await sessions.touch(s.id, T0 + 777)
      expect((await sessions.liveForUser(u.id, T0))[0].lastUsedAt).toBe(T0 + 777)
    })

    it('revoke ends only the user\'s own live session, once', async () => {
      const u = await withUser()
      const thief = await withUser()
      const s = sessionRow(u.id)
      await sessions.insert(s)
      expect(await sessions.revoke(thief.id, s.id, T0 + 1)).toBe(false)
      expect((await sessions.liveForUser(u.id, T0 + 1)).map((x) => x.id)).toEqual([s.id])
      expect(await sessions.revoke(u.id, s.id, T0 + 1)).toBe(true)
      expect(await sessions.revoke(u.id, s.id, T0 + 2)).toBe(false)
      expect(await sessions.liveByTokenHash(s.token_hash, T0 + 2)).toBeNull()
      const gone = sessionRow(u.id, { expires_at: T0 + 5 })
      await sessions.insert(gone)
      expect(await sessions.revoke(u.id, gone.id, T0 + 10)).toBe(false)
    })
  })
})
