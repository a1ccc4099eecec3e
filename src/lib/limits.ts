// How long the API's plain lists can get. Each cap is enforced where the list is written
// (joining a 501st room is refused) or where it is read (only the newest are listed), and the
// same number is what the query cost estimate (src/graphql/validation.ts) multiplies by, so a
// document's estimate is an upper bound of the work it asks for.

/** rooms one account belongs to, DIRECT rooms included (myRooms) */
export const MAX_ROOMS_PER_USER = 500
/** friends of one account (friends) */
export const MAX_FRIENDS = 500
/** users one account has blocked (blockedUsers) */
export const MAX_BLOCKS = 500
/** pending friend requests listed per direction, newest first; also the most one may send */
export const MAX_PENDING_REQUESTS = 100
/** online members a room lists */
export const MAX_ONLINE_MEMBERS = 100
/** live sessions listed, most recently used first */
export const MAX_SESSIONS_LISTED = 50
/** rooms studyStats.byRoom lists, most minutes first */
export const MAX_STATS_ROOMS = 50
/** attachments of one message (sendMessage attachmentIds) */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10
/** people in one room's call (a mesh of WebRTC connections: each sends to every other) */
export const MAX_CALL_PARTICIPANTS = 16

/** Room.bannedUsers lists at most this many (the latest bans) */
export const MAX_BANS_LISTED = 500

/** list field -> the most items it returns */
export const LIST_CAPS: Record<string, number> = {
  'Query.myRooms': MAX_ROOMS_PER_USER,
  'Query.friends': MAX_FRIENDS,
  'Query.blockedUsers': MAX_BLOCKS,
  'Query.friendRequests': MAX_PENDING_REQUESTS,
  'Room.onlineMembers': MAX_ONLINE_MEMBERS,
  'Query.sessions': MAX_SESSIONS_LISTED,
  'StudyStats.byDay': 366,
  'StudyStats.byRoom': MAX_STATS_ROOMS,
  'Query.callParticipants': MAX_CALL_PARTICIPANTS,
  'Room.callParticipants': MAX_CALL_PARTICIPANTS,
  'CallChange.participants': MAX_CALL_PARTICIPANTS,
  'Mutation.joinCall': MAX_CALL_PARTICIPANTS,
  'CallConfig.iceServers': 20,
  'Message.attachments': MAX_ATTACHMENTS_PER_MESSAGE,
  'Message.reactions': 20,
  'Room.pinnedMessages': 50,
  'Room.bannedUsers': MAX_BANS_LISTED,
}

/** searchMessages: the longest query, in code points (so no query word is longer: see INDEXED_WORD_MAX) */
export const SEARCH_QUERY_MAX = 200

/** searchMessages: a word this long or longer also matches the words it begins; shorter ones match whole words */
export const SEARCH_MIN_PREFIX = 2
