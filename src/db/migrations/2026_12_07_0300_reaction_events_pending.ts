// Frozen: never edit after it has shipped; add a new dated migration instead.
// A reaction change commits at once; its REACTIONS_CHANGED event is written up to
// REACTION_TICK_MS later (changes within the tick share one). An instance that died in between
// left the change without an event: subscribers and `after` replays never reached the stored
// state (a durability audit). The change now marks its message here in its own transaction; the
// event's transaction removes the mark, and every instance writes the event for a mark that has
// waited too long (MessagesService, sweepReactionEvents).
import { type Kysely, PostgresAdapter } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema.createTable('reaction_events_pending')
    .addColumn('message_id', 'text', (c) => c.primaryKey().references('messages.id').onDelete('cascade'))
    .addColumn('since', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('reaction_events_pending').ifExists().execute()
}
