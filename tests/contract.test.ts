// Compatibility of the API, checked against files inside the repository only:
// - tests/fixtures/schema.released.graphql, the released API (`npm run schema:release` writes it
//   on purpose): a change to schema.graphql that breaks a client written against it fails here,
//   an addition does not;
// - tests/fixtures/api-contract.graphql, a copy of the public contract (part 1): schema.graphql
//   must provide everything it names, unchanged (typed clients, the web client and outside
//   integrators are written against it).
// Breaking changes are graphql-js's own findBreakingChanges (graphql/utilities).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSchema, findBreakingChanges, Kind, parse, print, visit, type GraphQLSchema } from 'graphql'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SNAPSHOT = path.join(root, 'tests', 'fixtures', 'schema.released.graphql')
const CONTRACT = path.join(root, 'tests', 'fixtures', 'api-contract.graphql')
const SCHEMA = path.join(root, 'schema.graphql')
const read = (f: string) => fs.readFileSync(f, 'utf8')

const breakingChanges = (from: GraphQLSchema, to: GraphQLSchema) =>
  findBreakingChanges(from, to).map((c) => `${c.type}: ${c.description}`)

/** schema.graphql's text with one field of one type taken out */
function withoutField(text: string, typeName: string, fieldName: string): string {
  return print(visit(parse(text), {
    [Kind.OBJECT_TYPE_DEFINITION]: (node) => node.name.value !== typeName ? undefined
      : { ...node, fields: node.fields?.filter((f) => f.name.value !== fieldName) },
  }))
}

describe('API compatibility', () => {
  it('the released snapshot and the contract copy are in the repository', () => {
    for (const f of [SNAPSHOT, CONTRACT]) {
      if (!fs.existsSync(f)) throw new Error(`${path.relative(root, f)} is missing (npm run schema:release writes the snapshot)`)
    }
  })

  it('schema.graphql has no breaking change against the released snapshot', () => {
    expect(breakingChanges(buildSchema(read(SNAPSHOT)), buildSchema(read(SCHEMA)))).toEqual([])
  })

  it('schema.graphql has no breaking change against the contract', () => {
    expect(breakingChanges(buildSchema(read(CONTRACT)), buildSchema(read(SCHEMA)))).toEqual([])
  })

  it('the released snapshot provides the whole contract', () => {
    expect(breakingChanges(buildSchema(read(CONTRACT)), buildSchema(read(SNAPSHOT)))).toEqual([])
  })

  it('the check fails a change that breaks integrators and passes an addition', () => {
    const released = buildSchema(read(SNAPSHOT))
    const text = read(SCHEMA)
    // an addition: a new type, a new field and a new optional argument
    const added = buildSchema(text.replace(/type Query \{/, 'type Query {\n  releaseProbe(hint: String): ReleaseProbe\n') + '\ntype ReleaseProbe { id: ID! }\n')
    expect(added.getQueryType()!.getFields().releaseProbe).toBeDefined()
    expect(breakingChanges(released, added)).toEqual([])
    // a removal: Query.me, which every client reads
    const removed = buildSchema(withoutField(text, 'Query', 'me'))
    expect(breakingChanges(released, removed)).toEqual(['FIELD_REMOVED: Query.me was removed.'])
    // a changed type: a nullable field made a list
    const changed = buildSchema(text.replace(/(\n\s+me): User\b/, '$1: [User]'))
    expect(breakingChanges(released, changed)).toEqual(['FIELD_CHANGED_KIND: Query.me changed type from User to [User].'])
  })
})
