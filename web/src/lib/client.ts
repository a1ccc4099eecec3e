// The one GraphQL client: urql over POST /graphql (the session cookie rides along) for queries
// and mutations, and one graphql-ws socket for every subscription. The socket's state is a
// signal the header shows (connected / reconnecting / offline).
import { Client, fetchExchange, type AnyVariables, type TypedDocumentNode } from '@urql/core'
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws'
import { print } from 'graphql'
import { createSignal } from 'solid-js'
import { AppError, fromCombined, fromSocketError } from './errors'

type ConnState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline'
const [connState, setConnState] = createSignal<ConnState>('idle')
export { connState }

/** bumps each time the socket is (re)acknowledged; views that keep derived state resync on it */
const [connEpoch, setConnEpoch] = createSignal(0)
export { connEpoch }

const wsUrl = () => new URL('/graphql', location.href).toString().replace(/^http/, 'ws')

let ws: WsClient | null = null
// whether the current socket is acknowledged and open: going back online with it still open is "connected"
let socketUp = false
let onAuthLost: (() => void) | null = null

export function setAuthLostHandler(fn: () => void) {
  onAuthLost = fn
}

let connectedHandler: (() => void) | null = null
/** called each time the socket is acknowledged */
export function onConnected(fn: () => void) {
  connectedHandler = fn
}

/**
 * A single-use ticket (valid ~30 s) for the socket's connection_init, fetched with the httpOnly
 * session cookie: the page never holds the session token. null when the session is gone (401);
 * throws when the server cannot be reached or answers anything else (the socket retries).
 */
async function fetchTicket(): Promise<string | null> {
  const r = await fetch('/ws-ticket', { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } })
  if (r.status === 401) return null
  if (!r.ok) throw new Error(`ticket: HTTP ${r.status}`)
  const body = (await r.json()) as { ticket?: unknown }
  if (typeof body.ticket !== 'string') throw new Error('ticket: bad answer')
  return body.ticket
}

/** Opens the socket for a signed-in user (eagerly: an open socket is what makes the user ONLINE). */
export function startSocket() {
  stopSocket()
  let active: WebSocket | null = null
  // the socket being opened, before it is acknowledged: connectionParams may have to close it
  let opening: WebSocket | null = null
  let pongTimer: ReturnType<typeof setTimeout> | undefined
  let retries = 0
  const client = createWsClient({
    url: wsUrl(),
    lazy: false,
    // a fresh ticket for every (re)connect: a ticket works once
    connectionParams: async () => {
      const socket = opening
      let ticket: string | null
      try {
        ticket = await fetchTicket()
      } catch {
        // the server is away or restarting: a close the client retries (a throw here would be fatal)
        if (socket?.readyState === WebSocket.OPEN) socket.close(4499, 'No ticket yet')
        return {}
      }
      // signed out meanwhile (revoked, expired): the same close as a revoked session's
      if (ticket === null) {
        if (socket?.readyState === WebSocket.OPEN) socket.close(4403, 'Forbidden')
        return {}
      }
      return { ticket }
    },
    keepAlive: 10_000,
    retryAttempts: Infinity,
    // exponential with jitter, capped: a restarted server is found again within a few seconds
    retryWait: async () => {
      retries++
      const ms = Math.min(400 * 2 ** Math.min(retries, 5), 6_000) + Math.random() * 400
      await new Promise((r) => setTimeout(r, ms))
    },
    // 4403: the session was revoked or expired; retrying cannot help
    shouldRetry: (e) => !(e && typeof e === 'object' && 'code' in e && (e as CloseEvent).code === 4403),
    onNonLazyError: () => {},
    on: {
      opened: (socket) => {
        opening = socket as WebSocket
      },
      connecting: () => setConnState(navigator.onLine === false ? 'offline' : retries > 0 || connEpoch() > 0 ? 'reconnecting' : 'connecting'),
      connected: (socket) => {
        active = socket as WebSocket
        socketUp = true
        retries = 0
        setConnState('connected')
        setConnEpoch((n) => n + 1)
        connectedHandler?.()
      },
      closed: (ev) => {
        active = null
        clearTimeout(pongTimer)
        if (ws !== client) return
        socketUp = false
        if ((ev as CloseEvent)?.code === 4403) {
          setConnState('idle')
          onAuthLost?.()
          return
        }
        setConnState(navigator.onLine === false ? 'offline' : 'reconnecting')
      },
      // a ping without a pong within 5 s means a dead path (sleeping laptop, dropped Wi-Fi): reconnect
      ping: (received) => {
        if (received) return
        clearTimeout(pongTimer)
        pongTimer = setTimeout(() => {
          if (active?.readyState === WebSocket.OPEN) active.close(4408, 'Pong timeout')
        }, 5_000)
      },
      pong: (received) => {
        if (received) clearTimeout(pongTimer)
      },
      // any frame heard after the ping shows the path is alive: a busy page handles its pong only
      // after the frames before it, and closed a healthy socket (4408) behind a backlog, starting
      // a replay that made the backlog longer
      message: () => clearTimeout(pongTimer),
    },
  })
  ws = client
  setConnState('connecting')
}

