// Who may open a socket: checked on the HTTP upgrade, before any WebSocket exists.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Config } from '../../config.js'
import type { SocketRegistry } from './registry.js'

/** Why an upgrade is refused ([status, text]), or null when it may proceed. */
export function upgradeRefusal(req: IncomingMessage, ip: string, config: Config, registry: SocketRegistry, draining: boolean): [number, string] | null {
  if (draining) return [503, 'Service Unavailable']
  const origin = req.headers.origin
  const allowed = config.allowedOrigins
  // the page's own origin is always allowed, as POST /ws-ticket and /uploads allow it: listing
  // only other origins in ALLOWED_ORIGINS refused the built-in web client's socket
  if (origin && allowed.length && !allowed.includes(origin) && !sameHost(origin, req.headers.host)) return [403, 'Forbidden']
  // both caps sit well below the process's descriptor limit: one address cannot take them all,
  // and sockets that never sign in (they cost nothing to open) get a much smaller share
  if (registry.socketsOfIp(ip) >= config.limits.wsSocketsPerIp) return [429, 'Too Many Requests']
  if (registry.unauthenticatedOfIp(ip) >= config.limits.wsUnauthenticatedPerIp) return [429, 'Too Many Requests']
  return null
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host
  } catch {
    return false
  }
}

/** answers the upgrade request with a bare HTTP status and drops the connection */
export function refuseUpgrade(socket: Duplex, status: number, text: string) {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  socket.destroy()
}
