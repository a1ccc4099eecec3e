// A variable whose value does not fit its type ("BUSY" for a PresenceStatus, 2.5 for an Int, a
// required one missing or null) is invalid input, not an invalid document: the contract's
// BAD_USER_INPUT with `field`, the dotted path of the argument the value was given for
// (`status`, `input.kind`), as when the same value fails a resolver's own check. graphql-js
// words these errors itself; the document says where each variable goes.
import { type DocumentNode, GraphQLError, Kind, type ValueNode, getOperationAST, visit } from 'graphql'

const INVALID_VALUE = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" got invalid value .*?(?: at "([^"]+)")?; /s
const MISSING = /^Variable "\$([_A-Za-z][_0-9A-Za-z]*)" of (?:required|non-null) type "[^"]+" (?:was not provided|must not be null)\.$/

/** where each variable of the operation is given: the argument's dotted path (first use wins) */
function argumentPaths(document: DocumentNode, operationName: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>()
  const op = getOperationAST(document, operationName)
  if (!op) return out
  const walk = (value: ValueNode, path: string) => {
    if (value.kind === Kind.VARIABLE) { if (!out.has(value.name.value)) out.set(value.name.value, path) }
    else if (value.kind === Kind.OBJECT) for (const f of value.fields) walk(f.value, `${path}.${f.name.value}`)
    else if (value.kind === Kind.LIST) for (const v of value.values) walk(v, path)
  }
  // the operation and the fragments it may spread
  for (const def of document.definitions) {
    if (def !== op && def.kind !== Kind.FRAGMENT_DEFINITION) continue
    visit(def, { Argument(node) { walk(node.value, node.name.value) } })
  }
  return out
}

/**
 * The BAD_USER_INPUT error for a variable coercion error of graphql-js, or null when `err` is
 * not one. `hideSuggestions`: production drops "Did you mean ...?" (the schema is not advertised).
 */
export function variableInputError(err: GraphQLError, document: DocumentNode | null, operationName: string | null | undefined, hideSuggestions: boolean): GraphQLError | null {
  const invalid = INVALID_VALUE.exec(err.message)
  const missing = invalid ? null : MISSING.exec(err.message)
  const name = invalid?.[1] ?? missing?.[1]
  if (!name) return null
  const base = (document && argumentPaths(document, operationName).get(name)) || name
  // graphql-js' path starts with the variable's name; list positions are not part of `field`
  const inner = invalid?.[2] ? invalid[2].replace(/\[\d+\]/g, '').split('.').slice(1).join('.') : ''
  const field = inner ? `${base}.${inner}` : base
  return new GraphQLError(hideSuggestions ? err.message.replace(/\s*Did you mean .*\?$/s, '') : err.message, { extensions: { code: 'BAD_USER_INPUT', field } })
}
