// Frozen once shipped: add a new dated migration instead of editing.
// A user's weekly study goal (contract part 2: setWeeklyGoal). One row per user who set one;
// deleting the account deletes it (cascade).
import { type Kysely, PostgresAdapter } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter
  await db.schema.createTable('study_goals')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('weekly_minutes', 'integer', (c) => c.notNull())
    .addColumn('updated_at', pg ? 'bigint' : 'integer', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('study_goals').ifExists().execute()
}
