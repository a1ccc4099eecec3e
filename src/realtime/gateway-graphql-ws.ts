// MEASUREMENT PROTOTYPE (issue 14), switched on with WS_PROTOCOL=graphql-ws: the protocol side of
// the WebSocket gateway (connection_init/ack, ping/pong, subscribe/next/error/complete, the
// duplicate-id and init-timeout rules) is graphql-ws's `makeServer`; Hearth's auth, validation
// (DocumentCache), shared execution per event, registries, heartbeat and corked writes stay
// behind it, as far as makeServer's hooks let them.
//
// What makeServer imposes on the hot path: every subscription is an AsyncIterable consumed with
// `for await`, and every `next` is `JSON.stringify`-ed per subscriber (the whole payload, not
// just the id around shared bytes), with several awaits per frame. The execution itself stays
// shared: one ExecutionResult object per event and share key, handed to every subscriber.
import type { WebSocket } from 'ws'
import { makeServer, CloseCode, type ServerOptions } from 'graphql-ws'
import {
  type ExecutionArgs as GqlWsExecArgs, type ExecutionResult, type GraphQLSchema, type GraphQLFieldConfig, GraphQLError, execute, getArgumentValues,
  getOperationAST, getVariableValues, type FieldNode, type SelectionSetNode, type DocumentNode, Kind,
  GraphQLIncludeDirective, GraphQLSkipDirective, getDirectiveValues, type FragmentDefinitionNode, type SelectionNode,
} from 'graphql'
import type { Services } from '../services.js'
import { type Ctx, Loaders } from '../graphql/context.js'
import { AppError, toPublicError } from '../graphql/errors.js'
import type { DocumentCache, PreparedDocument } from '../graphql/validation.js'
import { stripSuggestions } from '../graphql/format.js'
import { bearerToken } from '../modules/auth/bearer.js'
import { CLOSE, Connection, Gateway, type Feed, type ConnectionHooks } from './gateway.js'
import type { WsTickets } from '../modules/auth/ws-tickets.js'

/** what makeServer's ctx.extra carries */
interface Extra { conn: Connection }

/** the Gateway's private parts this prototype drives (it does not restructure gateway.ts) */
interface Internals {
  app: Services
  schema: GraphQLSchema
  documents: DocumentCache
  tickets: WsTickets
  hooks: ConnectionHooks[]
  connections: Set<Connection>
  bySession: Map<string, Set<Connection>>
  byUser: Map<string, Set<Connection>>
  byIp: Map<string, number>
  unauthByIp: Map<string, number>
  rendered: WeakMap<object, Map<string, unknown>>
  liveSubscriptions: number
  send(conn: Connection, text: string | Buffer): void
  close(conn: Connection, code: number, reason: string): void
  cleanup(conn: Connection): void
  countedSignedIn(conn: Connection): void
  safe(hook: string, fn: () => void): void
  drained(conn: Connection): Promise<number>
  makeCtx(conn: Connection): Ctx
  socketsOfUser(userId: string): number
  accept(ws: WebSocket, ip: string, userAgent: string | null): void
}

/** what onSubscribe hands to the subscribe hook next to the execution arguments */
const PREP = Symbol('hearth-prepared')
interface Prepared {
  conn: Connection
  id: string
  prepared: PreparedDocument
  shareKey: string
  def: GraphQLFieldConfig<unknown, Ctx> & { subscribe?: unknown }
  field: FieldNode
  coerced: Record<string, unknown>
  sub: SubRecord
}
type HearthExecArgs = GqlWsExecArgs & { [PREP]?: Prepared }

/** a subscription in conn.subs: the shape Gateway.cleanup/stopSub and rendering() read */
interface SubRecord { closed: boolean; live: boolean; feed: Feed | null; queue: unknown[]; query?: true }

export class GraphqlWsGateway extends Gateway {
  private readonly server: ReturnType<typeof makeServer<Record<string, unknown> | undefined, Extra>>

