import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'
import * as m0001 from './migrations/2026_11_22_0001_initial.js'
import * as m0500 from './migrations/2026_11_22_0500_study_one_running.js'
import * as m1206 from './migrations/2026_12_06_0001_search_by_room.js'
import * as m1206f from './migrations/2026_12_06_1700_focus_attendance.js'
import * as m1206n from './migrations/2026_12_06_1100_notification_level.js'
import * as m1206b from './migrations/2026_12_06_1300_room_bans.js'
import * as m1206r from './migrations/2026_12_06_1400_replies_reactions_pins.js'
import * as m1206d from './migrations/2026_12_06_1500_attachments.js'
import * as m1206c from './migrations/2026_12_06_1600_weekly_goal.js'
import * as m1206s from './migrations/2026_12_06_1800_deferred_search_index.js'
import * as m1207e from './migrations/2026_12_07_0100_member_epoch.js'
import * as m1207w from './migrations/2026_12_07_0200_search_words.js'
import * as m1207p from './migrations/2026_12_07_0300_reaction_events_pending.js'
import * as m1207n from './migrations/2026_12_07_0400_name_keys.js'

// Imported statically: kysely's FileMigrationProvider cannot load .ts files under vitest.
const migrations: Record<string, Migration> = {
  '2026_11_22_0001_initial': m0001,
  '2026_11_22_0500_study_one_running': m0500,
  '2026_12_06_0001_search_by_room': m1206,
  '2026_12_06_1700_focus_attendance': m1206f,
  '2026_12_06_1100_notification_level': m1206n,
  '2026_12_06_1300_room_bans': m1206b,
  '2026_12_06_1400_replies_reactions_pins': m1206r,
  '2026_12_06_1500_attachments': m1206d,
  '2026_12_06_1600_weekly_goal': m1206c,
  '2026_12_06_1800_deferred_search_index': m1206s,
  '2026_12_07_0100_member_epoch': m1207e,
  '2026_12_07_0200_search_words': m1207w,
  '2026_12_07_0300_reaction_events_pending': m1207p,
  '2026_12_07_0400_name_keys': m1207n,
}

class StaticProvider implements MigrationProvider {
  async getMigrations() { return migrations }
}

/** the migrations above (tests migrate to one of them) */
export const migrationProvider: MigrationProvider = new StaticProvider()

/** the database was migrated by a newer Hearth than this one: it is left as it is */
export class NewerDatabaseError extends Error {}

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    // kysely says "corrupted migrations": it is an older build started on a newer database
    const unknown = /previously executed migration (\S+) is missing/.exec(String((error as Error)?.message ?? error))
    if (unknown) throw new NewerDatabaseError(`This database was migrated by a newer version of Hearth (its migration ${unknown[1]} is unknown to this one); nothing was changed. Run that version or a later one.`)
    throw error instanceof Error ? error : new Error(String(error))
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
