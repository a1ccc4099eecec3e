// The operations this client uses. `npm run codegen` turns each graphql() document into a typed
// document (examples/cli-client/src/gql/) from the server's schema.graphql.
import { print } from 'graphql'
import type { TypedDocumentNode } from '@graphql-typed-document-node/core'
import { createClient, type Client } from 'graphql-ws'
import WebSocket from 'ws'
import { graphql } from './gql/index.js'

export const LogIn = graphql(`
  mutation CliLogIn($input: LogInInput!) {
    logIn(input: $input) { token user { id username displayName } }
  }
`)

export const SignUp = graphql(`
  mutation CliSignUp($input: SignUpInput!) {
    signUp(input: $input) { token user { id username displayName } }
  }
`)

export const JoinByCode = graphql(`
  mutation CliJoinByCode($code: String!) {
    joinRoom(code: $code) { id name }
  }
`)

export const Recent = graphql(`
  query CliRecent($roomId: ID!, $last: Int) {
    messages(roomId: $roomId, last: $last) {
      edges { node { id seq body createdAt deletedAt sender { username displayName } } }
    }
  }
`)

export const Send = graphql(`
  mutation CliSend($roomId: ID!, $body: String!, $clientId: String) {
    sendMessage(roomId: $roomId, body: $body, clientId: $clientId) { id seq }
  }
`)

export const MessageAdded = graphql(`
  subscription CliMessageAdded($roomId: ID!, $after: String) {
    messageAdded(roomId: $roomId, after: $after) { id seq body createdAt deletedAt sender { username displayName } }
  }
`)

export class ApiError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message)
  }
}

/** POST /graphql with a bearer token; returns data or throws the first error with its code. */
export async function request<D, V>(baseUrl: string, doc: TypedDocumentNode<D, V>, variables: V, token?: string | null): Promise<D> {
  const res = await fetch(new URL('/graphql', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(doc), variables }),
  })
  const body = (await res.json()) as { data?: D; errors?: { message: string; extensions?: { code?: string } }[] }
  if (body.errors?.length) throw new ApiError(body.errors[0].message, body.errors[0].extensions?.code)
  if (!body.data) throw new ApiError(`HTTP ${res.status}`, undefined)
  return body.data
}

export function socket(baseUrl: string, token: string, on: { connected?(): void; closed?(code: number): void }): Client {
  let retries = 0
  return createClient({
    url: new URL('/graphql', baseUrl).toString().replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    keepAlive: 10_000,
    retryAttempts: Infinity,
    retryWait: async () => {
      retries++
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** Math.min(retries, 4), 8000)))
    },
    // a revoked session (4403) will not come back by retrying
    shouldRetry: (e) => !(e && typeof e === 'object' && 'code' in e && (e as { code: number }).code === 4403),
    onNonLazyError: () => {},
    on: {
      connected: () => { retries = 0; on.connected?.() },
      closed: (e) => on.closed?.((e as { code?: number })?.code ?? 0),
    },
  })
}

/**
 * Subscribes with variables computed again on every (re)subscribe: graphql-ws serialises the
 * payload each time it resends it after a reconnect, so a getter resumes from the last seen seq.
 */
export function subscribe<D, V extends Record<string, unknown>>(client: Client, doc: TypedDocumentNode<D, V>, variables: () => V, sink: { next(d: D): void; error(e: unknown): void }) {
  const payload = { query: print(doc), get variables() { return variables() } }
  return client.subscribe<D>(payload as { query: string; variables: Record<string, unknown> }, {
    next: (r) => {
      if (r.errors?.length) sink.error(r.errors)
      else if (r.data) sink.next(r.data as D)
    },
    error: sink.error,
    complete: () => {},
  })
}
