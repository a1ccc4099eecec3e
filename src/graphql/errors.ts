import { GraphQLError } from 'graphql'

export const ERROR_CODES = [
  'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'INTERNAL_SERVER_ERROR',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** The only error a service throws on purpose; everything else is masked as internal. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message)
    this.name = 'AppError'
  }
}

export const badInput = (field: string, message: string) => new AppError('BAD_USER_INPUT', message, { field })
export const notFound = (what = 'Not found') => new AppError('NOT_FOUND', what)
export const forbidden = (message = 'Not allowed') => new AppError('FORBIDDEN', message)
export const conflict = (message: string) => new AppError('CONFLICT', message)
export const unauthenticated = (message = 'Sign in first') => new AppError('UNAUTHENTICATED', message)
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`, { retryAfterSeconds })

export function appErrorExtensions(e: AppError): Record<string, unknown> {
  const ext: Record<string, unknown> = { code: e.code }
  if (e.extra.field !== undefined) ext.field = e.extra.field
  if (e.extra.retryAfterSeconds !== undefined) ext.retryAfterSeconds = e.extra.retryAfterSeconds
  return ext
}

/** Turns any thrown value into a GraphQL error that is safe to show. */
export function toPublicError(err: unknown, log?: (e: unknown) => void): GraphQLError {
  const original = err instanceof GraphQLError ? (err.originalError ?? err) : err
  if (original instanceof AppError) {
    return new GraphQLError(original.message, {
      path: err instanceof GraphQLError ? err.path : undefined,
      extensions: appErrorExtensions(original),
    })
  }
  if (err instanceof GraphQLError && !err.originalError) {
    // errors graphql-js raised itself (validation, variable coercion): safe to show
    const code = typeof err.extensions?.code === 'string' ? err.extensions.code : 'GRAPHQL_VALIDATION_FAILED'
    const ext: Record<string, unknown> = { ...err.extensions, code }
    return new GraphQLError(err.message, { path: err.path, extensions: ext })
  }
  log?.(err)
  return new GraphQLError('Internal server error', {
    path: err instanceof GraphQLError ? err.path : undefined,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  })
}
