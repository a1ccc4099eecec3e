import type { AppResolvers } from '../../graphql/schema.js'
import { type Ctx, requireViewer } from '../../graphql/context.js'
import { notFound } from '../../graphql/errors.js'
import type { RoomModel } from '../../graphql/models.js'
import { mayAct } from './permissions.js'

/** may the viewer see inside the room: anyone signed in for PUBLIC rooms, members otherwise */
async function insider(ctx: Ctx, r: RoomModel): Promise<boolean> {
  return r.kind === 'PUBLIC' || !!(await ctx.svc.rooms.membership(ctx, r.id))
}

export const roomsResolvers: AppResolvers = {
  Query: {
    rooms: (_, { search, first, after }, ctx) => ctx.svc.rooms.list(ctx, search, first, after),
    myRooms: (_, __, ctx) => ctx.svc.rooms.mine(ctx),
    room: async (_, { id }, ctx) => (await ctx.svc.rooms.readable(ctx, id)).room,
    roomByCode: (_, { code }, ctx) => ctx.svc.rooms.byCode(ctx, code),
  },
  Mutation: {
    createRoom: (_, { input }, ctx) => ctx.svc.rooms.create(requireViewer(ctx), input),
    updateRoom: (_, { id, input }, ctx) => ctx.svc.rooms.update(ctx, id, input),
    deleteRoom: (_, { id }, ctx) => ctx.svc.rooms.delete(ctx, id),
    joinRoom: (_, { roomId, code }, ctx) => ctx.svc.rooms.join(ctx, roomId, code),
    leaveRoom: (_, { roomId }, ctx) => ctx.svc.rooms.leave(ctx, roomId),
    setRoomNotificationLevel: (_, { roomId, level }, ctx) => ctx.svc.rooms.setNotificationLevel(ctx, roomId, level),
    setTyping: (_, { roomId, typing }, ctx) => ctx.svc.typing.set(ctx, roomId, typing),
    setMemberRole: (_, { roomId, userId, role }, ctx) => ctx.svc.rooms.moderation.setMemberRole(ctx, roomId, userId, role),
    removeMember: (_, { roomId, userId, ban }, ctx) => ctx.svc.rooms.moderation.removeMember(ctx, roomId, userId, ban ?? false),
    unbanMember: (_, { roomId, userId }, ctx) => ctx.svc.rooms.moderation.unbanMember(ctx, roomId, userId),
    regenerateRoomCode: (_, { roomId }, ctx) => ctx.svc.rooms.moderation.regenerateCode(ctx, roomId),
  },
  Subscription: {
    typing: { subscribe: (_, { roomId }: { roomId: string }, ctx) => ctx.svc.typing.feed(ctx, roomId) },
    roomActivity: { subscribe: (_, __, ctx) => ctx.svc.rooms.activityFeed(ctx) },
    roomListChanged: { subscribe: (_, __, ctx) => ctx.svc.rooms.listFeed(ctx) },
    roomChanged: { subscribe: (_, { roomId }: { roomId: string }, ctx) => ctx.svc.rooms.moderation.feed(ctx, roomId) },
  },
  RoomListEvent: {
    // the room as the viewer may see it now: none once it left their list (or they left it since)
    room: async (e, _, ctx) => {
      if (e.kind === 'LEFT') return null
      const room = await ctx.svc.rooms.load(ctx, e.roomId)
      return room && await ctx.svc.rooms.membership(ctx, room.id) ? room : null
    },
  },
  RoomChange: {
    room: (c, _, ctx) => (c.kind === 'DELETED' ? null : ctx.svc.rooms.load(ctx, c.roomId)),
    user: (c, _, ctx) => (c.userId ? ctx.svc.users.load(ctx, c.userId) : null),
    by: (c, _, ctx) => (c.byId ? ctx.svc.users.load(ctx, c.byId) : null),
    // the one removed learns it was a ban; of the others only those who see bannedUsers
    banned: async (c, _, ctx) => {
      if (c.kind !== 'MEMBER_REMOVED') return null
      if (c.userId === ctx.viewer?.userId) return c.banned ?? false
      return mayAct((await ctx.svc.rooms.membership(ctx, c.roomId))?.role ?? null, 'viewBans') ? c.banned ?? false : null
    },
  },
  RoomActivity: {
    // the room as of this message: rendered a moment later, it could already count later ones
    room: async (a, _, ctx) => ({ ...(await ctx.svc.rooms.load(ctx, a.roomId))!, asOfSeq: a.message.seq }),
  },
  Room: {
    createdBy: (r, _, ctx) => (r.createdById ? ctx.svc.users.load(ctx, r.createdById) : null),
    viewerIsMember: async (r, _, ctx) => !!(await ctx.svc.rooms.membership(ctx, r.id)),
    viewerRole: async (r, _, ctx) => (await ctx.svc.rooms.membership(ctx, r.id))?.role ?? null,
    viewerNotificationLevel: (r, _, ctx) => ctx.svc.rooms.viewerNotificationLevel(ctx, r),
    viewerLastReadSeq: async (r, _, ctx) => (await ctx.svc.rooms.membership(ctx, r.id))?.lastReadSeq ?? null,
    memberCount: (r, _, ctx) => ctx.svc.rooms.memberCount(ctx, r.id),
    members: (r, { first, after }, ctx) => ctx.svc.rooms.members(ctx, r, first, after),
    messages: (r, args, ctx) => ctx.svc.messages.page(ctx, r.id, args),
    // roomByCode hands a non-member a PRIVATE room to preview: what happens inside stays inside
    lastMessage: async (r, _, ctx) => ((await insider(ctx, r)) ? ctx.svc.messages.lastMessage(ctx, r) : null),
    unreadCount: (r, _, ctx) => ctx.svc.messages.unreadCount(ctx, r),
    onlineMembers: (r, _, ctx) => ctx.svc.presence.onlineMembers(ctx, r),
    callParticipants: async (r, _, ctx) => {
      if (!(await insider(ctx, r))) throw notFound('No such room')
      return ctx.svc.calls.participantsOf(ctx, r.id)
    },
    bannedUsers: (r, _, ctx) => ctx.svc.rooms.moderation.bannedUsers(ctx, r),
    timer: async (r, _, ctx) => ((await insider(ctx, r)) ? ctx.svc.timers.forRoom(ctx, r.id) : null),
  },
  RoomMember: {
    user: async (m, _, ctx) => ctx.svc.users.loadOrGone(ctx, m.userId),
  },
  TypingEvent: {
    user: async (e, _, ctx) => ctx.svc.users.loadOrGone(ctx, e.userId),
  },
}
