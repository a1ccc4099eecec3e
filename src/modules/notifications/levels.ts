// Per-room notification levels (contract part 2: Room.viewerNotificationLevel,
// setRoomNotificationLevel). The one place that decides whether a room-bound notification is
// created for a member: every kind tied to a room (DIRECT_MESSAGE, MENTION, and REPLY when it
// comes) must ask shouldNotify.
import type { NotificationLevel } from '../../db/types.js'
import type { NotificationModel, RoomKind } from '../../graphql/models.js'

export type { NotificationLevel }
export const NOTIFICATION_LEVELS: readonly NotificationLevel[] = ['ALL', 'MENTIONS', 'NONE']

/** A member who never chose: ALL for DIRECT rooms, MENTIONS for the others. */
export function defaultNotificationLevel(kind: RoomKind): NotificationLevel {
  return kind === 'DIRECT' ? 'ALL' : 'MENTIONS'
}

/** The member's level: the stored choice, else the room kind's default. */
export function notificationLevelOf(stored: NotificationLevel | null | undefined, kind: RoomKind): NotificationLevel {
  return stored && NOTIFICATION_LEVELS.includes(stored) ? stored : defaultNotificationLevel(kind)
}

/** Notification kinds that speak to the member directly: MENTIONS lets these through. */
const ADDRESSED: ReadonlySet<string> = new Set(['MENTION', 'REPLY'])

/**
 * Whether a notification of this kind, from a room where the member's level is `level`, is created.
 * NONE: nothing from the room; MENTIONS: mentions and replies only; ALL: everything.
 */
export function shouldNotify(level: NotificationLevel, kind: NotificationModel['kind'] | 'REPLY'): boolean {
  if (level === 'NONE') return false
  if (level === 'MENTIONS') return ADDRESSED.has(kind)
  return true
}
