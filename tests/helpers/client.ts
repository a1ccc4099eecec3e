// Talks to a running app as an outside client would: HTTP POST /graphql and graphql-ws.
import WebSocket from 'ws'
import { createClient, type Client } from 'graphql-ws'

export interface GqlResult<T = any> {
  status: number
  data: T
  errors?: { message: string; extensions?: { code?: string; field?: string; retryAfterSeconds?: number } }[]
  headers: Headers
}

export async function gql<T = any>(url: string, query: string, variables?: Record<string, unknown>, token?: string | null, headers: Record<string, string> = {}): Promise<GqlResult<T>> {
  const res = await fetch(url + '/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  })
  const body: any = await res.json()
  return { status: res.status, data: body.data, errors: body.errors, headers: res.headers }
}

/** the data of a call that must succeed */
export async function ok<T = any>(url: string, query: string, variables?: Record<string, unknown>, token?: string | null): Promise<T> {
  const r = await gql<T>(url, query, variables, token)
  if (r.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(r.errors)}`)
  return r.data
}

/** the code of a call that must fail */
export async function errorCode(url: string, query: string, variables?: Record<string, unknown>, token?: string | null): Promise<string | undefined> {
  const r = await gql(url, query, variables, token)
  return r.errors?.[0]?.extensions?.code
}

let n = 0
export function uniqueName(prefix = 'u'): string {
  return `${prefix}${process.pid % 1000}_${Date.now() % 100000}_${n++}`
}

export const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id username displayName } session { id } } }`

export interface TestUser { token: string; id: string; username: string; sessionId: string }

export async function signUp(url: string, username = uniqueName(), password = 'correct horse battery'): Promise<TestUser> {
  const d = await ok(url, SIGN_UP, { input: { username, password } })
  return { token: d.signUp.token, id: d.signUp.user.id, username: d.signUp.user.username, sessionId: d.signUp.session.id }
}

export function wsClient(wsUrl: string, token?: string | null, extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : undefined,
    retryAttempts: 0,
    lazy: true,
    ...extra,
  })
}

/** Collects the events of one subscription; `errors` gets an error frame's errors. */
export function collect<T = any>(client: Client, query: string, variables?: Record<string, unknown>) {
  const events: T[] = []
  const state: { errors: any[] | null; done: boolean; closeErr: unknown } = { errors: null, done: false, closeErr: null }
  const waiters: (() => void)[] = []
  const wake = () => { for (const w of waiters.splice(0)) w() }
  const dispose = client.subscribe<T>({ query, variables }, {
    next: (v) => {
      if (v.errors) state.errors = v.errors as any[]
      if (v.data) events.push(v.data as T)
      wake()
    },
    error: (e) => { state.errors = Array.isArray(e) ? e : [e]; state.closeErr = e; state.done = true; wake() },
    complete: () => { state.done = true; wake() },
  })
  return {
    events, state, dispose,
    async waitFor(pred: () => boolean, timeoutMs = 5000, what = 'condition') {
      const end = Date.now() + timeoutMs
      while (!pred()) {
        const left = end - Date.now()
        if (left <= 0) throw new Error(`timed out waiting for ${what} (have ${events.length} events, errors ${JSON.stringify(state.errors)})`)
        await new Promise<void>((r) => { const t = setTimeout(r, Math.min(left, 100)); waiters.push(() => { clearTimeout(t); r() }) })
      }
    },
    waitCount(count: number, timeoutMs = 5000) { return this.waitFor(() => events.length >= count, timeoutMs, `${count} events`) },
    waitError(timeoutMs = 5000) { return this.waitFor(() => state.errors !== null, timeoutMs, 'an error') },
  }
}

/** A plain timer: for poll intervals and deadlines; tests wait on state, not on time. */
export function sleep(ms: number) { return new Promise((r) => setTimeout(r, ms)) }

/** Waits until fn returns truthy. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < end) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) { last = e }
    await sleep(50)
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}
