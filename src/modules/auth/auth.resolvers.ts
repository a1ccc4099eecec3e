import type { FastifyReply } from 'fastify'
import type { AppResolvers } from '../../graphql/schema.js'
import type { Ctx } from '../../graphql/context.js'
import { requireViewer } from '../../graphql/context.js'
import type { AuthPayloadModel } from '../../graphql/models.js'

export const SESSION_COOKIE = 'hearth_session'

// The session a signUp / logIn starts is the one its caller will be using from now on, so its
// payload shows it as current although the request itself came without it.
const startedHere = new WeakSet<object>()

function setCookie(ctx: Ctx, payload: AuthPayloadModel) {
  startedHere.add(payload.session)
  const reply = ctx.reply as (FastifyReply & { setCookie?: Function }) | undefined
  reply?.setCookie?.(SESSION_COOKIE, payload.token, {
    // Secure in production, and on any request that came over HTTPS
    httpOnly: true, sameSite: 'lax', path: '/', secure: ctx.svc.config.env === 'production' || (ctx.reply as FastifyReply | undefined)?.request?.protocol === 'https',
    expires: new Date(payload.session.expiresAt),
  })
  return payload
}

export const authResolvers: AppResolvers = {
  Query: {
    sessions: (_, __, ctx) => ctx.svc.auth.listSessions(requireViewer(ctx)),
  },
  Mutation: {
    signUp: async (_, { input }, ctx) => setCookie(ctx, await ctx.svc.auth.signUp(input, ctx)),
    logIn: async (_, { input }, ctx) => setCookie(ctx, await ctx.svc.auth.logIn(input, ctx)),
    logOut: async (_, __, ctx) => {
      const ok = await ctx.svc.auth.logOut(ctx.viewer, ctx)
      ;(ctx.reply as any)?.clearCookie?.(SESSION_COOKIE, { path: '/' })
      return ok
    },
    revokeSession: (_, { id }, ctx) => ctx.svc.auth.revokeSession(requireViewer(ctx), id, ctx),
    changePassword: (_, { currentPassword, newPassword }, ctx) => ctx.svc.auth.changePassword(requireViewer(ctx), currentPassword, newPassword),
    deleteAccount: async (_, { password }, ctx) => {
      const ok = await ctx.svc.auth.deleteAccount(requireViewer(ctx), password, ctx)
      ;(ctx.reply as any)?.clearCookie?.(SESSION_COOKIE, { path: '/' })
      return ok
    },
  },
  Session: {
    current: (s, _, ctx) => startedHere.has(s) || s.id === ctx.viewer?.sessionId,
  },
}
