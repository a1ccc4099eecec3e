// What travels on user.<id>.inbox: a closed set of tagged messages for exactly one user.
// Other modules may add their own tags (signals); every reader ignores tags it does not know.
import type { FriendRequestModel, NotificationModel, UserModel } from '../../graphql/models.js'
import type { FriendshipStatus } from '../users/users.service.js'

export interface FriendshipEventModel {
  /** the other person */
  user: UserModel
  /** the relation now, from the receiving user's side */
  friendship: FriendshipStatus
  request: FriendRequestModel | null
  at: number
}

export type InboxMessage =
  | { type: 'notification'; notification: NotificationModel }
  | { type: 'friendship'; event: FriendshipEventModel }
  | { type: 'profile'; user: UserModel }
  /** the user became a member of a room (joined, created it, a direct room opened): live room lists follow it */
  | { type: 'rooms'; roomId: string }
  /** the user left a room (any device), was removed or banned from it, or it was deleted (LEFT); or it was renamed (UPDATED) */
  | { type: 'roomList'; kind: 'LEFT' | 'UPDATED'; roomId: string }

export function isInbox<T extends InboxMessage['type']>(m: unknown, type: T): m is Extract<InboxMessage, { type: T }> {
  return !!m && typeof m === 'object' && (m as { type?: unknown }).type === type
}
