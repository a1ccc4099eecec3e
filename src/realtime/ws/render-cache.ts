// Each event executed and serialised once per share key (document, variables, and viewer when
// the document depends on it), then shared by every subscriber with that key.
import { type ExecutionResult, type GraphQLSchema, execute } from 'graphql'
import type { Services } from '../../services.js'
import { type Ctx, Loaders } from '../../graphql/context.js'
import { toPublicError } from '../../graphql/errors.js'
import type { Rendered, Subscription } from './subscription.js'

export class RenderCache {
  /** payload object -> (share key -> serialised execution result) */
  private rendered = new WeakMap<object, Map<string, Rendered>>()
  /** how many executions ran: one per event and share key */
  executions = 0

  constructor(
    private schema: GraphQLSchema,
    private svc: Services,
    /** writes what waited on a result that finished rendering */
    private flush: (sub: Subscription) => void,
  ) {}

  /** Executes the subscription document for one event, once per share key. */
  render(sub: Subscription, payload: object): Rendered {
    let byKey = this.rendered.get(payload)
    if (!byKey) this.rendered.set(payload, (byKey = new Map()))
    const hit = byKey.get(sub.shareKey)
    if (hit) return hit
    this.executions++
    const ctx: Ctx = { ...sub.ctx, loaders: new Loaders() }
    const entry: Rendered = { bytes: null, waiters: null }
    let result: ExecutionResult | Promise<ExecutionResult>
    try {
      result = execute({
        schema: this.schema, document: sub.prepared.document, rootValue: payload, contextValue: ctx,
        variableValues: sub.variables, operationName: sub.operationName,
      }) as ExecutionResult | Promise<ExecutionResult>
    } catch (e) {
      result = { errors: [toPublicError(e)] }
    }
    if (result instanceof Promise) {
      entry.waiters = []
      result
        .then((res) => Buffer.from(this.serialise(res)), (e) => Buffer.from(this.serialise({ errors: [toPublicError(e)] })))
        .then((bytes) => {
          entry.bytes = bytes
          const waiters = entry.waiters!
          entry.waiters = null
          for (const w of waiters) this.flush(w)
        })
    } else {
      entry.bytes = Buffer.from(this.serialise(result))
    }
    byKey.set(sub.shareKey, entry)
    return entry
  }

  /** an execution result as the JSON of a next payload; resolver failures logged, their messages made public-safe */
  serialise(res: ExecutionResult): string {
    if (res.errors?.length) {
      const errors = res.errors.map((e) => toPublicError(e, (err) => this.svc.log.error({ err }, 'subscription resolver failed')).toJSON())
      return JSON.stringify({ data: res.data ?? null, errors })
    }
    return JSON.stringify({ data: res.data })
  }
}
