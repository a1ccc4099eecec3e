import { badInput } from '../graphql/errors.js'

// Characters never allowed in any stored string: NUL and C0/C1 controls except tab/newline.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/
// Bidi embeddings/overrides/isolates: used to disguise names ("evil\u202Egnp.exe").
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/
// Characters that render as nothing (Unicode's Default_Ignorable_Code_Point: zero-width spaces
// and joiners, soft hyphen, variation selectors, Hangul fillers, tags...): a name with one looks
// identical to the name without it, so names refuse them (contract part 2).
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/u
// A name made only of these renders as blank: spaces, Hangul fillers, the Braille blank.
const BLANK_ONLY = /^[\p{White_Space}\u115F\u1160\u3164\uFFA0\u2800]+$/u

export function codePoints(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

export function isWellFormed(s: string): boolean {
  // String.prototype.isWellFormed exists from Node 20; keep a fallback for safety
  const f = (s as any).isWellFormed
  if (typeof f === 'function') return f.call(s)
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s)
}

export interface TextRule {
  min: number
  max: number
  /** allow newlines and tabs (message bodies, descriptions) */
  multiline?: boolean
  /** a display label (names): refuse bidi controls, invisible characters and blank-looking names */
  label?: boolean
}

const LABELS: Record<string, string> = { body: 'A message', displayName: 'Display name', firstName: 'First name', lastName: 'Last name' }

/** What a person calls a field: "input.displayName" is "Display name" (extensions.field keeps the path). */
export function fieldLabel(field: string): string {
  const last = field.split('.').pop() ?? field
  if (LABELS[last]) return LABELS[last]
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/**
 * Validates user text: well-formed, trimmed, within limits, stored as typed otherwise (no Unicode
 * normalisation: the contract counts code points of what was sent, after trimming, and keeps
 * the text as typed). Every check looks at the trimmed text, so whitespace the trim removes (a
 * trailing newline in a name, padding around a body) never refuses it. Throws BAD_USER_INPUT on
 * `field`.
 */
export function cleanText(value: unknown, field: string, rule: TextRule): string {
  // the label only for an error message: every send passes here twice
  const what = { toString: () => fieldLabel(field) }
  if (typeof value !== 'string') throw badInput(field, `${what} must be a string`)
  // printable ASCII (most chat text, every UUID clientId): well-formed, no control, direction or
  // invisible characters, one code point per unit; only the trim and the length are left. ~1.1 µs
  // instead of 4 for a send's body and clientId (a tsx loop)
  if (PRINTABLE_ASCII.test(value)) {
    const t = value.trim()
    return inLimits(t, t.length, what, field, rule)
  }
  if (!isWellFormed(value)) throw badInput(field, `${what} contains invalid Unicode`)
  const s = value.trim()
  // more UTF-16 units than twice the limit is more code points than the limit: refused before the scans
  if (s.length > rule.max * 2) throw badInput(field, `${what} must be at most ${rule.max} characters`)
  if (CONTROL.test(s)) throw badInput(field, `${what} contains control characters`)
  if (!rule.multiline && /[\n\r\t]/.test(s)) throw badInput(field, `${what} must be a single line`)
  if (rule.label) {
    if (BIDI.test(s)) throw badInput(field, `${what} contains text-direction control characters`)
    if (IGNORABLE.test(s)) throw badInput(field, `${what} contains invisible characters (such as zero-width spaces or joiners)`)
    if (BLANK_ONLY.test(s)) throw badInput(field, `${what} must not be blank: use visible letters, digits or symbols`)
  }
  return inLimits(s, codePoints(s), what, field, rule)
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** `s` (of `n` code points) when within the rule's lengths */
function inLimits(s: string, n: number, what: { toString(): string }, field: string, rule: TextRule): string {
  if (n < rule.min) throw badInput(field, rule.min === 1 ? `${what} must not be empty` : `${what} must be at least ${rule.min} characters`)
  if (n > rule.max) throw badInput(field, `${what} must be at most ${rule.max} characters`)
  return s
}

/** Optional text: undefined keeps, null or blank clears (returns null). */
export function cleanOptionalText(value: unknown, field: string, rule: TextRule): string | null | undefined {
  if (value === undefined) return undefined
  if (value === null) return null
  const s = cleanText(value, field, { ...rule, min: 0 })
  return s === '' ? null : s
}

export const USERNAME_RE = /^[a-zA-Z0-9_.-]{3,32}$/

/**
 * A new username: 3-32 of [a-zA-Z0-9_.-] as sent (after trimming), nothing else: fullwidth or
 * other compatibility forms of those letters are refused, not folded, so no two spellings of one
 * name exist. Unique case-insensitively (`key`).
 */
export function cleanUsername(value: unknown, field: string): { username: string; key: string } {
  if (typeof value !== 'string') throw badInput(field, 'username must be a string')
  const s = value.trim()
  if (!USERNAME_RE.test(s)) throw badInput(field, 'username must be 3-32 characters of letters, digits, "_", "." or "-"')
  return { username: s, key: s.toLowerCase() }
}

/** Escapes a user string for a LIKE pattern with ESCAPE '\'. */
export function likePattern(s: string): string {
  return '%' + s.replace(/[\\%_]/g, (c) => '\\' + c) + '%'
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Ids are UUIDs; anything else names nothing and never reaches a query or a topic. */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value)
}

/**
 * The key names are found and sorted by (rooms' name_key, users' display_name_key), and what a
 * search for them is folded with: compatibility forms unfolded (full-width letters, ligatures),
 * accents dropped, lower case, "ß" as "ss". Computed here rather than by the database: SQLite's
 * lower() and LIKE fold ASCII only ("Émile" did not find "ÉMILE ZOLA"), and both databases must
 * answer alike. A change here needs a migration that recomputes the stored keys.
 */
export function nameKey(s: string): string {
  // only the combining diacritics of Latin, Greek and Cyrillic letters go: a kana's voicing mark
  // or an Indic vowel sign makes another letter, not an accented one
  return s.normalize('NFKD').replace(/[\u0300-\u036f]+/g, '').toLowerCase().replace(/ß/g, 'ss').normalize('NFC')
}
