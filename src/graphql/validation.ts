// Document limits shared by HTTP and WebSocket: depth (through named fragments), aliases,
// directives and tokens. mercurius does not validate subscription documents, so the
// WebSocket gateway runs the same list itself.
import {
  type ASTVisitor, type DocumentNode, type FieldNode, type FragmentDefinitionNode, GraphQLError, type GraphQLField,
  type GraphQLNamedType, GraphQLObjectType, type GraphQLSchema, Kind,
  NoSchemaIntrospectionCustomRule, type SelectionSetNode, type ValidationContext, type ValidationRule,
  parse, specifiedRules, validate, TypeInfo, visit, visitWithTypeInfo, getNamedType, getNullableType,
  isInterfaceType, isListType, isObjectType, BREAK, getOperationAST, type OperationDefinitionNode,
} from 'graphql'
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases'
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth'
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives'
import type { Config } from '../config.js'
import { LIST_CAPS } from '../lib/limits.js'

const refusal = (message: string) => (context: ValidationContext | null) =>
  context?.reportError(new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }))

// Depth, aliases and directives come from graphql-armor: each walks the document once and
// memoises what every named fragment contributes, so a chain of fragments that each spread the
// next one twice costs its length, not 2^length (checked by tests/security/documents.test.ts).
// Aliases and directives are counted as executed: a fragment spread twice counts twice.
// `propagateOnRejection: false` turns armor's throw into one reported error with our wording.
function armorRules(limits: Config['limits']): ValidationRule[] {
  const common = { exposeLimits: false, propagateOnRejection: false } as const
  return [
    maxDepthRule({ ...common, n: limits.queryDepth, flattenFragments: true, ignoreIntrospection: true, onReject: [refusal(`Query is too deep (more than ${limits.queryDepth} levels)`)] }),
    maxAliasesRule({ ...common, n: limits.aliases, allowList: [], onReject: [refusal(`Too many aliases (at most ${limits.aliases})`)] }),
    maxDirectivesRule({ ...common, n: limits.directives, onReject: [refusal(`Too many directives (at most ${limits.directives})`)] }),
  ] as unknown as ValidationRule[]
}

// Page sizes multiply: 30 aliases of rooms(first: 100) { messages(first: 100) { ... } } asks
// for millions of objects in one small document (seconds of CPU and hundreds of MB measured
// with only 2000 messages). The estimate counts each field once per object it is resolved on,
// __typename included (free fields let a document do unbounded work for nothing).
const MAX_PAGE = 100
/** objects a paged field without `first`/`last` returns (the contract's newest 50) */
const DEFAULT_PAGE = 50
/** objects assumed for a plain list field that has no cap of its own in LIST_CAPS */
const LIST_GUESS = 50

/**
 * Fields that cost a database-wide index lookup or an aggregate each time they run: at most
 * EXPENSIVE_PER_OPERATION of them per operation, however they are aliased or spread.
 */
const EXPENSIVE = new Set(['Query.searchMessages', 'Query.studyStats', 'Query.users', 'Query.rooms'])
export const EXPENSIVE_PER_OPERATION = 4

interface Estimate { cost: number; expensive: number }

/**
 * The estimate of one operation. `variables` null (validation, before any are known): a page
 * size given by a variable counts as 1, so only what is too costly
 * whatever the variables say is refused there; `checkCostWithVariables` then checks the
 * operation with the variables it runs with. (Counting such a page as 100 at validation refused
 * `messages(first: $n) { reactions { users(first: $m) } }` with n = 8: typed clients pass page
 * sizes as variables.)
 */
