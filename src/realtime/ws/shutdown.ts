// Graceful shutdown of the socket side.
import type { WebSocketServer } from 'ws'
import type { ClientSocket } from './client-socket.js'
import { CLOSE } from './protocol.js'

/** Closes every open socket with 1012 (clients retry elsewhere) and waits for them to go, at most graceMs. */
export async function closeAllSockets(
  wss: WebSocketServer, sockets: Iterable<ClientSocket>,
  close: (conn: ClientSocket, code: number, reason: string) => void, graceMs: number,
) {
  for (const conn of [...sockets]) close(conn, CLOSE.RESTART, 'Service restarting')
  // ws waits 30 s for a client's close frame; one that never answers (a dead network, a stuck
  // client) is cut off after the grace, so shutdown stays within its bound
  const cutOff = setTimeout(() => { for (const ws of wss.clients) ws.terminate() }, graceMs)
  await new Promise<void>((resolve) => wss.close(() => resolve()))
  clearTimeout(cutOff)
}
