import pLimit, { type LimitFunction } from 'p-limit'

/**
 * Bounds how many of an expensive thing (argon2 hashes) run at once; the rest wait in line.
 * The queue is p-limit's (a slot is handed to the next waiter when it is freed, so no caller can
 * slip in between); this wrapper only counts, for tests to assert on instead of timings.
 */
export class Semaphore {
  private limit: LimitFunction
  private active = 0
  /** the most that ever ran at once, and how many ran */
  peak = 0
  runs = 0
  constructor(concurrency: number) { this.limit = pLimit(concurrency) }

  run<T>(fn: () => Promise<T>): Promise<T> {
    return this.limit(async () => {
      this.active++
      this.runs++
      if (this.active > this.peak) this.peak = this.active
      try {
        return await fn()
      } finally {
        this.active--
      }
    })
  }
}
