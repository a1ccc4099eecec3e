import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type GraphQLFieldResolver, type GraphQLInputType, type GraphQLResolveInfo, type GraphQLSchema, type SelectionSetNode, GraphQLObjectType, Kind, GraphQLScalarType, buildSchema, getNamedType, isInputObjectType, isListType, isNonNullType } from 'graphql'
import type { Resolvers } from './generated.js'
import type { Ctx } from './context.js'
import type { Feed } from '../realtime/ws/feed.js'
import { badInput, unauthenticated } from './errors.js'
import { DateTime } from './scalars.js'
import { fieldLabel } from '../lib/text.js'

export const SCHEMA_PATH = fileURLToPath(new URL('../../schema.graphql', import.meta.url))

/** Subscriptions return a Feed the WebSocket gateway drives, not an AsyncIterable. */
export interface FeedResolver<Args> {
  subscribe: (root: unknown, args: Args, ctx: Ctx) => Promise<Feed> | Feed
}
export type AppResolvers = Omit<Resolvers, 'Subscription' | 'DateTime'> & {
  Subscription?: Record<string, FeedResolver<any>>
}

/** Root fields callable without a session; every other root field needs one. */
const PUBLIC_ROOT_FIELDS = new Set(['Query.me', 'Mutation.signUp', 'Mutation.logIn'])

/**
 * `first` / `last` anywhere in the selection below a mutation's root field (its answer's
 * connections: `createRoom { messages(first: 0) }`) that pageSize() would refuse when the answer
 * is rendered, after the write: refused now, with the same error, before anything is written.
 */
function refuseBadPageSizes(info: GraphQLResolveInfo) {
  const seen = new Set<string>()
  const walk = (set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) {
        for (const arg of sel.arguments ?? []) {
          if (arg.name.value !== 'first' && arg.name.value !== 'last') continue
          const v = arg.value.kind === Kind.VARIABLE ? info.variableValues[arg.value.name.value]
            : arg.value.kind === Kind.INT ? Number(arg.value.value) : null
          if (typeof v === 'number' && (!Number.isInteger(v) || v <= 0)) throw badInput(arg.name.value, `${arg.name.value} must be a positive number`)
        }
        walk(sel.selectionSet)
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet)
      } else if (!seen.has(sel.name.value)) {
        seen.add(sel.name.value)
        walk(info.fragments[sel.name.value]?.selectionSet)
      }
    }
  }
  for (const node of info.fieldNodes) walk(node.selectionSet)
}

export function buildAppSchema(parts: AppResolvers[]): GraphQLSchema {
  const schema = buildSchema(fs.readFileSync(SCHEMA_PATH, 'utf8'))
  const dt = schema.getType('DateTime') as GraphQLScalarType
  dt.serialize = DateTime.serialize
  dt.parseValue = DateTime.parseValue
  dt.parseLiteral = DateTime.parseLiteral

  for (const part of parts) {
    for (const [typeName, fields] of Object.entries(part)) {
      const type = schema.getType(typeName)
      if (!(type instanceof GraphQLObjectType)) throw new Error(`resolvers for unknown type ${typeName}`)
      const defs = type.getFields()
      for (const [fieldName, impl] of Object.entries(fields as Record<string, unknown>)) {
        const def = defs[fieldName]
        if (!def) throw new Error(`resolver for unknown field ${typeName}.${fieldName}`)
        if (typeName === 'Subscription') {
          def.subscribe = (impl as FeedResolver<unknown>).subscribe as unknown as GraphQLFieldResolver<unknown, unknown>
          def.resolve = (payload) => payload
        } else if (typeof impl === 'function') {
          def.resolve = impl as GraphQLFieldResolver<unknown, unknown>
        } else {
          throw new Error(`resolver ${typeName}.${fieldName} must be a function`)
        }
      }
    }
  }

  // the session rule, in one place for every root field
  const NUL_CHECKED_BY_SERVICE = new Set(['Mutation.logIn.input', 'Mutation.changePassword.currentPassword', 'Mutation.deleteAccount.password'])
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (!root) continue
    for (const def of Object.values(root.getFields())) {
      const inner = def.resolve
      const isPublic = PUBLIC_ROOT_FIELDS.has(`${root.name}.${def.name}`)
      const isMutation = root.name === 'Mutation'
      const signsIn = isPublic && isMutation
      // text arguments checked for NUL; ids and join codes are lookups instead (garbage names
      // nothing: NOT_FOUND, checked before any query by the services)
      // A password being checked is exempt: a NUL in it (or in logIn's username) is simply wrong,
      // the one failed answer (the contract: one code and one message for a failed logIn)
      const textArgs = def.args.filter((a) => a.name !== 'code' && !NUL_CHECKED_BY_SERVICE.has(`${root.name}.${def.name}.${a.name}`))
      def.resolve = (parent, args, ctx: Ctx, info) => {
        if (ctx.authError) throw ctx.authError
        if (ctx.tokenRejected || (ctx.cookieRejected && !signsIn)) throw unauthenticated('Your session has ended; sign in again')
        if (!isPublic && !ctx.viewer) throw unauthenticated()
        if (!inner) throw new Error(`${root.name}.${def.name} is not implemented`)
        // no text takes NUL (PostgreSQL cannot store it): refused alike on both backends
        let nul: string | null = null
        for (const a of textArgs) if (nul === null && args[a.name] != null) nul = nulPath(args[a.name], a.type, a.name)
        if (nul !== null) throw badInput(nul, `${fieldLabel(nul)} must not contain NUL characters`)
        // a page size the answer's own selection would refuse refuses the mutation before it
        // writes anything ("a rejected mutation changes nothing")
        if (isMutation) refuseBadPageSizes(info)
        const result = inner(parent, args, ctx, info)
        if (!isMutation) return result
        // a mutation is acknowledged once what it committed is on disk (SQLite FULL: an fsync
        // off the event loop, see src/db/wal-sync.ts); a failed one committed nothing. One that
        // failed because its account was erased meanwhile is UNAUTHENTICATED (AuthService.erasedMeanwhile)
        return Promise.resolve(result).then((value) => ctx.svc.database.durable().then(() => value), (e: unknown) => ctx.svc.auth.erasedMeanwhile(ctx, e))
      }
    }
  }
  return schema
}

/** the dotted path of the first text (not an ID) in an argument holding U+0000, or null */
function nulPath(value: unknown, type: GraphQLInputType, path: string): string | null {
  if (value === null || value === undefined) return null
  const t = isNonNullType(type) ? type.ofType : type
  if (isListType(t)) {
    if (!Array.isArray(value)) return null
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], t.ofType, `${path}.${i}`)
      if (found !== null) return found
    }
    return null
  }
  if (isInputObjectType(t)) {
    if (typeof value !== 'object') return null
    for (const [name, field] of Object.entries(t.getFields())) {
      const found = nulPath((value as Record<string, unknown>)[name], field.type, `${path}.${name}`)
      if (found !== null) return found
    }
    return null
  }
  if (getNamedType(t).name === 'ID') return null
  return typeof value === 'string' && value.includes('\u0000') ? path : null
}
