// Domain models the resolvers receive as parents (codegen mappers point here).
// Times are epoch milliseconds; the DateTime scalar turns them into ISO strings.

export interface UserModel {
  id: string
  username: string
  displayName: string
  firstName: string | null
  lastName: string | null
  createdAt: number
  updatedAt: number
  lastSeenAt: number | null
  /** the upload shown as the user's picture (User.avatarUrl) */
  avatarId?: string | null
}

export interface SessionModel {
  id: string
  userId: string
  createdAt: number
  lastUsedAt: number
  expiresAt: number
  userAgent: string | null
}

export interface AuthPayloadModel {
  token: string
  user: UserModel
  session: SessionModel
}

export type RoomKind = 'PUBLIC' | 'PRIVATE' | 'DIRECT'
export type MemberRole = 'OWNER' | 'MODERATOR' | 'MEMBER'

export interface RoomModel {
  id: string
  code: string
  name: string
  description: string | null
  kind: RoomKind
  isActive: boolean
  createdById: string | null
  createdAt: number
  lastActivityAt: number
  msgSeq: number
  eventSeq: number
  /**
   * Set on the room a roomActivity event carries: its unread count stops at this message (seq),
   * so each event shows the count as of itself, not one that already includes later messages.
   */
  asOfSeq?: number
}

export interface RoomMemberModel {
  roomId: string
  userId: string
  role: MemberRole
  joinedAt: number
}

export interface MessageModel {
  id: string
  roomId: string
  seq: number
  senderId: string
  body: string
  clientId: string | null
  createdAt: number
  editedAt: number | null
  deletedAt: number | null
  addedEventSeq: number
  replyToId: string | null
  pinnedAt: number | null
  pinnedById: string | null
  /**
   * The reactions when the message was read for an event (the event's own snapshot: every render
   * of the event, for any viewer, uses it without a query); absent: loaded when asked.
   */
  reactions?: ReactionGroupModel[]
  /**
   * The sender as the send's own transaction read it (PostgreSQL: the insert returns the row;
   * SQLite: read in the group commit), so that rendering the event asks no query; absent:
   * loaded when asked.
   */
  sender?: UserModel
  /**
   * The attachments as the send stored them (none for a send without attachmentIds), so that
   * rendering its event asks no query; absent: loaded when asked.
   */
  attachments?: AttachmentModel[]
}

export type MessageEventKind = 'ADDED' | 'EDITED' | 'DELETED' | 'REACTIONS_CHANGED' | 'PINNED' | 'UNPINNED'

/** one emoji's reactions on a message; userIds earliest first */
export interface ReactionGroupModel {
  messageId: string
  emoji: string
  userIds: string[]
}

export interface MessageEventModel {
  roomId: string
  seq: number
  kind: MessageEventKind
  message: MessageModel
  at: number
}

export interface TypingEventModel { roomId: string; userId: string; typing: boolean }

export interface PresenceEventModel {
  userId: string
  status: 'ONLINE' | 'AWAY' | 'OFFLINE'
  roomId: string | null
  joined: boolean | null
  left: boolean | null
  at: number
}

export interface FriendRequestModel {
  id: string
  fromId: string
  toId: string
  status: 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'CANCELLED'
  createdAt: number
  respondedAt: number | null
}

export interface SignalModel {
  id: string
  roomId: string
  fromId: string
  toId: string
  kind: 'OFFER' | 'ANSWER' | 'ICE_CANDIDATE' | 'HANGUP'
  payload: string
  createdAt: number
}

export interface NotificationModel {
  id: string
  userId: string
  kind: 'FRIEND_REQUEST_RECEIVED' | 'FRIEND_REQUEST_ACCEPTED' | 'DIRECT_MESSAGE' | 'MENTION' | 'REPLY'
  actorId: string | null
  roomId: string | null
  messageId: string | null
  friendRequestId: string | null
  createdAt: number
  readAt: number | null
}

export interface RoomTimerModel {
  roomId: string
  phase: 'FOCUS' | 'BREAK' | 'PAUSED' | 'STOPPED'
  pausedPhase: 'FOCUS' | 'BREAK' | null
  focusMinutes: number
  breakMinutes: number
  phaseStartedAt: number
  phaseEndsAt: number | null
  remainingMs: number | null
  startedById: string | null
  cycle: number
  version: number
  /** the server clock the remaining time was computed against */
  serverTime: number
  /** running stretches of the current FOCUS phase: [from, to|null] */
  focusSegments: [number, number | null][]
  lastAction: 'STARTED' | 'PAUSED' | 'RESUMED' | 'STOPPED' | null
  lastActionById: string | null
  lastActionAt: number | null
}

export interface FocusParticipantModel {
  userId: string
  roomId: string
  goal: string | null
  lastGoal: string | null
  goalDone: boolean | null
  presentSince: number | null
  minutesThisPhase: number
}

export interface StudySessionModel {
  id: string
  userId: string
  roomId: string | null
  minutes: number
  startedAt: number
  endedAt: number | null
}

export interface CallEventModel {
  roomId: string
  userId: string
  joined: boolean
  participantIds: string[]
  at: number
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[]
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null }
}

/** roomListChanged: a change in the viewer's list of rooms */
export interface RoomListEventModel {
  kind: 'JOINED' | 'LEFT' | 'UPDATED'
  roomId: string
}

/** roomActivity: a message added in one of the viewer's rooms */
export interface RoomActivityModel {
  roomId: string
  message: MessageModel
}

export interface AttachmentModel {
  id: string
  uploaderId: string
  name: string
  contentType: string
  size: number
  width: number | null
  height: number | null
  hasThumbnail: boolean
  createdAt: number
  messageId: string | null
  roomId: string | null
  position: number | null
}

export type RoomChangeKind = 'UPDATED' | 'ROLE_CHANGED' | 'MEMBER_REMOVED' | 'PINS_CHANGED' | 'CODE_CHANGED' | 'DELETED'

export interface RoomChangeModel {
  roomId: string
  kind: RoomChangeKind
  userId: string | null
  byId: string | null
  at: number
  /** MEMBER_REMOVED: a ban */
  banned?: boolean
}
