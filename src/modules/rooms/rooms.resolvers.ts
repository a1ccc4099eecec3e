import type { AppResolvers } from '../../graphql/schema.js'
import { requireViewer } from '../../graphql/context.js'

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
    setTyping: (_, { roomId, typing }, ctx) => ctx.svc.typing.set(ctx, roomId, typing),
  },
  Subscription: {
    typing: { subscribe: (_, { roomId }: { roomId: string }, ctx) => ctx.svc.typing.feed(ctx, roomId) },
  },
  Room: {
    createdBy: (r, _, ctx) => (r.createdById ? ctx.svc.users.load(ctx, r.createdById) : null),
    viewerIsMember: async (r, _, ctx) => !!(await ctx.svc.rooms.membership(ctx, r.id)),
    viewerRole: async (r, _, ctx) => (await ctx.svc.rooms.membership(ctx, r.id))?.role ?? null,
    memberCount: (r, _, ctx) => ctx.svc.rooms.memberCount(ctx, r.id),
    members: (r, { first, after }, ctx) => ctx.svc.rooms.members(ctx, r, first, after),
    messages: (r, args, ctx) => ctx.svc.messages.page(ctx, r.id, args),
    lastMessage: (r, _, ctx) => ctx.svc.messages.lastMessage(ctx, r),
    unreadCount: (r, _, ctx) => ctx.svc.messages.unreadCount(ctx, r),
    onlineMembers: (r, _, ctx) => ctx.svc.presence.onlineMembers(ctx, r),
    callParticipants: (r, _, ctx) => ctx.svc.calls.participantsOf(ctx, r.id),
    timer: (r, _, ctx) => ctx.svc.timers.forRoom(ctx, r.id),
  },
  RoomMember: {
    user: async (m, _, ctx) => (await ctx.svc.users.load(ctx, m.userId))!,
  },
  TypingEvent: {
    user: async (e, _, ctx) => (await ctx.svc.users.load(ctx, e.userId))!,
  },
}
