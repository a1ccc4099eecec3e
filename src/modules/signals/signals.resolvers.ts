import type { AppResolvers } from '../../graphql/schema.js'

export const signalsResolvers: AppResolvers = {
  Query: {
    callParticipants: (_, { roomId }, ctx) => ctx.svc.calls.participants(ctx, roomId),
    callConfig: (_, __, ctx) => ({ iceServers: ctx.svc.config.iceServers }),
  },
  Mutation: {
    sendSignal: (_, { input }, ctx) => ctx.svc.signals.send(ctx, input),
    joinCall: (_, { roomId }, ctx) => ctx.svc.calls.join(ctx, roomId),
    leaveCall: (_, { roomId }, ctx) => ctx.svc.calls.leave(ctx, roomId),
  },
  Subscription: {
    signalReceived: { subscribe: (_, { roomId }: { roomId?: string | null }, ctx) => ctx.svc.signals.feed(ctx, roomId) },
    callChanged: { subscribe: (_, { roomId }: { roomId: string }, ctx) => ctx.svc.calls.feed(ctx, roomId) },
  },
  Signal: {
    from: async (s, _, ctx) => ctx.svc.users.loadOrGone(ctx, s.fromId),
    to: async (s, _, ctx) => ctx.svc.users.loadOrGone(ctx, s.toId),
  },
  CallEvent: {
    user: async (e, _, ctx) => ctx.svc.users.loadOrGone(ctx, e.userId),
    participants: async (e, _, ctx) => {
      const users = await Promise.all(e.participantIds.map((id) => ctx.svc.users.load(ctx, id)))
      return users.filter((u) => u !== null)
    },
  },
}
