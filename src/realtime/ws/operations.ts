// A `subscribe` message: its document checked, then run once (query, mutation) or started as a
// live subscription whose feed the gateway drives until complete or close.
import { type DocumentNode, GraphQLError, type GraphQLSchema, type OperationDefinitionNode, getArgumentValues, getOperationAST, getVariableValues } from 'graphql'
import type { Services } from '../../services.js'
import { type Ctx, Loaders } from '../../graphql/context.js'
import { AppError, toPublicError } from '../../graphql/errors.js'
import { checkCostWithVariables, type DocumentCache, type PreparedDocument } from '../../graphql/validation.js'
import { stripSuggestions } from '../../graphql/format.js'
import { variableInputError } from '../../graphql/variable-errors.js'
import type { ClientSocket } from './client-socket.js'
import type { Feed } from './feed.js'
import type { Outbox } from './outbox.js'
import { completeMessage } from './protocol.js'
import { drained } from './replay-pacing.js'
import { renderVariables, rootField } from './root-field.js'
import { runOnce } from './socket-queries.js'
import { Subscription } from './subscription.js'

export class Operations {
  /** subscriptions whose feed has started; tests wait on it instead of sleeping */
  live = 0

  constructor(
    private svc: Services,
    private schema: GraphQLSchema,
    private documents: DocumentCache,
    private outbox: Outbox,
  ) {}

  subscribe(conn: ClientSocket, id: string, query: string, variables: Record<string, unknown> | undefined, operationName: string | undefined) {
    const outbox = this.outbox
    const prepared = this.documents.get(query)
    if (prepared.errors) return outbox.sendErrors(conn, id, prepared.errors)
    const op = getOperationAST(prepared.document, operationName)
    if (!op) return outbox.sendErrors(conn, id, [new GraphQLError('Unknown or ambiguous operation', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })])
    // subscriptions and queries/mutations still running share one budget per socket: a client
    // cannot pile up unbounded work on one connection
    if (conn.subs.size >= this.svc.config.limits.wsSubscriptionsPerSocket) {
      return outbox.sendErrors(conn, id, [toPublicError(new AppError('RATE_LIMITED', `At most ${this.svc.config.limits.wsSubscriptionsPerSocket} subscriptions and operations in flight per socket`, { retryAfterSeconds: 1 }))])
    }
    // only the declared variables are kept (and keyed on) for the life of the subscription:
    // anything else the client sent along is dropped here
    const declared: Record<string, unknown> = {}
    for (const def of op.variableDefinitions ?? []) {
      const name = def.variable.name.value
      if (variables && Object.prototype.hasOwnProperty.call(variables, name)) declared[name] = variables[name]
    }
    const costly = checkCostWithVariables(this.schema, prepared.document, operationName ?? null, declared, this.svc.config.limits.cost)
    if (costly) return outbox.sendErrors(conn, id, [costly])
    // a query or mutation: execute() coerces the variables itself and answers without running
    // anything when they are wrong (runOnce gives that answer the code below). Coercing them here
    // as well cost ~1.5% of the main thread in the rooms bench, on every send over the socket.
    if (op.operation !== 'subscription') return runOnce(this.schema, outbox, this.makeCtx(conn), conn, id, prepared.document, declared, operationName, (errors) => this.invalidVariables(errors, prepared.document, operationName))
    // variables of the wrong type are refused before anything runs, with the code HTTP gives them
    const coerced = getVariableValues(this.schema, op.variableDefinitions ?? [], variables ?? {})
    if (coerced.errors) return outbox.sendErrors(conn, id, this.invalidVariables(coerced.errors, prepared.document, operationName))
    this.start(conn, id, prepared, op, coerced.coerced, declared, operationName)
  }

  /**
   * variables of the wrong type: refused as HTTP refuses them, BAD_USER_INPUT naming the argument
   * (src/graphql/variable-errors.ts; suggestions hidden in production)
   */
  private invalidVariables(errors: readonly GraphQLError[], document: DocumentNode, operationName: string | undefined): GraphQLError[] {
    const hide = this.svc.config.env === 'production'
    return errors.map((e) => variableInputError(e, document, operationName, hide) ?? new GraphQLError(hide ? stripSuggestions(e.message) : e.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }))
  }

  private start(
    conn: ClientSocket, id: string, prepared: PreparedDocument, op: OperationDefinitionNode,
    coerced: Record<string, unknown>, declared: Record<string, unknown>, operationName: string | undefined,
  ) {
    const outbox = this.outbox
    // the root field may sit inside fragments or carry @skip/@include: find the one that runs
    const field = rootField(prepared.document, op.selectionSet, coerced)
    if (!field) return outbox.sendErrors(conn, id, [new GraphQLError('The subscription selects no field', { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })])
    const subType = this.schema.getSubscriptionType()!
    const def = subType.getFields()[field.name.value]
    const ctx = this.makeCtx(conn)
    // subscribers of the same document share each event's execution unless what it selects
    // depends on variables (or the viewer) that differ between them
    const used = renderVariables(prepared.document, op, field)
    const keyed: Record<string, unknown> = {}
    for (const name of Object.keys(declared)) if (used.has(name)) keyed[name] = declared[name]
    const shareKey = `${prepared.key}\u0000${operationName ?? ''}\u0000${JSON.stringify(keyed)}\u0000${prepared.viewerDependent ? conn.viewer?.userId ?? '-' : ''}`
    const sub = new Subscription(conn, id, prepared, operationName, declared, shareKey, ctx)
    conn.subs.set(id, sub)
    const fail = (err: unknown) => {
      if (sub.closed) return
      this.stop(sub)
      if (conn.subs.get(id) === sub) conn.subs.delete(id)
      outbox.sendErrors(conn, id, [toPublicError(err, (e) => this.svc.log.error({ err: e }, 'subscription failed'))])
    }
    ;(async () => {
      if (!conn.viewer) throw new AppError('UNAUTHENTICATED', 'Sign in first')
      const args = getArgumentValues(def, field, coerced)
      const subscribeFn = def.subscribe as unknown as (root: unknown, args: unknown, ctx: Ctx) => Promise<Feed> | Feed
      const feed = await subscribeFn(undefined, args, ctx)
      if (sub.closed) { feed.stop(); return }
      sub.feed = feed
      await feed.start({
        next: (payload) => { if (!sub.closed) outbox.deliver(sub, payload) },
        error: fail,
        drained: () => drained(conn, this.svc.config.limits.wsMaxBufferedBytes),
        complete: () => {
          if (sub.closed) return
          sub.completedByFeed = true
          this.stop(sub)
          if (conn.subs.get(id) === sub) conn.subs.delete(id)
          outbox.sendOrdered(sub, completeMessage(id))
        },
      })
      if (!sub.closed) { sub.live = true; this.live++ }
      // what authorising the subscription cached (room, membership) would go stale and stay in
      // memory as long as the subscription: later reads by the feed start from an empty cache
      ctx.loaders = new Loaders()
    })().catch(fail)
  }

  /** ends a subscription: its feed stops, nothing more reaches it */
  stop(sub: Subscription) {
    if (sub.closed) return
    sub.closed = true
    if (sub.live) { sub.live = false; this.live-- }
    try { sub.feed?.stop() } catch (e) { this.svc.log.error({ err: e }, 'feed stop failed') }
  }

  private makeCtx(conn: ClientSocket): Ctx {
    return {
      svc: this.svc,
      viewer: conn.viewer,
      tokenRejected: false,
      ip: conn.ip,
      userAgent: conn.userAgent,
      loaders: new Loaders(),
      connection: conn,
    }
  }
}
