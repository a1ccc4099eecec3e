import type { AppResolvers } from '../../graphql/schema.js'
import { remainingSeconds } from './timer.service.js'

export const studyResolvers: AppResolvers = {
  Query: {
    studySessions: (_, { first, after }, ctx) => ctx.svc.study.page(ctx, first, after),
    studyStats: (_, { days, timeZone }, ctx) => ctx.svc.study.stats(ctx, days, timeZone),
  },
  Mutation: {
    startStudySession: (_, { roomId }, ctx) => ctx.svc.study.startSession(ctx, roomId),
    endStudySession: (_, { id }, ctx) => ctx.svc.study.endSession(ctx, id),
    recordStudySession: (_, { roomId, minutes }, ctx) => ctx.svc.study.record(ctx, roomId, minutes),
    startRoomTimer: (_, { roomId, focusMinutes, breakMinutes }, ctx) => ctx.svc.timers.startTimer(ctx, roomId, focusMinutes, breakMinutes),
    pauseRoomTimer: (_, { roomId }, ctx) => ctx.svc.timers.pauseTimer(ctx, roomId),
    resumeRoomTimer: (_, { roomId }, ctx) => ctx.svc.timers.resumeTimer(ctx, roomId),
    stopRoomTimer: (_, { roomId }, ctx) => ctx.svc.timers.stopTimer(ctx, roomId),
    setWeeklyGoal: (_, { minutes }, ctx) => ctx.svc.study.setWeeklyGoal(ctx, minutes),
  },
  Subscription: {
    roomTimer: { subscribe: (_, { roomId }: { roomId: string }, ctx) => ctx.svc.timers.feed(ctx, roomId) },
  },
  RoomTimer: {
    remainingSeconds: (t) => remainingSeconds(t),
    startedBy: (t, _, ctx) => (t.startedById ? ctx.svc.users.load(ctx, t.startedById) : null),
  },
  StudySession: {
    user: async (s, _, ctx) => (await ctx.svc.users.load(ctx, s.userId))!,
    room: (s, _, ctx) => (s.roomId ? ctx.svc.study.visibleRoom(ctx, s.roomId) : null),
  },
}
