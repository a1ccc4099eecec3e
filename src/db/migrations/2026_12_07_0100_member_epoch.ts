// Frozen: never edit after it has shipped; add a new dated migration instead.
// rooms.member_epoch counts the removals of members (leave, kick, ban, deleteAccount). A send
// stores its message only if the room's epoch is still the one its membership check read: on
// PostgreSQL the send is one statement whose reads share one snapshot, and a send that waited for
// the room's lock behind a ban stored its message after the ban had answered (the audit's race).
import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE rooms ADD COLUMN member_epoch INTEGER NOT NULL DEFAULT 0`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE rooms DROP COLUMN member_epoch`.execute(db)
}
