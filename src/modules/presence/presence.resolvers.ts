import type { AppResolvers } from '../../graphql/schema.js'

export const presenceResolvers: AppResolvers = {
  Mutation: {
    setPresence: (_, { status }, ctx) => ctx.svc.presence.setPresence(ctx, status),
  },
  Subscription: {
    presenceChanged: { subscribe: (_, { roomId }: { roomId?: string | null }, ctx) => ctx.svc.presence.feed(ctx, roomId) },
  },
  User: {
    lastSeenAt: (u, _, ctx) => ctx.svc.presence.lastSeenFor(ctx, u),
  },
  PresenceEvent: {
    user: async (e, _, ctx) => ctx.svc.users.loadOrGone(ctx, e.userId),
    // the event reaches only those who may see the user's status (the feed decides): no check per viewer
    focusUntil: (e, _, ctx) => (e.status === 'OFFLINE' ? null : ctx.svc.timers.focusUntil(ctx, e.userId)),
  },
}
