/** Bounds how many of an expensive thing (argon2 hashes) run at once; the rest wait in line. */
export class Semaphore {
  private active = 0
  private waiting: (() => void)[] = []
  /** the most that ever ran at once, and how many ran: what tests assert instead of timings */
  peak = 0
  runs = 0
  constructor(private limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r))
    this.active++
    this.runs++
    if (this.active > this.peak) this.peak = this.active
    try {
      return await fn()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }
}
