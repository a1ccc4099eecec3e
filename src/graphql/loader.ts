// A per-operation batching loader: every load() in the same tick becomes one query.
export class Loader<K, V> {
  private cache = new Map<K, Promise<V | null>>()
  private queue: { key: K; resolve: (v: V | null) => void; reject: (e: unknown) => void }[] = []
  private scheduled = false

  constructor(private batch: (keys: K[]) => Promise<Map<K, V>>) {}

  load(key: K): Promise<V | null> {
    const hit = this.cache.get(key)
    if (hit) return hit
    const p = new Promise<V | null>((resolve, reject) => {
      this.queue.push({ key, resolve, reject })
      if (!this.scheduled) {
        this.scheduled = true
        // after the current resolvers of this level have all asked
        process.nextTick(() => { queueMicrotask(() => this.flush()) })
      }
    })
    this.cache.set(key, p)
    return p
  }

  prime(key: K, value: V) {
    if (!this.cache.has(key)) this.cache.set(key, Promise.resolve(value))
  }

  clear(key: K) { this.cache.delete(key) }

  private async flush() {
    const queue = this.queue
    this.queue = []
    this.scheduled = false
    const keys = [...new Set(queue.map((q) => q.key))]
    try {
      const found = await this.batch(keys)
      for (const q of queue) q.resolve(found.get(q.key) ?? null)
    } catch (e) {
      for (const q of queue) { this.cache.delete(q.key); q.reject(e) }
    }
  }
}
