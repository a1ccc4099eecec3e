// GraphiQL served from our own bundle (works offline). Queries and mutations go over POST /graphql;
// subscriptions over graphql-ws at the same origin. The Authorization header typed into GraphiQL's
// headers editor is also sent as the connection_init payload, because a browser WebSocket cannot
// carry headers.
import { createElement } from 'react'
import { createRoot } from 'react-dom/client'
import { GraphiQL } from 'graphiql'
import 'graphiql/graphiql.css'
import { getOperationAST, parse } from 'graphql'
import { createClient, type Client } from 'graphql-ws'

interface FetcherParams { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }
interface FetcherOpts { headers?: Record<string, unknown> }

const httpUrl = new URL('/graphql', location.href).toString()
const wsUrl = httpUrl.replace(/^http/, 'ws')

let ws: { auth: string | null; client: Client } | null = null

function wsFor(auth: string | null): Client {
  if (ws && ws.auth === auth) return ws.client
  // a different token means a different identity: start a new socket rather than reuse the old one
  ws?.client.dispose()
  const client = createClient({
    url: wsUrl,
    // without a header, the session cookie of this browser (if any) signs the socket in through
    // a single-use ticket, like the web client
    connectionParams: auth ? { authorization: auth } : async (): Promise<Record<string, unknown>> => {
      const r = await fetch('/ws-ticket', { method: 'POST', credentials: 'same-origin' }).catch(() => null)
      const body = r?.ok ? ((await r.json()) as { ticket?: unknown }) : null
      return typeof body?.ticket === 'string' ? { ticket: body.ticket } : {}
    },
    retryAttempts: 3,
  })
  ws = { auth, client }
  return client
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | null {
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === name && typeof v === 'string' && v.trim()) return v.trim()
  return null
}

function isSubscription(params: FetcherParams): boolean {
  try {
    return getOperationAST(parse(params.query), params.operationName ?? undefined)?.operation === 'subscription'
  } catch {
    return false
  }
}

/** GraphiQL can send the previous operation's name for a moment after the editor changes: drop a name the document lacks. */
function fixOperationName(params: FetcherParams): FetcherParams {
  if (!params.operationName) return params
  try {
    const doc = parse(params.query)
    if (getOperationAST(doc, params.operationName)) return params
    const ops = doc.definitions.filter((d) => d.kind === 'OperationDefinition')
    return ops.length === 1 ? { ...params, operationName: null } : params
  } catch {
    return params
  }
}

function fetcher(raw: FetcherParams, opts?: FetcherOpts) {
  const params = fixOperationName(raw)
  const headers = Object.fromEntries(Object.entries(opts?.headers ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>
  if (isSubscription(params)) {
    return wsFor(headerValue(opts?.headers, 'authorization')).iterate({
      query: params.query,
      variables: params.variables ?? undefined,
      operationName: params.operationName ?? undefined,
    })
  }
  return fetch(httpUrl, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(params),
  }).then((r) => r.json())
}

const defaultQuery = `# Hearth GraphQL API. Sign in with:
#   mutation { logIn(input: { username: "you", password: "..." }) { token } }
# then put {"Authorization": "Bearer <token>"} in the Headers tab: queries and
# subscriptions both use it (headers are not saved in this browser).
query Me {
  me { id username displayName status }
}
`

const root = document.getElementById('graphiql')
if (root) {
  root.textContent = ''
  createRoot(root).render(createElement(GraphiQL, { fetcher, defaultQuery, shouldPersistHeaders: false }))
}
