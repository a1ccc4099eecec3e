// Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time per function, heaviest
// first, and the share spent in a few broad buckets. Also runnable on its own:
//   node --import tsx bench/profile-top.ts <file-or-dir> [top]
import fs from 'node:fs'
import path from 'node:path'

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

function short(url: string): string {
  if (!url) return ''
  const u = url.replace(/^file:\/\//, '')
  const nm = u.lastIndexOf('node_modules/')
  if (nm >= 0) return u.slice(nm + 13)
  const src = u.indexOf('/src/')
  return src >= 0 ? u.slice(src + 1) : path.basename(u)
}

export function summariseProfile(file: string, top = 25): string {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
  const byId = new Map<number, ProfileNode>()
  for (const n of prof.nodes) byId.set(n.id, n)
  const self = new Map<number, number>()
  let total = 0
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt)
    total += dt
  }
  const byFn = new Map<string, number>()
  const buckets = new Map<string, number>()
  for (const [id, us] of self) {
    const n = byId.get(id)!
    const f = n.callFrame
    const key = `${f.functionName || '(anonymous)'} ${short(f.url)}${f.url ? ':' + (f.lineNumber + 1) : ''}`
    byFn.set(key, (byFn.get(key) ?? 0) + us)
    const u = f.url
    const bucket = f.functionName === '(garbage collector)' ? 'gc'
      : f.functionName === '(idle)' ? 'idle'
        : f.functionName === '(program)' ? 'program (native, unattributed)'
          : u.includes('node_modules/graphql/') ? 'graphql-js'
            : u.includes('node_modules/ws/') ? 'ws'
              : u.includes('node_modules/ioredis') || u.includes('redis') ? 'redis'
                : u.includes('node_modules/kysely') || u.includes('better-sqlite3') ? 'db'
                  : u.includes('node_modules/fastify') || u.includes('node_modules/mercurius') || u.includes('node_modules/@fastify') ? 'fastify/mercurius'
                    : u.includes('node_modules/') ? 'other deps'
                      : u.includes('/src/') ? 'hearth src'
                        : u.startsWith('node:') ? 'node core' : 'other'
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us)
  }
  const busy = total - (buckets.get('idle') ?? 0)
  const pct = (us: number) => ((us / busy) * 100).toFixed(1).padStart(5) + '%'
  const lines = [`${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (shares below are of busy time)`]
  lines.push('  by area: ' + [...buckets].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${pct(v).trim()}`).join(', '))
  for (const [k, v] of [...byFn].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(v)}  ${k}`)
  return lines.join('\n')
}

export function summariseProfiles(dirOrFile: string, top = 25): string {
  const files = fs.statSync(dirOrFile).isDirectory()
    ? fs.readdirSync(dirOrFile).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => path.join(dirOrFile, f))
    : [dirOrFile]
  return files.map((f) => summariseProfile(f, top)).join('\n\n')
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const target = process.argv[2]
  if (!target) { console.error('usage: profile-top.ts <file.cpuprofile | dir> [top]'); process.exit(2) }
  console.log(summariseProfiles(target, Number(process.argv[3] ?? 25)))
}