export function stopSocket() {
  const old = ws
  ws = null
  socketUp = false
  old?.dispose()
  setConnState('idle')
}

window.addEventListener('offline', () => { if (ws) setConnState('offline') })
window.addEventListener('online', () => { if (ws && connState() === 'offline') setConnState(socketUp ? 'connected' : 'reconnecting') })

const client = new Client({
  url: '/graphql',
  // mercurius' CSRF prevention wants POST with a JSON body
  preferGetMethod: false,
  requestPolicy: 'network-only',
  fetchOptions: { credentials: 'same-origin' },
  // subscriptions never go through urql: live() drives the graphql-ws socket directly
  exchanges: [fetchExchange],
})

let onUnauthenticated: (() => void) | null = null
export function setUnauthenticatedHandler(fn: () => void) {
  onUnauthenticated = fn
}

function check<D>(r: { data?: D; error?: import('@urql/core').CombinedError }): D {
  if (r.error) {
    const e = fromCombined(r.error)
    if (e.code === 'UNAUTHENTICATED') onUnauthenticated?.()
    throw e
  }
  if (r.data === undefined || r.data === null) throw new AppError('Empty response', 'INTERNAL')
  return r.data
}

export async function query<D, V extends AnyVariables>(doc: TypedDocumentNode<D, V>, variables: V): Promise<D> {
  return check(await client.query(doc, variables, { requestPolicy: 'network-only' }).toPromise())
}

export async function mutate<D, V extends AnyVariables>(doc: TypedDocumentNode<D, V>, variables: V): Promise<D> {
  return check(await client.mutation(doc, variables).toPromise())
}

interface LiveHandlers<D> {
  next(data: D): void
  error?(e: AppError): void
  /** the server ended the subscription (the room was deleted, or the viewer left it) */
  complete?(): void
}

/**
 * Starts a subscription. `variables` is read again every time the subscribe message is
 * (re)sent, because graphql-ws serialises the payload on each reconnect: a getter returning
 * the last seen seq makes every resume start exactly where this page left off.
 */
export function live<D, V extends Record<string, unknown>>(doc: TypedDocumentNode<D, V>, variables: () => V, h: LiveHandlers<D>): () => void {
  if (!ws) {
    h.error?.(new AppError('Not connected', 'UNAUTHENTICATED'))
    return () => {}
  }
  const payload = {
    query: print(doc),
    get variables() {
      return variables()
    },
  }
  let stopped = false
  const dispose = ws.subscribe<D>(payload as { query: string; variables: Record<string, unknown> }, {
    next: (r) => {
      if (stopped) return
      if (r.errors?.length) {
        h.error?.(fromSocketError(r.errors))
        return
      }
      if (r.data) h.next(r.data as D)
    },
    error: (e) => {
      if (!stopped) h.error?.(fromSocketError(e))
    },
    complete: () => {
      if (!stopped) h.complete?.()
    },
  })
  return () => {
    stopped = true
    dispose()
  }
}
