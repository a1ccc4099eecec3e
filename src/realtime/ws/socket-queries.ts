// Queries and mutations sent over the socket: executed once, one next, then complete.
import { type DocumentNode, type GraphQLError, type GraphQLSchema, execute } from 'graphql'
import type { Ctx } from '../../graphql/context.js'
import { toPublicError } from '../../graphql/errors.js'
import type { ClientSocket } from './client-socket.js'
import type { Outbox } from './outbox.js'
import { completeMessage, nextPrefix } from './protocol.js'
import type { Subscription } from './subscription.js'

export function runOnce(
  schema: GraphQLSchema, outbox: Outbox, ctx: Ctx, conn: ClientSocket, id: string,
  document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | undefined,
  /** execute() refused to start (the variables do not fit their types): the errors to send instead */
  refused: (errors: readonly GraphQLError[]) => readonly GraphQLError[],
) {
  // holds the id (and a place in the socket's budget of operations in flight) until it answers
  const marker = { closed: false } as Subscription
  conn.subs.set(id, marker)
  Promise.resolve(execute({ schema, document, contextValue: ctx, variableValues: variables, operationName, rootValue: {} }))
    .then((res) => {
      if (conn.subs.get(id) !== marker) return
      conn.subs.delete(id)
      // no data at all (not even null): nothing ran, the variables were refused before execution
      if (!('data' in res) && res.errors?.length) outbox.sendErrors(conn, id, refused(res.errors))
      else outbox.sendAll(conn, [`${nextPrefix(id)}${outbox.cache.serialise(res)}}`, completeMessage(id)])
      if (ctx.closeAfterAnswer) outbox.closeForbidden(conn)
    })
    .catch((e) => {
      conn.subs.delete(id)
      outbox.sendErrors(conn, id, [toPublicError(e)])
      if (ctx.closeAfterAnswer) outbox.closeForbidden(conn)
    })
}
