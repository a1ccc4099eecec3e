// Frozen: never edit after it has shipped; add a new dated migration instead.
// Each member's notification level for a room (contract part 2: setRoomNotificationLevel):
// 'ALL', 'MENTIONS' or 'NONE'; null means the default for the room's kind (ALL for DIRECT rooms,
// MENTIONS for the others), so existing memberships need no backfill.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('room_members').addColumn('notification_level', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('room_members').dropColumn('notification_level').execute()
}
