// Rate limits on rate-limiter-flexible: fixed windows whose counting is atomic (in Redis one Lua
// script, SET NX + INCRBY; in process a synchronous map), so a limit holds under concurrency.
// The rule for every caller: reserve BEFORE the slow or revealing work (spend), and give back
// what should not count afterwards (refund), never "check, work, then count".
import type { Redis } from 'ioredis'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import { rateLimited } from '../graphql/errors.js'
import type { Config } from '../config.js'

export class RateLimits {
  private limiters = new Map<string, RateLimiterAbstract>()

  /**
   * With a Redis client the counters are shared by every instance. While that client is not
   * ready (ioredis would queue the command until Redis returns and hold the mutation) or a
   * command fails, each limiter counts in process memory instead (its insuranceLimiter): limits
   * then hold per instance, and nothing waits on Redis.
   */
  constructor(private redis: Redis | null = null, private keyPrefix = 'hearth:rl') {}

  private limiter(points: number, windowMs: number): RateLimiterAbstract {
    const duration = Math.max(1, Math.ceil(windowMs / 1000))
    const id = `${points}/${duration}`
    let l = this.limiters.get(id)
    if (!l) {
      const memory = new RateLimiterMemory({ points, duration, keyPrefix: this.keyPrefix })
      l = this.redis
        ? new RateLimiterRedis({ storeClient: this.redis, keyPrefix: this.keyPrefix, points, duration, rejectIfRedisNotReady: true, insuranceLimiter: memory })
        : memory
      this.limiters.set(id, l)
    }
    return l
  }

  /** Takes one attempt from `key`'s window of `limit`; past it the attempt is refused with RATE_LIMITED. limit 0 = off. */
  async spend(key: string, limit: number, windowMs: number): Promise<void> {
    if (limit <= 0) return
    try {
      await this.limiter(limit, windowMs).consume(key, 1)
    } catch (e) {
      if (e instanceof RateLimiterRes) throw rateLimited(Math.max(1, Math.ceil(e.msBeforeNext / 1000)))
      throw e
    }
  }

  /** Gives back one attempt spent on `key` (a right password, a right join code): it does not count. */
  async refund(key: string, limit: number, windowMs: number): Promise<void> {
    if (limit <= 0) return
    await this.limiter(limit, windowMs).reward(key, 1)
  }
}

/** Counts one attempt in a fixed window, before the work; past `limit` the attempt is refused with RATE_LIMITED. */
export function spend(limits: RateLimits, key: string, limit: number, windowMs: number): Promise<void> {
  return limits.spend(key, limit, windowMs)
}

/** A per-user flood bucket (rooms, joins, friend requests, study records): off when SEND_RATE_LIMIT_PER_USER=0. */
export function perUser(config: Config, limit: number): number {
  return config.sendRateLimitPerUser === 0 ? 0 : limit
}
