import type { CombinedError } from '@urql/core'

/** A failed request as the UI needs it: the contract's code, the offending field, a sentence for people. */
export class AppError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
  }
}

const FRIENDLY: Record<string, string> = {
  UNAUTHENTICATED: 'You are signed out. Please sign in again.',
  FORBIDDEN: 'You are not allowed to do that.',
  NOT_FOUND: 'That does not exist, or you cannot see it.',
  CONFLICT: 'That is not possible right now.',
  NETWORK: 'Cannot reach Hearth. Check your connection and try again.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
}

export function fromCombined(err: CombinedError): AppError {
  const g = err.graphQLErrors[0]
  if (g) {
    const ext = (g.extensions ?? {}) as { code?: string; field?: string; retryAfterSeconds?: number }
    const code = ext.code ?? 'INTERNAL'
    if (code === 'RATE_LIMITED') {
      const s = ext.retryAfterSeconds
      return new AppError(`Too many attempts. Try again${s ? ` in ${s} s` : ' later'}.`, code, ext.field, s)
    }
    // BAD_USER_INPUT and CONFLICT messages are written for people by the server; the others get ours
    const message = code === 'BAD_USER_INPUT' || code === 'CONFLICT' || (code === 'UNAUTHENTICATED' && ext.field === undefined && /password|username/i.test(g.message))
      ? g.message
      : FRIENDLY[code] ?? g.message
    return new AppError(message, code, ext.field)
  }
  return new AppError(FRIENDLY.NETWORK, 'NETWORK')
}

export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e
  if (e instanceof Error) return new AppError(e.message || FRIENDLY.INTERNAL, 'INTERNAL')
  return new AppError(FRIENDLY.INTERNAL, 'INTERNAL')
}

/** Errors from a graphql-ws `error` frame (an array of GraphQL errors) or a close event. */
export function fromSocketError(e: unknown): AppError {
  if (Array.isArray(e) && e[0]) {
    const ext = (e[0].extensions ?? {}) as { code?: string; field?: string }
    const code = ext.code ?? 'INTERNAL'
    return new AppError(code === 'BAD_USER_INPUT' ? String(e[0].message) : FRIENDLY[code] ?? String(e[0].message), code, ext.field)
  }
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'number') {
    const code = (e as { code: number }).code
    return new AppError(code === 4403 ? FRIENDLY.UNAUTHENTICATED : `Live connection closed (${code}).`, code === 4403 ? 'UNAUTHENTICATED' : 'NETWORK')
  }
  return toAppError(e)
}
