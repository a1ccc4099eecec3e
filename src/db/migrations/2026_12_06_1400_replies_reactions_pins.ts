// Frozen: never edit after it has shipped; add a new dated migration instead.
// Replies, reactions and pins (contract part 2). A reply names its original (same room; the
// original is never removed on its own: deleting a message keeps it as a tombstone, and a room's
// deletion takes both). A reaction is one row per (message, user, emoji); its id orders first use
// (created_at alone ties within a millisecond). A pin is two columns on the message.
// message_events.kind is plain text: REACTIONS_CHANGED, PINNED and UNPINNED need no change there.
import { type Kysely, PostgresAdapter, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const time = pg ? 'bigint' : 'integer'
  await db.schema.alterTable('messages').addColumn('reply_to_id', 'text').execute()
  await db.schema.alterTable('messages').addColumn('pinned_at', time).execute()
  await db.schema.alterTable('messages').addColumn('pinned_by', 'text', (c) => c.references('users.id').onDelete('set null')).execute()
  await db.schema.createIndex('messages_pinned_idx').on('messages').columns(['room_id', 'pinned_at']).where(sql.ref('pinned_at'), 'is not', null).execute()

  await db.schema.createTable('message_reactions')
    .addColumn('id', 'integer', (c) => (pg ? c.generatedByDefaultAsIdentity().primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addUniqueConstraint('message_reactions_uq', ['message_id', 'user_id', 'emoji'])
    .execute()
  await db.schema.createIndex('message_reactions_message_idx').on('message_reactions').columns(['message_id', 'id']).execute()
  await db.schema.createIndex('message_reactions_user_idx').on('message_reactions').column('user_id').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('message_reactions').ifExists().execute()
  await db.schema.dropIndex('messages_pinned_idx').ifExists().execute()
  await db.schema.alterTable('messages').dropColumn('pinned_by').execute()
  await db.schema.alterTable('messages').dropColumn('pinned_at').execute()
  await db.schema.alterTable('messages').dropColumn('reply_to_id').execute()
}
