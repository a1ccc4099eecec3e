// "Exactly one emoji": one extended grapheme cluster (Intl.Segmenter) that is entirely one RGI
// emoji sequence as Unicode lists them (emoji-regex, generated from the Unicode data files).
import emojiRegex from 'emoji-regex'

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })
// emoji-regex is written without the u flag (surrogate pairs spelled out): keep it that way
const rgi = new RegExp(`^(?:${emojiRegex().source})$`)

/** the longest emoji sequence is well under this (family ZWJ sequences are ~35 UTF-16 units) */
const MAX_EMOJI_LENGTH = 64

export function isSingleEmoji(s: string): boolean {
  if (typeof s !== 'string' || s.length === 0 || s.length > MAX_EMOJI_LENGTH) return false
  const it = segmenter.segment(s)[Symbol.iterator]()
  const first = it.next()
  if (first.done || first.value.segment !== s || !it.next().done) return false
  return rgi.test(s)
}
