// `npm run build:server`: the server's TypeScript (src/) as plain ES modules in dist/, one file
// per source file (no bundling: native modules and schema.graphql are found as in src/).
//
// Production runs this output, not tsx: tsx compiles with esbuild's keepNames, which wraps every
// function in a name-setting helper, and redefining a function's `name` turns its properties into
// a dictionary: about 256 bytes more for each closure. The gateway creates a dozen closures per
// subscription, so under tsx an idle subscriber cost ~4 KB of heap more (see README, Performance).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const src = path.join(root, 'src')
const out = path.join(root, 'dist')

const entryPoints = fs.readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .map((f) => path.join(src, f))

fs.rmSync(out, { recursive: true, force: true })
const started = Date.now()
await build({
  entryPoints,
  outdir: out,
  outbase: src,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  bundle: false,
  sourcemap: 'linked',
  keepNames: false,
  logLevel: 'warning',
})
// the output is ES modules whatever the nearest package.json says
fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n')
console.log(`server built: ${entryPoints.length} files in dist/ (${Date.now() - started} ms)`)
