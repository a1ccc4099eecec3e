// Row shapes as stored. Times are epoch milliseconds (bigint in PostgreSQL, parsed to number).
import type { Generated, Kysely } from 'kysely'

export interface UsersTable {
  id: string
  username: string
  username_key: string
  display_name: string
  /** nameKey(display_name) (src/lib/text.ts): what users(search:) matches */
  display_name_key?: string
  first_name: string | null
  last_name: string | null
  password_hash: string
  created_at: number
  updated_at: number
  last_seen_at: number | null
  /** the upload shown as the user's picture */
  avatar_id?: string | null
}

export interface SessionsTable {
  id: string
  user_id: string
  token_hash: string
  created_at: number
  last_used_at: number
  expires_at: number
  user_agent: string | null
  revoked_at: number | null
}

export interface RoomsTable {
  id: string
  code: string
  name: string
  name_key: string
  description: string | null
  kind: 'PUBLIC' | 'PRIVATE' | 'DIRECT'
  is_active: number
  created_by: string | null
  created_at: number
  updated_at: number
  last_activity_at: number
  msg_seq: number
  event_seq: number
  direct_key: string | null
  /** removals of members so far: a send stores only under the epoch its membership check read */
  member_epoch: number
}

export type NotificationLevel = 'ALL' | 'MENTIONS' | 'NONE'

export interface RoomMembersTable {
  room_id: string
  user_id: string
  role: 'OWNER' | 'MODERATOR' | 'MEMBER'
  joined_at: number
  /** Message.seq of the last message the member has read */
  last_read_seq: number
  /** 'ALL' | 'MENTIONS' | 'NONE'; null: the room kind's default (see notificationLevelOf) */
  notification_level: NotificationLevel | null
}

export interface MessagesTable {
  id: string
  room_id: string
  seq: number
  sender_id: string
  body: string
  client_id: string | null
  created_at: number
  edited_at: number | null
  deleted_at: number | null
  /** event seq of this message's ADDED event: lets messageAdded replays line up with the event stream */
  added_event_seq: number
  reply_to_id: string | null
  pinned_at: number | null
  pinned_by: string | null
  /**
   * PostgreSQL only: the body's words for search (src/lib/search-words.ts), written with the body
   * and emptied on delete. Never read back (reads list their columns: MESSAGE_FIELDS)
   */
  search_words?: string[]
}

export interface MessageReactionsTable {
  id: Generated<number>
  message_id: string
  user_id: string
  emoji: string
  created_at: number
}

/** a message whose reactions changed and whose REACTIONS_CHANGED event is not written yet */
export interface ReactionEventsPendingTable {
  message_id: string
  since: number
}

export interface MessageEventsTable {
  room_id: string
  seq: number
  kind: 'ADDED' | 'EDITED' | 'DELETED' | 'REACTIONS_CHANGED' | 'PINNED' | 'UNPINNED'
  message_id: string
  at: number
}

export interface FriendRequestsTable {
  id: string
  from_id: string
  to_id: string
  status: 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'CANCELLED'
  created_at: number
  responded_at: number | null
}

/** one row per direction: (a,b) and (b,a) */
export interface FriendshipsTable {
  user_id: string
  friend_id: string
  created_at: number
}

export interface BlocksTable {
  blocker_id: string
  blocked_id: string
  created_at: number
}

export interface NotificationsTable {
  id: string
  user_id: string
  kind: 'FRIEND_REQUEST_RECEIVED' | 'FRIEND_REQUEST_ACCEPTED' | 'DIRECT_MESSAGE' | 'MENTION' | 'REPLY'
  actor_id: string | null
  room_id: string | null
  message_id: string | null
  friend_request_id: string | null
  created_at: number
  read_at: number | null
}

export interface RoomTimersTable {
  room_id: string
  phase: 'FOCUS' | 'BREAK' | 'PAUSED' | 'STOPPED'
  /** the phase a PAUSED timer resumes into */
  paused_phase: 'FOCUS' | 'BREAK' | null
  focus_minutes: number
  break_minutes: number
  phase_started_at: number
  phase_ends_at: number | null
  /** ms left in the paused phase */
  remaining_ms: number | null
  started_by: string | null
  cycle: number
  /** bumped on every change; transitions are compare-and-set on it so only one instance performs each */
  version: number
  /** JSON [[from, to|null], ...]: the running stretches of the current FOCUS phase (pauses are the gaps) */
  focus_segments: string
  last_action: 'STARTED' | 'PAUSED' | 'RESUMED' | 'STOPPED' | null
  last_action_by: string | null
  last_action_at: number | null
}

