// One client's WebSocket and what the gateway keeps about it.
import crypto from 'node:crypto'
import type { WebSocket } from 'ws'
import type { Viewer } from '../../graphql/context.js'
import type { Subscription } from './subscription.js'

/** the net.Socket under a ws WebSocket */
export interface RawSocket { cork(): void; uncork(): void; write(b: Buffer): boolean; writableLength: number }

/** the net.Socket under a ws WebSocket (absent once ws let go of it) */
export function rawSocket(ws: WebSocket): RawSocket | undefined {
  return (ws as unknown as { _socket?: RawSocket })._socket
}

/** Other modules' reactions to sockets signing in, closing and speaking (presence, calls). */
export interface SocketHooks {
  /** after connection_ack */
  ready?(socket: ClientSocket): void
  closed?(socket: ClientSocket): void
  /** any message from the client: activity for presence */
  activity?(socket: ClientSocket): void
}

export class ClientSocket {
  readonly id = crypto.randomUUID()
  viewer: Viewer | null = null
  acknowledged = false
  initReceived = false
  alive = true
  closed = false
  /** no longer counted in the registry (the socket is really gone) */
  forgotten = false
  /** its session ended by an operation on it: it closes (4403) once that answer is out, and takes nothing more */
  closing = false
  /** its socket holds this tick's frames until the uncork at setImmediate */
  corked = false
  /** 1 once a frame went out in this tick: later ones are corked until setImmediate */
  tick = 0
  readonly subs = new Map<string, Subscription>()
  initTimer: NodeJS.Timeout | null = null
  lastActivity = Date.now()
  /** when the session it signed in with ends: the heartbeat closes it then (4403) */
  expiresAt = Infinity
  /** counted in its IP's sockets that are not signed in (until connection_init signs it in) */
  unauthenticated = true
  /** the replay whose turn it is to write a chunk: one at a time per socket */
  replayTurn: Promise<void> = Promise.resolve()
  constructor(readonly ws: WebSocket, readonly ip: string, readonly userAgent: string | null) {}
  get subscriptionCount() { return this.subs.size }
}
