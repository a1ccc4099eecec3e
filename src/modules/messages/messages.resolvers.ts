import type { AppResolvers } from '../../graphql/schema.js'

export const messagesResolvers: AppResolvers = {
  Query: {
    messages: (_, { roomId, ...args }, ctx) => ctx.svc.messages.page(ctx, roomId, args),
    searchMessages: (_, { query, roomId, first, after }, ctx) => ctx.svc.messages.search(ctx, query, roomId, first, after),
  },
  Mutation: {
    sendMessage: (_, { roomId, body, clientId, attachmentIds }, ctx) => ctx.svc.messages.send(ctx, roomId, body, clientId, attachmentIds),
    editMessage: (_, { id, body }, ctx) => ctx.svc.messages.edit(ctx, id, body),
    deleteMessage: (_, { id }, ctx) => ctx.svc.messages.delete(ctx, id),
    markRead: (_, { roomId, messageId }, ctx) => ctx.svc.messages.markRead(ctx, roomId, messageId),
  },
  Subscription: {
    messageAdded: { subscribe: (_, { roomId, after }: { roomId: string; after?: string | null }, ctx) => ctx.svc.messages.messageAddedFeed(ctx, roomId, after) },
    messageEvents: { subscribe: (_, { roomId, after }: { roomId: string; after?: number | null }, ctx) => ctx.svc.messages.messageEventsFeed(ctx, roomId, after) },
  },
  Message: {
    room: async (m, _, ctx) => {
      const room = await ctx.svc.rooms.load(ctx, m.roomId)
      if (!room) throw new Error('message without room')
      return room
    },
    sender: async (m, _, ctx) => (await ctx.svc.users.load(ctx, m.senderId))!,
  },
  MessageEvent: {
    message: (e) => e.message,
  },
}
