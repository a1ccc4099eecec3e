// `npm run codegen:check`: regenerates every codegen output and fails when the result differs
// from what is committed, so a schema or operation change without `npm run codegen` cannot land.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
process.chdir(root)

// the outputs named in codegen.ts; keep in step with it
const GENERATED = ['src/graphql/generated.ts', 'web/src/gql', 'examples/cli-client/src/gql']

const gen = spawnSync(path.join('node_modules', '.bin', 'graphql-codegen'), ['--config', 'codegen.ts'], { stdio: 'inherit' })
if (gen.status !== 0) {
  console.error('codegen:check: `graphql-codegen` failed')
  process.exit(1)
}

const present = GENERATED.filter((p) => fs.existsSync(p))
let isGit = true
try { execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { stdio: 'ignore' }) } catch { isGit = false }
if (!isGit) {
  console.log('codegen:check: not a git work tree; regenerated without comparing')
  process.exit(0)
}

// tracked files that changed, and generated files that were never committed
const diff = spawnSync('git', ['diff', '--exit-code', '--stat', '--', ...present], { stdio: 'inherit' })
const untracked = execFileSync('git', ['ls-files', '--others', '--exclude-standard', '--', ...present], { encoding: 'utf8' }).trim()
if (diff.status !== 0 || untracked) {
  if (untracked) console.error(`not committed:\n${untracked}`)
  console.error('codegen:check: generated files are stale. Run `npm run codegen` and commit the result.')
  process.exit(1)
}
console.log('codegen:check: generated files are up to date')
