// What a word is for message search (src/lib/search-words.ts) is what SQLite's FTS5 tokenizer
// makes of a text (messages_fts: unicode61 remove_diacritics 2). PostgreSQL indexes the words
// src/lib/search-words.ts computes, SQLite its own tokenizer's: these tests check the two agree
// on every code point, so both databases find the same messages (tests/api/search-words.test.ts
// checks the searches themselves). A failure after an SQLite upgrade: regenerate the tables
// (scripts/search-words-table.mjs) and add a migration that recomputes the words.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { INDEXED_WORD_MAX, indexedWords, searchWords } from '../../src/lib/search-words.js'
import { SEARCH_QUERY_MAX } from '../../src/lib/limits.js'

describe('search words', () => {
  it('are the words of SQLite\'s FTS5 tokenizer, for every code point at the start, inside and at the end of a word', () => {
    const db = new Database(':memory:')
    db.exec(`CREATE VIRTUAL TABLE t USING fts5(body, tokenize='unicode61 remove_diacritics 2', detail=full);
      CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');`)
    const insert = db.prepare('INSERT INTO t(rowid, body) VALUES (?, ?)')
    // ASCII alone first (searchWords takes a shorter path for it)
    const docs: string[] = [Array.from({ length: 127 }, (_, i) => String.fromCharCode(i + 1)).map((c) => `${c}q${c}z${c}`).join(' ')]
    let doc: string[] = []
    for (let cp = 1; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const c = String.fromCodePoint(cp)
      // starting a word, between word characters, ending one
      doc.push(`${c}q${c}z${c}`)
      if (doc.length === 2000) { docs.push(doc.join(' ')); doc = [] }
    }
    docs.push(doc.join(' '))
    db.transaction(() => docs.forEach((d, i) => insert.run(i + 1, d)))()
    const fts: string[][] = docs.map(() => [])
    for (const r of db.prepare('SELECT term, doc FROM v ORDER BY doc, "offset"').iterate() as Iterable<{ term: string; doc: number }>) fts[r.doc - 1].push(r.term)
    db.close()
    // the first difference, with the words around it
    let first = ''
    docs.forEach((d, i) => {
      const mine = searchWords(d)
      const k = mine.findIndex((w, j) => w !== fts[i][j])
      const at = k >= 0 ? k : mine.length !== fts[i].length ? Math.min(mine.length, fts[i].length) : -1
      if (at >= 0 && !first) first = `mine ${JSON.stringify(mine.slice(Math.max(0, at - 2), at + 3))}, FTS5 ${JSON.stringify(fts[i].slice(Math.max(0, at - 2), at + 3))}`
    })
    expect(first).toBe('')
  }, 60_000)

  it('split on anything but letters, digits and number-like symbols, fold case and Latin diacritics', () => {
    const cases: [string, string[]][] = [
      ['İstanbul istanbul ISTANBUL', ['istanbul', 'istanbul', 'istanbul']],
      ['the café is open, CAFÉ, cafe\u0301', ['the', 'cafe', 'is', 'open', 'cafe', 'cafe']],
      ['lunch ½ x² ① ३ ٣', ['lunch', '½', 'x²', '①', '३', '٣']],
      ['see example.com for details', ['see', 'example', 'com', 'for', 'details']],
      ['alice@example.org', ['alice', 'example', 'org']],
      ['2026-12-07 at 10:30', ['2026', '12', '07', 'at', '10', '30']],
      ['path/to/report.txt v1.2.3 3.14', ['path', 'to', 'report', 'txt', 'v1', '2', '3', '3', '14']],
      ['http://host.test/some/page?q=1', ['http', 'host', 'test', 'some', 'page', 'q', '1']],
      ["snake_case don't re-use", ['snake', 'case', 'don', 't', 're', 'use']],
      // Latin letters lose their diacritics, Greek and Cyrillic ones keep them, as in FTS5
      ['Ǖ ø đ ł æ ß ẞ', ['u', 'ø', 'đ', 'ł', 'æ', 'ß', 'ß']],
      ['Й й ё Ά ΣΑΣ ς', ['й', 'й', 'ё', 'ά', 'σασ', 'σ']],
      // a combining diacritic is dropped inside a word and separates elsewhere; other marks separate
      ['a\u0301b \u0301x a\u20dd b', ['ab', 'x', 'a', 'b']],
      ['नमस्ते 日本語 テスト', ['नमस', 'त', '日本語', 'テスト']],
      ['🎉x y😀z', ['x', 'y', 'z']],
      ['', []],
    ]
    for (const [text, words] of cases) expect(searchWords(text), text).toEqual(words)
  })

  it('PostgreSQL\'s stored words: distinct, cut to a length no query word reaches', () => {
    expect(indexedWords('Lunch lunch LUNCH at noon')).toEqual(['lunch', 'at', 'noon'])
    expect(SEARCH_QUERY_MAX).toBeLessThanOrEqual(INDEXED_WORD_MAX)
    // PostgreSQL's lexemes are at most 2047 bytes
    expect(INDEXED_WORD_MAX * 4).toBeLessThanOrEqual(2047)
    const [long] = indexedWords('𝒜'.repeat(4000))
    expect([...long]).toHaveLength(INDEXED_WORD_MAX)
  })
})