function estimateOperation(schema: GraphQLSchema, document: DocumentNode, node: OperationDefinitionNode, variables: Record<string, unknown> | null): Estimate {
  const fragments = new Map<string, FragmentDefinitionNode>()
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d)
  const defaults = new Map<string, number>()
  for (const v of node.variableDefinitions ?? []) if (v.defaultValue?.kind === Kind.INT) defaults.set(v.variable.name.value, Number(v.defaultValue.value))
  const pageSize = (field: FieldNode, def: GraphQLField<unknown, unknown>): number | null => {
    const paged = def.args.filter((a) => a.name === 'first' || a.name === 'last')
    if (!paged.length) return null
    let size = 0
    for (const a of paged) {
      const arg = field.arguments?.find((x) => x.name.value === a.name)
      const argDefault = typeof a.defaultValue === 'number' ? a.defaultValue : 0
      let n: number
      if (!arg) n = argDefault
      else if (arg.value.kind === Kind.INT) n = Number(arg.value.value)
      else if (arg.value.kind === Kind.VARIABLE) {
        const name = arg.value.name.value
        const given = variables && Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined
        if (!variables) n = 1 // validation: the least it could be
        else if (typeof given === 'number') n = given
        else if (given !== undefined && given !== null) n = MAX_PAGE // not a number: execution refuses it; counted as the most
        else if (defaults.has(name)) n = defaults.get(name)!
        else n = argDefault
      } else n = 0
      size = Math.max(size, Math.min(Math.max(n, 0), MAX_PAGE))
    }
    return size || DEFAULT_PAGE
  }
  // The estimate is linear in the multiplier, so each (fragment, type) is measured once at
  // multiplier 1 and scaled wherever it is spread: the walk is linear in the document.
  const memo = new Map<string, Estimate>()
  const inProgress = new Set<string>()
  const estimate = (set: SelectionSetNode | undefined, type: GraphQLNamedType): Estimate => {
    const out: Estimate = { cost: 0, expensive: 0 }
    if (!set || !isObjectType(type) && !isInterfaceType(type)) return out
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        out.cost += 1
        if (s.name.value.startsWith('__')) continue // __typename: one; __schema/__type: introspection is off in production
        const def = type.getFields()[s.name.value]
        if (!def) continue
        if (EXPENSIVE.has(`${type.name}.${def.name}`)) out.expensive += 1
        const inner = getNamedType(def.type)
        const page = pageSize(s, def)
        // a connection's page size already counts its edges list
        const factor = page ?? (isListType(getNullableType(def.type)) && !type.name.endsWith('Connection') ? LIST_CAPS[`${type.name}.${def.name}`] ?? LIST_GUESS : 1)
        const sub = estimate(s.selectionSet, inner)
        out.cost += factor * sub.cost
        out.expensive += factor * sub.expensive
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const cond = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type
        const sub = estimate(s.selectionSet, cond ?? type)
        out.cost += sub.cost
        out.expensive += sub.expensive
      } else {
        const f = fragments.get(s.name.value)
        if (!f) continue
        const key = `${f.name.value}@${type.name}`
        if (inProgress.has(key)) continue // a cycle: NoFragmentCycles reports it
        let sub = memo.get(key)
        if (!sub) {
          inProgress.add(key)
          sub = estimate(f.selectionSet, schema.getType(f.typeCondition.name.value) ?? type)
          inProgress.delete(key)
          memo.set(key, sub)
        }
        out.cost += sub.cost
        out.expensive += sub.expensive
      }
    }
    return out
  }
  const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType()
  return root ? estimate(node.selectionSet, root) : { cost: 0, expensive: 0 }
}

/** the refusal of an estimate over the limits, or null */
function costRefusal(e: Estimate, max: number, node: OperationDefinitionNode): GraphQLError | null {
  if (e.cost > max) return new GraphQLError(`Query is too costly (more than ${max} field resolutions estimated; ask for smaller pages or fewer fields)`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })
  if (e.expensive > EXPENSIVE_PER_OPERATION) return new GraphQLError(`Too many searches or statistics in one operation (at most ${EXPENSIVE_PER_OPERATION} of searchMessages, studyStats, users and rooms)`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })
  return null
}

function costRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const refused = costRefusal(estimateOperation(context.getSchema(), context.getDocument(), node, null), max, node)
      if (refused) context.reportError(refused)
    },
  })
}

const variablePages = new WeakMap<DocumentNode, boolean>()
/** whether a `first` or `last` of the document is a variable (remembered per parsed document) */
function hasVariablePages(document: DocumentNode): boolean {
  let found = variablePages.get(document)
  if (found !== undefined) return found
  found = false
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE) { found = true; return BREAK }
      return undefined
    },
  })
  variablePages.set(document, found)
  return found
}

/**
 * The cost limits with the variables an operation runs with (validation counted a page size
 * given by a variable at its least): the refusal, or null. Documents without such a page size
 * pass at once.
 */
