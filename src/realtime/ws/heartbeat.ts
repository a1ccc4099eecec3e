// Pings every socket on an interval: a socket that did not answer the last ping is cut off, and
// one whose session has ended is closed.
import type { ClientSocket } from './client-socket.js'
import { CLOSE } from './protocol.js'

export interface HeartbeatTarget {
  readonly sockets: Iterable<ClientSocket>
  close(conn: ClientSocket, code: number, reason: string): void
  /** forgets a socket that was terminated */
  cleanup(conn: ClientSocket): void
}

export function startHeartbeat(target: HeartbeatTarget, intervalMs: number): NodeJS.Timeout {
  const timer = setInterval(() => beat(target), intervalMs)
  timer.unref()
  return timer
}

function beat(target: HeartbeatTarget) {
  const now = Date.now()
  for (const conn of target.sockets) {
    if (!conn.alive) { conn.ws.terminate(); target.cleanup(conn); continue }
    // a socket does not outlive its session: the client signs in again, like over HTTP
    if (conn.expiresAt <= now) { target.close(conn, CLOSE.FORBIDDEN, 'Forbidden'); continue }
    conn.alive = false
    try { conn.ws.ping() } catch { /* closed meanwhile */ }
  }
}
