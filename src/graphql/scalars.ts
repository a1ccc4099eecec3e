import { GraphQLError, GraphQLScalarType, Kind } from 'graphql'

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/

function toDate(value: unknown): Date {
  if (value instanceof Date) return value
  if (typeof value === 'number') return new Date(value)
  if (typeof value === 'string' && ISO.test(value)) return new Date(value)
  throw new GraphQLError('DateTime must be an ISO-8601 string', { extensions: { code: 'BAD_USER_INPUT' } })
}

/** ISO-8601 in UTC with milliseconds, e.g. 2026-11-21T23:27:07.123Z */
export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  serialize(value) {
    const d = toDate(value)
    if (Number.isNaN(d.getTime())) throw new GraphQLError('Invalid DateTime')
    return d.toISOString()
  },
  parseValue(value) {
    const d = toDate(value)
    if (Number.isNaN(d.getTime())) throw new GraphQLError('Invalid DateTime', { extensions: { code: 'BAD_USER_INPUT' } })
    return d.toISOString()
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string', { extensions: { code: 'BAD_USER_INPUT' } })
    const d = toDate(ast.value)
    if (Number.isNaN(d.getTime())) throw new GraphQLError('Invalid DateTime', { extensions: { code: 'BAD_USER_INPUT' } })
    return d.toISOString()
  },
})
