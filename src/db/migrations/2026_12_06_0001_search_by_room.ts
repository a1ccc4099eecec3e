// Frozen: never edit after it has shipped; add a new dated migration instead.
// Message search restricted to the viewer's rooms inside the index itself. The index used to
// hold bodies only, so a search matched every message of the database before the rooms were
// filtered (30 aliased searches by a user in no room, over 20,000 messages: 1.3 s of blocked
// event loop, linear in all messages). Each indexed message now also carries a token for its
// room ("r" and the room id's 32 hex digits), and a search asks for its words AND one of the
// viewer's room tokens in the same index query.
// SQLite: a contentless FTS5 table with a `room` column and 2- and 3-character prefix indexes.
// PostgreSQL: one GIN index over the body (weight A) and the room token (weight D); queries
// match words with weight A only, so a word never matches a room token.
import { type Kysely, PostgresAdapter, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  if (pg) {
    await sql`DROP INDEX IF EXISTS messages_body_fts_idx`.execute(db)
    await sql`CREATE INDEX messages_search_idx ON messages USING gin ((setweight(to_tsvector('simple', body), 'A') || setweight(to_tsvector('simple', 'r' || replace(room_id, '-', '')), 'D')))`.execute(db)
    return
  }
  for (const t of ['messages_fts_ai', 'messages_fts_ad', 'messages_fts_au']) await sql`DROP TRIGGER IF EXISTS ${sql.raw(t)}`.execute(db)
  await sql`DROP TABLE IF EXISTS messages_fts`.execute(db)
  await sql`CREATE VIRTUAL TABLE messages_fts USING fts5(body, room, content='', tokenize='unicode61 remove_diacritics 2', prefix='2 3')`.execute(db)
  await sql`INSERT INTO messages_fts(rowid, body, room) SELECT rowid, body, 'r' || replace(room_id, '-', '') FROM messages`.execute(db)
  await sql`CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, body, room) VALUES (new.rowid, new.body, 'r' || replace(new.room_id, '-', '')); END`.execute(db)
  await sql`CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body, room) VALUES ('delete', old.rowid, old.body, 'r' || replace(old.room_id, '-', '')); END`.execute(db)
  await sql`CREATE TRIGGER messages_fts_au AFTER UPDATE OF body, room_id ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body, room) VALUES ('delete', old.rowid, old.body, 'r' || replace(old.room_id, '-', ''));
    INSERT INTO messages_fts(rowid, body, room) VALUES (new.rowid, new.body, 'r' || replace(new.room_id, '-', '')); END`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  if (pg) {
    await sql`DROP INDEX IF EXISTS messages_search_idx`.execute(db)
    await sql`CREATE INDEX messages_body_fts_idx ON messages USING gin (to_tsvector('simple', body))`.execute(db)
    return
  }
  for (const t of ['messages_fts_ai', 'messages_fts_ad', 'messages_fts_au']) await sql`DROP TRIGGER IF EXISTS ${sql.raw(t)}`.execute(db)
  await sql`DROP TABLE IF EXISTS messages_fts`.execute(db)
  await sql`CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')`.execute(db)
  await sql`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')`.execute(db)
  await sql`CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body); END`.execute(db)
  await sql`CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END`.execute(db)
  await sql`CREATE TRIGGER messages_fts_au AFTER UPDATE OF body ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
    INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body); END`.execute(db)
}
