// Who a socket signs in as: the credential in connection_init's payload, looked up.
import type { Services } from '../../services.js'
import type { Viewer } from '../../graphql/context.js'
import { bearerToken } from '../../modules/auth/bearer.js'
import type { WsTickets } from '../../modules/auth/ws-tickets.js'

interface Found { viewer: Viewer; session: { expiresAt: number } }

/**
 * The lookup of the credential in connection_init's payload: null when it names no live session
 * (4403), else the session found. `undefined` when the payload carries no credential (the socket
 * stays anonymous). Not async itself: the caller registers the socket in the same tick as the
 * lookup resolves, so a revocation cannot slip in between.
 */
export function lookUpCredential(svc: Services, tickets: WsTickets, payload: unknown): Promise<Found | null> | undefined {
  let token: string | null = null
  // the web client's credential: a single-use ticket from POST /ws-ticket (integrators send
  // `authorization`, which wins when both are present)
  let ticket: unknown
  if (payload && typeof payload === 'object') {
    token = bearerToken((payload as any).authorization ?? (payload as any).Authorization)
    ticket = (payload as any).ticket
  }
  if (token === null && (ticket === undefined || ticket === null)) return undefined
  return token !== null ? svc.auth.authenticate(token) : typeof ticket === 'string' ? tickets.redeem(ticket) : Promise.resolve(null)
}
