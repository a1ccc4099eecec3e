// `node scripts/search-words-table.mjs`: writes src/lib/search-words-table.ts, the tables of
// src/lib/search-words.ts, from what SQLite's FTS5 tokenizer (unicode61 remove_diacritics 2, the
// one of messages_fts) does with every code point. Run it when better-sqlite3 brings an SQLite
// whose tokenizer tables changed (tests/db/search-words.test.ts fails then), then add a migration
// that recomputes messages.search_words on PostgreSQL and rebuilds messages_fts on SQLite.
//
// Each code point is tokenised between letters ("q<c>z") and at the start of a word ("<c>z"):
// "q" and "z" apart means a separator; "q<f>z" a word character that folds to <f> ("" when
// dropped); a character that continues a word but starts none is a combining diacritic.
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const OUT = path.join(root, 'src/lib/search-words-table.ts')

const db = new Database(':memory:')
db.exec(`CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 2', detail=full);
  CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');`)
const insert = db.prepare('INSERT INTO t(rowid, body) VALUES (?, ?)')
const terms = db.prepare('SELECT term, doc FROM v ORDER BY doc, "offset"')

const cps = []
for (let cp = 1; cp <= 0x10ffff; cp++) if (cp < 0xd800 || cp > 0xdfff) cps.push(cp)
const CHUNK = 2000
const chunks = []
for (let i = 0; i < cps.length; i += CHUNK) chunks.push(cps.slice(i, i + CHUNK))

/** each chunk's tokens, the chunk's code points written with `segment` and separated by spaces */
function tokenise(segment) {
  db.exec('DELETE FROM t')
  db.transaction(() => chunks.forEach((c, i) => insert.run(i + 1, c.map((cp) => segment(String.fromCodePoint(cp))).join(' '))))()
  const out = chunks.map(() => [])
  for (const r of terms.iterate()) out[r.doc - 1].push(r.term)
  return out
}

/** cp -> { kind: 'word' | 'continuing', fold }; separators are absent */
const kinds = new Map()
tokenise((c) => `q${c}z`).forEach((toks, i) => {
  let k = 0
  for (const cp of chunks[i]) {
    const t = toks[k++]
    if (t === 'q') {
      if (toks[k++] !== 'z') throw new Error(`U+${cp.toString(16)}: unexpected tokens`)
    } else if (t.length >= 2 && t.startsWith('q') && t.endsWith('z')) {
      kinds.set(cp, { kind: 'word', fold: t.slice(1, -1) })
    } else {
      throw new Error(`U+${cp.toString(16)}: unexpected token ${t}`)
    }
  }
})
tokenise((c) => `${c}z`).forEach((toks, i) => {
  let k = 0
  for (const cp of chunks[i]) {
    const t = toks[k++]
    const e = kinds.get(cp)
    if (!e) { if (t !== 'z') throw new Error(`U+${cp.toString(16)}: a separator starts a word`); continue }
    // dropped from the word it ends up in: treated as starting none (FTS5 starts a word only at a
    // letter, digit or private-use character; its diacritics only continue one), which is
    // what the output shows as well: nothing of its own either way
    if (e.fold === '' && t === 'z') { e.kind = 'continuing'; continue }
    if (t === e.fold + 'z') continue
    throw new Error(`U+${cp.toString(16)}: unexpected token ${t}`)
  }
})
// what src/lib/search-words.ts assumes: a character continuing a word is dropped, and a word
// character folds to one word character that folds to itself
for (const [cp, e] of kinds) {
  if (e.kind === 'continuing') {
    if (e.fold !== '') throw new Error(`U+${cp.toString(16)} continues a word and is kept`)
    continue
  }
  const f = [...e.fold]
  if (f.length !== 1) throw new Error(`U+${cp.toString(16)} folds to ${f.length} characters`)
  const g = kinds.get(f[0].codePointAt(0))
  if (!g || g.kind !== 'word' || g.fold !== e.fold) throw new Error(`U+${cp.toString(16)}: its fold is not a word character folding to itself`)
}

const b36 = (n) => n.toString(36)
function ranges(list) {
  const out = []
  for (const cp of list) {
    const last = out[out.length - 1]
    if (last && last[1] === cp - 1) last[1] = cp
    else out.push([cp, cp])
  }
  return out.map(([a, b]) => (a === b ? b36(a) : `${b36(a)}-${b36(b)}`)).join(' ')
}

const separators = [0]
for (const cp of cps) if (!kinds.has(cp)) separators.push(cp)
const continuing = [...kinds].filter(([, e]) => e.kind === 'continuing').map(([cp]) => cp).sort((a, b) => a - b)

// folds as runs: `cp.target[.count[.step[.targetStep]]]`, the k-th code point cp + k*step folding
// to target + k*targetStep (count 1, step 1, targetStep 1 when left out)
const folded = [...kinds].filter(([cp, e]) => e.kind === 'word' && e.fold.codePointAt(0) !== cp).map(([cp]) => cp).sort((a, b) => a - b)
const target = (cp) => kinds.get(cp).fold.codePointAt(0)
const runs = []
for (let i = 0; i < folded.length;) {
  let best = { n: 1, s: 1, ts: 1 }
  for (const s of [1, 2]) {
    for (const ts of [0, 1, 2]) {
      let n = 1
      while (i + n < folded.length && folded[i + n] === folded[i] + n * s && target(folded[i + n]) === target(folded[i]) + n * ts) n++
      if (n > best.n) best = { n, s, ts }
    }
  }
  const f = [b36(folded[i]), b36(target(folded[i]))]
  if (best.n > 1 || best.s !== 1 || best.ts !== 1) f.push(b36(best.n))
  if (best.s !== 1 || best.ts !== 1) f.push(b36(best.s))
  if (best.ts !== 1) f.push(b36(best.ts))
  runs.push(f.join('.'))
  i += best.n
}

const version = db.prepare('SELECT sqlite_version() AS v').get().v
const wrap = (s) => s.match(/.{1,96}(\s|$)/g).map((l) => `  '${l}'`).join(' +\n')
fs.writeFileSync(OUT, `// Generated by scripts/search-words-table.mjs from SQLite ${version}'s FTS5 tokenizer
// (unicode61 remove_diacritics 2): do not edit. Code points in base 36.

/** separators: ranges "first-last" or single code points */
export const SEPARATORS =
${wrap(ranges(separators))}

/** combining diacritics: they continue a word (and are dropped from it) but start none */
export const CONTINUING =
${wrap(ranges(continuing))}

/**
 * what word characters fold to (case and diacritics), as runs "cp.target[.count[.step[.targetStep]]]":
 * the k-th of \`count\` code points, cp + k * step, folds to target + k * targetStep (count, step and
 * targetStep 1 when left out). Word characters not listed fold to themselves.
 */
export const FOLDS =
${wrap(runs.join(' '))}
`)
console.log(`${OUT}: ${separators.length} separators, ${continuing.length} continuing, ${folded.length} folds in ${runs.length} runs`)
