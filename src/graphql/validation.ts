// Document limits shared by HTTP and WebSocket: depth (through named fragments), aliases,
// directives and tokens. mercurius does not validate subscription documents, so the
// WebSocket gateway runs the same list itself.
import {
  type ASTVisitor, type DocumentNode, type FieldNode, type FragmentDefinitionNode, GraphQLError, type GraphQLField,
  type GraphQLNamedType, type GraphQLSchema, Kind,
  NoSchemaIntrospectionCustomRule, type SelectionSetNode, type ValidationContext, type ValidationRule,
  parse, specifiedRules, validate, TypeInfo, visit, visitWithTypeInfo, getNamedType, getNullableType,
  isInterfaceType, isListType, isObjectType,
} from 'graphql'
import type { Config } from '../config.js'

function depthRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>()
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d)
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0
      let deepest = 0
      for (const s of set.selections) {
        let d = 0
        if (s.kind === Kind.FIELD) d = s.name.value.startsWith('__') ? 0 : 1 + depthOf(s.selectionSet, seen)
        else if (s.kind === Kind.INLINE_FRAGMENT) d = depthOf(s.selectionSet, seen)
        else {
          const name = s.name.value
          if (seen.has(name)) return Infinity // a cycle: NoFragmentCycles reports it too
          const f = fragments.get(name)
          if (f) { seen.add(name); d = depthOf(f.selectionSet, seen); seen.delete(name) }
        }
        if (d > deepest) deepest = d
        if (deepest > max) return deepest
      }
      return deepest
    }
    return {
      OperationDefinition(node) {
        const d = depthOf(node.selectionSet, new Set())
        if (d > max) {
          context.reportError(new GraphQLError(`Query is too deep (more than ${max} levels)`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }))
        }
      },
    }
  }
}

function countRule(kind: 'aliases' | 'directives', max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let n = 0
    let reported = false
    const bump = (node: any) => {
      if (++n > max && !reported) {
        reported = true
        context.reportError(new GraphQLError(`Too many ${kind} (at most ${max})`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }))
      }
    }
    return kind === 'aliases'
      ? { Field(node) { if (node.alias) bump(node) } }
      : { Directive(node) { bump(node) } }
  }
}

// Page sizes multiply: 30 aliases of rooms(first: 100) { messages(first: 100) { ... } } asks
// for millions of objects in one small document (seconds of CPU and hundreds of MB measured
// with only 2000 messages). The estimate counts each field once per object it is resolved on.
const MAX_PAGE = 100
/** objects a paged field without `first`/`last` returns (the contract's newest 50) */
const DEFAULT_PAGE = 50
/** objects assumed for a plain list field (myRooms, friends, onlineMembers, byDay ...) */
const LIST_GUESS = 50

function costRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema()
    const fragments = new Map<string, FragmentDefinitionNode>()
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d)
    const pageSize = (field: FieldNode, def: GraphQLField<unknown, unknown>): number | null => {
      const paged = def.args.filter((a) => a.name === 'first' || a.name === 'last')
      if (!paged.length) return null
      let size = 0
      for (const a of paged) {
        const arg = field.arguments?.find((x) => x.name.value === a.name)
        let n: number
        if (!arg) n = typeof a.defaultValue === 'number' ? a.defaultValue : 0
        else if (arg.value.kind === Kind.INT) n = Number(arg.value.value)
        else if (arg.value.kind === Kind.VARIABLE) n = MAX_PAGE // unknown until run: the most it could be
        else n = 0
        size = Math.max(size, Math.min(Math.max(n, 0), MAX_PAGE))
      }
      return size || DEFAULT_PAGE
    }
    const costOf = (set: SelectionSetNode | undefined, type: GraphQLNamedType, mult: number, seen: Set<string>): number => {
      if (!set || !isObjectType(type) && !isInterfaceType(type)) return 0
      let total = 0
      for (const s of set.selections) {
        if (s.kind === Kind.FIELD) {
          if (s.name.value.startsWith('__')) continue
          const def = type.getFields()[s.name.value]
          if (!def) continue
          const inner = getNamedType(def.type)
          const page = pageSize(s, def)
          // a connection's page size already counts its edges list
          const factor = page ?? (isListType(getNullableType(def.type)) && !type.name.endsWith('Connection') ? LIST_GUESS : 1)
          total += mult + costOf(s.selectionSet, inner, mult * factor, seen)
        } else if (s.kind === Kind.INLINE_FRAGMENT) {
          const cond = s.typeCondition ? schema.getType(s.typeCondition.name.value) : type
          total += costOf(s.selectionSet, cond ?? type, mult, seen)
        } else {
          const f = fragments.get(s.name.value)
          if (!f || seen.has(f.name.value)) continue // a cycle: NoFragmentCycles reports it
          seen.add(f.name.value)
          total += costOf(f.selectionSet, schema.getType(f.typeCondition.name.value) ?? type, mult, seen)
          seen.delete(f.name.value)
        }
        if (total > max) return total
      }
      return total
    }
    return {
      OperationDefinition(node) {
        const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType()
        if (!root) return
        const cost = costOf(node.selectionSet, root, 1, new Set())
        if (cost > max) {
          context.reportError(new GraphQLError(`Query is too costly (more than ${max} field resolutions estimated; ask for smaller pages or fewer fields)`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }))
        }
      },
    }
  }
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
  const rules = [
    depthRule(config.limits.queryDepth),
    countRule('aliases', config.limits.aliases),
    countRule('directives', config.limits.directives),
    costRule(config.limits.cost),
  ]
  if (!config.introspection) rules.push(NoSchemaIntrospectionCustomRule)
  return rules
}

export function httpRules(config: Config): ValidationRule[] {
  return [...customRules(config), noHttpSubscriptions]
}

// Fields whose value depends on who is asking: a subscription selecting any of them is
// executed per viewer instead of once for every subscriber.
const VIEWER_DEPENDENT = new Set([
  'User.status', 'User.lastSeenAt', 'User.friendship', 'User.focusUntil', 'Room.viewerIsMember', 'Room.viewerRole', 'Room.unreadCount',
  'Room.onlineMembers', 'Room.messages', 'Room.lastMessage', 'Room.members', 'Room.callParticipants', 'Room.timer',
  'RoomTimer.remainingSeconds', 'RoomTimer.serverTime',
])

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
  /** total length of the cached document texts (their ASTs hold about as much again) */
  chars = 0
  constructor(private schema: GraphQLSchema, private config: Config, private max = 1000, readonly maxChars = 4 * 1024 * 1024) {
    this.rules = [...specifiedRules, ...customRules(config)]
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
    let dependent = false
    visit(document, visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType()
        const def = typeInfo.getFieldDef()
        if (parent && def && VIEWER_DEPENDENT.has(`${getNamedType(parent).name}.${def.name}`)) dependent = true
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
