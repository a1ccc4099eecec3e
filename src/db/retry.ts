/**
 * PostgreSQL's deadlock_detected (40P01) and serialization_failure (40001): the transaction (or
 * the lone statement) was rolled back as a whole and can simply run again. Lock orders are meant
 * to rule deadlocks out (rooms first, in id order: src/modules/rooms/rooms.repository.ts,
 * lockRoom); this is the backstop for an order a path still gets wrong, so that such a failure is
 * never the answer a client sees. SQLite runs one write transaction at a time and has neither.
 */
export function isTransientFailure(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined
  return code === '40P01' || code === '40001'
}

/** runs `attempt` again, up to `times` in all, while it fails with a transient failure */
export async function retryTransient<T>(attempt: () => Promise<T>, times = 5): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt()
    } catch (e) {
      if (n >= times || !isTransientFailure(e)) throw e
    }
  }
}
