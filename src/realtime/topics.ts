// Topic names are built only from ids the server has validated (see DESIGN.md §2).
export const topics = {
  roomEvents: (roomId: string) => `room.${roomId}.events`,
  roomTyping: (roomId: string) => `room.${roomId}.typing`,
  roomPresence: (roomId: string) => `room.${roomId}.presence`,
  roomTimer: (roomId: string) => `room.${roomId}.timer`,
  /** membership changes and deletion of a room: lets subscriptions end at once */
  roomControl: (roomId: string) => `room.${roomId}.control`,
  roomCall: (roomId: string) => `room.${roomId}.call`,
  userInbox: (userId: string) => `user.${userId}.inbox`,
  userProfile: (userId: string) => `user.${userId}.profile`,
  /** presence changes of one user, for friends */
  userPresence: (userId: string) => `user.${userId}.presence`,
  sessionsRevoked: () => 'sessions.revoked',
  /** an instance shutting down cleanly hands its users' presence over: { users, at } */
  presenceHandover: () => 'presence.handover',
}
