import { rateLimited } from '../graphql/errors.js'
import type { SharedStore } from '../realtime/store.js'

/** Counts one attempt in a fixed window; past `limit` the attempt is refused with RATE_LIMITED. */
export async function spend(store: SharedStore, key: string, limit: number, windowMs: number): Promise<void> {
  if (limit <= 0) return
  const c = await store.hit(key, windowMs)
  if (c.count > limit) throw rateLimited(Math.max(1, Math.ceil(c.resetInMs / 1000)))
}

/** Refuses while a counter is at its limit, without counting this attempt. */
export async function check(store: SharedStore, key: string, limit: number): Promise<void> {
  const c = await store.peek(key)
  if (c.count >= limit) throw rateLimited(Math.max(1, Math.ceil(c.resetInMs / 1000)))
}
