// schema.graphql must provide everything the public contract names, unchanged: typed clients,
// the web client and outside integrators are written against the contract.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSchema, findBreakingChanges } from 'graphql'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// the contract lives beside the repository (shared/ next to the clone), not inside it
const CONTRACT = path.resolve(root, '..', 'shared', 'api-contract.graphql')
const SCHEMA = path.join(root, 'schema.graphql')

describe('API contract', () => {
  it('the contract file is there', () => {
    if (!fs.existsSync(CONTRACT)) {
      throw new Error(`The API contract is missing at ${CONTRACT}: the clone must have shared/ beside it`)
    }
  })

  it('schema.graphql has no breaking change against the contract', () => {
    const contract = buildSchema(fs.readFileSync(CONTRACT, 'utf8'))
    const schema = buildSchema(fs.readFileSync(SCHEMA, 'utf8'))
    const breaking = findBreakingChanges(contract, schema).map((c) => `${c.type}: ${c.description}`)
    expect(breaking).toEqual([])
  })
})
