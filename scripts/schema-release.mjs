// `npm run schema:release`: records schema.graphql as the released API in
// tests/fixtures/schema.released.graphql. tests/contract.test.ts fails on any change to
// schema.graphql that breaks a client written against that snapshot (a field, type, argument or
// enum value removed or changed, a required argument added); additions pass. Run this when a
// version ships, so what it added is protected from then on.
//
// Refuses a snapshot that drops part of the public contract (tests/fixtures/api-contract.graphql)
// and, unless `--breaking` is given, one that breaks the previous snapshot: a breaking release is
// a decision, taken on purpose and announced to integrators.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SCHEMA = path.join(root, 'schema.graphql')
const SNAPSHOT = path.join(root, 'tests', 'fixtures', 'schema.released.graphql')
const CONTRACT = path.join(root, 'tests', 'fixtures', 'api-contract.graphql')
const HEADER = [
  '# The released API of Hearth: a copy of schema.graphql written by `npm run schema:release`.',
  '# Do not edit by hand. tests/contract.test.ts fails on any change to schema.graphql that breaks',
  '# a client written against this file; additions pass until the next release records them.',
  '',
].join('\n')

const allowBreaking = process.argv.includes('--breaking')
const text = fs.readFileSync(SCHEMA, 'utf8')
const schema = buildSchema(text)
const describe = (changes) => changes.map((c) => `  - ${c.type}: ${c.description}`).join('\n')

const againstContract = findBreakingChanges(buildSchema(fs.readFileSync(CONTRACT, 'utf8')), schema)
if (againstContract.length) {
  console.error(`schema:release: schema.graphql breaks the public contract (${path.relative(root, CONTRACT)}):\n${describe(againstContract)}`)
  process.exit(1)
}

if (fs.existsSync(SNAPSHOT)) {
  const released = buildSchema(fs.readFileSync(SNAPSHOT, 'utf8'))
  const breaking = findBreakingChanges(released, schema)
  const dangerous = findDangerousChanges(released, schema)
  if (breaking.length && !allowBreaking) {
    console.error(`schema:release: these changes break clients of the released API:\n${describe(breaking)}\n` +
      'Restore them in schema.graphql, or release a breaking version on purpose: npm run schema:release -- --breaking')
    process.exit(1)
  }
  if (breaking.length) console.log(`schema:release: releasing ${breaking.length} breaking change(s):\n${describe(breaking)}`)
  if (dangerous.length) console.log(`schema:release: changes clients may notice (not breaking):\n${describe(dangerous)}`)
}

const next = HEADER + text
if (fs.existsSync(SNAPSHOT) && fs.readFileSync(SNAPSHOT, 'utf8') === next) {
  console.log(`schema:release: ${path.relative(root, SNAPSHOT)} is already schema.graphql`)
} else {
  fs.writeFileSync(SNAPSHOT, next)
  console.log(`schema:release: wrote ${path.relative(root, SNAPSHOT)} from schema.graphql`)
}