  constructor(app: Services, schema: GraphQLSchema) {
    super(app, schema)
    const g = this as unknown as Internals
    g.accept = (ws, ip, ua) => this.acceptGraphqlWs(ws, ip, ua)
    const options: ServerOptions<Record<string, unknown> | undefined, Extra> = {
      schema,
      connectionInitWaitTimeout: app.config.limits.wsInitTimeoutMs,
      onConnect: (ctx) => this.onConnect(ctx.extra.conn, ctx.connectionParams),
      onSubscribe: (ctx, id, payload) => this.onSubscribe(ctx.extra.conn, id, payload),
      // Hearth's public errors keep their extensions (code, retryAfterSeconds): makeServer
      // wraps a thrown error into a bare GraphQLError(message)
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => {
        const orig = (e as GraphQLError).originalError
        return (orig instanceof GraphQLError ? orig : toPublicError(e)).toJSON()
      }),
      onComplete: (ctx, id) => {
        const sub = ctx.extra.conn.subs.get(id) as unknown as SubRecord | undefined
        if (sub?.query) ctx.extra.conn.subs.delete(id) // a query/mutation marker
      },
      subscribe: (args) => this.subscribeIterable(args as HearthExecArgs),
      execute: (args) => Promise.resolve(execute(args)).then((res) => this.publicise(res)),
    }
    this.server = makeServer(options)
  }

  private get g() { return this as unknown as Internals }

  private acceptGraphqlWs(ws: WebSocket, ip: string, userAgent: string | null) {
    const g = this.g
    const conn = new Connection(ws, ip, userAgent)
    g.connections.add(conn)
    g.byIp.set(ip, (g.byIp.get(ip) ?? 0) + 1)
    g.unauthByIp.set(ip, (g.unauthByIp.get(ip) ?? 0) + 1)
    const closed = this.server.opened({
      protocol: ws.protocol,
      send: (data) => {
        g.send(conn, data)
        if (data === '{"type":"connection_ack"}' && conn.viewer) for (const h of g.hooks) g.safe('ready', () => h.ready?.(conn))
      },
      close: (code, reason) => g.close(conn, code ?? CLOSE.NORMAL, reason ?? ""),
      onMessage: (cb) => ws.on('message', (data, isBinary) => {
        if (conn.closed) return
        conn.lastActivity = Date.now()
        // binary frames are not JSON: makeServer closes them with 4400
        const text = isBinary ? '\u0000' : (data as Buffer).toString('utf8')
        cb(text).catch((err: unknown) => {
          // makeServer throws on an unknown message type; Hearth answers that with 4400
          if (err instanceof Error && err.message.startsWith('Unexpected message of type')) return g.close(conn, CLOSE.BAD_REQUEST, 'Invalid message received')
          g.app.log.error({ err }, 'websocket message failed')
          g.close(conn, CloseCode.InternalServerError, 'Internal error')
        })
      }),
    }, { conn })
    ws.on('pong', () => { conn.alive = true })
    const onClose = (code: number, reason: string) => {
      g.cleanup(conn)
      closed(code, reason).catch(() => {})
    }
    ws.once('close', (code, reason) => onClose(code, String(reason)))
    ws.on('error', () => g.cleanup(conn))
  }

  /** Hearth's connection_init: token or ticket; false -> makeServer closes with 4403 */
  private async onConnect(conn: Connection, payload: Record<string, unknown> | undefined): Promise<boolean> {
    const g = this.g
    let token: string | null = null
    let ticket: unknown
    if (payload && typeof payload === 'object') {
      token = bearerToken((payload as any).authorization ?? (payload as any).Authorization)
      ticket = (payload as any).ticket
    }
    if (token !== null || (ticket !== undefined && ticket !== null)) {
      const found = token !== null ? await g.app.auth.authenticate(token) : typeof ticket === 'string' ? await g.tickets.redeem(ticket) : null
      if (conn.closed) return false
      if (!found) return false
      conn.viewer = found.viewer
      conn.expiresAt = found.session.expiresAt
      if (g.socketsOfUser(found.viewer.userId) >= g.app.config.limits.wsSocketsPerUser) {
        g.close(conn, CLOSE.TOO_MANY_INITS, 'Too many sockets for this user')
        return false
      }
      addTo(g.bySession, found.viewer.sessionId, conn)
      addTo(g.byUser, found.viewer.userId, conn)
      g.countedSignedIn(conn)
    }
    if (conn.closed) return false
    conn.initReceived = true
    conn.acknowledged = true
    return true
  }

  /** Hearth's checks before anything runs; errors -> an error frame */
  private onSubscribe(conn: Connection, id: string, p: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }): HearthExecArgs | readonly GraphQLError[] {
    const g = this.g
    const err = (message: string) => [new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })]
    if (id.length > 128) {
      g.close(conn, CLOSE.BAD_REQUEST, 'Invalid message received')
      return err('Invalid id')
    }
    for (const h of g.hooks) g.safe('activity', () => h.activity?.(conn))
    const prepared = g.documents.get(p.query)
    if (prepared.errors) return prepared.errors
    const operationName = p.operationName ?? undefined
    const variables = p.variables ?? undefined
    const op = getOperationAST(prepared.document, operationName)
    if (!op) return err('Unknown or ambiguous operation')
    if (conn.subs.size >= g.app.config.limits.wsSubscriptionsPerSocket) {
      return [toPublicError(new AppError('RATE_LIMITED', `At most ${g.app.config.limits.wsSubscriptionsPerSocket} subscriptions and operations in flight per socket`, { retryAfterSeconds: 1 }))]
    }
    const coerced = getVariableValues(g.schema, op.variableDefinitions ?? [], variables ?? {})
    if (coerced.errors) {
      const hide = g.app.config.env === 'production'
      return coerced.errors.map((e) => new GraphQLError(hide ? stripSuggestions(e.message) : e.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }))
    }
    const declared: Record<string, unknown> = {}
    for (const def of op.variableDefinitions ?? []) {
      const name = def.variable.name.value
      if (variables && Object.prototype.hasOwnProperty.call(variables, name)) declared[name] = variables[name]
    }
    const ctx = g.makeCtx(conn)
    const args: HearthExecArgs = { schema: g.schema, document: prepared.document, variableValues: declared, operationName, contextValue: ctx, rootValue: {} }
    if (op.operation !== 'subscription') {
      conn.subs.set(id, { closed: false, live: false, feed: null, queue: [], query: true } as never)
      return args
    }
    const field = rootField(prepared.document, op.selectionSet, coerced.coerced)
    if (!field) return err('The subscription selects no field')
    const def = g.schema.getSubscriptionType()!.getFields()[field.name.value] as unknown as Prepared['def']
    const shareKey = `${prepared.key}\u0000${operationName ?? ''}\u0000${JSON.stringify(declared)}\u0000${prepared.viewerDependent ? conn.viewer?.userId ?? '-' : ''}`
    // registered now, not in the subscribe hook: makeServer runs several subscribe messages
    // concurrently, and the per-socket budget must count each before the next is checked
    const sub: SubRecord = { closed: false, live: false, feed: null, queue: [] }
    conn.subs.set(id, sub as never)
    args[PREP] = { conn, id, prepared, shareKey, def, field, coerced: coerced.coerced, sub }
    return args
  }

  /**
   * The subscription as the AsyncIterable makeServer consumes: Hearth's Feed pushes payloads,
   * each rendered once per share key and event (the same ExecutionResult object for every
   * subscriber sharing it), queued here until makeServer's loop pulls it.
   */
  private subscribeIterable(args: HearthExecArgs): AsyncIterable<ExecutionResult> | ExecutionResult {
    const g = this.g
    const prep = args[PREP]
    if (!prep) return { errors: [new GraphQLError('Not a subscription')] }
    const { conn, id } = prep
    const ctx = args.contextValue as Ctx
    const sub = prep.sub
    const queue = sub.queue as (ExecutionResult | Promise<ExecutionResult>)[]
    let done = false
    let failure: unknown = null
    let wake: (() => void) | null = null
    const poke = () => { const w = wake; wake = null; w?.() }
    const stop = () => {
      if (sub.closed) return
      sub.closed = true
      if (sub.live) { sub.live = false; g.liveSubscriptions-- }
      try { sub.feed?.stop() } catch (e) { g.app.log.error({ err: e }, 'feed stop failed') }
    }
    const finish = () => { stop(); if (conn.subs.get(id) === (sub as never)) conn.subs.delete(id); done = true; poke() }
    ;(async () => {
      if (!conn.viewer) throw new AppError('UNAUTHENTICATED', 'Sign in first')
      const fieldArgs = getArgumentValues(prep.def as never, prep.field, prep.coerced)
      const subscribeFn = prep.def.subscribe as (root: unknown, args: unknown, ctx: Ctx) => Promise<Feed> | Feed
      const feed = await subscribeFn(undefined, fieldArgs, ctx)
      if (sub.closed) { feed.stop(); return }
      sub.feed = feed
      await feed.start({
        next: (payload) => { if (!sub.closed) { queue.push(this.renderShared(prep, ctx, args, payload)); poke() } },
        error: (e) => { if (sub.closed) return; failure = toPublicError(e, (x) => g.app.log.error({ err: x }, 'subscription failed')); finish() },
        drained: () => g.drained(conn),
        complete: () => { if (!sub.closed) finish() },
      })
      if (!sub.closed) { sub.live = true; g.liveSubscriptions++ }
      ctx.loaders = new Loaders()
    })().catch((e) => {
      if (sub.closed) return
      failure = toPublicError(e, (x) => g.app.log.error({ err: x }, 'subscription failed'))
      finish()
    })
    const iterator: AsyncIterableIterator<ExecutionResult> & AsyncGenerator<ExecutionResult> = {
      [Symbol.asyncIterator]() { return iterator },
      async next(): Promise<IteratorResult<ExecutionResult>> {
        for (;;) {
          if (queue.length) {
            const value = await queue[0]
            queue.shift()
            return { value, done: false }
          }
          if (failure) { const f = failure; failure = null; throw f }
          if (done) return { value: undefined, done: true }
          await new Promise<void>((r) => { wake = r })
        }
      },
      async return() { finish(); queue.length = 0; return { value: undefined, done: true } },
      async throw(e: unknown) { finish(); throw e },
      [Symbol.asyncDispose]: async () => { finish() },
    } as never
    return iterator
  }

  /** what Gateway.serialise does: resolver errors become public errors with their codes */
  private publicise(res: ExecutionResult): ExecutionResult {
    if (!res.errors?.length) return res
    return { data: res.data ?? null, errors: res.errors.map((e) => toPublicError(e, (err) => this.g.app.log.error({ err }, 'subscription resolver failed'))) }
  }

  /** one execution per payload object and share key, shared by every subscriber holding it */
  private renderShared(prep: Prepared, ctx: Ctx, args: HearthExecArgs, payload: object): ExecutionResult | Promise<ExecutionResult> {
    const g = this.g
    let byKey = g.rendered.get(payload) as Map<string, ExecutionResult | Promise<ExecutionResult>> | undefined
    if (!byKey) g.rendered.set(payload, (byKey = new Map()))
    const hit = byKey.get(prep.shareKey)
    if (hit) return hit
    let result: ExecutionResult | Promise<ExecutionResult>
    try {
      result = execute({
        schema: g.schema, document: prep.prepared.document, rootValue: payload, contextValue: { ...ctx, loaders: new Loaders() },
        variableValues: args.variableValues, operationName: args.operationName,
      }) as ExecutionResult | Promise<ExecutionResult>
    } catch (e) {
      result = { errors: [toPublicError(e)] }
    }
    const publicise = (res: ExecutionResult) => this.publicise(res)
    const out = result instanceof Promise ? result.then(publicise, (e) => ({ errors: [toPublicError(e)] })) : publicise(result)
    byKey.set(prep.shareKey, out)
    return out
  }
}

/** The field a subscription operation runs, through inline fragments and fragment spreads (copy of gateway.ts'). */
function rootField(document: DocumentNode, set: SelectionSetNode, variables: Record<string, unknown>): FieldNode | null {
  const included = (node: SelectionNode) =>
    getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false
  const seen = new Set<string>()
  const walk = (s: SelectionSetNode): FieldNode | null => {
    for (const sel of s.selections) {
      if (!included(sel)) continue
      if (sel.kind === Kind.FIELD) return sel
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const f = walk(sel.selectionSet)
        if (f) return f
        continue
      }
      if (seen.has(sel.name.value)) continue
      seen.add(sel.name.value)
      const frag = document.definitions.find((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === sel.name.value)
      const f = frag ? walk(frag.selectionSet) : null
      if (f) return f
    }
    return null
  }
  return walk(set)
}

function addTo(map: Map<string, Set<Connection>>, key: string, conn: Connection) {
  let s = map.get(key)
  if (!s) map.set(key, (s = new Set()))
  s.add(conn)
}
