// Frozen: never edit after it has shipped; add a new dated migration instead.
import { type Kysely, PostgresAdapter, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const time = pg ? 'bigint' : 'integer'

  await db.schema.createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_key', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('last_seen_at', time)
    .execute()
  await db.schema.createIndex('users_display_name_idx').on('users').column('display_name').execute()

  await db.schema.createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time, (c) => c.notNull())
    .addColumn('expires_at', time, (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('revoked_at', time)
    .execute()
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute()

  await db.schema.createTable('rooms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addColumn('last_activity_at', time, (c) => c.notNull())
    .addColumn('msg_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('event_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('direct_key', 'text', (c) => c.unique())
    .execute()
  await db.schema.createIndex('rooms_kind_name_idx').on('rooms').columns(['kind', 'name_key']).execute()

  await db.schema.createTable('room_members')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_at', time, (c) => c.notNull())
    .addColumn('last_read_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('room_members_pk', ['room_id', 'user_id'])
    .execute()
  await db.schema.createIndex('room_members_user_idx').on('room_members').columns(['user_id', 'room_id']).execute()

  await db.schema.createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('sender_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('edited_at', time)
    .addColumn('deleted_at', time)
    .addColumn('added_event_seq', 'integer', (c) => c.notNull())
    .addUniqueConstraint('messages_room_seq_uq', ['room_id', 'seq'])
    .addUniqueConstraint('messages_client_uq', ['sender_id', 'room_id', 'client_id'])
    .execute()

  await db.schema.createTable('message_events')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('message_events_pk', ['room_id', 'seq'])
    .execute()

  if (pg) {
    await sql`CREATE INDEX messages_body_fts_idx ON messages USING gin (to_tsvector('simple', body))`.execute(db)
  } else {
    await sql`CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(db)
    await sql`CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
      INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body); END`.execute(db)
    await sql`CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END`.execute(db)
    await sql`CREATE TRIGGER messages_fts_au AFTER UPDATE OF body ON messages BEGIN
      INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
      INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body); END`.execute(db)
  }

  await db.schema.createTable('friend_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('from_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('to_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('responded_at', time)
    .execute()
  await db.schema.createIndex('friend_requests_to_idx').on('friend_requests').columns(['to_id', 'status']).execute()
  await db.schema.createIndex('friend_requests_from_idx').on('friend_requests').columns(['from_id', 'status']).execute()

  await db.schema.createTable('friendships')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('friend_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('friendships_pk', ['user_id', 'friend_id'])
    .execute()

  await db.schema.createTable('blocks')
    .addColumn('blocker_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('blocked_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
    .execute()

  await db.schema.createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('room_id', 'text', (c) => c.references('rooms.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.references('messages.id').onDelete('cascade'))
    .addColumn('friend_request_id', 'text', (c) => c.references('friend_requests.id').onDelete('cascade'))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('read_at', time)
    .execute()
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'created_at']).execute()

  await db.schema.createTable('room_timers')
    .addColumn('room_id', 'text', (c) => c.primaryKey().references('rooms.id').onDelete('cascade'))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('paused_phase', 'text')
    .addColumn('focus_minutes', 'integer', (c) => c.notNull())
    .addColumn('break_minutes', 'integer', (c) => c.notNull())
    .addColumn('phase_started_at', time, (c) => c.notNull())
    .addColumn('phase_ends_at', time)
    .addColumn('remaining_ms', time)
    .addColumn('started_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('cycle', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.createIndex('room_timers_ends_idx').on('room_timers').column('phase_ends_at').execute()

  await db.schema.createTable('study_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('room_id', 'text', (c) => c.references('rooms.id').onDelete('set null'))
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('started_at', time, (c) => c.notNull())
    .addColumn('ended_at', time)
    .addColumn('timer_key', 'text')
    .addUniqueConstraint('study_sessions_timer_uq', ['user_id', 'timer_key'])
    .execute()
  await db.schema.createIndex('study_sessions_user_idx').on('study_sessions').columns(['user_id', 'started_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['study_sessions', 'room_timers', 'notifications', 'blocks', 'friendships', 'friend_requests']) {
    await db.schema.dropTable(t).ifExists().execute()
  }
  await sql`DROP TABLE IF EXISTS messages_fts`.execute(db)
  for (const t of ['message_events', 'messages', 'room_members', 'rooms', 'sessions', 'users']) {
    await db.schema.dropTable(t).ifExists().execute()
  }
}
