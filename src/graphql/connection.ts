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

/** a message cursor: the message's seq and its room (a cursor of one room is refused in another) */
export function encodeMessageCursor(seq: number, roomId: string): string {
  return encodeCursor('m', `${seq}:${roomId}`)
}

/** the seq of a message cursor of `roomId`; a cursor made before they named their room is taken as it is */
export function decodeMessageCursor(cursor: unknown, roomId: string, field: string): number {
  const m = /^(\d{1,10})(?::(.{1,100}))?$/.exec(decodeCursor(cursor, 'm', field))
  // seqs are 32-bit (PostgreSQL integer columns): no cursor this server made holds more
  if (!m || Number(m[1]) > 2147483647) throw badInput(field, `${field} is not a valid cursor`)
  // before, a cursor of another room was read as a position in this one
  if (m[2] !== undefined && m[2] !== roomId) throw badInput(field, `${field} is a cursor of another room`)
  return Number(m[1])
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