/** a stretch of a member's presence in a room with a timer; until null while open */
export interface FocusSpansTable {
  id: string
  room_id: string
  user_id: string
  since: number
  until: number | null
  /** when an instance last confirmed the open stretch; a stretch left open by a crashed instance ends here */
  seen_at: number
}

export interface FocusGoalsTable {
  room_id: string
  user_id: string
  /** the goal for the current focus phase */
  goal: string | null
  /** the goal of the phase that just ended, until the next focus phase starts */
  last_goal: string | null
  /** 1 done, 0 not yet, null unanswered */
  done: number | null
  updated_at: number
}

/** a user's focus settings; no row: the defaults */
export interface FocusSettingsTable {
  user_id: string
  /** 1: notifications are held while the user is in a running focus phase they are present in */
  hold_notifications: number
}

/** a notification kept from the `notifications` feed while its user focuses */
export interface HeldNotificationsTable {
  notification_id: string
  user_id: string
  held_at: number
}

export interface StudySessionsTable {
  id: string
  user_id: string
  room_id: string | null
  minutes: number
  started_at: number
  ended_at: number | null
  /** set for sessions created by a room timer's FOCUS phase: room_id:cycle start, unique per user */
  timer_key: string | null
}

export interface AttachmentsTable {
  id: string
  uploader_id: string
  name: string
  content_type: string
  size: number
  width: number | null
  height: number | null
  has_thumbnail: number
  created_at: number
  /** set when sent: the message, its room and the place in the message's list */
  message_id: string | null
  room_id: string | null
  position: number | null
}

/** an upload's bytes when kept in the database; variant 'file' or 'thumbnail' */
export interface AttachmentBlobsTable {
  attachment_id: string
  variant: string
  data: Buffer
}

export interface RoomBansTable {
  room_id: string
  user_id: string
  banned_by: string | null
  banned_at: number
}

/** a user's weekly study goal (setWeeklyGoal); no row: none set */
export interface StudyGoalsTable {
  user_id: string
  weekly_minutes: number
  updated_at: number
}

export interface DB {
  attachments: AttachmentsTable
  attachment_blobs: AttachmentBlobsTable
  users: UsersTable
  sessions: SessionsTable
  rooms: RoomsTable
  room_members: RoomMembersTable
  room_bans: RoomBansTable
  messages: MessagesTable
  message_events: MessageEventsTable
  message_reactions: MessageReactionsTable
  reaction_events_pending: ReactionEventsPendingTable
  friend_requests: FriendRequestsTable
  friendships: FriendshipsTable
  blocks: BlocksTable
  notifications: NotificationsTable
  room_timers: RoomTimersTable
  study_sessions: StudySessionsTable
  focus_spans: FocusSpansTable
  focus_goals: FocusGoalsTable
  focus_settings: FocusSettingsTable
  held_notifications: HeldNotificationsTable
  study_goals: StudyGoalsTable
}

export type Dialect = 'sqlite' | 'postgres'

/**
 * SQLite's connection used directly, without kysely's per-statement promise chain. `exclusive`
 * holds kysely's lock on the connection while `fn` runs, so no kysely statement or transaction
 * interleaves; inside it `rows` runs one statement at once (its rows, or [] for a statement that
 * returns none). Statements are counted in `stats.queries` and tell the WAL sync and the
 * checkpointer about writes, as kysely's do.
 */
export interface SqliteSync {
  exclusive<T>(fn: () => T): Promise<T>
  rows<R>(sql: string, params: readonly unknown[]): R[]
}

export interface Database {
  db: Kysely<DB>
  dialect: Dialect
  /** statements executed since start, background ones left out (lets tests count the queries of one operation); WAL syncs started and finished */
  stats: { queries: number; syncs: number; synced: number }
  /** cheap liveness probe for /health */
  ping(): Promise<boolean>
  /**
   * Resolves once every write committed before the call is on disk (SQLite with
   * SQLITE_SYNCHRONOUS=FULL: an fsync of the WAL off the event loop; otherwise at once). A
   * mutation's answer and the events it publishes wait for it.
   */
  durable(): Promise<void>
  /**
   * SQLite: null, or a promise while a checkpoint finishes in its worker (src/db/checkpointer.ts);
   * writes that may wait a few ms (the send path's group commit) start after it, so the WAL can
   * restart. PostgreSQL: absent.
   */
  writeGate?(): Promise<void> | null
  /** SQLite: statements run synchronously on the connection, for the send path's group commit */
  sqlite?: SqliteSync
  /** SQLite with the checkpoint worker: checkpoints run, completed, holds taken (early: at the WAL's hard bound), failures */
  checkpoints?: { checkpoints: number; complete: number; holds: number; earlyHolds: number; failures: number }
  close(): Promise<void>
}
