import type { AppResolvers } from '../../graphql/schema.js'
import { requireViewer } from '../../graphql/context.js'

export const usersResolvers: AppResolvers = {
  Query: {
    me: (_, __, ctx) => (ctx.viewer ? ctx.svc.users.get(ctx, ctx.viewer.userId) : null),
    user: (_, { id }, ctx) => ctx.svc.users.get(ctx, id),
    users: (_, { search, first, after }, ctx) => ctx.svc.users.search(search, first, after),
  },
  Mutation: {
    updateProfile: (_, { input }, ctx) => ctx.svc.users.updateProfile(requireViewer(ctx), input),
  },
  Subscription: {
    userUpdated: { subscribe: (_, { userId }: { userId?: string | null }, ctx) => ctx.svc.users.userUpdatedFeed(ctx, userId) },
  },
  User: {
    status: (u, _, ctx) => ctx.svc.users.statusFor(ctx, u.id),
    friendship: (u, _, ctx) => ctx.svc.users.friendshipFor(ctx, u.id),
    focusUntil: (u, _, ctx) => ctx.svc.users.focusUntilFor(ctx, u.id),
  },
}
