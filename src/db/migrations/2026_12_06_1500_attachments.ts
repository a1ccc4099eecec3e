// Frozen: never edit after it has shipped; add a new dated migration instead.
// Attachments (contract part 2) and avatars.
// - attachments: one row per upload. message_id/room_id are set when it is sent (position: its
//   place in the message's list); until then only the uploader may read it, and an unsent upload
//   older than 24 hours is swept. No foreign keys: the row goes with its message or room by code
//   (the bytes may live outside the database).
// - attachment_blobs: the bytes, when they are kept in the database (PostgreSQL: shared between
//   instances; SQLite ':memory:'). A SQLite file keeps them in a directory beside it instead.
// - users.avatar_id: the upload shown as the user's picture (its thumbnail).
import { type Kysely, PostgresAdapter, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema.createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uploader_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('has_thumbnail', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('room_id', 'text')
    .addColumn('position', 'integer')
    .execute()
  await db.schema.createIndex('attachments_message_idx').on('attachments').columns(['message_id', 'position']).execute()
  await db.schema.createIndex('attachments_room_idx').on('attachments').column('room_id').execute()
  await db.schema.createIndex('attachments_unsent_idx').on('attachments').columns(['created_at']).where(sql.ref('message_id'), 'is', null).execute()
  await db.schema.createTable('attachment_blobs')
    .addColumn('attachment_id', 'text', (c) => c.notNull())
    .addColumn('variant', 'text', (c) => c.notNull())
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('attachment_blobs_pk', ['attachment_id', 'variant'])
    .execute()
  await db.schema.alterTable('users').addColumn('avatar_id', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('avatar_id').execute()
  await db.schema.dropTable('attachment_blobs').execute()
  await db.schema.dropTable('attachments').execute()
}
