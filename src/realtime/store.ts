// Small shared state that must agree across instances: presence leases, values and claims.
// Redis when configured, process memory otherwise. (Rate-limit counters: src/lib/rate-limit.ts.)
import type { Redis } from 'ioredis'

export interface SharedStore {
  /** sorted-set leases: member alive until its score (epoch ms) */
  leasePut(key: string, member: string, untilMs: number): Promise<void>
  leaseDrop(key: string, member: string): Promise<void>
  /** members whose lease has not expired at nowMs */
  leaseLive(key: string, nowMs: number): Promise<string[]>
  /** drops the member; true when its lease was live at nowMs (of callers racing, one gets true) */
  leaseTake(key: string, member: string, nowMs: number): Promise<boolean>
  /**
   * In one step: the member's lease renewed ('renewed'), or added while fewer than `cap` live
   * leases are there ('joined'), or nothing ('full'). Callers racing for the last place: one gets it.
   */
  leaseJoin(key: string, member: string, untilMs: number, nowMs: number, cap: number): Promise<'joined' | 'renewed' | 'full'>
  /** a small string value with a TTL */
  setValue(key: string, value: string, ttlMs: number | null): Promise<void>
  getValue(key: string): Promise<string | null>
  delValue(key: string): Promise<void>
  /** set-if-absent with TTL: true when this caller took it (a cross-instance lock) */
  claim(key: string, ttlMs: number): Promise<boolean>
}

export class MemoryStore implements SharedStore {
  private leases = new Map<string, Map<string, number>>()
  private values = new Map<string, { v: string; until: number }>()

  async leasePut(key: string, member: string, untilMs: number) {
    let m = this.leases.get(key)
    if (!m) this.leases.set(key, (m = new Map()))
    m.set(member, untilMs)
  }

  async leaseDrop(key: string, member: string) {
    const m = this.leases.get(key)
    if (!m) return
    m.delete(member)
    if (m.size === 0) this.leases.delete(key)
  }

  async leaseLive(key: string, nowMs: number) {
    const m = this.leases.get(key)
    if (!m) return []
    const out: string[] = []
    for (const [member, until] of m) {
      if (until > nowMs) out.push(member)
      else m.delete(member)
    }
    if (m.size === 0) this.leases.delete(key)
    return out
  }

  async leaseTake(key: string, member: string, nowMs: number) {
    const m = this.leases.get(key)
    const until = m?.get(member)
    if (!m || until === undefined) return false
    m.delete(member)
    if (m.size === 0) this.leases.delete(key)
    return until > nowMs
  }

  async leaseJoin(key: string, member: string, untilMs: number, nowMs: number, cap: number) {
    // one synchronous step, as claim: no await between the count and the add
    let m = this.leases.get(key)
    if (!m) this.leases.set(key, (m = new Map()))
    for (const [k, until] of m) if (until <= nowMs) m.delete(k)
    if (m.has(member)) { m.set(member, untilMs); return 'renewed' as const }
    if (m.size >= cap) { if (m.size === 0) this.leases.delete(key); return 'full' as const }
    m.set(member, untilMs)
    return 'joined' as const
  }

  async setValue(key: string, value: string, ttlMs: number | null) {
    const now = Date.now()
    this.values.set(key, { v: value, until: ttlMs === null ? Number.MAX_SAFE_INTEGER : now + ttlMs })
    if (this.values.size > 100_000) for (const [k, v] of this.values) if (v.until <= now) this.values.delete(k)
  }

  async getValue(key: string) {
    const e = this.values.get(key)
    if (!e) return null
    if (e.until <= Date.now()) { this.values.delete(key); return null }
    return e.v
  }

  async delValue(key: string) { this.values.delete(key) }

  async claim(key: string, ttlMs: number) {
    // checked and taken in one synchronous step: with an await between them, every claim made in
    // the same tick saw the lock free and took it
    const now = Date.now()
    const e = this.values.get(key)
    if (e && e.until > now) return false
    this.values.set(key, { v: '1', until: now + ttlMs })
    return true
  }
}

/**
 * The store's compound operations as Lua scripts (EVALSHA, one round trip, one reply): a MULTI
 * through ioredis costs a pipeline, a transaction and one reply per command, and these run on
 * every socket that connects (leases).
 */
