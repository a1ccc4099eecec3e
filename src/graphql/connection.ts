import { badInput } from './errors.js'
import type { Connection } from './models.js'

export const MAX_PAGE = 100

/** Validates first/last: 0 or less is BAD_USER_INPUT, more than 100 is clamped. */
export function pageSize(value: number | null | undefined, field: string, def: number): number {
  if (value === null || value === undefined) return def
  if (!Number.isInteger(value) || value <= 0) throw badInput(field, `${field} must be a positive number`)
  return Math.min(value, MAX_PAGE)
}

// Cursors are opaque: base64url of "<kind>:<payload>", never a plain decimal number.
export function encodeCursor(kind: string, payload: string | number): string {
  return Buffer.from(`${kind}:${payload}`, 'utf8').toString('base64url')
}

export function decodeCursor(cursor: unknown, kind: string, field: string): string {
  if (typeof cursor !== 'string' || cursor.length > 400) throw badInput(field, `${field} is not a valid cursor`)
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  const prefix = kind + ':'
  if (!text.startsWith(prefix) || Buffer.from(text, 'utf8').toString('base64url') !== cursor) {
    throw badInput(field, `${field} is not a valid cursor`)
  }
  const payload = text.slice(prefix.length)
  // only room cursors separate their parts with one NUL; PostgreSQL text cannot hold any other
  if (payload.includes('\u0000') && (kind !== 'r' || payload.indexOf('\u0000') !== payload.lastIndexOf('\u0000'))) {
    throw badInput(field, `${field} is not a valid cursor`)
  }
  return payload
}

export function decodeIntCursor(cursor: unknown, kind: string, field: string): number {
  const s = decodeCursor(cursor, kind, field)
  // seqs are 32-bit (PostgreSQL integer columns): no cursor this server made holds more
  if (!/^\d{1,10}$/.test(s) || Number(s) > 2147483647) throw badInput(field, `${field} is not a valid cursor`)
  return Number(s)
}

export function connection<T>(items: { cursor: string; node: T }[], hasNextPage: boolean, hasPreviousPage: boolean): Connection<T> {
  return {
    edges: items,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: items.length ? items[0].cursor : null,
      endCursor: items.length ? items[items.length - 1].cursor : null,
    },
  }
}
