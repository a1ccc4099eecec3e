// Frozen: never edit after it has shipped; add a new dated migration instead.
// At most one running (not yet ended) study session per user, enforced by the database so that
// two concurrent startStudySession calls cannot both succeed.
import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('study_sessions_one_running_uq').unique().on('study_sessions').column('user_id')
    .where(sql.ref('ended_at'), 'is', null).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('study_sessions_one_running_uq').ifExists().execute()
}
