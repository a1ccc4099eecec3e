import type { FastifyReply } from 'fastify'
import type { Services } from '../services.js'
import { createLoader, type Loader } from './loader.js'
import { unauthenticated } from './errors.js'

export interface Viewer {
  userId: string
  sessionId: string
}

/** The per-operation loaders: each domain asks for its own by name, so no central list to edit. */
export class Loaders {
  /** made on first use: a live subscription holds a Loaders it may never use */
  private map: Map<string, Loader<any, any>> | null = null
  of<K, V>(name: string, batch: (keys: K[]) => Promise<Map<K, V>>): Loader<K, V> {
    const map = (this.map ??= new Map())
    let l = map.get(name)
    if (!l) map.set(name, (l = createLoader(name, batch)))
    return l as Loader<K, V>
  }
  /** forgets a cached value after a write in the same operation */
  forget(name: string, key: unknown) {
    this.map?.get(name)?.clear(key)
  }
}

/** What a WebSocket connection tells the resolvers about itself. */
export interface ConnectionInfo {
  id: string
  /** subscriptions of this socket, by graphql-ws id */
  readonly subscriptionCount: number
}

export interface Ctx {
  svc: Services
  viewer: Viewer | null
  /** a token was sent but is unknown, expired or revoked: every operation is UNAUTHENTICATED */
  tokenRejected: boolean
  /** the hearth_session cookie named no live session: every operation but signUp and logIn is UNAUTHENTICATED */
  cookieRejected?: boolean
  /** the session lookup itself failed (database down): every operation fails as an internal error */
  authError?: unknown
  ip: string
  userAgent: string | null
  loaders: Loaders
  /** HTTP only: lets signUp / logIn / logOut set the session cookie */
  reply?: FastifyReply
  /** WebSocket only */
  connection?: ConnectionInfo
  /**
   * WebSocket only: the operation ended the socket's own session (logOut, deleteAccount). The
   * socket closes with 4403 once this operation's answer is written, so the client gets it.
   */
  closeAfterAnswer?: boolean
}

export function requireViewer(ctx: Ctx): Viewer {
  if (!ctx.viewer) throw unauthenticated()
  return ctx.viewer
}
