// Summarises V8 .cpuprofile files (from `node --cpu-prof`): self time per function, heaviest
// first, and the share spent in a few broad areas. Given time windows (CLOCK_MONOTONIC µs, the
// clock V8 stamps samples with on Linux, and process.hrtime's), only samples inside them count,
// so start-up, sign-ups and warm-up stay out of the picture. Also runnable on its own:
//   node --import tsx bench/profile-top.ts <file-or-dir> [top]
import fs from 'node:fs'
import path from 'node:path'

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number }
export interface Window { label: string; fromUs: number; toUs: number }

function where(url: string, line: number): string {
  if (!url) return ''
  const u = url.replace(/^file:\/\//, '')
  const nm = u.lastIndexOf('node_modules/')
  if (nm >= 0) return `${u.slice(nm + 13)}:${line + 1}`
  // tsx-compiled sources: V8's line numbers are of the transformed code, so only the file
  const src = Math.max(u.indexOf('/src/'), u.indexOf('/dist/'))
  if (src >= 0) return u.slice(src + 1)
  return `${path.basename(u)}:${line + 1}`
}

function area(fn: string, u: string): string {
  if (fn === '(garbage collector)') return 'gc'
  if (fn === '(idle)') return 'idle'
  if (fn === '(program)') return 'program'
  if (!u) return 'native (socket writes, parsing, ...)'
  if (u.includes('node_modules/graphql/')) return 'graphql-js'
  if (u.includes('node_modules/ws/')) return 'ws'
  if (u.includes('node_modules/ioredis') || u.includes('node_modules/@ioredis') || u.includes('redis-')) return 'redis client'
  if (u.includes('node_modules/kysely') || u.includes('better-sqlite3') || u.includes('node_modules/pg')) return 'db driver'
  if (u.includes('node_modules/fastify') || u.includes('node_modules/mercurius') || u.includes('node_modules/@fastify') || u.includes('find-my-way') || u.includes('light-my-request')) return 'fastify/mercurius'
  if (u.includes('node_modules/')) return 'other deps'
  if (u.includes('/src/') || u.includes('/dist/')) return 'hearth src'
  return 'node core'
}

export function summariseProfile(file: string, top = 25, windows: Window[] = []): { busyUs: number; text: string } {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile
  const byId = new Map<number, ProfileNode>()
  for (const n of prof.nodes) byId.set(n.id, n)
  const inWindow = (t: number) => windows.length === 0 || windows.some((w) => t >= w.fromUs && t <= w.toUs)
  const self = new Map<number, number>()
  let total = 0
  let t = prof.startTime
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0
    t += dt
    if (!inWindow(t)) continue
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt)
    total += dt
  }
  const byFn = new Map<string, number>()
  const areas = new Map<string, number>()
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame
    const key = `${f.functionName || '(anonymous)'} ${where(f.url, f.lineNumber)}`.trim()
    byFn.set(key, (byFn.get(key) ?? 0) + us)
    const a = area(f.functionName, f.url)
    areas.set(a, (areas.get(a) ?? 0) + us)
  }
  const busy = total - (areas.get('idle') ?? 0)
  const pct = (us: number) => ((us / busy) * 100).toFixed(1).padStart(5) + '%'
  const scope = windows.length ? `in ${windows.length} measured window(s)` : 'whole process'
  const lines = [`${path.basename(file)} (${scope}): ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy; shares are of busy time`]
  if (busy <= 0) return { busyUs: 0, text: lines[0] }
  lines.push('  by area: ' + [...areas].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${pct(v).trim()}`).join(', '))
  for (const [k, v] of [...byFn].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(v)}  ${k}`)
  return { busyUs: busy, text: lines.join('\n') }
}

/** Every profile in a directory (or one file); threads that were nearly idle (tsx's loader) are left out. */
export function summariseProfiles(dirOrFile: string, top = 25, windows: Window[] = []): string {
  const files = fs.statSync(dirOrFile).isDirectory()
    ? fs.readdirSync(dirOrFile).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => path.join(dirOrFile, f))
    : [dirOrFile]
  let out = files.map((f) => summariseProfile(f, top, windows))
  if (windows.length && out.every((s) => s.busyUs === 0)) {
    // the clocks did not line up: better the whole process than nothing
    out = files.map((f) => summariseProfile(f, top))
  }
  const most = Math.max(...out.map((s) => s.busyUs))
  return out.filter((s) => s.busyUs >= most * 0.05).map((s) => s.text).join('\n\n')
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const target = process.argv[2]
  if (!target) { console.error('usage: profile-top.ts <file.cpuprofile | dir> [top]'); process.exit(2) }
  console.log(summariseProfiles(target, Number(process.argv[3] ?? 25)))
}