const SCRIPTS = {
  hearthLeasePut: `redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[1]) + 60000)
return 1`,
  hearthLeaseLive: `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')`,
  hearthLeaseTake: `local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[1], ARGV[1])
if s and tonumber(s) > tonumber(ARGV[2]) then return 1 end
return 0`,
  // ARGV: member, until, now, cap. 2 renewed, 1 joined, 0 full
  hearthLeaseJoin: `redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local renew = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not renew and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[2]) + 60000)
if renew then return 2 end
return 1`,
} as const

type ScriptedRedis = Redis & {
  hearthLeasePut(key: string, untilMs: number, member: string): Promise<number>
  hearthLeaseLive(key: string, nowMs: number): Promise<string[]>
  hearthLeaseTake(key: string, member: string, nowMs: number): Promise<number>
  hearthLeaseJoin(key: string, member: string, untilMs: number, nowMs: number, cap: number): Promise<number>
}

export class RedisStore implements SharedStore {
  private redis: ScriptedRedis
  constructor(redis: Redis, private prefix = 'hearth:') {
    for (const [name, lua] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua })
    }
    this.redis = redis as ScriptedRedis
  }

  async leasePut(key: string, member: string, untilMs: number) {
    await this.redis.hearthLeasePut(this.prefix + 'lease:' + key, untilMs, member)
  }

  async leaseDrop(key: string, member: string) {
    await this.redis.zrem(this.prefix + 'lease:' + key, member)
  }

  async leaseLive(key: string, nowMs: number) {
    return this.redis.hearthLeaseLive(this.prefix + 'lease:' + key, nowMs)
  }

  async leaseTake(key: string, member: string, nowMs: number) {
    return (await this.redis.hearthLeaseTake(this.prefix + 'lease:' + key, member, nowMs)) === 1
  }

  async leaseJoin(key: string, member: string, untilMs: number, nowMs: number, cap: number) {
    const r = await this.redis.hearthLeaseJoin(this.prefix + 'lease:' + key, member, untilMs, nowMs, cap)
    return r === 2 ? 'renewed' as const : r === 1 ? 'joined' as const : 'full' as const
  }

  async setValue(key: string, value: string, ttlMs: number | null) {
    const k = this.prefix + 'v:' + key
    if (ttlMs === null) await this.redis.set(k, value)
    else await this.redis.set(k, value, 'PX', ttlMs)
  }

  async getValue(key: string) { return this.redis.get(this.prefix + 'v:' + key) }
  async delValue(key: string) { await this.redis.del(this.prefix + 'v:' + key) }

  async claim(key: string, ttlMs: number) {
    const r = await this.redis.set(this.prefix + 'v:' + key, '1', 'PX', ttlMs, 'NX')
    return r === 'OK'
  }
}

/**
 * Redis while it is connected, process memory while it is not. ioredis queues commands while
 * Redis is away (maxRetriesPerRequest: null), so a presence lease would otherwise hold a
 * mutation until Redis returns. Presence leases are rewritten to Redis by the next heartbeat.
 */
export class FallbackStore implements SharedStore {
  private memory = new MemoryStore()
  constructor(private redisStore: RedisStore, private redis: Redis) {}
  private get s(): SharedStore { return this.redis.status === 'ready' ? this.redisStore : this.memory }
  leasePut(key: string, member: string, untilMs: number) { return this.s.leasePut(key, member, untilMs) }
  leaseDrop(key: string, member: string) { return this.s.leaseDrop(key, member) }
  leaseLive(key: string, nowMs: number) { return this.s.leaseLive(key, nowMs) }
  leaseTake(key: string, member: string, nowMs: number) { return this.s.leaseTake(key, member, nowMs) }
  leaseJoin(key: string, member: string, untilMs: number, nowMs: number, cap: number) { return this.s.leaseJoin(key, member, untilMs, nowMs, cap) }
  setValue(key: string, value: string, ttlMs: number | null) { return this.s.setValue(key, value, ttlMs) }
  getValue(key: string) { return this.s.getValue(key) }
  delValue(key: string) { return this.s.delValue(key) }
  claim(key: string, ttlMs: number) { return this.s.claim(key, ttlMs) }
}