export function checkCostWithVariables(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined, max: number): GraphQLError | null {
  if (!hasVariablePages(document)) return null
  // without the operation's name (mercurius' hook has none), each operation of the document
  const nodes = operationName === undefined
    ? document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    : [getOperationAST(document, operationName)].filter((d): d is OperationDefinitionNode => !!d)
  for (const node of nodes) {
    const refused = costRefusal(estimateOperation(schema, document, node, variables ?? {}), max, node)
    if (refused) return refused
  }
  return null
}

/** Operations over HTTP: subscriptions need the WebSocket. */
const noHttpSubscriptions: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (node.operation === 'subscription') {
      context.reportError(new GraphQLError('Subscriptions are served over the WebSocket at /graphql', { nodes: [node] }))
    }
  },
})

export function customRules(config: Config): ValidationRule[] {
  const rules = [...armorRules(config.limits), costRule(config.limits.cost)]
  if (!config.introspection) rules.push(NoSchemaIntrospectionCustomRule)
  return rules
}

export function httpRules(config: Config): ValidationRule[] {
  return [...customRules(config), noHttpSubscriptions]
}

// Which fields a subscription may render once for every subscriber of an event. A field with a
// resolver of its own counts as depending on who asks (executed per viewer) unless it is listed
// below as read from its parent or loaded by id alone; so a field added later is rendered per
// viewer until someone checks it and lists it here. (A hand-kept list of the dependent ones missed
// bannedUsers, viewerNotificationLevel, viewerLastReadSeq and the focus hold: one subscriber saw
// another's.) Fields without a resolver of their own read the parent, which is the same for all.
const VIEWER_INDEPENDENT = new Set([
  'User.avatarUrl', 'Room.createdBy', 'Room.memberCount', 'RoomMember.user',
  'Message.room', 'Message.cursor', 'Message.sender', 'Message.attachments', 'Message.replyTo', 'Message.reactions', 'Message.pinnedBy',
  'Attachment.url', 'Attachment.thumbnailUrl', 'MessageEvent.message', 'ReactionGroup.count', 'ReactionGroup.users',
  'TypingEvent.user', 'PresenceEvent.user',
  // the event reaches only those who may see the user's status (the feed decides)
  'PresenceEvent.focusUntil',
  'FriendRequest.from', 'FriendRequest.to', 'Signal.from', 'Signal.to', 'Notification.actor', 'StudySession.user',
  'CallEvent.user', 'CallEvent.participants', 'RoomActivity.room', 'RoomChange.room', 'RoomChange.user', 'RoomChange.by',
  'RoomTimer.startedBy', 'RoomTimer.participants', 'RoomTimer.lastAction', 'RoomTimer.lastActionBy', 'RoomTimer.lastActionAt',
  'FocusParticipant.user',
])
/** read from the parent, yet different per moment of rendering */
const ALSO_DEPENDENT = new Set(['RoomTimer.serverTime'])

/** `Type.field` names a subscription's rendering must run per viewer for (see above) */
export function viewerDependentFields(schema: GraphQLSchema): Set<string> {
  const out = new Set(ALSO_DEPENDENT)
  let listed = 0
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()])
  for (const type of Object.values(schema.getTypeMap())) {
    if (!(type instanceof GraphQLObjectType) || roots.has(type) || type.name.startsWith('__')) continue
    for (const field of Object.values(type.getFields())) {
      const name = `${type.name}.${field.name}`
      if (!field.resolve) continue
      if (VIEWER_INDEPENDENT.has(name)) listed++
      else out.add(name)
    }
  }
  // a listed field renamed, dropped or back to its parent's value: the list is stale
  if (listed !== VIEWER_INDEPENDENT.size) throw new Error('VIEWER_INDEPENDENT names a field without a resolver of its own')
  return out
}

export interface PreparedDocument {
  /** short and unique per prepared text: share keys use it instead of the text */
  key: string
  document: DocumentNode
  /** graphql-js errors, already safe to show */
  errors: readonly GraphQLError[] | null
  viewerDependent: boolean
}

/**
 * Parses and validates once per distinct document text. Bounded by count and by the total
 * length of the texts held: a few tokens can carry a 256 KB string literal, so a client sending
 * distinct large documents must not make the cache hold count x frame size.
 */
