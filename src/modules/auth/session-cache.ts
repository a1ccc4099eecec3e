import type { SessionModel } from '../../graphql/models.js'

/** how long a session read from the database answers for its token without a new read */
export const SESSION_CACHE_TTL_MS = 10_000
/** sessions kept per instance (the oldest go first) */
export const SESSION_CACHE_MAX = 20_000

type Entry = { session: SessionModel; at: number }

/**
 * The live sessions this instance read lately, by token hash: every HTTP request and every
 * socket sign-in resolves its token, and most of them resolve one read moments ago.
 *
 * Measured (rooms bench, 1000 sends/s over HTTP, PostgreSQL with two instances): a send is two
 * round trips without it (the session, then the send's statement) and one with it; server CPU
 * per delivery 186-189 -> 166-169 µs and p99 179-263 -> 52-56 ms, two runs each.
 *
 * A session leaves the cache the moment it ends, everywhere it can be seen ending:
 * - on the instance that ends it (logOut, revokeSession, changePassword, deleteAccount all go
 *   through AuthService.announceRevoked), before the mutation answers;
 * - on the other instances when the `sessions.revoked` message arrives (the same message that
 *   closes the session's sockets there);
 * - when it expires (checked on every hit), and SESSION_CACHE_TTL_MS after it was read at most.
 * While pub/sub is unhealthy (Redis away from this instance) nothing is served from the cache
 * or put into it, and every reconnection, or another instance announcing that its messages were
 * dropped, empties it: a revocation lost in an outage does not outlive the outage. The sockets of
 * a revoked session follow the same messages, so a token stops working over HTTP no later than
 * its sockets close.
 *
 * A read that started before a revocation must not put the revoked session back: every
 * revocation moves `epoch`, and a read stores its result only if the epoch is the one it began
 * with.
 */
export class SessionCache {
  private byHash = new Map<string, Entry>()
  private hashById = new Map<string, string>()
  private epoch = 0

  constructor(private usable: () => boolean, private ttlMs = SESSION_CACHE_TTL_MS, private max = SESSION_CACHE_MAX) {}

  get size() { return this.byHash.size }

  get(hash: string, now: number): SessionModel | null {
    const e = this.byHash.get(hash)
    if (!e) return null
    if (now - e.at >= this.ttlMs || e.session.expiresAt <= now || !this.usable()) {
      this.forget(hash, e.session.id)
      return null
    }
    return e.session
  }

  /** taken before reading a session from the database, handed to put() with the result */
  stamp(): number {
    return this.epoch
  }

  put(hash: string, session: SessionModel, stamp: number, now: number): void {
    if (stamp !== this.epoch || !this.usable()) return
    const old = this.byHash.get(hash)
    if (old) this.forget(hash, old.session.id)
    if (this.byHash.size >= this.max) {
      const [oldest, e] = this.byHash.entries().next().value as [string, Entry]
      this.forget(oldest, e.session.id)
    }
    this.byHash.set(hash, { session, at: now })
    this.hashById.set(session.id, hash)
  }

  /** the session ended (here or on another instance) */
  revoke(sessionId: string): void {
    this.epoch++
    const hash = this.hashById.get(sessionId)
    if (hash !== undefined) this.forget(hash, sessionId)
  }

  /** revocations may have been missed: nothing cached is trusted any more */
  clear(): void {
    this.epoch++
    this.byHash.clear()
    this.hashById.clear()
  }

  private forget(hash: string, sessionId: string) {
    this.byHash.delete(hash)
    if (this.hashById.get(sessionId) === hash) this.hashById.delete(sessionId)
  }
}
