// Frozen: never edit after it has shipped; add a new dated migration instead.
// Message search finds the same words on both databases. PostgreSQL's index ran bodies through
// its own parser (to_tsvector('simple')), which differs from SQLite's FTS5 tokenizer: it made no
// word of "½", "²" or "①" (a query word of them then matched every message), kept
// "example.com", "alice@example.org", "path/to/report.txt", "v1.2.3" and "3.14" whole (so "com",
// "org", "txt", "2", "14" found nothing), and kept diacritics ("cafe" did not find "café").
// PostgreSQL: messages.search_words now holds a message's words as src/lib/search-words.ts makes
// them (the words of SQLite's FTS5 tokenizer), computed by the server when the message is stored
// or edited and emptied when it is deleted. The index is built from that array without any
// parser (array_to_tsvector), and keeps the room in the index query (2026_12_06_0001): the array
// gets the room's token, now "@" and the room id. array_to_tsvector's lexemes have no positions,
// so weights (what kept a word from matching the old "r..." room token) cannot be set on them;
// "@" separates words, so no word is, or begins, a room token.
// Existing rows are filled here, a batch at a time.
// SQLite: nothing changes; its FTS5 index is what defines the words.
// If what a word is changes (the tokenizer tables), a new migration recomputes search_words.
import { type Kysely, PostgresAdapter, sql } from 'kysely'
import { indexedWords } from '../../lib/search-words.js'

const BATCH = 1000

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  await sql`ALTER TABLE messages ADD COLUMN search_words text[] NOT NULL DEFAULT '{}'`.execute(db)
  // deleted messages keep the empty array (their body is '')
  let after = ''
  for (;;) {
    const rows: { id: string; body: string }[] = await db.selectFrom('messages').select(['id', 'body'])
      .where('id', '>', after).where('deleted_at', 'is', null).orderBy('id').limit(BATCH).execute()
    if (!rows.length) break
    const ids: string[] = []
    const words: string[] = []
    for (const r of rows) {
      const w = indexedWords(r.body)
      // a word never holds a space: each row's words travel as one string
      if (w.length) { ids.push(r.id); words.push(w.join(' ')) }
    }
    if (ids.length) {
      await sql`UPDATE messages SET search_words = string_to_array(v.words, ' ')
        FROM unnest(${ids}::text[], ${words}::text[]) AS v(id, words) WHERE messages.id = v.id`.execute(db)
    }
    after = rows[rows.length - 1].id
  }
  await sql`DROP INDEX IF EXISTS messages_search_idx`.execute(db)
  await sql`CREATE INDEX messages_search_words_idx ON messages USING gin (array_to_tsvector(search_words || ('@' || room_id)))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  await sql`DROP INDEX IF EXISTS messages_search_words_idx`.execute(db)
  await sql`CREATE INDEX messages_search_idx ON messages USING gin ((setweight(to_tsvector('simple', body), 'A') || setweight(to_tsvector('simple', 'r' || replace(room_id, '-', '')), 'D')))`.execute(db)
  await sql`ALTER TABLE messages DROP COLUMN search_words`.execute(db)
}
