// Frozen: never edit after it has shipped; add a new dated migration instead.
// SQLite: the full-text index is written in batches, not inside every send.
// FTS5 writes each transaction's new terms as a segment of their own and merges segments as
// they pile up, inside the commit: at 1000 sends/s (the rooms bench, issue 19) every group
// commit wrote one, and the merges stalled the event loop (commits up to 12 ms, send p99
// 49 ms; without the index 7 ms). A new or edited message now only marks its rowid in
// messages_fts_pending; src/modules/messages/search-index.ts indexes the marked rows together,
// a moment later or before any search (a search never misses a stored message). A row that
// is deleted or edited before it was indexed leaves nothing in the index to take out.
// PostgreSQL is unchanged (its GIN index takes new rows into a pending list of its own).
import { type Kysely, PostgresAdapter, sql } from 'kysely'

const ROOM = (row: 'old' | 'new') => sql.raw(`'r' || replace(${row}.room_id, '-', '')`)

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return
  await sql`CREATE TABLE messages_fts_pending (msg_rowid INTEGER PRIMARY KEY)`.execute(db)
  for (const t of ['messages_fts_ai', 'messages_fts_ad', 'messages_fts_au']) await sql`DROP TRIGGER IF EXISTS ${sql.raw(t)}`.execute(db)
  await sql`CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO messages_fts_pending(msg_rowid) VALUES (new.rowid); END`.execute(db)
  // what is in the index comes out (the contentless table needs the indexed values back);
  // what was only marked is unmarked
  await sql`CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body, room)
      SELECT 'delete', old.rowid, old.body, ${ROOM('old')}
      WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE msg_rowid = old.rowid);
    DELETE FROM messages_fts_pending WHERE msg_rowid = old.rowid; END`.execute(db)
  // an edit takes the old text out of the index and marks the row: the new text goes in with the next batch
  await sql`CREATE TRIGGER messages_fts_au AFTER UPDATE OF body, room_id ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body, room)
      SELECT 'delete', old.rowid, old.body, ${ROOM('old')}
      WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE msg_rowid = old.rowid);
    INSERT OR IGNORE INTO messages_fts_pending(msg_rowid) VALUES (new.rowid); END`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return
  // index what is still marked, then back to indexing inside every write
  await sql`INSERT INTO messages_fts(rowid, body, room) SELECT m.rowid, m.body, 'r' || replace(m.room_id, '-', '')
    FROM messages_fts_pending p JOIN messages m ON m.rowid = p.msg_rowid`.execute(db)
  await sql`DROP TABLE messages_fts_pending`.execute(db)
  for (const t of ['messages_fts_ai', 'messages_fts_ad', 'messages_fts_au']) await sql`DROP TRIGGER IF EXISTS ${sql.raw(t)}`.execute(db)
  await sql`CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, body, room) VALUES (new.rowid, new.body, 'r' || replace(new.room_id, '-', '')); END`.execute(db)
  await sql`CREATE TRIGGER messages_fts_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body, room) VALUES ('delete', old.rowid, old.body, 'r' || replace(old.room_id, '-', '')); END`.execute(db)
  await sql`CREATE TRIGGER messages_fts_au AFTER UPDATE OF body, room_id ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, body, room) VALUES ('delete', old.rowid, old.body, 'r' || replace(old.room_id, '-', ''));
    INSERT INTO messages_fts(rowid, body, room) VALUES (new.rowid, new.body, 'r' || replace(new.room_id, '-', '')); END`.execute(db)
}
