// The timer's notion of time. Production uses the system clock; tests swap in a ManualClock
// (TimerService.useClock) so that a 25-minute focus phase passes in one call, never in real time.

export interface Clock {
  now(): number
  /** runs fn at (or soon after) epoch ms `at`; returns a cancel function */
  setTimer(at: number, fn: () => unknown): () => void
}

// setTimeout overflows past ~24.8 days
const MAX_DELAY = 2 ** 31 - 1

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(at, fn) {
    let handle: NodeJS.Timeout
    const arm = () => {
      const delay = at - Date.now()
      handle = setTimeout(() => (Date.now() >= at ? void fn() : arm()), Math.min(Math.max(0, delay), MAX_DELAY))
      handle.unref()
    }
    arm()
    return () => clearTimeout(handle)
  },
}

/** A clock that only moves when told to: advance() runs every due callback and waits for it. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => unknown; id: number }[] = []
  private seq = 0
  constructor(private current: number) {}

  now() { return this.current }

  setTimer(at: number, fn: () => unknown) {
    const id = ++this.seq
    this.timers.push({ at, fn, id })
    return () => { this.timers = this.timers.filter((t) => t.id !== id) }
  }

  /** Moves time forward by ms and runs (in time order) every callback that came due, awaiting each. */
  async advance(ms: number) {
    await this.set(this.current + ms)
  }

  async set(to: number) {
    if (to < this.current) throw new Error(`ManualClock only moves forward (at ${new Date(this.current).toISOString()}, asked for ${new Date(to).toISOString()})`)
    this.current = to
    for (;;) {
      const due = this.timers.filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!due) return
      this.timers = this.timers.filter((t) => t.id !== due.id)
      await due.fn()
    }
  }
}