let prepareCount = 0

export class DocumentCache {
  private cache = new Map<string, PreparedDocument>()
  private rules: ValidationRule[]
  private viewerDependent: Set<string>
  /** total length of the cached document texts (their ASTs hold about as much again) */
  chars = 0
  constructor(private schema: GraphQLSchema, private config: Config, private max = 1000, readonly maxChars = 4 * 1024 * 1024) {
    this.rules = [...specifiedRules, ...customRules(config)]
    this.viewerDependent = viewerDependentFields(schema)
  }

  get size() { return this.cache.size }

  get(query: string): PreparedDocument {
    const hit = this.cache.get(query)
    if (hit) {
      // refresh LRU position
      this.cache.delete(query); this.cache.set(query, hit)
      return hit
    }
    const prepared = this.prepare(query)
    // a document bigger than a sixteenth of the budget is prepared each time, never kept
    if (query.length > this.maxChars / 16) return prepared
    this.cache.set(query, prepared)
    this.chars += query.length
    while (this.cache.size > this.max || this.chars > this.maxChars) {
      const oldest = this.cache.keys().next().value as string
      this.cache.delete(oldest)
      this.chars -= oldest.length
    }
    return prepared
  }

  private prepare(query: string): PreparedDocument {
    const key = `d${++prepareCount}`
    let document: DocumentNode
    try {
      if (nestingDepth(query) > MAX_NESTING) throw new GraphQLError(TOO_DEEP)
      document = parse(query, { maxTokens: this.config.limits.tokens })
    } catch (e) {
      const err = e instanceof GraphQLError ? e : new GraphQLError('Syntax error')
      return { key, document: { kind: Kind.DOCUMENT, definitions: [] }, errors: [new GraphQLError(err.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })], viewerDependent: false }
    }
    let errors: readonly GraphQLError[]
    try {
      errors = validate(this.schema, document, this.rules, { maxErrors: 10 })
    } catch (e) {
      // graphql-js 16 throws (instead of reporting) for @skip/@include with a variable on a
      // subscription's root field; anything validate() throws is a refusal, never a crash
      errors = [e instanceof GraphQLError ? e : new GraphQLError('Invalid document')]
    }
    if (errors.length) {
      const hide = this.config.env === 'production'
      return { key, document, errors: errors.map((e) => new GraphQLError(hide ? e.message.replace(/\s*Did you mean .*\?$/s, '') : e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })), viewerDependent: false }
    }
    return { key, document, errors: null, viewerDependent: this.isViewerDependent(document) }
  }

  private isViewerDependent(document: DocumentNode): boolean {
    const typeInfo = new TypeInfo(this.schema)
    const fields = this.viewerDependent
    let dependent = false
    visit(document, visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType()
        const def = typeInfo.getFieldDef()
        if (parent && def && fields.has(`${getNamedType(parent).name}.${def.name}`)) dependent = true
      },
    }))
    return dependent
  }
}

/**
 * Brackets, braces and parentheses nested deeper than this refuse the document before it is
 * parsed. Selections are bounded by QUERY_DEPTH_LIMIT; this bounds list and object values too
 * (graphql-js validates them recursively: a list nested 2400 deep overflowed its stack).
 */
export const MAX_NESTING = 64
export const TOO_DEEP = `Syntax Error: the document is nested more than ${MAX_NESTING} levels deep.`

/** How deeply `{ [ (` nest in a GraphQL document, strings and comments skipped. */
export function nestingDepth(query: string): number {
  let depth = 0
  let max = 0
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i)
    if (c === 0x23) { // # comment to the end of the line
      while (i < query.length && query.charCodeAt(i) !== 0x0a && query.charCodeAt(i) !== 0x0d) i++
    } else if (c === 0x22) { // "string" or """block string"""
      if (query.startsWith('"""', i)) {
        i += 3
        while (i < query.length && !query.startsWith('"""', i)) i += query.startsWith('\\"""', i) ? 4 : 1
        i += 2
      } else {
        i++
        while (i < query.length && query.charCodeAt(i) !== 0x22 && query.charCodeAt(i) !== 0x0a) i += query.charCodeAt(i) === 0x5c ? 2 : 1
      }
    } else if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > max) max = depth
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      depth--
    }
  }
  return max
}
