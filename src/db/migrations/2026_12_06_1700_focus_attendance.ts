// Frozen: never edit after it has shipped; add a new dated migration instead.
// Honest focus credit (contract part 2): who was present in a room, and when, on the server's
// clock, kept in the database so that a restart of any instance loses nothing but the outage.
// - focus_spans: one row per stretch of presence of a member in a room with a timer; `until`
//   null while open (at most one open per room and user); `seen_at` is the last time an instance
//   confirmed the open stretch (a stretch left open by a crashed instance ends there).
// - room_timers.focus_segments: the running stretches of the current FOCUS phase as JSON
//   [[from, to|null], ...] (pauses are the gaps), written with the timer's compare-and-set.
// - room_timers.last_action / last_action_by / last_action_at: who started, paused, resumed or stopped it.
// - focus_goals: a member's goal for the current focus phase; after the phase ends it is kept as
//   last_goal with done (null: not answered) until the next focus phase starts.
// - held_notifications: notifications stored but not yet delivered, in order, while their user focuses.
// - focus_settings: per user, hold notifications while focusing (no row: on, the default).
import { type Kysely, PostgresAdapter, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  const time = pg ? 'bigint' : 'integer'

  await db.schema.createTable('focus_spans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('since', time, (c) => c.notNull())
    .addColumn('until', time)
    .addColumn('seen_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('focus_spans_room_idx').on('focus_spans').columns(['room_id', 'user_id']).execute()
  await db.schema.createIndex('focus_spans_open_uq').unique().on('focus_spans').columns(['room_id', 'user_id'])
    .where(sql.ref('until'), 'is', null).execute()

  await db.schema.alterTable('room_timers').addColumn('focus_segments', 'text', (c) => c.notNull().defaultTo('[]')).execute()
  await db.schema.alterTable('room_timers').addColumn('last_action', 'text').execute()
  await db.schema.alterTable('room_timers').addColumn('last_action_by', 'text', (c) => c.references('users.id').onDelete('set null')).execute()
  await db.schema.alterTable('room_timers').addColumn('last_action_at', time).execute()

  await db.schema.createTable('focus_goals')
    .addColumn('room_id', 'text', (c) => c.notNull().references('rooms.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('goal', 'text')
    .addColumn('last_goal', 'text')
    .addColumn('done', 'integer')
    .addColumn('updated_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('focus_goals_pk', ['room_id', 'user_id'])
    .execute()

  await db.schema.createTable('focus_settings')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('hold_notifications', 'integer', (c) => c.notNull())
    .execute()

  await db.schema.createTable('held_notifications')
    .addColumn('notification_id', 'text', (c) => c.primaryKey().references('notifications.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('held_at', time, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('held_notifications_user_idx').on('held_notifications').columns(['user_id', 'held_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('held_notifications').ifExists().execute()
  await db.schema.dropTable('focus_goals').ifExists().execute()
  await db.schema.dropTable('focus_spans').ifExists().execute()
  for (const c of ['focus_segments', 'last_action', 'last_action_by', 'last_action_at']) {
    await db.schema.alterTable('room_timers').dropColumn(c).execute()
  }
  await db.schema.dropTable('focus_settings').ifExists().execute()
}
