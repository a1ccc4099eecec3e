import { type DocumentNode, GraphQLError, type GraphQLFormattedError } from 'graphql'
import { variableInputError } from './variable-errors.js'
import { toPublicError } from './errors.js'

interface Execution { data?: unknown; errors: readonly GraphQLError[]; statusCode?: number }

/**
 * mercurius' errorFormatter: coded errors pass through, graphql-js and framework errors get
 * the contract's codes, anything else becomes a generic internal error that is logged, never shown.
 */
/** In production the schema is not advertised: "Did you mean ...?" hints are dropped. */
export function stripSuggestions(message: string): string {
  return message.replace(/\s*Did you mean .*\?$/s, '')
}

/** framework refusals of a request that carries no readable GraphQL document */
const NO_DOCUMENT = new Set(['MER_ERR_GQL_VALIDATION', 'FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY', 'MER_ERR_GQL_PERSISTED_QUERY_NOT_FOUND'])

export function formatErrors(execution: Execution, log: (err: unknown) => void, hideSuggestions = false, request: () => { document: DocumentNode | null; operationName?: string | null } = () => ({ document: null })): { statusCode: number; response: { data: any; errors: GraphQLFormattedError[] } } {
  const out: GraphQLError[] = []
  let statusCode = 200
  for (const err of execution.errors) {
    const orig = err.originalError as (Error & { errors?: unknown[]; statusCode?: number; code?: string }) | undefined
    if (orig && Array.isArray(orig.errors)) {
      // mercurius wraps parse and validation failures (depth, rules) in MER_ERR_GQL_VALIDATION
      statusCode = 400
      for (const inner of orig.errors as GraphQLError[]) {
        // a variable's value that does not fit its type: invalid input (src/graphql/variable-errors.ts)
        const input = inner instanceof GraphQLError && /^Variable "\$/.test(inner.message) ? variableInputError(inner, request().document, request().operationName, hideSuggestions) : null
        if (input) { out.push(input); continue }
        const parse = /^Syntax Error/.test(inner.message) || /tokens/.test(inner.message) && /Parsing aborted/.test(inner.message)
        out.push(new GraphQLError(hideSuggestions ? stripSuggestions(inner.message) : inner.message, {
          nodes: inner.nodes, source: inner.source, positions: inner.positions,
          extensions: { code: parse ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED' },
        }))
      }
    } else if (orig && typeof orig.code === 'string' && /^(FST_|MER_ERR)/.test(orig.code) && (orig.statusCode ?? 500) < 500) {
      // framework refusals (body too large, bad JSON, CSRF, GET mutation, batching): the message is
      // generic and safe. A request with no document to read (a body that is not JSON, an empty
      // one, no query) is a malformed document to the contract: GRAPHQL_PARSE_FAILED
      statusCode = orig.statusCode ?? 400
      const code = NO_DOCUMENT.has(orig.code) ? 'GRAPHQL_PARSE_FAILED' : 'BAD_USER_INPUT'
      out.push(new GraphQLError(orig.message, { extensions: { code } }))
    } else if (!orig && /^Syntax Error/.test(err.message)) {
      // the token limit aborts parsing before mercurius wraps the error
      statusCode = 400
      out.push(new GraphQLError(err.message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }))
    } else if (!orig && !err.path && execution.data == null) {
      // graphql-js threw while validating instead of reporting (a variable in @include on a
      // subscription's root field): a refused document like the others, not a 200
      statusCode = 400
      out.push(toPublicError(err, log))
    } else {
      out.push(toPublicError(err, log))
    }
  }
  return { statusCode, response: { data: execution.data ?? null, errors: out.map((e) => e.toJSON()) } }
}
