// Short-lived, single-use tickets that open a WebSocket for a session without handing its token
// to page scripts. The web client keeps no token at all: its httpOnly cookie authenticates
// POST /ws-ticket, and the ticket it gets back goes into connection_init (`{ ticket }`). A ticket
// names its session by the token's hash (what the database stores), lives TICKET_TTL_MS, is
// stored hashed in the shared store (Redis with several instances: any instance redeems it) and
// works once.
import type { Services } from '../../services.js'
import type { Viewer } from '../../graphql/context.js'
import type { SessionModel } from '../../graphql/models.js'
import { hashToken, newToken } from '../../lib/ids.js'
import { spend } from '../../lib/rate-limit.js'
import { SessionsRepository } from './sessions.repository.js'

export const TICKET_TTL_MS = 30_000
/** tickets one session may take per minute: a client fetches one per (re)connect */
export const TICKETS_PER_MINUTE = 60

export interface Redeemed { viewer: Viewer; session: SessionModel }

export class WsTickets {
  private sessions: SessionsRepository
  /** tickets being redeemed on this instance: a second redeem of the same one loses at once */
  private redeeming = new Set<string>()

  constructor(private svc: Services) {
    this.sessions = new SessionsRepository(svc.database.db)
  }

  /** A ticket for the session of `token`; null when the token names no live session. */
  async issue(token: string): Promise<{ ticket: string; expiresInSeconds: number } | null> {
    const found = await this.svc.auth.authenticate(token)
    if (!found) return null
    await spend(this.svc.limits, `wsticket:session:${found.viewer.sessionId}`, TICKETS_PER_MINUTE, 60_000)
    const ticket = newToken()
    await this.svc.store.setValue(`wsticket:${hashToken(ticket)}`, hashToken(token), TICKET_TTL_MS)
    return { ticket, expiresInSeconds: TICKET_TTL_MS / 1000 }
  }

  /** The live session a ticket was issued for, once; null for an unknown, used or expired ticket. */
  async redeem(ticket: string): Promise<Redeemed | null> {
    if (!ticket || ticket.length > 200) return null
    const h = hashToken(ticket)
    if (this.redeeming.has(h)) return null
    this.redeeming.add(h)
    try {
      // the claim is atomic in the shared store (SET NX): of two instances redeeming the same
      // ticket, one wins; the loser sees it taken even if the ticket itself is still stored
      if (!(await this.svc.store.claim(`wsticket-used:${h}`, TICKET_TTL_MS))) return null
      const tokenHash = await this.svc.store.getValue(`wsticket:${h}`)
      if (tokenHash === null) return null
      await this.svc.store.delValue(`wsticket:${h}`)
      const session = await this.sessions.liveByTokenHash(tokenHash, Date.now())
      if (!session) return null
      return { viewer: { userId: session.userId, sessionId: session.id }, session }
    } finally {
      this.redeeming.delete(h)
    }
  }
}
