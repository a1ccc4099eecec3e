import {
  type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode,
  type UnknownRow, LimitNode, OffsetNode, OperationNodeTransformer, ValueNode,
} from 'kysely'

/**
 * SQLite: a LIMIT or OFFSET given as a number is written into the SQL text instead of bound.
 *
 * SQLite's planner reads the value bound to `LIMIT ?` and marks the statement to be compiled
 * again whenever that parameter is bound anew, and better-sqlite3 binds on every call: a
 * prepared `... LIMIT ?` was parsed and planned again on every run. The session lookup (every
 * HTTP request) cost 8.8 µs alone with `limit ?` and 3.1 µs with `limit 1`; in the server, at
 * 1000 sends/s, 46 µs per request, and 4% of the main thread's samples were in sqlite3Reprepare.
 * A literal costs one prepared statement per distinct value; the values are page sizes and
 * small constants.
 */
export class SqliteInlineLimits implements KyselyPlugin {
  private readonly inline = new InlineLimits()

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node
    // only a query with a LIMIT or OFFSET of its own is rewritten (copying the tree costs)
    if (node.kind !== 'SelectQueryNode' || (!node.limit && !node.offset)) return node
    return this.inline.transformNode(node)
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result)
  }
}

const literal = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n)

class InlineLimits extends OperationNodeTransformer {
  protected override transformLimit(node: LimitNode): LimitNode {
    const v = node.limit
    if (ValueNode.is(v) && !v.immediate && literal(v.value)) return LimitNode.create(ValueNode.createImmediate(v.value))
    return super.transformLimit(node)
  }

  protected override transformOffset(node: OffsetNode): OffsetNode {
    const v = node.offset
    if (ValueNode.is(v) && !v.immediate && literal(v.value)) return OffsetNode.create(ValueNode.createImmediate(v.value))
    return super.transformOffset(node)
  }
}
