// What a word is for message search, defined once for both databases: the words SQLite's FTS5
// index (tokenizer unicode61 remove_diacritics 2, the one of messages_fts) makes of a text.
//
// - A word is a maximal run of word characters: what SQLite's Unicode 6.1 tables class as a letter
//   (L*), a number (N*: digits, but also "½", "²", "①") or private use (Co), plus every code point
//   they leave unassigned (so letters and symbols added to Unicode since count as well). Everything
//   else separates words: spaces, punctuation (".", "@", "/", "-", "_", "'"), symbols, emoji of
//   Unicode 6.1, and the combining marks of non-Latin scripts (Devanagari's vowel signs and virama
//   split "नमस्ते" into "नमस" and "त", as in FTS5).
// - Case is folded and, for Latin letters, diacritics are removed: "É", "é" and "e" + U+0301 are
//   all "e", "İ" is "i", "ß" stays "ß"; Greek and Cyrillic letters keep theirs ("й" is not "и").
//   The 25 combining diacritics of U+0300-U+0331 continue a word and are dropped from it, and
//   separate words elsewhere.
//
// The tables come from SQLite itself (scripts/search-words-table.mjs), and
// tests/db/search-words.test.ts checks every code point against the FTS5 of the running SQLite.
// On SQLite the index tokenises bodies itself and a query's words (these) go through the same
// tokenizer unchanged; on PostgreSQL messages.search_words holds each message's words (see the
// 2026_12_07_0200 migration), so both databases find the same messages.
import { CONTINUING, FOLDS, SEPARATORS } from './search-words-table.js'

/** a character's part in a word: WORD, CONTINUING (dropped, starts none) or SEPARATOR */
const WORD = 0
const SEPARATOR = 1
const CONTINUES = 2

/** the class of each code point of the Basic Multilingual Plane */
const bmp = new Uint8Array(0x10000)
/** separator ranges beyond it, as [first, last] pairs in order */
const astral: number[] = []
/** word characters that do not fold to themselves */
const folds = new Map<number, number>()

function load() {
  const mark = (list: string, kind: number) => {
    for (const item of list.split(' ')) {
      const [a, b = a] = item.split('-').map((x) => parseInt(x, 36))
      if (b > 0xffff && kind !== SEPARATOR) throw new Error('search words: only separators are listed beyond U+FFFF')
      if (a > 0xffff) { astral.push(a, b); continue }
      bmp.fill(kind, a, Math.min(b, 0xffff) + 1)
      if (b > 0xffff) astral.push(0x10000, b)
    }
  }
  mark(SEPARATORS, SEPARATOR)
  mark(CONTINUING, CONTINUES)
  for (const run of FOLDS.split(' ')) {
    const [cp, target, count = 1, step = 1, targetStep = 1] = run.split('.').map((x) => parseInt(x, 36))
    for (let k = 0; k < count; k++) folds.set(cp + k * step, target + k * targetStep)
  }
}
load()

function classOf(cp: number): number {
  if (cp <= 0xffff) return bmp[cp]
  let lo = 0
  let hi = astral.length / 2 - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (cp < astral[2 * mid]) hi = mid - 1
    else if (cp > astral[2 * mid + 1]) lo = mid + 1
    else return SEPARATOR
  }
  return WORD
}

const ASCII = /^[\x00-\x7f]*$/

/** the words of a text, in order, folded (repeats kept) */
export function searchWords(text: string): string[] {
  // most text: letters and digits of ASCII, the rest separates
  if (ASCII.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? []
  const out: string[] = []
  let word = ''
  let inWord = false
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i)
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) { cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00); i++ }
    }
    // a lone surrogate (refused by every input check) separates
    const kind = cp >= 0xd800 && cp <= 0xdfff ? SEPARATOR : classOf(cp)
    if (kind === WORD) {
      word += String.fromCodePoint(folds.get(cp) ?? cp)
      inWord = true
    } else if (kind === SEPARATOR || !inWord) {
      if (inWord) out.push(word)
      word = ''
      inWord = false
    }
  }
  if (inWord) out.push(word)
  return out
}

/**
 * A stored word is cut to this many code points: PostgreSQL refuses a lexeme over 2047 bytes
 * (four bytes a code point at most). No query word is longer (SEARCH_QUERY_MAX), so a word and
 * its cut match the same queries: a prefix as long as the query word, or (one-character query
 * words) the whole word.
 */
export const INDEXED_WORD_MAX = 500

/** PostgreSQL's messages.search_words of a body: its distinct words, each cut to INDEXED_WORD_MAX */
export function indexedWords(body: string): string[] {
  const words = new Set<string>()
  for (const w of searchWords(body)) words.add(w.length > INDEXED_WORD_MAX ? [...w].slice(0, INDEXED_WORD_MAX).join('') : w)
  return [...words]
}
