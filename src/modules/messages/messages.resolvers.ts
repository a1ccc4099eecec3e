import { encodeMessageCursor, pageSize } from '../../graphql/connection.js'
import type { AppResolvers } from '../../graphql/schema.js'
import type { MessageEventKind } from '../../graphql/models.js'

export const messagesResolvers: AppResolvers = {
  Query: {
    messages: (_, { roomId, ...args }, ctx) => ctx.svc.messages.page(ctx, roomId, args),
    searchMessages: (_, { query, roomId, first, after }, ctx) => ctx.svc.messages.search(ctx, query, roomId, first, after),
  },
  Mutation: {
    sendMessage: (_, { roomId, body, clientId, replyToId, attachmentIds }, ctx) => ctx.svc.messages.send(ctx, roomId, body, clientId, replyToId, attachmentIds),
    addReaction: (_, { messageId, emoji }, ctx) => ctx.svc.messages.addReaction(ctx, messageId, emoji),
    removeReaction: (_, { messageId, emoji }, ctx) => ctx.svc.messages.removeReaction(ctx, messageId, emoji),
    pinMessage: (_, { messageId }, ctx) => ctx.svc.messages.pin(ctx, messageId),
    unpinMessage: (_, { messageId }, ctx) => ctx.svc.messages.unpin(ctx, messageId),
    editMessage: (_, { id, body }, ctx) => ctx.svc.messages.edit(ctx, id, body),
    deleteMessage: (_, { id }, ctx) => ctx.svc.messages.delete(ctx, id),
    markRead: (_, { roomId, messageId }, ctx) => ctx.svc.messages.markRead(ctx, roomId, messageId),
  },
  Subscription: {
    messageAdded: { subscribe: (_, { roomId, after }: { roomId: string; after?: string | null }, ctx) => ctx.svc.messages.messageAddedFeed(ctx, roomId, after) },
    messageEvents: { subscribe: (_, { roomId, after, kinds }: { roomId: string; after?: number | null; kinds?: readonly MessageEventKind[] | null }, ctx) => ctx.svc.messages.messageEventsFeed(ctx, roomId, after, kinds) },
  },
  Message: {
    cursor: (m) => encodeMessageCursor(m.seq, m.roomId),
    room: async (m, _, ctx) => {
      const room = await ctx.svc.rooms.load(ctx, m.roomId)
      if (!room) throw new Error('message without room')
      return room
    },
    sender: async (m, _, ctx) => m.sender ?? ctx.svc.users.loadOrGone(ctx, m.senderId),
    // same room as the reply, so readable by whoever reads the reply; a deleted one is its tombstone
    replyTo: (m, _, ctx) => (m.replyToId ? ctx.svc.messages.load(ctx, m.replyToId) : null),
    reactions: (m, _, ctx) => ctx.svc.messages.reactions(ctx, m),
    // a deleted account's pins stay, pinned_by moved to its placeholder ("Deleted user"), as its
    // messages' sender_id is (AccountRepository.erase)
    pinnedBy: (m, _, ctx) => (m.pinnedById ? ctx.svc.users.load(ctx, m.pinnedById) : null),
  },
  ReactionGroup: {
    count: (g) => g.userIds.length,
    viewerReacted: (g, _, ctx) => !!ctx.viewer && g.userIds.includes(ctx.viewer.userId),
    users: async (g, { first }, ctx) => {
      const n = pageSize(first, 'first', 10)
      const users = await Promise.all(g.userIds.slice(0, n).map((id) => ctx.svc.users.load(ctx, id)))
      return users.filter((u): u is NonNullable<typeof u> => !!u)
    },
  },
  Room: {
    pinnedMessages: (r, _, ctx) => ctx.svc.messages.pinnedMessages(ctx, r),
  },
  MessageEvent: {
    message: (e) => e.message,
  },
}
