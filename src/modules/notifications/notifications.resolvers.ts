import type { AppResolvers } from '../../graphql/schema.js'

export const notificationsResolvers: AppResolvers = {
  Query: {
    notificationsList: (_, { unreadOnly, first, before }, ctx) => ctx.svc.notifications.list(ctx, unreadOnly, first, before),
    unreadNotificationCount: (_, __, ctx) => ctx.svc.notifications.unreadCount(ctx),
  },
  Mutation: {
    markNotificationsRead: (_, { ids }, ctx) => ctx.svc.notifications.markRead(ctx, ids),
  },
  Subscription: {
    notifications: { subscribe: (_, __, ctx) => ctx.svc.notifications.feed(ctx) },
  },
  Notification: {
    actor: (n, _, ctx) => (n.actorId ? ctx.svc.users.load(ctx, n.actorId) : null),
    room: (n, _, ctx) => ctx.svc.notifications.room(ctx, n),
    message: (n, _, ctx) => ctx.svc.notifications.message(ctx, n),
    friendRequest: (n, _, ctx) => (n.friendRequestId ? ctx.svc.friends.loadRequest(ctx, n.friendRequestId) : null),
  },
}
