// Who may act on whom in a room (contract part 2, Moderation), in one place: every moderation
// check of the server asks `mayAct`, and tests/api/moderation.test.ts walks it as a table.
import type { MemberRole } from '../../graphql/models.js'

/** the actor's standing in the room: a role, or not a member (banned users are not members) */
export type Standing = MemberRole | null

export type RoomAction =
  /** updateRoom, deleteRoom */
  | 'manageRoom'
  /** setMemberRole (handing the room over included) */
  | 'setRole'
  /** removeMember with or without ban; unbanMember */
  | 'remove'
  | 'unban'
  /** Room.bannedUsers */
  | 'viewBans'
  | 'regenerateCode'
  /** deleteMessage of another member's message (pins follow the same rule) */
  | 'moderateMessages'

const RANK: Record<MemberRole, number> = { OWNER: 3, MODERATOR: 2, MEMBER: 1 }

export function rank(role: Standing): number {
  return role ? RANK[role] : 0
}

/** whether the role may moderate at all (delete others' messages, pin, remove, ban, see bans, new code) */
export function isModerator(role: Standing): boolean {
  return role === 'OWNER' || role === 'MODERATOR'
}

/**
 * May someone of role `actor` do `action` (to a member of role `target`, for actions that have
 * one: null is a user who is not a member, e.g. a ban of someone who already left)?
 */
export function mayAct(actor: Standing, action: RoomAction, target?: Standing): boolean {
  switch (action) {
    case 'manageRoom':
    case 'setRole':
      // roles are set by the owner, on anyone but themselves (handing over makes them MODERATOR)
      return actor === 'OWNER' && (action === 'manageRoom' || target !== 'OWNER')
    case 'remove':
      // only below one's own role: a moderator never removes another moderator or the owner
      return isModerator(actor) && rank(target ?? null) < rank(actor)
    case 'unban':
    case 'viewBans':
    case 'regenerateCode':
    case 'moderateMessages':
      return isModerator(actor)
  }
}
