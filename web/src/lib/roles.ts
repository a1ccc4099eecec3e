// Who may act on whom in a room: the client's copy of the server's rule (src/modules/rooms/permissions.ts),
// used only to decide which actions to offer; the server decides.
export type Role = 'OWNER' | 'MODERATOR' | 'MEMBER'

const RANK: Record<Role, number> = { OWNER: 3, MODERATOR: 2, MEMBER: 1 }
export const rankOf = (r: Role | null | undefined) => (r ? RANK[r] : 0)
export const isModerator = (r: Role | null | undefined) => r === 'OWNER' || r === 'MODERATOR'
/** removing and banning: only members below one's own role */
export const mayRemove = (actor: Role | null | undefined, target: Role | null | undefined) => isModerator(actor) && rankOf(target) < rankOf(actor)
/** roles are set by the owner, on anyone else */
export const maySetRole = (actor: Role | null | undefined, target: Role | null | undefined) => actor === 'OWNER' && target !== 'OWNER'
export const roleLabel = (r: Role) => ({ OWNER: 'Owner', MODERATOR: 'Moderator', MEMBER: 'Member' }[r])
