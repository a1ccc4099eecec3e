// The graphql-transport-ws wire protocol: its subprotocol name, close codes, what a valid client
// message looks like and the text of the server's own messages.
import type { GraphQLError } from 'graphql'
import { validateMessage } from 'graphql-ws'

export const PROTOCOL = 'graphql-transport-ws'

export const CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  BAD_REQUEST: 4400,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  SUBPROTOCOL: 4406,
  INIT_TIMEOUT: 4408,
  DUPLICATE_ID: 4409,
  TOO_MANY_INITS: 4429,
} as const

/**
 * A client message as the protocol defines it, checked by graphql-ws's own validateMessage (an
 * object with a string `type`; payloads of connection_init and ping/pong an object or nothing; a
 * subscribe's id non-empty, its payload an object with a string query, object variables and
 * extensions, a string operationName; a complete's id non-empty); null for anything else (4400).
 */
export function parseMessage(data: Buffer, isBinary: boolean): any {
  try {
    if (isBinary) return null
    return validateMessage(JSON.parse(data.toString('utf8')))
  } catch {
    return null
  }
}

export interface SubscribeMessage {
  id: string
  query: string
  variables: Record<string, unknown> | undefined
  operationName: string | undefined
}

/** The fields of a `subscribe` message, or null when they are malformed (4400). */
export function subscribeMessage(msg: any): SubscribeMessage | null {
  const id = msg.id
  const p = msg.payload
  if (typeof id !== 'string' || !id || id.length > 128 || !p || typeof p !== 'object' || typeof p.query !== 'string' ||
    (p.variables != null && typeof p.variables !== 'object') || (p.operationName != null && typeof p.operationName !== 'string')) {
    return null
  }
  return { id, query: p.query, variables: p.variables ?? undefined, operationName: p.operationName ?? undefined }
}

export const CONNECTION_ACK = '{"type":"connection_ack"}'

export function pongMessage(payload: unknown): string {
  return payload === undefined ? '{"type":"pong"}' : JSON.stringify({ type: 'pong', payload })
}

export function completeMessage(id: string): string {
  return JSON.stringify({ id, type: 'complete' })
}

export function errorMessage(id: string, errors: readonly GraphQLError[]): string {
  return JSON.stringify({ id, type: 'error', payload: errors.map((e) => e.toJSON()) })
}

/** `{"id":"<id>","type":"next","payload":` — the bytes around a payload serialised once for many subscribers */
export function nextPrefix(id: string): string {
  return `{"id":${JSON.stringify(id)},"type":"next","payload":`
}
