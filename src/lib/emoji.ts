// "Exactly one emoji": one extended grapheme cluster (Intl.Segmenter) that is one RGI emoji
// (Unicode's emoji "recommended for general interchange": what emoji keyboards offer).
// JavaScript's own `\p{RGI_Emoji}` (a property of strings, `v` flag) is that list, from the
// runtime's Unicode data. The emoji-regex package it replaced also matched text forms that are
// not RGI (U+00A9 ©, U+2122 ™, U+2764 ❤ without U+FE0F, U+1F170 🅰 ...), so "❤" and "❤️"
// became two reactions.
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })
// built with the constructor: the `v` flag is newer than the TypeScript target's regex syntax
const rgi = new RegExp('^\\p{RGI_Emoji}$', 'v')
// U+FE0F after a character that is shown as an emoji anyway: redundant ("over-qualified").
// Pickers send such forms (emojibase's data, which the web client's picker uses, has 152 of
// them, e.g. U+1F610 U+FE0F); RGI lists the form without it.
const redundantVs16 = /(\p{Emoji_Presentation})\uFE0F/gu

/** the longest emoji sequence is well under this (family ZWJ sequences are ~35 UTF-16 units) */
const MAX_EMOJI_LENGTH = 64

function oneCluster(s: string): boolean {
  const it = segmenter.segment(s)[Symbol.iterator]()
  const first = it.next()
  return !first.done && first.value.segment === s && !!it.next().done
}

/**
 * `s` as the one RGI emoji it is (an over-qualified form without its redundant U+FE0F), or null
 * when it is not exactly one emoji.
 */
export function canonicalEmoji(s: unknown): string | null {
  if (typeof s !== 'string' || s.length === 0 || s.length > MAX_EMOJI_LENGTH || !oneCluster(s)) return null
  if (rgi.test(s)) return s
  const plain = s.replace(redundantVs16, '$1')
  return plain !== s && rgi.test(plain) ? plain : null
}
