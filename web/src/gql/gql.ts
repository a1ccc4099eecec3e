/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  subscription MyProfileUpdated($userId: ID) {\n    userUpdated(userId: $userId) { ...MeFields }\n  }\n": typeof types.MyProfileUpdatedDocument,
    "\n  subscription PeopleUpdated {\n    userUpdated { id username displayName status focusUntil avatarUrl }\n  }\n": typeof types.PeopleUpdatedDocument,
    "\n  subscription FriendsPresence {\n    presenceChanged { status focusUntil user { id } }\n  }\n": typeof types.FriendsPresenceDocument,
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n": typeof types.DeleteAccountDocument,
    "\n  mutation SetAvatar($attachmentId: ID) {\n    setAvatar(attachmentId: $attachmentId) { ...MeFields }\n  }\n": typeof types.SetAvatarDocument,
    "\n  mutation SetPresence($status: PresenceStatus!) {\n    setPresence(status: $status) { id status }\n  }\n": typeof types.SetPresenceDocument,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) { ...MeFields }\n  }\n": typeof types.UpdateProfileDocument,
    "\n  query Sessions {\n    sessions { id createdAt lastUsedAt expiresAt userAgent current }\n  }\n": typeof types.SessionsDocument,
    "\n  mutation RevokeSession($id: ID!) { revokeSession(id: $id) }\n": typeof types.RevokeSessionDocument,
    "\n  query CallParticipants($roomId: ID!) {\n    callParticipants(roomId: $roomId) { id displayName }\n  }\n": typeof types.CallParticipantsDocument,
    "\n  query CallConfig {\n    callConfig { iceServers { urls username credential } }\n  }\n": typeof types.CallConfigDocument,
    "\n  subscription CallChangedLive($roomId: ID!) {\n    callChanged(roomId: $roomId) { joined user { id displayName } participants { id displayName } }\n  }\n": typeof types.CallChangedLiveDocument,
    "\n  subscription SignalsLive($roomId: ID) {\n    signalReceived(roomId: $roomId) { id kind payload from { id } }\n  }\n": typeof types.SignalsLiveDocument,
    "\n  mutation JoinCall($roomId: ID!) { joinCall(roomId: $roomId) { id displayName } }\n": typeof types.JoinCallDocument,
    "\n  mutation LeaveCall($roomId: ID!) { leaveCall(roomId: $roomId) }\n": typeof types.LeaveCallDocument,
    "\n  mutation SendSignal($input: SendSignalInput!) {\n    sendSignal(input: $input) { id }\n  }\n": typeof types.SendSignalDocument,
    "\n  query Progress($days: Int, $calendarDays: Int, $timeZone: String) {\n    studyStats(days: $days, timeZone: $timeZone) {\n      totalMinutes\n      sessionCount\n      currentStreakDays\n      longestStreakDays\n      thisWeekMinutes\n      weeklyGoalMinutes\n      byDay { date minutes }\n      byRoom { minutes room { id name } }\n    }\n    calendar: studyStats(days: $calendarDays, timeZone: $timeZone) {\n      byDay { date minutes }\n    }\n    studySessions(first: 10) {\n      edges { node { id minutes startedAt endedAt room { id name } } }\n    }\n  }\n": typeof types.ProgressDocument,
    "\n  mutation SetWeeklyGoal($minutes: Int) {\n    setWeeklyGoal(minutes: $minutes) { weeklyGoalMinutes }\n  }\n": typeof types.SetWeeklyGoalDocument,
    "\n  mutation RecordStudySession($minutes: Int!) {\n    recordStudySession(minutes: $minutes) { id minutes }\n  }\n": typeof types.RecordStudySessionDocument,
    "\n  fragment TimerFields on RoomTimer {\n    roomId\n    phase\n    focusMinutes\n    breakMinutes\n    phaseStartedAt\n    phaseEndsAt\n    remainingSeconds\n    serverTime\n    cycle\n    startedBy { id displayName }\n    lastAction\n    lastActionBy { id displayName }\n    lastActionAt\n    participants {\n      user { id displayName }\n      goal\n      lastGoal\n      goalDone\n      presentSince\n      minutesThisPhase\n    }\n  }\n": typeof types.TimerFieldsFragmentDoc,
    "\n  query RoomTimer($id: ID!) {\n    room(id: $id) { id name timer { ...TimerFields } }\n  }\n": typeof types.RoomTimerDocument,
    "\n  subscription RoomTimerLive($roomId: ID!) {\n    roomTimer(roomId: $roomId) { ...TimerFields }\n  }\n": typeof types.RoomTimerLiveDocument,
    "\n  mutation StartRoomTimer($roomId: ID!, $focusMinutes: Int, $breakMinutes: Int) {\n    startRoomTimer(roomId: $roomId, focusMinutes: $focusMinutes, breakMinutes: $breakMinutes) { ...TimerFields }\n  }\n": typeof types.StartRoomTimerDocument,
    "\n  mutation PauseRoomTimer($roomId: ID!) { pauseRoomTimer(roomId: $roomId) { ...TimerFields } }\n": typeof types.PauseRoomTimerDocument,
    "\n  mutation ResumeRoomTimer($roomId: ID!) { resumeRoomTimer(roomId: $roomId) { ...TimerFields } }\n": typeof types.ResumeRoomTimerDocument,
    "\n  mutation StopRoomTimer($roomId: ID!) { stopRoomTimer(roomId: $roomId) { ...TimerFields } }\n": typeof types.StopRoomTimerDocument,
    "\n  mutation SetFocusGoal($roomId: ID!, $goal: String) { setFocusGoal(roomId: $roomId, goal: $goal) { ...TimerFields } }\n": typeof types.SetFocusGoalDocument,
    "\n  mutation SetFocusGoalDone($roomId: ID!, $done: Boolean!) { setFocusGoalDone(roomId: $roomId, done: $done) { ...TimerFields } }\n": typeof types.SetFocusGoalDoneDocument,
    "\n  query FocusMe { me { id holdNotificationsWhileFocusing heldNotificationCount } }\n": typeof types.FocusMeDocument,
    "\n  mutation SetNotificationHold($enabled: Boolean!) { setNotificationHold(enabled: $enabled) { id holdNotificationsWhileFocusing heldNotificationCount } }\n": typeof types.SetNotificationHoldDocument,
    "\n  fragment PersonFields on User {\n    id\n    username\n    displayName\n    status\n    focusUntil\n    friendship\n    avatarUrl\n  }\n": typeof types.PersonFieldsFragmentDoc,
    "\n  query FriendsOverview {\n    friends { ...PersonFields }\n    incoming: friendRequests(direction: INCOMING) { id createdAt from { ...PersonFields } }\n    outgoing: friendRequests(direction: OUTGOING) { id createdAt to { ...PersonFields } }\n    blockedUsers { ...PersonFields }\n  }\n": typeof types.FriendsOverviewDocument,
    "\n  query SearchPeople($search: String!) {\n    users(search: $search, first: 20) { edges { node { ...PersonFields } } }\n  }\n": typeof types.SearchPeopleDocument,
    "\n  mutation SendFriendRequest($userId: ID!) { sendFriendRequest(userId: $userId) { id status } }\n": typeof types.SendFriendRequestDocument,
    "\n  mutation RespondToFriendRequest($id: ID!, $accept: Boolean!) { respondToFriendRequest(id: $id, accept: $accept) { id status } }\n": typeof types.RespondToFriendRequestDocument,
    "\n  mutation CancelFriendRequest($id: ID!) { cancelFriendRequest(id: $id) { id status } }\n": typeof types.CancelFriendRequestDocument,
    "\n  mutation RemoveFriend($userId: ID!) { removeFriend(userId: $userId) }\n": typeof types.RemoveFriendDocument,
    "\n  mutation BlockUser($userId: ID!) { blockUser(userId: $userId) }\n": typeof types.BlockUserDocument,
    "\n  mutation UnblockUser($userId: ID!) { unblockUser(userId: $userId) }\n": typeof types.UnblockUserDocument,
    "\n  mutation OpenDirectRoom($userId: ID!) { openDirectRoom(userId: $userId) { id } }\n": typeof types.OpenDirectRoomDocument,
    "\n  subscription FriendshipLive { friendshipChanged { at } }\n": typeof types.FriendshipLiveDocument,
    "\n  query NotificationsList {\n    notificationsList(first: 50) { ...NotificationFields }\n  }\n": typeof types.NotificationsListDocument,
    "\n  query OlderNotifications($before: ID!) {\n    notificationsList(first: 50, before: $before) { ...NotificationFields }\n  }\n": typeof types.OlderNotificationsDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }\n": typeof types.MarkNotificationsReadDocument,
    "\n  fragment NotificationFields on Notification {\n    id\n    kind\n    createdAt\n    readAt\n    actor { id displayName username }\n    room { id name kind }\n    message { id body roomId }\n    friendRequest { id status }\n  }\n": typeof types.NotificationFieldsFragmentDoc,
    "\n  query UnreadNotificationCount { unreadNotificationCount }\n": typeof types.UnreadNotificationCountDocument,
    "\n  subscription NotificationsLive {\n    notifications { ...NotificationFields }\n  }\n": typeof types.NotificationsLiveDocument,
    "\n  subscription FriendRequestsLive {\n    friendshipChanged { friendship user { id } request { id status } }\n  }\n": typeof types.FriendRequestsLiveDocument,
    "\n  query UnreadNotifications { notificationsList(unreadOnly: true, first: 100) { id kind room { id } } }\n": typeof types.UnreadNotificationsDocument,
    "\n  mutation MarkRoomNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }\n": typeof types.MarkRoomNotificationsReadDocument,
    "\n  mutation SetMemberRole($roomId: ID!, $userId: ID!, $role: MemberRole!) { setMemberRole(roomId: $roomId, userId: $userId, role: $role) { role user { id } } }\n": typeof types.SetMemberRoleDocument,
    "\n  mutation RemoveMember($roomId: ID!, $userId: ID!, $ban: Boolean) { removeMember(roomId: $roomId, userId: $userId, ban: $ban) }\n": typeof types.RemoveMemberDocument,
    "\n  query RoomMembers($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      memberCount\n      members(first: 100, after: $after) {\n        edges { node { role joinedAt user { id username displayName status focusUntil avatarUrl } } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n": typeof types.RoomMembersDocument,
    "\n  mutation BlockFromRoom($userId: ID!) { blockUser(userId: $userId) }\n": typeof types.BlockFromRoomDocument,
    "\n  fragment RoomViewFields on Room {\n    id\n    name\n    description\n    kind\n    code\n    isActive\n    viewerIsMember\n    viewerRole\n    memberCount\n    unreadCount\n    viewerLastReadSeq\n    lastMessage { id seq }\n    createdAt\n    createdBy { id displayName }\n  }\n": typeof types.RoomViewFieldsFragmentDoc,
    "\n  query RoomView($id: ID!) {\n    room(id: $id) { ...RoomViewFields }\n  }\n": typeof types.RoomViewDocument,
    "\n  mutation UpdateRoomSettings($id: ID!, $input: UpdateRoomInput!) { updateRoom(id: $id, input: $input) { ...RoomViewFields } }\n": typeof types.UpdateRoomSettingsDocument,
    "\n  mutation RegenerateRoomCode($roomId: ID!) { regenerateRoomCode(roomId: $roomId) { ...RoomViewFields } }\n": typeof types.RegenerateRoomCodeDocument,
    "\n  query RoomBannedUsers($id: ID!) { room(id: $id) { id bannedUsers { id username displayName } } }\n": typeof types.RoomBannedUsersDocument,
    "\n  mutation UnbanMember($roomId: ID!, $userId: ID!) { unbanMember(roomId: $roomId, userId: $userId) }\n": typeof types.UnbanMemberDocument,
    "\n  query SearchMessages($query: String!, $roomId: ID, $after: String) {\n    searchMessages(query: $query, roomId: $roomId, first: 20, after: $after) {\n      edges { cursor node { id seq body createdAt room { id name kind } sender { id username displayName } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.SearchMessagesDocument,
    "\n  query DirectPeerRelation($id: ID!) { user(id: $id) { id friendship } }\n": typeof types.DirectPeerRelationDocument,
    "\n  subscription DirectPeerRelationLive { friendshipChanged { friendship user { id } } }\n": typeof types.DirectPeerRelationLiveDocument,
    "\n  mutation UnblockDirectPeer($userId: ID!) { unblockUser(userId: $userId) }\n": typeof types.UnblockDirectPeerDocument,
    "\n  fragment MessageFields on Message {\n    id\n    roomId\n    seq\n    cursor\n    body\n    createdAt\n    editedAt\n    deletedAt\n    clientId\n    sender { id username displayName avatarUrl }\n    attachments { id name size url thumbnailUrl }\n    replyTo { id seq body deletedAt sender { id username displayName } }\n    reactions { emoji count users(first: 5) { id displayName } }\n    pinnedAt\n    pinnedBy { id username displayName }\n  }\n": typeof types.MessageFieldsFragmentDoc,
    "\n  fragment ViewerReactions on Message {\n    reactions { emoji viewerReacted }\n  }\n": typeof types.ViewerReactionsFragmentDoc,
    "\n  query RoomMessages($roomId: ID!, $before: String, $aroundSeq: Int) {\n    messages(roomId: $roomId, last: 50, before: $before, aroundSeq: $aroundSeq) {\n      edges { cursor node { ...MessageFields ...ViewerReactions } }\n      pageInfo { hasPreviousPage startCursor hasNextPage endCursor }\n    }\n  }\n": typeof types.RoomMessagesDocument,
    "\n  query RoomMessagesNewer($roomId: ID!, $after: String!) {\n    messages(roomId: $roomId, first: 50, after: $after) {\n      edges { cursor node { ...MessageFields ...ViewerReactions } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.RoomMessagesNewerDocument,
    "\n  subscription MessageAddedLive($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }\n  }\n": typeof types.MessageAddedLiveDocument,
    "\n  subscription MessageEventsLive($roomId: ID!, $after: Int) {\n    messageEvents(roomId: $roomId, after: $after, kinds: [EDITED, DELETED, REACTIONS_CHANGED, PINNED, UNPINNED]) { seq kind message { ...MessageFields } }\n  }\n": typeof types.MessageEventsLiveDocument,
    "\n  mutation SendMessage($roomId: ID!, $body: String!, $clientId: String, $replyToId: ID, $attachmentIds: [ID!]) {\n    sendMessage(roomId: $roomId, body: $body, clientId: $clientId, replyToId: $replyToId, attachmentIds: $attachmentIds) { ...MessageFields }\n  }\n": typeof types.SendMessageDocument,
    "\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }\n  }\n": typeof types.AddReactionDocument,
    "\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }\n  }\n": typeof types.RemoveReactionDocument,
    "\n  mutation PinMessage($messageId: ID!) {\n    pinMessage(messageId: $messageId) { ...MessageFields }\n  }\n": typeof types.PinMessageDocument,
    "\n  mutation UnpinMessage($messageId: ID!) {\n    unpinMessage(messageId: $messageId) { ...MessageFields }\n  }\n": typeof types.UnpinMessageDocument,
    "\n  query PinnedMessages($roomId: ID!) {\n    room(id: $roomId) { id pinnedMessages { ...MessageFields } }\n  }\n": typeof types.PinnedMessagesDocument,
    "\n  mutation EditMessage($id: ID!, $body: String!) {\n    editMessage(id: $id, body: $body) { ...MessageFields }\n  }\n": typeof types.EditMessageDocument,
    "\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) { ...MessageFields }\n  }\n": typeof types.DeleteMessageDocument,
    "\n  mutation MarkRead($roomId: ID!, $messageId: ID!) { markRead(roomId: $roomId, messageId: $messageId) { id unreadCount } }\n": typeof types.MarkReadDocument,
    "\n  mutation JoinRoom($roomId: ID!) { joinRoom(roomId: $roomId) { ...RoomViewFields } }\n": typeof types.JoinRoomDocument,
    "\n  mutation LeaveRoom($roomId: ID!) { leaveRoom(roomId: $roomId) }\n": typeof types.LeaveRoomDocument,
    "\n  mutation DeleteRoom($id: ID!) { deleteRoom(id: $id) }\n": typeof types.DeleteRoomDocument,
    "\n  query RoomResync($id: ID!) { room(id: $id) { ...RoomViewFields } }\n": typeof types.RoomResyncDocument,
    "\n  subscription RoomChangedLive($roomId: ID!) {\n    roomChanged(roomId: $roomId) {\n      kind\n      room { ...RoomViewFields }\n      user { id displayName }\n      by { id displayName }\n      banned\n    }\n  }\n": typeof types.RoomChangedLiveDocument,
    "\n  subscription RoomPresenceLive($roomId: ID) {\n    presenceChanged(roomId: $roomId) { status joined left focusUntil user { id } }\n  }\n": typeof types.RoomPresenceLiveDocument,
    "\n  subscription TypingLive($roomId: ID!) {\n    typing(roomId: $roomId) { typing user { id displayName } }\n  }\n": typeof types.TypingLiveDocument,
    "\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }\n": typeof types.SetTypingDocument,
    "\n  mutation JoinRoomByCode($code: String!) {\n    joinRoom(code: $code) { id }\n  }\n": typeof types.JoinRoomByCodeDocument,
    "\n  fragment RoomListFields on Room {\n    id\n    name\n    description\n    kind\n    memberCount\n    viewerIsMember\n    viewerRole\n    unreadCount\n    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }\n  }\n": typeof types.RoomListFieldsFragmentDoc,
    "\n  query BrowseRooms($search: String, $first: Int, $after: String) {\n    rooms(search: $search, first: $first, after: $after) {\n      edges { cursor node { ...RoomListFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.BrowseRoomsDocument,
    "\n  mutation CreateRoom($input: CreateRoomInput!) {\n    createRoom(input: $input) { id }\n  }\n": typeof types.CreateRoomDocument,
    "\n  mutation JoinRoomById($roomId: ID!) {\n    joinRoom(roomId: $roomId) { id }\n  }\n": typeof types.JoinRoomByIdDocument,
    "\n  query SwitcherFriends { friends { id username displayName } }\n": typeof types.SwitcherFriendsDocument,
    "\n  mutation SwitcherOpenDirect($userId: ID!) { openDirectRoom(userId: $userId) { id } }\n": typeof types.SwitcherOpenDirectDocument,
    "\n  fragment SidebarRoomFields on Room {\n    id\n    name\n    kind\n    createdAt\n    unreadCount\n    viewerNotificationLevel\n    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }\n    members(first: 2) { edges { node { user { id username displayName } } } }\n  }\n": typeof types.SidebarRoomFieldsFragmentDoc,
    "\n  query SidebarRooms {\n    myRooms { ...SidebarRoomFields }\n    notificationsList(unreadOnly: true, first: 100) { id kind room { id } }\n  }\n": typeof types.SidebarRoomsDocument,
    "\n  subscription SidebarActivity {\n    roomActivity { room { id } message { id body createdAt deletedAt sender { id username displayName } attachments { id } } }\n  }\n": typeof types.SidebarActivityDocument,
    "\n  subscription SidebarListChanged {\n    roomListChanged { kind roomId }\n  }\n": typeof types.SidebarListChangedDocument,
    "\n  mutation SetRoomNotificationLevel($roomId: ID!, $level: NotificationLevel!) {\n    setRoomNotificationLevel(roomId: $roomId, level: $level) { id viewerNotificationLevel }\n  }\n": typeof types.SetRoomNotificationLevelDocument,
    "\n  fragment MeFields on User {\n    id\n    username\n    displayName\n    firstName\n    lastName\n    status\n    createdAt\n    updatedAt\n    avatarUrl\n  }\n": typeof types.MeFieldsFragmentDoc,
    "\n  query Me {\n    me { ...MeFields }\n  }\n": typeof types.MeDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) { user { ...MeFields } }\n  }\n": typeof types.SignUpDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) { user { ...MeFields } }\n  }\n": typeof types.LogInDocument,
    "\n  mutation LogOut { logOut }\n": typeof types.LogOutDocument,
};
const documents: Documents = {
    "\n  subscription MyProfileUpdated($userId: ID) {\n    userUpdated(userId: $userId) { ...MeFields }\n  }\n": types.MyProfileUpdatedDocument,
    "\n  subscription PeopleUpdated {\n    userUpdated { id username displayName status focusUntil avatarUrl }\n  }\n": types.PeopleUpdatedDocument,
    "\n  subscription FriendsPresence {\n    presenceChanged { status focusUntil user { id } }\n  }\n": types.FriendsPresenceDocument,
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n": types.ChangePasswordDocument,
    "\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n": types.DeleteAccountDocument,
    "\n  mutation SetAvatar($attachmentId: ID) {\n    setAvatar(attachmentId: $attachmentId) { ...MeFields }\n  }\n": types.SetAvatarDocument,
    "\n  mutation SetPresence($status: PresenceStatus!) {\n    setPresence(status: $status) { id status }\n  }\n": types.SetPresenceDocument,
    "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) { ...MeFields }\n  }\n": types.UpdateProfileDocument,
    "\n  query Sessions {\n    sessions { id createdAt lastUsedAt expiresAt userAgent current }\n  }\n": types.SessionsDocument,
    "\n  mutation RevokeSession($id: ID!) { revokeSession(id: $id) }\n": types.RevokeSessionDocument,
    "\n  query CallParticipants($roomId: ID!) {\n    callParticipants(roomId: $roomId) { id displayName }\n  }\n": types.CallParticipantsDocument,
    "\n  query CallConfig {\n    callConfig { iceServers { urls username credential } }\n  }\n": types.CallConfigDocument,
    "\n  subscription CallChangedLive($roomId: ID!) {\n    callChanged(roomId: $roomId) { joined user { id displayName } participants { id displayName } }\n  }\n": types.CallChangedLiveDocument,
    "\n  subscription SignalsLive($roomId: ID) {\n    signalReceived(roomId: $roomId) { id kind payload from { id } }\n  }\n": types.SignalsLiveDocument,
    "\n  mutation JoinCall($roomId: ID!) { joinCall(roomId: $roomId) { id displayName } }\n": types.JoinCallDocument,
    "\n  mutation LeaveCall($roomId: ID!) { leaveCall(roomId: $roomId) }\n": types.LeaveCallDocument,
    "\n  mutation SendSignal($input: SendSignalInput!) {\n    sendSignal(input: $input) { id }\n  }\n": types.SendSignalDocument,
    "\n  query Progress($days: Int, $calendarDays: Int, $timeZone: String) {\n    studyStats(days: $days, timeZone: $timeZone) {\n      totalMinutes\n      sessionCount\n      currentStreakDays\n      longestStreakDays\n      thisWeekMinutes\n      weeklyGoalMinutes\n      byDay { date minutes }\n      byRoom { minutes room { id name } }\n    }\n    calendar: studyStats(days: $calendarDays, timeZone: $timeZone) {\n      byDay { date minutes }\n    }\n    studySessions(first: 10) {\n      edges { node { id minutes startedAt endedAt room { id name } } }\n    }\n  }\n": types.ProgressDocument,
    "\n  mutation SetWeeklyGoal($minutes: Int) {\n    setWeeklyGoal(minutes: $minutes) { weeklyGoalMinutes }\n  }\n": types.SetWeeklyGoalDocument,
    "\n  mutation RecordStudySession($minutes: Int!) {\n    recordStudySession(minutes: $minutes) { id minutes }\n  }\n": types.RecordStudySessionDocument,
    "\n  fragment TimerFields on RoomTimer {\n    roomId\n    phase\n    focusMinutes\n    breakMinutes\n    phaseStartedAt\n    phaseEndsAt\n    remainingSeconds\n    serverTime\n    cycle\n    startedBy { id displayName }\n    lastAction\n    lastActionBy { id displayName }\n    lastActionAt\n    participants {\n      user { id displayName }\n      goal\n      lastGoal\n      goalDone\n      presentSince\n      minutesThisPhase\n    }\n  }\n": types.TimerFieldsFragmentDoc,
    "\n  query RoomTimer($id: ID!) {\n    room(id: $id) { id name timer { ...TimerFields } }\n  }\n": types.RoomTimerDocument,
    "\n  subscription RoomTimerLive($roomId: ID!) {\n    roomTimer(roomId: $roomId) { ...TimerFields }\n  }\n": types.RoomTimerLiveDocument,
    "\n  mutation StartRoomTimer($roomId: ID!, $focusMinutes: Int, $breakMinutes: Int) {\n    startRoomTimer(roomId: $roomId, focusMinutes: $focusMinutes, breakMinutes: $breakMinutes) { ...TimerFields }\n  }\n": types.StartRoomTimerDocument,
    "\n  mutation PauseRoomTimer($roomId: ID!) { pauseRoomTimer(roomId: $roomId) { ...TimerFields } }\n": types.PauseRoomTimerDocument,
    "\n  mutation ResumeRoomTimer($roomId: ID!) { resumeRoomTimer(roomId: $roomId) { ...TimerFields } }\n": types.ResumeRoomTimerDocument,
    "\n  mutation StopRoomTimer($roomId: ID!) { stopRoomTimer(roomId: $roomId) { ...TimerFields } }\n": types.StopRoomTimerDocument,
    "\n  mutation SetFocusGoal($roomId: ID!, $goal: String) { setFocusGoal(roomId: $roomId, goal: $goal) { ...TimerFields } }\n": types.SetFocusGoalDocument,
    "\n  mutation SetFocusGoalDone($roomId: ID!, $done: Boolean!) { setFocusGoalDone(roomId: $roomId, done: $done) { ...TimerFields } }\n": types.SetFocusGoalDoneDocument,
    "\n  query FocusMe { me { id holdNotificationsWhileFocusing heldNotificationCount } }\n": types.FocusMeDocument,
    "\n  mutation SetNotificationHold($enabled: Boolean!) { setNotificationHold(enabled: $enabled) { id holdNotificationsWhileFocusing heldNotificationCount } }\n": types.SetNotificationHoldDocument,
    "\n  fragment PersonFields on User {\n    id\n    username\n    displayName\n    status\n    focusUntil\n    friendship\n    avatarUrl\n  }\n": types.PersonFieldsFragmentDoc,
    "\n  query FriendsOverview {\n    friends { ...PersonFields }\n    incoming: friendRequests(direction: INCOMING) { id createdAt from { ...PersonFields } }\n    outgoing: friendRequests(direction: OUTGOING) { id createdAt to { ...PersonFields } }\n    blockedUsers { ...PersonFields }\n  }\n": types.FriendsOverviewDocument,
    "\n  query SearchPeople($search: String!) {\n    users(search: $search, first: 20) { edges { node { ...PersonFields } } }\n  }\n": types.SearchPeopleDocument,
    "\n  mutation SendFriendRequest($userId: ID!) { sendFriendRequest(userId: $userId) { id status } }\n": types.SendFriendRequestDocument,
    "\n  mutation RespondToFriendRequest($id: ID!, $accept: Boolean!) { respondToFriendRequest(id: $id, accept: $accept) { id status } }\n": types.RespondToFriendRequestDocument,
    "\n  mutation CancelFriendRequest($id: ID!) { cancelFriendRequest(id: $id) { id status } }\n": types.CancelFriendRequestDocument,
    "\n  mutation RemoveFriend($userId: ID!) { removeFriend(userId: $userId) }\n": types.RemoveFriendDocument,
    "\n  mutation BlockUser($userId: ID!) { blockUser(userId: $userId) }\n": types.BlockUserDocument,
    "\n  mutation UnblockUser($userId: ID!) { unblockUser(userId: $userId) }\n": types.UnblockUserDocument,
    "\n  mutation OpenDirectRoom($userId: ID!) { openDirectRoom(userId: $userId) { id } }\n": types.OpenDirectRoomDocument,
    "\n  subscription FriendshipLive { friendshipChanged { at } }\n": types.FriendshipLiveDocument,
    "\n  query NotificationsList {\n    notificationsList(first: 50) { ...NotificationFields }\n  }\n": types.NotificationsListDocument,
    "\n  query OlderNotifications($before: ID!) {\n    notificationsList(first: 50, before: $before) { ...NotificationFields }\n  }\n": types.OlderNotificationsDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }\n": types.MarkNotificationsReadDocument,
    "\n  fragment NotificationFields on Notification {\n    id\n    kind\n    createdAt\n    readAt\n    actor { id displayName username }\n    room { id name kind }\n    message { id body roomId }\n    friendRequest { id status }\n  }\n": types.NotificationFieldsFragmentDoc,
    "\n  query UnreadNotificationCount { unreadNotificationCount }\n": types.UnreadNotificationCountDocument,
    "\n  subscription NotificationsLive {\n    notifications { ...NotificationFields }\n  }\n": types.NotificationsLiveDocument,
    "\n  subscription FriendRequestsLive {\n    friendshipChanged { friendship user { id } request { id status } }\n  }\n": types.FriendRequestsLiveDocument,
    "\n  query UnreadNotifications { notificationsList(unreadOnly: true, first: 100) { id kind room { id } } }\n": types.UnreadNotificationsDocument,
    "\n  mutation MarkRoomNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }\n": types.MarkRoomNotificationsReadDocument,
    "\n  mutation SetMemberRole($roomId: ID!, $userId: ID!, $role: MemberRole!) { setMemberRole(roomId: $roomId, userId: $userId, role: $role) { role user { id } } }\n": types.SetMemberRoleDocument,
    "\n  mutation RemoveMember($roomId: ID!, $userId: ID!, $ban: Boolean) { removeMember(roomId: $roomId, userId: $userId, ban: $ban) }\n": types.RemoveMemberDocument,
    "\n  query RoomMembers($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      memberCount\n      members(first: 100, after: $after) {\n        edges { node { role joinedAt user { id username displayName status focusUntil avatarUrl } } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n": types.RoomMembersDocument,
    "\n  mutation BlockFromRoom($userId: ID!) { blockUser(userId: $userId) }\n": types.BlockFromRoomDocument,
    "\n  fragment RoomViewFields on Room {\n    id\n    name\n    description\n    kind\n    code\n    isActive\n    viewerIsMember\n    viewerRole\n    memberCount\n    unreadCount\n    viewerLastReadSeq\n    lastMessage { id seq }\n    createdAt\n    createdBy { id displayName }\n  }\n": types.RoomViewFieldsFragmentDoc,
    "\n  query RoomView($id: ID!) {\n    room(id: $id) { ...RoomViewFields }\n  }\n": types.RoomViewDocument,
    "\n  mutation UpdateRoomSettings($id: ID!, $input: UpdateRoomInput!) { updateRoom(id: $id, input: $input) { ...RoomViewFields } }\n": types.UpdateRoomSettingsDocument,
    "\n  mutation RegenerateRoomCode($roomId: ID!) { regenerateRoomCode(roomId: $roomId) { ...RoomViewFields } }\n": types.RegenerateRoomCodeDocument,
    "\n  query RoomBannedUsers($id: ID!) { room(id: $id) { id bannedUsers { id username displayName } } }\n": types.RoomBannedUsersDocument,
    "\n  mutation UnbanMember($roomId: ID!, $userId: ID!) { unbanMember(roomId: $roomId, userId: $userId) }\n": types.UnbanMemberDocument,
    "\n  query SearchMessages($query: String!, $roomId: ID, $after: String) {\n    searchMessages(query: $query, roomId: $roomId, first: 20, after: $after) {\n      edges { cursor node { id seq body createdAt room { id name kind } sender { id username displayName } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.SearchMessagesDocument,
    "\n  query DirectPeerRelation($id: ID!) { user(id: $id) { id friendship } }\n": types.DirectPeerRelationDocument,
    "\n  subscription DirectPeerRelationLive { friendshipChanged { friendship user { id } } }\n": types.DirectPeerRelationLiveDocument,
    "\n  mutation UnblockDirectPeer($userId: ID!) { unblockUser(userId: $userId) }\n": types.UnblockDirectPeerDocument,
    "\n  fragment MessageFields on Message {\n    id\n    roomId\n    seq\n    cursor\n    body\n    createdAt\n    editedAt\n    deletedAt\n    clientId\n    sender { id username displayName avatarUrl }\n    attachments { id name size url thumbnailUrl }\n    replyTo { id seq body deletedAt sender { id username displayName } }\n    reactions { emoji count users(first: 5) { id displayName } }\n    pinnedAt\n    pinnedBy { id username displayName }\n  }\n": types.MessageFieldsFragmentDoc,
    "\n  fragment ViewerReactions on Message {\n    reactions { emoji viewerReacted }\n  }\n": types.ViewerReactionsFragmentDoc,
    "\n  query RoomMessages($roomId: ID!, $before: String, $aroundSeq: Int) {\n    messages(roomId: $roomId, last: 50, before: $before, aroundSeq: $aroundSeq) {\n      edges { cursor node { ...MessageFields ...ViewerReactions } }\n      pageInfo { hasPreviousPage startCursor hasNextPage endCursor }\n    }\n  }\n": types.RoomMessagesDocument,
    "\n  query RoomMessagesNewer($roomId: ID!, $after: String!) {\n    messages(roomId: $roomId, first: 50, after: $after) {\n      edges { cursor node { ...MessageFields ...ViewerReactions } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.RoomMessagesNewerDocument,
    "\n  subscription MessageAddedLive($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }\n  }\n": types.MessageAddedLiveDocument,
    "\n  subscription MessageEventsLive($roomId: ID!, $after: Int) {\n    messageEvents(roomId: $roomId, after: $after, kinds: [EDITED, DELETED, REACTIONS_CHANGED, PINNED, UNPINNED]) { seq kind message { ...MessageFields } }\n  }\n": types.MessageEventsLiveDocument,
    "\n  mutation SendMessage($roomId: ID!, $body: String!, $clientId: String, $replyToId: ID, $attachmentIds: [ID!]) {\n    sendMessage(roomId: $roomId, body: $body, clientId: $clientId, replyToId: $replyToId, attachmentIds: $attachmentIds) { ...MessageFields }\n  }\n": types.SendMessageDocument,
    "\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }\n  }\n": types.AddReactionDocument,
    "\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }\n  }\n": types.RemoveReactionDocument,
    "\n  mutation PinMessage($messageId: ID!) {\n    pinMessage(messageId: $messageId) { ...MessageFields }\n  }\n": types.PinMessageDocument,
    "\n  mutation UnpinMessage($messageId: ID!) {\n    unpinMessage(messageId: $messageId) { ...MessageFields }\n  }\n": types.UnpinMessageDocument,
    "\n  query PinnedMessages($roomId: ID!) {\n    room(id: $roomId) { id pinnedMessages { ...MessageFields } }\n  }\n": types.PinnedMessagesDocument,
    "\n  mutation EditMessage($id: ID!, $body: String!) {\n    editMessage(id: $id, body: $body) { ...MessageFields }\n  }\n": types.EditMessageDocument,
    "\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) { ...MessageFields }\n  }\n": types.DeleteMessageDocument,
    "\n  mutation MarkRead($roomId: ID!, $messageId: ID!) { markRead(roomId: $roomId, messageId: $messageId) { id unreadCount } }\n": types.MarkReadDocument,
    "\n  mutation JoinRoom($roomId: ID!) { joinRoom(roomId: $roomId) { ...RoomViewFields } }\n": types.JoinRoomDocument,
    "\n  mutation LeaveRoom($roomId: ID!) { leaveRoom(roomId: $roomId) }\n": types.LeaveRoomDocument,
    "\n  mutation DeleteRoom($id: ID!) { deleteRoom(id: $id) }\n": types.DeleteRoomDocument,
    "\n  query RoomResync($id: ID!) { room(id: $id) { ...RoomViewFields } }\n": types.RoomResyncDocument,
    "\n  subscription RoomChangedLive($roomId: ID!) {\n    roomChanged(roomId: $roomId) {\n      kind\n      room { ...RoomViewFields }\n      user { id displayName }\n      by { id displayName }\n      banned\n    }\n  }\n": types.RoomChangedLiveDocument,
    "\n  subscription RoomPresenceLive($roomId: ID) {\n    presenceChanged(roomId: $roomId) { status joined left focusUntil user { id } }\n  }\n": types.RoomPresenceLiveDocument,
    "\n  subscription TypingLive($roomId: ID!) {\n    typing(roomId: $roomId) { typing user { id displayName } }\n  }\n": types.TypingLiveDocument,
    "\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }\n": types.SetTypingDocument,
    "\n  mutation JoinRoomByCode($code: String!) {\n    joinRoom(code: $code) { id }\n  }\n": types.JoinRoomByCodeDocument,
    "\n  fragment RoomListFields on Room {\n    id\n    name\n    description\n    kind\n    memberCount\n    viewerIsMember\n    viewerRole\n    unreadCount\n    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }\n  }\n": types.RoomListFieldsFragmentDoc,
    "\n  query BrowseRooms($search: String, $first: Int, $after: String) {\n    rooms(search: $search, first: $first, after: $after) {\n      edges { cursor node { ...RoomListFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.BrowseRoomsDocument,
    "\n  mutation CreateRoom($input: CreateRoomInput!) {\n    createRoom(input: $input) { id }\n  }\n": types.CreateRoomDocument,
    "\n  mutation JoinRoomById($roomId: ID!) {\n    joinRoom(roomId: $roomId) { id }\n  }\n": types.JoinRoomByIdDocument,
    "\n  query SwitcherFriends { friends { id username displayName } }\n": types.SwitcherFriendsDocument,
    "\n  mutation SwitcherOpenDirect($userId: ID!) { openDirectRoom(userId: $userId) { id } }\n": types.SwitcherOpenDirectDocument,
    "\n  fragment SidebarRoomFields on Room {\n    id\n    name\n    kind\n    createdAt\n    unreadCount\n    viewerNotificationLevel\n    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }\n    members(first: 2) { edges { node { user { id username displayName } } } }\n  }\n": types.SidebarRoomFieldsFragmentDoc,
    "\n  query SidebarRooms {\n    myRooms { ...SidebarRoomFields }\n    notificationsList(unreadOnly: true, first: 100) { id kind room { id } }\n  }\n": types.SidebarRoomsDocument,
    "\n  subscription SidebarActivity {\n    roomActivity { room { id } message { id body createdAt deletedAt sender { id username displayName } attachments { id } } }\n  }\n": types.SidebarActivityDocument,
    "\n  subscription SidebarListChanged {\n    roomListChanged { kind roomId }\n  }\n": types.SidebarListChangedDocument,
    "\n  mutation SetRoomNotificationLevel($roomId: ID!, $level: NotificationLevel!) {\n    setRoomNotificationLevel(roomId: $roomId, level: $level) { id viewerNotificationLevel }\n  }\n": types.SetRoomNotificationLevelDocument,
    "\n  fragment MeFields on User {\n    id\n    username\n    displayName\n    firstName\n    lastName\n    status\n    createdAt\n    updatedAt\n    avatarUrl\n  }\n": types.MeFieldsFragmentDoc,
    "\n  query Me {\n    me { ...MeFields }\n  }\n": types.MeDocument,
    "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) { user { ...MeFields } }\n  }\n": types.SignUpDocument,
    "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) { user { ...MeFields } }\n  }\n": types.LogInDocument,
    "\n  mutation LogOut { logOut }\n": types.LogOutDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MyProfileUpdated($userId: ID) {\n    userUpdated(userId: $userId) { ...MeFields }\n  }\n"): (typeof documents)["\n  subscription MyProfileUpdated($userId: ID) {\n    userUpdated(userId: $userId) { ...MeFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PeopleUpdated {\n    userUpdated { id username displayName status focusUntil avatarUrl }\n  }\n"): (typeof documents)["\n  subscription PeopleUpdated {\n    userUpdated { id username displayName status focusUntil avatarUrl }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FriendsPresence {\n    presenceChanged { status focusUntil user { id } }\n  }\n"): (typeof documents)["\n  subscription FriendsPresence {\n    presenceChanged { status focusUntil user { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n"): (typeof documents)["\n  mutation DeleteAccount($password: String!) {\n    deleteAccount(password: $password)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetAvatar($attachmentId: ID) {\n    setAvatar(attachmentId: $attachmentId) { ...MeFields }\n  }\n"): (typeof documents)["\n  mutation SetAvatar($attachmentId: ID) {\n    setAvatar(attachmentId: $attachmentId) { ...MeFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetPresence($status: PresenceStatus!) {\n    setPresence(status: $status) { id status }\n  }\n"): (typeof documents)["\n  mutation SetPresence($status: PresenceStatus!) {\n    setPresence(status: $status) { id status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) { ...MeFields }\n  }\n"): (typeof documents)["\n  mutation UpdateProfile($input: UpdateProfileInput!) {\n    updateProfile(input: $input) { ...MeFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sessions {\n    sessions { id createdAt lastUsedAt expiresAt userAgent current }\n  }\n"): (typeof documents)["\n  query Sessions {\n    sessions { id createdAt lastUsedAt expiresAt userAgent current }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) { revokeSession(id: $id) }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) { revokeSession(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CallParticipants($roomId: ID!) {\n    callParticipants(roomId: $roomId) { id displayName }\n  }\n"): (typeof documents)["\n  query CallParticipants($roomId: ID!) {\n    callParticipants(roomId: $roomId) { id displayName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CallConfig {\n    callConfig { iceServers { urls username credential } }\n  }\n"): (typeof documents)["\n  query CallConfig {\n    callConfig { iceServers { urls username credential } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription CallChangedLive($roomId: ID!) {\n    callChanged(roomId: $roomId) { joined user { id displayName } participants { id displayName } }\n  }\n"): (typeof documents)["\n  subscription CallChangedLive($roomId: ID!) {\n    callChanged(roomId: $roomId) { joined user { id displayName } participants { id displayName } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SignalsLive($roomId: ID) {\n    signalReceived(roomId: $roomId) { id kind payload from { id } }\n  }\n"): (typeof documents)["\n  subscription SignalsLive($roomId: ID) {\n    signalReceived(roomId: $roomId) { id kind payload from { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JoinCall($roomId: ID!) { joinCall(roomId: $roomId) { id displayName } }\n"): (typeof documents)["\n  mutation JoinCall($roomId: ID!) { joinCall(roomId: $roomId) { id displayName } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LeaveCall($roomId: ID!) { leaveCall(roomId: $roomId) }\n"): (typeof documents)["\n  mutation LeaveCall($roomId: ID!) { leaveCall(roomId: $roomId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendSignal($input: SendSignalInput!) {\n    sendSignal(input: $input) { id }\n  }\n"): (typeof documents)["\n  mutation SendSignal($input: SendSignalInput!) {\n    sendSignal(input: $input) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Progress($days: Int, $calendarDays: Int, $timeZone: String) {\n    studyStats(days: $days, timeZone: $timeZone) {\n      totalMinutes\n      sessionCount\n      currentStreakDays\n      longestStreakDays\n      thisWeekMinutes\n      weeklyGoalMinutes\n      byDay { date minutes }\n      byRoom { minutes room { id name } }\n    }\n    calendar: studyStats(days: $calendarDays, timeZone: $timeZone) {\n      byDay { date minutes }\n    }\n    studySessions(first: 10) {\n      edges { node { id minutes startedAt endedAt room { id name } } }\n    }\n  }\n"): (typeof documents)["\n  query Progress($days: Int, $calendarDays: Int, $timeZone: String) {\n    studyStats(days: $days, timeZone: $timeZone) {\n      totalMinutes\n      sessionCount\n      currentStreakDays\n      longestStreakDays\n      thisWeekMinutes\n      weeklyGoalMinutes\n      byDay { date minutes }\n      byRoom { minutes room { id name } }\n    }\n    calendar: studyStats(days: $calendarDays, timeZone: $timeZone) {\n      byDay { date minutes }\n    }\n    studySessions(first: 10) {\n      edges { node { id minutes startedAt endedAt room { id name } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetWeeklyGoal($minutes: Int) {\n    setWeeklyGoal(minutes: $minutes) { weeklyGoalMinutes }\n  }\n"): (typeof documents)["\n  mutation SetWeeklyGoal($minutes: Int) {\n    setWeeklyGoal(minutes: $minutes) { weeklyGoalMinutes }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordStudySession($minutes: Int!) {\n    recordStudySession(minutes: $minutes) { id minutes }\n  }\n"): (typeof documents)["\n  mutation RecordStudySession($minutes: Int!) {\n    recordStudySession(minutes: $minutes) { id minutes }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TimerFields on RoomTimer {\n    roomId\n    phase\n    focusMinutes\n    breakMinutes\n    phaseStartedAt\n    phaseEndsAt\n    remainingSeconds\n    serverTime\n    cycle\n    startedBy { id displayName }\n    lastAction\n    lastActionBy { id displayName }\n    lastActionAt\n    participants {\n      user { id displayName }\n      goal\n      lastGoal\n      goalDone\n      presentSince\n      minutesThisPhase\n    }\n  }\n"): (typeof documents)["\n  fragment TimerFields on RoomTimer {\n    roomId\n    phase\n    focusMinutes\n    breakMinutes\n    phaseStartedAt\n    phaseEndsAt\n    remainingSeconds\n    serverTime\n    cycle\n    startedBy { id displayName }\n    lastAction\n    lastActionBy { id displayName }\n    lastActionAt\n    participants {\n      user { id displayName }\n      goal\n      lastGoal\n      goalDone\n      presentSince\n      minutesThisPhase\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomTimer($id: ID!) {\n    room(id: $id) { id name timer { ...TimerFields } }\n  }\n"): (typeof documents)["\n  query RoomTimer($id: ID!) {\n    room(id: $id) { id name timer { ...TimerFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RoomTimerLive($roomId: ID!) {\n    roomTimer(roomId: $roomId) { ...TimerFields }\n  }\n"): (typeof documents)["\n  subscription RoomTimerLive($roomId: ID!) {\n    roomTimer(roomId: $roomId) { ...TimerFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartRoomTimer($roomId: ID!, $focusMinutes: Int, $breakMinutes: Int) {\n    startRoomTimer(roomId: $roomId, focusMinutes: $focusMinutes, breakMinutes: $breakMinutes) { ...TimerFields }\n  }\n"): (typeof documents)["\n  mutation StartRoomTimer($roomId: ID!, $focusMinutes: Int, $breakMinutes: Int) {\n    startRoomTimer(roomId: $roomId, focusMinutes: $focusMinutes, breakMinutes: $breakMinutes) { ...TimerFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseRoomTimer($roomId: ID!) { pauseRoomTimer(roomId: $roomId) { ...TimerFields } }\n"): (typeof documents)["\n  mutation PauseRoomTimer($roomId: ID!) { pauseRoomTimer(roomId: $roomId) { ...TimerFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeRoomTimer($roomId: ID!) { resumeRoomTimer(roomId: $roomId) { ...TimerFields } }\n"): (typeof documents)["\n  mutation ResumeRoomTimer($roomId: ID!) { resumeRoomTimer(roomId: $roomId) { ...TimerFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StopRoomTimer($roomId: ID!) { stopRoomTimer(roomId: $roomId) { ...TimerFields } }\n"): (typeof documents)["\n  mutation StopRoomTimer($roomId: ID!) { stopRoomTimer(roomId: $roomId) { ...TimerFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetFocusGoal($roomId: ID!, $goal: String) { setFocusGoal(roomId: $roomId, goal: $goal) { ...TimerFields } }\n"): (typeof documents)["\n  mutation SetFocusGoal($roomId: ID!, $goal: String) { setFocusGoal(roomId: $roomId, goal: $goal) { ...TimerFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetFocusGoalDone($roomId: ID!, $done: Boolean!) { setFocusGoalDone(roomId: $roomId, done: $done) { ...TimerFields } }\n"): (typeof documents)["\n  mutation SetFocusGoalDone($roomId: ID!, $done: Boolean!) { setFocusGoalDone(roomId: $roomId, done: $done) { ...TimerFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FocusMe { me { id holdNotificationsWhileFocusing heldNotificationCount } }\n"): (typeof documents)["\n  query FocusMe { me { id holdNotificationsWhileFocusing heldNotificationCount } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetNotificationHold($enabled: Boolean!) { setNotificationHold(enabled: $enabled) { id holdNotificationsWhileFocusing heldNotificationCount } }\n"): (typeof documents)["\n  mutation SetNotificationHold($enabled: Boolean!) { setNotificationHold(enabled: $enabled) { id holdNotificationsWhileFocusing heldNotificationCount } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PersonFields on User {\n    id\n    username\n    displayName\n    status\n    focusUntil\n    friendship\n    avatarUrl\n  }\n"): (typeof documents)["\n  fragment PersonFields on User {\n    id\n    username\n    displayName\n    status\n    focusUntil\n    friendship\n    avatarUrl\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FriendsOverview {\n    friends { ...PersonFields }\n    incoming: friendRequests(direction: INCOMING) { id createdAt from { ...PersonFields } }\n    outgoing: friendRequests(direction: OUTGOING) { id createdAt to { ...PersonFields } }\n    blockedUsers { ...PersonFields }\n  }\n"): (typeof documents)["\n  query FriendsOverview {\n    friends { ...PersonFields }\n    incoming: friendRequests(direction: INCOMING) { id createdAt from { ...PersonFields } }\n    outgoing: friendRequests(direction: OUTGOING) { id createdAt to { ...PersonFields } }\n    blockedUsers { ...PersonFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchPeople($search: String!) {\n    users(search: $search, first: 20) { edges { node { ...PersonFields } } }\n  }\n"): (typeof documents)["\n  query SearchPeople($search: String!) {\n    users(search: $search, first: 20) { edges { node { ...PersonFields } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendFriendRequest($userId: ID!) { sendFriendRequest(userId: $userId) { id status } }\n"): (typeof documents)["\n  mutation SendFriendRequest($userId: ID!) { sendFriendRequest(userId: $userId) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RespondToFriendRequest($id: ID!, $accept: Boolean!) { respondToFriendRequest(id: $id, accept: $accept) { id status } }\n"): (typeof documents)["\n  mutation RespondToFriendRequest($id: ID!, $accept: Boolean!) { respondToFriendRequest(id: $id, accept: $accept) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelFriendRequest($id: ID!) { cancelFriendRequest(id: $id) { id status } }\n"): (typeof documents)["\n  mutation CancelFriendRequest($id: ID!) { cancelFriendRequest(id: $id) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveFriend($userId: ID!) { removeFriend(userId: $userId) }\n"): (typeof documents)["\n  mutation RemoveFriend($userId: ID!) { removeFriend(userId: $userId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BlockUser($userId: ID!) { blockUser(userId: $userId) }\n"): (typeof documents)["\n  mutation BlockUser($userId: ID!) { blockUser(userId: $userId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnblockUser($userId: ID!) { unblockUser(userId: $userId) }\n"): (typeof documents)["\n  mutation UnblockUser($userId: ID!) { unblockUser(userId: $userId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OpenDirectRoom($userId: ID!) { openDirectRoom(userId: $userId) { id } }\n"): (typeof documents)["\n  mutation OpenDirectRoom($userId: ID!) { openDirectRoom(userId: $userId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FriendshipLive { friendshipChanged { at } }\n"): (typeof documents)["\n  subscription FriendshipLive { friendshipChanged { at } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationsList {\n    notificationsList(first: 50) { ...NotificationFields }\n  }\n"): (typeof documents)["\n  query NotificationsList {\n    notificationsList(first: 50) { ...NotificationFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OlderNotifications($before: ID!) {\n    notificationsList(first: 50, before: $before) { ...NotificationFields }\n  }\n"): (typeof documents)["\n  query OlderNotifications($before: ID!) {\n    notificationsList(first: 50, before: $before) { ...NotificationFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }\n"): (typeof documents)["\n  mutation MarkNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NotificationFields on Notification {\n    id\n    kind\n    createdAt\n    readAt\n    actor { id displayName username }\n    room { id name kind }\n    message { id body roomId }\n    friendRequest { id status }\n  }\n"): (typeof documents)["\n  fragment NotificationFields on Notification {\n    id\n    kind\n    createdAt\n    readAt\n    actor { id displayName username }\n    room { id name kind }\n    message { id body roomId }\n    friendRequest { id status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnreadNotificationCount { unreadNotificationCount }\n"): (typeof documents)["\n  query UnreadNotificationCount { unreadNotificationCount }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NotificationsLive {\n    notifications { ...NotificationFields }\n  }\n"): (typeof documents)["\n  subscription NotificationsLive {\n    notifications { ...NotificationFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription FriendRequestsLive {\n    friendshipChanged { friendship user { id } request { id status } }\n  }\n"): (typeof documents)["\n  subscription FriendRequestsLive {\n    friendshipChanged { friendship user { id } request { id status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnreadNotifications { notificationsList(unreadOnly: true, first: 100) { id kind room { id } } }\n"): (typeof documents)["\n  query UnreadNotifications { notificationsList(unreadOnly: true, first: 100) { id kind room { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkRoomNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }\n"): (typeof documents)["\n  mutation MarkRoomNotificationsRead($ids: [ID!]) { markNotificationsRead(ids: $ids) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetMemberRole($roomId: ID!, $userId: ID!, $role: MemberRole!) { setMemberRole(roomId: $roomId, userId: $userId, role: $role) { role user { id } } }\n"): (typeof documents)["\n  mutation SetMemberRole($roomId: ID!, $userId: ID!, $role: MemberRole!) { setMemberRole(roomId: $roomId, userId: $userId, role: $role) { role user { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMember($roomId: ID!, $userId: ID!, $ban: Boolean) { removeMember(roomId: $roomId, userId: $userId, ban: $ban) }\n"): (typeof documents)["\n  mutation RemoveMember($roomId: ID!, $userId: ID!, $ban: Boolean) { removeMember(roomId: $roomId, userId: $userId, ban: $ban) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomMembers($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      memberCount\n      members(first: 100, after: $after) {\n        edges { node { role joinedAt user { id username displayName status focusUntil avatarUrl } } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n"): (typeof documents)["\n  query RoomMembers($id: ID!, $after: String) {\n    room(id: $id) {\n      id\n      memberCount\n      members(first: 100, after: $after) {\n        edges { node { role joinedAt user { id username displayName status focusUntil avatarUrl } } }\n        pageInfo { hasNextPage endCursor }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BlockFromRoom($userId: ID!) { blockUser(userId: $userId) }\n"): (typeof documents)["\n  mutation BlockFromRoom($userId: ID!) { blockUser(userId: $userId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RoomViewFields on Room {\n    id\n    name\n    description\n    kind\n    code\n    isActive\n    viewerIsMember\n    viewerRole\n    memberCount\n    unreadCount\n    viewerLastReadSeq\n    lastMessage { id seq }\n    createdAt\n    createdBy { id displayName }\n  }\n"): (typeof documents)["\n  fragment RoomViewFields on Room {\n    id\n    name\n    description\n    kind\n    code\n    isActive\n    viewerIsMember\n    viewerRole\n    memberCount\n    unreadCount\n    viewerLastReadSeq\n    lastMessage { id seq }\n    createdAt\n    createdBy { id displayName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomView($id: ID!) {\n    room(id: $id) { ...RoomViewFields }\n  }\n"): (typeof documents)["\n  query RoomView($id: ID!) {\n    room(id: $id) { ...RoomViewFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRoomSettings($id: ID!, $input: UpdateRoomInput!) { updateRoom(id: $id, input: $input) { ...RoomViewFields } }\n"): (typeof documents)["\n  mutation UpdateRoomSettings($id: ID!, $input: UpdateRoomInput!) { updateRoom(id: $id, input: $input) { ...RoomViewFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RegenerateRoomCode($roomId: ID!) { regenerateRoomCode(roomId: $roomId) { ...RoomViewFields } }\n"): (typeof documents)["\n  mutation RegenerateRoomCode($roomId: ID!) { regenerateRoomCode(roomId: $roomId) { ...RoomViewFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomBannedUsers($id: ID!) { room(id: $id) { id bannedUsers { id username displayName } } }\n"): (typeof documents)["\n  query RoomBannedUsers($id: ID!) { room(id: $id) { id bannedUsers { id username displayName } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnbanMember($roomId: ID!, $userId: ID!) { unbanMember(roomId: $roomId, userId: $userId) }\n"): (typeof documents)["\n  mutation UnbanMember($roomId: ID!, $userId: ID!) { unbanMember(roomId: $roomId, userId: $userId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchMessages($query: String!, $roomId: ID, $after: String) {\n    searchMessages(query: $query, roomId: $roomId, first: 20, after: $after) {\n      edges { cursor node { id seq body createdAt room { id name kind } sender { id username displayName } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query SearchMessages($query: String!, $roomId: ID, $after: String) {\n    searchMessages(query: $query, roomId: $roomId, first: 20, after: $after) {\n      edges { cursor node { id seq body createdAt room { id name kind } sender { id username displayName } } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DirectPeerRelation($id: ID!) { user(id: $id) { id friendship } }\n"): (typeof documents)["\n  query DirectPeerRelation($id: ID!) { user(id: $id) { id friendship } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription DirectPeerRelationLive { friendshipChanged { friendship user { id } } }\n"): (typeof documents)["\n  subscription DirectPeerRelationLive { friendshipChanged { friendship user { id } } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnblockDirectPeer($userId: ID!) { unblockUser(userId: $userId) }\n"): (typeof documents)["\n  mutation UnblockDirectPeer($userId: ID!) { unblockUser(userId: $userId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageFields on Message {\n    id\n    roomId\n    seq\n    cursor\n    body\n    createdAt\n    editedAt\n    deletedAt\n    clientId\n    sender { id username displayName avatarUrl }\n    attachments { id name size url thumbnailUrl }\n    replyTo { id seq body deletedAt sender { id username displayName } }\n    reactions { emoji count users(first: 5) { id displayName } }\n    pinnedAt\n    pinnedBy { id username displayName }\n  }\n"): (typeof documents)["\n  fragment MessageFields on Message {\n    id\n    roomId\n    seq\n    cursor\n    body\n    createdAt\n    editedAt\n    deletedAt\n    clientId\n    sender { id username displayName avatarUrl }\n    attachments { id name size url thumbnailUrl }\n    replyTo { id seq body deletedAt sender { id username displayName } }\n    reactions { emoji count users(first: 5) { id displayName } }\n    pinnedAt\n    pinnedBy { id username displayName }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ViewerReactions on Message {\n    reactions { emoji viewerReacted }\n  }\n"): (typeof documents)["\n  fragment ViewerReactions on Message {\n    reactions { emoji viewerReacted }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomMessages($roomId: ID!, $before: String, $aroundSeq: Int) {\n    messages(roomId: $roomId, last: 50, before: $before, aroundSeq: $aroundSeq) {\n      edges { cursor node { ...MessageFields ...ViewerReactions } }\n      pageInfo { hasPreviousPage startCursor hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query RoomMessages($roomId: ID!, $before: String, $aroundSeq: Int) {\n    messages(roomId: $roomId, last: 50, before: $before, aroundSeq: $aroundSeq) {\n      edges { cursor node { ...MessageFields ...ViewerReactions } }\n      pageInfo { hasPreviousPage startCursor hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomMessagesNewer($roomId: ID!, $after: String!) {\n    messages(roomId: $roomId, first: 50, after: $after) {\n      edges { cursor node { ...MessageFields ...ViewerReactions } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query RoomMessagesNewer($roomId: ID!, $after: String!) {\n    messages(roomId: $roomId, first: 50, after: $after) {\n      edges { cursor node { ...MessageFields ...ViewerReactions } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MessageAddedLive($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }\n  }\n"): (typeof documents)["\n  subscription MessageAddedLive($roomId: ID!, $after: String) {\n    messageAdded(roomId: $roomId, after: $after) { ...MessageFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MessageEventsLive($roomId: ID!, $after: Int) {\n    messageEvents(roomId: $roomId, after: $after, kinds: [EDITED, DELETED, REACTIONS_CHANGED, PINNED, UNPINNED]) { seq kind message { ...MessageFields } }\n  }\n"): (typeof documents)["\n  subscription MessageEventsLive($roomId: ID!, $after: Int) {\n    messageEvents(roomId: $roomId, after: $after, kinds: [EDITED, DELETED, REACTIONS_CHANGED, PINNED, UNPINNED]) { seq kind message { ...MessageFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($roomId: ID!, $body: String!, $clientId: String, $replyToId: ID, $attachmentIds: [ID!]) {\n    sendMessage(roomId: $roomId, body: $body, clientId: $clientId, replyToId: $replyToId, attachmentIds: $attachmentIds) { ...MessageFields }\n  }\n"): (typeof documents)["\n  mutation SendMessage($roomId: ID!, $body: String!, $clientId: String, $replyToId: ID, $attachmentIds: [ID!]) {\n    sendMessage(roomId: $roomId, body: $body, clientId: $clientId, replyToId: $replyToId, attachmentIds: $attachmentIds) { ...MessageFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }\n  }\n"): (typeof documents)["\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }\n  }\n"): (typeof documents)["\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) { ...MessageFields ...ViewerReactions }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PinMessage($messageId: ID!) {\n    pinMessage(messageId: $messageId) { ...MessageFields }\n  }\n"): (typeof documents)["\n  mutation PinMessage($messageId: ID!) {\n    pinMessage(messageId: $messageId) { ...MessageFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnpinMessage($messageId: ID!) {\n    unpinMessage(messageId: $messageId) { ...MessageFields }\n  }\n"): (typeof documents)["\n  mutation UnpinMessage($messageId: ID!) {\n    unpinMessage(messageId: $messageId) { ...MessageFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PinnedMessages($roomId: ID!) {\n    room(id: $roomId) { id pinnedMessages { ...MessageFields } }\n  }\n"): (typeof documents)["\n  query PinnedMessages($roomId: ID!) {\n    room(id: $roomId) { id pinnedMessages { ...MessageFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EditMessage($id: ID!, $body: String!) {\n    editMessage(id: $id, body: $body) { ...MessageFields }\n  }\n"): (typeof documents)["\n  mutation EditMessage($id: ID!, $body: String!) {\n    editMessage(id: $id, body: $body) { ...MessageFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) { ...MessageFields }\n  }\n"): (typeof documents)["\n  mutation DeleteMessage($id: ID!) {\n    deleteMessage(id: $id) { ...MessageFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkRead($roomId: ID!, $messageId: ID!) { markRead(roomId: $roomId, messageId: $messageId) { id unreadCount } }\n"): (typeof documents)["\n  mutation MarkRead($roomId: ID!, $messageId: ID!) { markRead(roomId: $roomId, messageId: $messageId) { id unreadCount } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JoinRoom($roomId: ID!) { joinRoom(roomId: $roomId) { ...RoomViewFields } }\n"): (typeof documents)["\n  mutation JoinRoom($roomId: ID!) { joinRoom(roomId: $roomId) { ...RoomViewFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LeaveRoom($roomId: ID!) { leaveRoom(roomId: $roomId) }\n"): (typeof documents)["\n  mutation LeaveRoom($roomId: ID!) { leaveRoom(roomId: $roomId) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteRoom($id: ID!) { deleteRoom(id: $id) }\n"): (typeof documents)["\n  mutation DeleteRoom($id: ID!) { deleteRoom(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomResync($id: ID!) { room(id: $id) { ...RoomViewFields } }\n"): (typeof documents)["\n  query RoomResync($id: ID!) { room(id: $id) { ...RoomViewFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RoomChangedLive($roomId: ID!) {\n    roomChanged(roomId: $roomId) {\n      kind\n      room { ...RoomViewFields }\n      user { id displayName }\n      by { id displayName }\n      banned\n    }\n  }\n"): (typeof documents)["\n  subscription RoomChangedLive($roomId: ID!) {\n    roomChanged(roomId: $roomId) {\n      kind\n      room { ...RoomViewFields }\n      user { id displayName }\n      by { id displayName }\n      banned\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RoomPresenceLive($roomId: ID) {\n    presenceChanged(roomId: $roomId) { status joined left focusUntil user { id } }\n  }\n"): (typeof documents)["\n  subscription RoomPresenceLive($roomId: ID) {\n    presenceChanged(roomId: $roomId) { status joined left focusUntil user { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TypingLive($roomId: ID!) {\n    typing(roomId: $roomId) { typing user { id displayName } }\n  }\n"): (typeof documents)["\n  subscription TypingLive($roomId: ID!) {\n    typing(roomId: $roomId) { typing user { id displayName } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }\n"): (typeof documents)["\n  mutation SetTyping($roomId: ID!, $typing: Boolean!) { setTyping(roomId: $roomId, typing: $typing) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JoinRoomByCode($code: String!) {\n    joinRoom(code: $code) { id }\n  }\n"): (typeof documents)["\n  mutation JoinRoomByCode($code: String!) {\n    joinRoom(code: $code) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment RoomListFields on Room {\n    id\n    name\n    description\n    kind\n    memberCount\n    viewerIsMember\n    viewerRole\n    unreadCount\n    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }\n  }\n"): (typeof documents)["\n  fragment RoomListFields on Room {\n    id\n    name\n    description\n    kind\n    memberCount\n    viewerIsMember\n    viewerRole\n    unreadCount\n    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BrowseRooms($search: String, $first: Int, $after: String) {\n    rooms(search: $search, first: $first, after: $after) {\n      edges { cursor node { ...RoomListFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query BrowseRooms($search: String, $first: Int, $after: String) {\n    rooms(search: $search, first: $first, after: $after) {\n      edges { cursor node { ...RoomListFields } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRoom($input: CreateRoomInput!) {\n    createRoom(input: $input) { id }\n  }\n"): (typeof documents)["\n  mutation CreateRoom($input: CreateRoomInput!) {\n    createRoom(input: $input) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation JoinRoomById($roomId: ID!) {\n    joinRoom(roomId: $roomId) { id }\n  }\n"): (typeof documents)["\n  mutation JoinRoomById($roomId: ID!) {\n    joinRoom(roomId: $roomId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SwitcherFriends { friends { id username displayName } }\n"): (typeof documents)["\n  query SwitcherFriends { friends { id username displayName } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SwitcherOpenDirect($userId: ID!) { openDirectRoom(userId: $userId) { id } }\n"): (typeof documents)["\n  mutation SwitcherOpenDirect($userId: ID!) { openDirectRoom(userId: $userId) { id } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SidebarRoomFields on Room {\n    id\n    name\n    kind\n    createdAt\n    unreadCount\n    viewerNotificationLevel\n    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }\n    members(first: 2) { edges { node { user { id username displayName } } } }\n  }\n"): (typeof documents)["\n  fragment SidebarRoomFields on Room {\n    id\n    name\n    kind\n    createdAt\n    unreadCount\n    viewerNotificationLevel\n    lastMessage { id body createdAt deletedAt sender { id username displayName } attachments { id } }\n    members(first: 2) { edges { node { user { id username displayName } } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SidebarRooms {\n    myRooms { ...SidebarRoomFields }\n    notificationsList(unreadOnly: true, first: 100) { id kind room { id } }\n  }\n"): (typeof documents)["\n  query SidebarRooms {\n    myRooms { ...SidebarRoomFields }\n    notificationsList(unreadOnly: true, first: 100) { id kind room { id } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SidebarActivity {\n    roomActivity { room { id } message { id body createdAt deletedAt sender { id username displayName } attachments { id } } }\n  }\n"): (typeof documents)["\n  subscription SidebarActivity {\n    roomActivity { room { id } message { id body createdAt deletedAt sender { id username displayName } attachments { id } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SidebarListChanged {\n    roomListChanged { kind roomId }\n  }\n"): (typeof documents)["\n  subscription SidebarListChanged {\n    roomListChanged { kind roomId }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRoomNotificationLevel($roomId: ID!, $level: NotificationLevel!) {\n    setRoomNotificationLevel(roomId: $roomId, level: $level) { id viewerNotificationLevel }\n  }\n"): (typeof documents)["\n  mutation SetRoomNotificationLevel($roomId: ID!, $level: NotificationLevel!) {\n    setRoomNotificationLevel(roomId: $roomId, level: $level) { id viewerNotificationLevel }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MeFields on User {\n    id\n    username\n    displayName\n    firstName\n    lastName\n    status\n    createdAt\n    updatedAt\n    avatarUrl\n  }\n"): (typeof documents)["\n  fragment MeFields on User {\n    id\n    username\n    displayName\n    firstName\n    lastName\n    status\n    createdAt\n    updatedAt\n    avatarUrl\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { ...MeFields }\n  }\n"): (typeof documents)["\n  query Me {\n    me { ...MeFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) { user { ...MeFields } }\n  }\n"): (typeof documents)["\n  mutation SignUp($input: SignUpInput!) {\n    signUp(input: $input) { user { ...MeFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) { user { ...MeFields } }\n  }\n"): (typeof documents)["\n  mutation LogIn($input: LogInInput!) {\n    logIn(input: $input) { user { ...MeFields } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LogOut { logOut }\n"): (typeof documents)["\n  mutation LogOut { logOut }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;