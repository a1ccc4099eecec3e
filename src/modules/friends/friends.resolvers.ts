import type { AppResolvers } from '../../graphql/schema.js'

export const friendsResolvers: AppResolvers = {
  Query: {
    friends: (_, __, ctx) => ctx.svc.friends.friends(ctx),
    friendRequests: (_, { direction }, ctx) => ctx.svc.friends.requests(ctx, direction),
    blockedUsers: (_, __, ctx) => ctx.svc.friends.blockedUsers(ctx),
  },
  Mutation: {
    sendFriendRequest: (_, { userId }, ctx) => ctx.svc.friends.sendRequest(ctx, userId),
    respondToFriendRequest: (_, { id, accept }, ctx) => ctx.svc.friends.respond(ctx, id, accept),
    cancelFriendRequest: (_, { id }, ctx) => ctx.svc.friends.cancel(ctx, id),
    removeFriend: (_, { userId }, ctx) => ctx.svc.friends.remove(ctx, userId),
    blockUser: (_, { userId }, ctx) => ctx.svc.friends.block(ctx, userId),
    unblockUser: (_, { userId }, ctx) => ctx.svc.friends.unblock(ctx, userId),
    openDirectRoom: (_, { userId }, ctx) => ctx.svc.friends.openDirect(ctx, userId),
  },
  Subscription: {
    friendshipChanged: { subscribe: (_, __, ctx) => ctx.svc.friends.friendshipFeed(ctx) },
  },
  FriendRequest: {
    from: async (r, _, ctx) => ctx.svc.users.loadOrGone(ctx, r.fromId),
    to: async (r, _, ctx) => ctx.svc.users.loadOrGone(ctx, r.toId),
  },
}
