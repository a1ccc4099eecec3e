// The field a subscription operation runs.
import {
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionNode, type SelectionSetNode,
  type OperationDefinitionNode, GraphQLIncludeDirective, GraphQLSkipDirective, Kind, getDirectiveValues, visit,
} from 'graphql'

/** The field a subscription operation runs, through inline fragments and fragment spreads. */
export function rootField(document: DocumentNode, set: SelectionSetNode, variables: Record<string, unknown>): FieldNode | null {
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

/**
 * The variables an event's rendering can depend on: every one the operation uses except in the
 * root field's own arguments. Those arguments (a room, a resume point) choose what the feed
 * delivers, and a subscription field's resolver returns the event as it is (src/graphql/schema.ts),
 * so subscribers that differ only there (web clients resume each from its own `after`) share one
 * execution per event instead of one each.
 */
export function renderVariables(document: DocumentNode, op: OperationDefinitionNode, field: FieldNode): Set<string> {
  const names = new Set<string>()
  const visitor = {
    VariableDefinition: () => false,
    Argument: (_node: unknown, _key: unknown, parent: unknown) => (parent === field.arguments ? false : undefined),
    Variable: (node: { name: { value: string } }) => { names.add(node.name.value) },
  }
  visit(op, visitor)
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) visit(def, visitor)
  return names
}
