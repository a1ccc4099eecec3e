import type { AppResolvers } from '../../graphql/schema.js'
import { remainingSeconds } from './timer.service.js'
import { badInput } from '../../graphql/errors.js'

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
    setFocusGoal: (_, { roomId, goal }, ctx) => ctx.svc.timers.setGoal(ctx, roomId, goal),
    setFocusGoalDone: (_, { roomId, done }, ctx) => ctx.svc.timers.setGoalDone(ctx, roomId, done),
    setNotificationHold: async (_, { enabled }, ctx) => {
      const me = ctx.viewer!.userId
      if (typeof enabled !== 'boolean') throw badInput('enabled', 'enabled must be true or false')
      await ctx.svc.study.roomPresence.focus.setHold(me, enabled)
      // held notifications go out at once when holding is turned off
      if (!enabled) await ctx.svc.notifications.release(me)
      return ctx.svc.users.loadOrGone(ctx, me)
    },
    setWeeklyGoal: (_, { minutes }, ctx) => ctx.svc.study.setWeeklyGoal(ctx, minutes),
  },
  Subscription: {
    roomTimer: { subscribe: (_, { roomId }: { roomId: string }, ctx) => ctx.svc.timers.feed(ctx, roomId) },
  },
  RoomTimer: {
    remainingSeconds: (t) => remainingSeconds(t),
    startedBy: (t, _, ctx) => (t.startedById ? ctx.svc.users.load(ctx, t.startedById) : null),
    participants: (t, _, ctx) => ctx.svc.timers.participants(ctx, t),
    lastAction: (t) => t.lastAction,
    lastActionBy: (t, _, ctx) => (t.lastActionById ? ctx.svc.users.load(ctx, t.lastActionById) : null),
    lastActionAt: (t) => t.lastActionAt,
  },
  FocusParticipant: {
    user: async (p, _, ctx) => ctx.svc.users.loadOrGone(ctx, p.userId),
  },
  User: {
    holdNotificationsWhileFocusing: async (u, _, ctx) => (ctx.viewer?.userId === u.id ? (await ctx.svc.study.roomPresence.focus.holds([u.id])).get(u.id)! : null),
    heldNotificationCount: async (u, _, ctx) => {
      if (ctx.viewer?.userId !== u.id) return null
      return ctx.svc.notifications.heldCount(u.id)
    },
  },
  StudySession: {
    user: async (s, _, ctx) => ctx.svc.users.loadOrGone(ctx, s.userId),
    room: (s, _, ctx) => (s.roomId ? ctx.svc.study.visibleRoom(ctx, s.roomId) : null),
  },
}
