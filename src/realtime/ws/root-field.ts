// The field a subscription operation runs.
import {
  type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionNode, type SelectionSetNode,
  GraphQLIncludeDirective, GraphQLSkipDirective, Kind, getDirectiveValues,
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
