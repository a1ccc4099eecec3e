// Frozen: never edit after it has shipped; add a new dated migration instead.
// Room moderation (contract part 2): who is banned from which room. A ban outlives the
// membership it ended and is lifted by unbanMember; the room's deletion takes its bans along.
// Roles (OWNER, MODERATOR, MEMBER) stay in room_members.role, a text column without a check.
import { type Kysely, PostgresAdapter } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const time = pg ? 'bigint' : 'integer'
  await db.schema.createTable('room_bans')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('banned_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('banned_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('room_bans_pk', ['room_id', 'user_id'])
    .execute()
  await db.schema.createIndex('room_bans_user_idx').on('room_bans').columns(['user_id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('room_bans').ifExists().execute()
}
