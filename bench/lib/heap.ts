// Heap snapshots of a server child without any endpoint in it: the child runs with
// --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=<dir>, we signal it and read the file. Two
// snapshots (before the sockets open, after they are subscribed) give the heap per connection
// and which kinds of objects make it up.
import fs from 'node:fs'
import path from 'node:path'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Asks `pid` for a heap snapshot in `dir`; resolves with its path once it is completely written. */
export async function takeSnapshot(pid: number, dir: string, timeoutMs = 120_000): Promise<string> {
  fs.mkdirSync(dir, { recursive: true })
  const before = new Set(fs.readdirSync(dir))
  process.kill(pid, 'SIGUSR2')
  const deadline = Date.now() + timeoutMs
  let file: string | null = null
  let lastSize = -1
  let stableSince = 0
  while (Date.now() < deadline) {
    await sleep(200)
    if (!file) {
      const f = fs.readdirSync(dir).find((x) => !before.has(x) && x.endsWith('.heapsnapshot') && x.includes(`.${pid}.`))
      if (f) file = path.join(dir, f)
      continue
    }
    const size = fs.statSync(file).size
    if (size === lastSize && size > 0) {
      if (!stableSince) stableSince = Date.now()
      // the writer finishes with the strings table and a closing brace
      if (Date.now() - stableSince > 600 && endsWithBrace(file)) return file
    } else { lastSize = size; stableSince = 0 }
  }
  throw new Error(`no complete heap snapshot from ${pid} within ${timeoutMs} ms`)
}

function endsWithBrace(file: string): boolean {
  const fd = fs.openSync(file, 'r')
  try {
    const size = fs.fstatSync(fd).size
    const buf = Buffer.alloc(Math.min(16, size))
    fs.readSync(fd, buf, 0, buf.length, size - buf.length)
    return buf.toString('utf8').trimEnd().endsWith('}')
  } finally { fs.closeSync(fd) }
}

interface Tally { total: number; byKind: Map<string, { size: number; count: number }> }

function tally(file: string): Tally {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'))
  const fields: string[] = snap.snapshot.meta.node_fields
  const types: string[] = snap.snapshot.meta.node_types[0]
  const stride = fields.length
  const iType = fields.indexOf('type')
  const iName = fields.indexOf('name')
  const iSize = fields.indexOf('self_size')
  const nodes: number[] = snap.nodes
  const strings: string[] = snap.strings
  const byKind = new Map<string, { size: number; count: number }>()
  let total = 0
  for (let i = 0; i < nodes.length; i += stride) {
    const type = types[nodes[i + iType]]
    const size = nodes[i + iSize]
    total += size
    let key: string
    if (type === 'object' || type === 'closure' || type === 'native') key = `${strings[nodes[i + iName]].slice(0, 60)} (${type})`
    else key = `(${type})`
    const t = byKind.get(key)
    if (t) { t.size += size; t.count++ } else byKind.set(key, { size, count: 1 })
  }
  return { total, byKind }
}

/** What grew between two snapshots, per connection. */
export function heapDiff(fileA: string, fileB: string, n: number, top = 20): { perConnKB: number; text: string } {
  const a = tally(fileA)
  const b = tally(fileB)
  const rows: { key: string; size: number; count: number }[] = []
  for (const [key, tb] of b.byKind) {
    const ta = a.byKind.get(key) ?? { size: 0, count: 0 }
    rows.push({ key, size: tb.size - ta.size, count: tb.count - ta.count })
  }
  rows.sort((x, y) => y.size - x.size)
  const perConnKB = (b.total - a.total) / n / 1024
  const lines = [`heap (after a full GC) grew ${((b.total - a.total) / 1048576).toFixed(1)} MB for ${n} connections: ${perConnKB.toFixed(1)} KB each; largest growth per connection:`]
  for (const r of rows.slice(0, top)) {
    lines.push(`  ${(r.size / n).toFixed(0).padStart(7)} B  ${(r.count / n).toFixed(1).padStart(6)} objects  ${r.key}`)
  }
  return { perConnKB, text: lines.join('\n') }
}
