// Presence across instances (DESIGN.md §3). Every instance holding at least one authenticated
// WebSocket of a user keeps a lease (user, instance) in the SharedStore, refreshed by its
// heartbeat: a user's second tab on the same instance costs the store nothing. A user's status is derived from their
// leases, their chosen mode (AWAY / appear offline) and their last activity; the derived status is
// cached in the store so that reads are one lookup, and every change of it is published once.
// A crashed instance stops refreshing: its leases expire and the sweep of any surviving instance
// notices within leaseTtlMs of the crash.
import crypto from 'node:crypto'
import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { PresenceEventModel, RoomModel, UserModel } from '../../graphql/models.js'
import { badInput } from '../../graphql/errors.js'
import { spend } from '../../lib/rate-limit.js'
import { topics } from '../../realtime/topics.js'
import type { Gateway } from '../../realtime/gateway.js'
import type { ClientSocket } from '../../realtime/ws/client-socket.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { HoldUntilChecked, inOrder, topicFeed } from '../../realtime/topic-feed.js'
import type { RoomControl } from '../rooms/rooms.service.js'
import type { PresenceStatus } from '../users/users.service.js'
import { isInbox } from '../notifications/inbox.js'
import { MAX_ONLINE_MEMBERS } from '../../lib/limits.js'
import { PresenceRepository } from './presence.repository.js'

const USERS = 'presence.users' // user -> the latest lease expiry any instance wrote for them
const MARKED = 'presence.marked' // users whose last computed state had live leases: the sweep's work list
const FAR = 365 * 86_400_000
const leaseKey = (u: string) => `presence:${u}`
const stateKey = (u: string) => `presence.state:${u}`
const modeKey = (u: string) => `presence.mode:${u}`
const activeKey = (u: string) => `presence.active:${u}`
const lockKey = (u: string) => `presence.lock:${u}`

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class PresenceService {
  readonly repo: PresenceRepository
  /** the member this instance writes in each of its users' leases */
  private readonly instanceId = crypto.randomUUID()
  /** this instance's authenticated sockets */
  private conns = new Map<string, string>()
  private byUser = new Map<string, Set<string>>()
  private lastLocalActivity = new Map<string, number>()
  private lastActiveWrite = new Map<string, number>()
  /** status last computed here for users with a socket here: spares the idle check a lookup */
  private known = new Map<string, PresenceStatus>()
  private grace = new Map<string, NodeJS.Timeout>()
  /** users whose last socket here closed and whose OFFLINE is still to be decided */
  private closing = new Set<string>()
  private chains = new Map<string, Promise<unknown>>()
  private heartbeat: NodeJS.Timeout | null = null
  private sweeper: NodeJS.Timeout | null = null
  private stopped = false
  /**
   * How often expired leases are looked for. A lease is written for leaseTtlMs minus two sweeps
   * (one to notice, one of slack for the work after it), so a crashed instance's users are
   * OFFLINE within leaseTtlMs of the crash.
   */
  readonly sweepMs: number
  readonly leaseMs: number
  /** the heartbeat, never so slow that a live lease could lapse between two beats */
  readonly beatMs: number
  private controlEvents = new WeakMap<object, Promise<PresenceEventModel>>()

  constructor(private svc: Services) {
    this.repo = new PresenceRepository(svc.database.db)
    const p = svc.config.presence
    this.sweepMs = Math.max(100, Math.min(5000, Math.floor(p.leaseTtlMs / 12)))
    this.leaseMs = p.leaseTtlMs - 2 * this.sweepMs
    this.beatMs = Math.min(p.heartbeatMs, Math.floor(this.leaseMs / 2))
    svc.events.on('messageAdded', ({ message }) => this.touch(message.senderId))
  }

  attach(gateway: Gateway) {
    gateway.hooks.push({
      ready: (conn) => this.connected(conn),
      closed: (conn) => this.disconnected(conn),
      activity: (conn) => { if (conn.viewer) this.touch(conn.viewer.userId) },
    })
    this.heartbeat = setInterval(() => { this.beat().catch((e) => this.fail(e)) }, this.beatMs)
    this.sweeper = setInterval(() => { this.sweep().catch((e) => this.fail(e)) }, this.sweepMs)
    this.heartbeat.unref()
    this.sweeper.unref()
    // users left ONLINE by an instance that died while nobody else was running
    setTimeout(() => { this.sweep().catch((e) => this.fail(e)) }, 0).unref()
    // another instance shut down cleanly: its users' leases end at `at` (the grace of a clean
    // close); each is recomputed then, OFFLINE unless their client reconnected somewhere
    this.handover = this.svc.pubsub.subscribe(topics.presenceHandover(), (m: { users?: unknown; at?: unknown }) => {
      if (this.stopped || !Array.isArray(m?.users) || typeof m.at !== 'number') return
      const wait = Math.max(0, Math.min(m.at - Date.now(), 60_000)) + 20
      for (const u of m.users) {
        if (typeof u !== 'string') continue
        setTimeout(() => { if (!this.stopped && !this.byUser.has(u)) void this.run(u, () => this.recompute(u)) }, wait).unref()
      }
    }).catch((e) => { this.fail(e); return null })
  }

  private handover: Promise<(() => void) | null> | null = null

  private failLogged = 0
  private fail(e: unknown) {
    if (Date.now() - this.failLogged > 10_000) { this.failLogged = Date.now(); this.svc.log.error({ err: e }, 'presence update failed') }
  }

  /** per-user order on this instance: a connect and a close of the same user never interleave */
  private run<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(userId) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const tail = next.catch((e) => this.fail(e))
    this.chains.set(userId, tail)
    void tail.then(() => { if (this.chains.get(userId) === tail) this.chains.delete(userId) })
    return next
  }

  /** across instances: one status computation per user at a time, so each change is published once */
  private async locked<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 3000
    let got = await this.svc.store.claim(lockKey(userId), 3000)
    while (!got && Date.now() < deadline) {
      await sleep(15 + Math.random() * 30)
      got = await this.svc.store.claim(lockKey(userId), 3000)
    }
    try {
      return await fn()
    } finally {
      if (got) await this.svc.store.delValue(lockKey(userId)).catch(() => {})
    }
  }

  private connected(conn: ClientSocket) {
    const u = conn.viewer?.userId
    if (!u || this.stopped) return
    const now = Date.now()
    this.conns.set(conn.id, u)
    let set = this.byUser.get(u)
    if (!set) this.byUser.set(u, (set = new Set()))
    set.add(conn.id)
    if (set.size > 1) {
      // this instance holds the user's lease already: a new tab is only activity
      this.touch(u)
      return
    }
    this.lastLocalActivity.set(u, now)
    const t = this.grace.get(u)
    if (t) { clearTimeout(t); this.grace.delete(u) }
    this.closing.delete(u)
    void this.run(u, async () => {
      const store = this.svc.store
      const t0 = Date.now()
      // the first socket starts afresh: no AWAY or "appear offline" left over from an earlier visit
      if (!(await store.leaseLive(leaseKey(u), t0)).length) await store.delValue(modeKey(u))
      await store.leasePut(leaseKey(u), this.instanceId, t0 + this.leaseMs)
      await store.leasePut(USERS, u, t0 + this.leaseMs)
      await store.setValue(activeKey(u), String(t0), this.activeTtl())
      this.lastActiveWrite.set(u, t0)
      await this.recompute(u)
    })
  }

  private disconnected(conn: ClientSocket) {
    const u = conn.viewer?.userId
    if (!u || !this.conns.has(conn.id)) return
    const unanswered = !conn.alive
    this.conns.delete(conn.id)
    const set = this.byUser.get(u)
    set?.delete(conn.id)
    const last = !set || set.size === 0
    if (!last) return
    this.byUser.delete(u); this.lastLocalActivity.delete(u); this.lastActiveWrite.delete(u); this.closing.add(u)
    void this.run(u, async () => {
      // a socket that opened meanwhile queued its lease behind this drop
      await this.svc.store.leaseDrop(leaseKey(u), this.instanceId)
      if (this.stopped || this.byUser.has(u)) return
      // a reload reconnects within the grace period without anyone seeing OFFLINE; sockets on
      // other instances keep the user online when the recomputation comes. A socket that died
      // with a ping unanswered (the gateway's heartbeat cut a dead peer) has used up its time already.
      const prev = this.grace.get(u)
      if (prev) clearTimeout(prev)
      const timer = setTimeout(() => {
        this.grace.delete(u)
        this.closing.delete(u)
        void this.run(u, () => this.recompute(u))
      }, unanswered ? 0 : this.svc.config.presence.offlineGraceMs)
      timer.unref()
      this.grace.set(u, timer)
    })
  }

  private activeTtl() { return Math.max(2 * this.svc.config.presence.idleAwayMs, 86_400_000) }

  /** activity of a user (any device, any instance): ends an idle AWAY */
  touch(userId: string) {
    if (this.stopped) return
    const now = Date.now()
    if (this.byUser.has(userId)) this.lastLocalActivity.set(userId, now)
    // at most once a second: for a user ONLINE here, and for a user with no socket here (a sender
    // over HTTP: their status is kept by the instances holding their sockets, if any, and each of
    // their messages recomputed it, some ten store commands a send)
    if (now - (this.lastActiveWrite.get(userId) ?? 0) < 1000 && (this.known.get(userId) === 'ONLINE' || !this.byUser.has(userId))) return
    this.lastActiveWrite.set(userId, now)
    void this.run(userId, async () => {
      await this.svc.store.setValue(activeKey(userId), String(now), this.activeTtl())
      if (this.known.get(userId) !== 'ONLINE') await this.recompute(userId)
    })
  }

  /** Derives the user's status from the store, and publishes it when it changed. */
  private recompute(u: string): Promise<PresenceStatus> {
    return this.locked(u, async () => {
      const store = this.svc.store
      const now = Date.now()
      const [live, mode, active, prev] = await Promise.all([
        store.leaseLive(leaseKey(u), now), store.getValue(modeKey(u)), store.getValue(activeKey(u)), store.getValue(stateKey(u)),
      ])
      let status: PresenceStatus = 'OFFLINE'
      if (live.length) {
        if (mode === 'OFFLINE') status = 'OFFLINE'
        else if (mode === 'AWAY') status = 'AWAY'
        else if (active !== null && now - Number(active) >= this.svc.config.presence.idleAwayMs) status = 'AWAY'
        else status = 'ONLINE'
        await store.leasePut(MARKED, u, now + FAR)
      } else {
        // every socket closed: AWAY and "appear offline" end with them
        if (mode !== null) await store.delValue(modeKey(u))
        await store.leaseDrop(MARKED, u)
      }
      if (this.byUser.has(u)) this.known.set(u, status); else this.known.delete(u)
      const before: PresenceStatus = prev === 'ONLINE' || prev === 'AWAY' ? prev : 'OFFLINE'
      if (status === before) return status
      if (status === 'OFFLINE') await store.delValue(stateKey(u))
      else await store.setValue(stateKey(u), status, null)
      if (status === 'OFFLINE' || before === 'OFFLINE') await this.repo.touchLastSeen(u, now)
      await this.announce(u, status, now)
      return status
    })
  }

  /**
   * These users' focus changed (a timer phase began, paused or ended in a room they are present
   * in): their friends and room-mates hear a PresenceEvent with the status unchanged, whose
   * focusUntil is the new one. Nothing for a user who shows OFFLINE.
   */
  async announceFocus(userIds: readonly string[]) {
    const at = Date.now()
    await Promise.all(userIds.map(async (u) => {
      const status = await this.rawStatus(u)
      if (status === 'OFFLINE') return
      const ev: PresenceEventModel = { userId: u, status, roomId: null, joined: null, left: null, at }
      // friends, and room-mates in every room they share (members lists show "Focusing", the
      // user's own included; it changed only on a reload for anyone but friends)
      const rooms = await this.repo.roomIdsOf(u)
      await Promise.all([
        this.svc.publish(topics.userPresence(u), ev),
        ...rooms.map((r) => this.svc.publish(topics.roomPresence(r), { ...ev, roomId: r })),
      ])
    }))
  }

  /** friends hear it on the user's presence topic, room-mates on each room's */
  private async announce(u: string, status: PresenceStatus, at: number) {
    const ev: PresenceEventModel = { userId: u, status, roomId: null, joined: null, left: null, at }
    const rooms = await this.repo.roomIdsOf(u)
    await Promise.all([
      this.svc.publish(topics.userPresence(u), ev),
      ...rooms.map((r) => this.svc.publish(topics.roomPresence(r), { ...ev, roomId: r })),
    ])
  }

  private async beat() {
    if (this.stopped) return
    const store = this.svc.store
    const now = Date.now()
    const until = now + this.leaseMs
    await Promise.all([...this.byUser.keys()].flatMap((u) => [
      store.leasePut(leaseKey(u), this.instanceId, until),
      store.leasePut(USERS, u, until),
    ]))
    // the throttle's marks of users with no socket here (senders over HTTP) go once they are old:
    // kept, they were one entry per such user for the life of the process
    for (const [u, at] of this.lastActiveWrite) if (!this.byUser.has(u) && now - at >= 1000) this.lastActiveWrite.delete(u)
    // a user hosted here whom another instance swept OFFLINE (this one could not reach the store for a while)
    const marked = new Set(await store.leaseLive(MARKED, Date.now()))
    for (const u of this.byUser.keys()) if (!marked.has(u)) void this.run(u, () => this.recompute(u))
  }

  private async sweep() {
    if (this.stopped) return
    const store = this.svc.store
    const now = Date.now()
    const [marked, live] = await Promise.all([store.leaseLive(MARKED, now), store.leaseLive(USERS, now)])
    const alive = new Set(live)
    for (const u of marked) {
      // nobody refreshed this user's leases in time: whatever instance hosted them is gone
      if (!alive.has(u) && !this.byUser.has(u)) void this.run(u, () => this.recompute(u))
    }
    const idle = this.svc.config.presence.idleAwayMs
    for (const u of this.byUser.keys()) {
      if (this.known.get(u) !== 'ONLINE') continue
      if (now - (this.lastLocalActivity.get(u) ?? now) < idle) continue
      // idle here; the shared activity time says whether another device is busy
      void this.run(u, () => this.recompute(u))
    }
  }

  /**
   * Clean shutdown, after the gateway closed this instance's sockets (1012: clients reconnect
   * elsewhere). Its leases, and its claims that its users are alive, end after the grace of a
   * clean close: the first sweep of any instance after that recomputes them, so a client that
   * reconnected meanwhile never shows OFFLINE and one that did not is OFFLINE a sweep later. With no other instance running, the next one to
   * start does it.
   */
  async shutdown() {
    if (this.stopped) return
    this.stopped = true
    if (this.heartbeat) clearInterval(this.heartbeat)
    if (this.sweeper) clearInterval(this.sweeper)
    const users = new Set<string>([...this.byUser.keys(), ...this.closing])
    for (const t of this.grace.values()) clearTimeout(t)
    this.grace.clear()
    this.closing.clear()
    // the closes the gateway just made are still dropping their leases
    await Promise.allSettled([...this.chains.values()])
    const store = this.svc.store
    // the leases run out after the grace a clean close gets (PRESENCE_OFFLINE_GRACE_MS), not at
    // once: a sweep of another instance right after showed the users OFFLINE within a second,
    // before their clients had reconnected elsewhere (a rolling restart flickered them)
    const until = Date.now() + this.svc.config.presence.offlineGraceMs
    await Promise.allSettled([
      ...[...this.byUser.keys()].map((u) => store.leasePut(leaseKey(u), this.instanceId, until)),
      ...[...users].map((u) => store.leasePut(USERS, u, until)),
    ])
    // the other instances recompute them when the grace is over (the contract: OFFLINE within 5 s
    // of a clean close; a sweep alone could come 5 s after that)
    void this.handover?.then((off) => off?.())
    if (users.size) await this.svc.publish(topics.presenceHandover(), { users: [...users], at: until }, { othersOnly: true }).catch((e) => this.fail(e))
    this.conns.clear()
    this.byUser.clear()
  }

  // --- reading ------------------------------------------------------------------------------

  /** the real status, for whoever is entitled to it */
  async rawStatus(userId: string): Promise<PresenceStatus> {
    const s = await this.svc.store.getValue(stateKey(userId))
    return s === 'ONLINE' || s === 'AWAY' ? s : 'OFFLINE'
  }

  private visible(ctx: Ctx, userId: string): Promise<boolean> {
    const viewer = ctx.viewer
    if (!viewer) return Promise.resolve(false)
    if (viewer.userId === userId) return Promise.resolve(true)
    return ctx.loaders.of<string, boolean>('presenceVisible', async (ids) => {
      const vis = await this.repo.visibleTo(viewer.userId, ids)
      return new Map(ids.map((id) => [id, vis.has(id)]))
    }).load(userId).then((v) => !!v)
  }

  /** User.status as the viewer may see it: OFFLINE for anyone who is not a friend or room-mate */
  async statusFor(ctx: Ctx, userId: string): Promise<PresenceStatus> {
    if (!(await this.visible(ctx, userId))) return 'OFFLINE'
    return ctx.loaders.of<string, PresenceStatus>('presenceStatus', async (ids) => {
      const all = await Promise.all(ids.map((id) => this.rawStatus(id)))
      return new Map(ids.map((id, i) => [id, all[i]]))
    }).load(userId).then((s) => s ?? 'OFFLINE')
  }

  /** User.lastSeenAt: now while visibly online, else the stored time; nothing for those who may not see it */
  async lastSeenFor(ctx: Ctx, user: UserModel): Promise<number | null> {
    if (!(await this.visible(ctx, user.id))) return null
    const status = await this.statusFor(ctx, user.id)
    return status === 'OFFLINE' ? user.lastSeenAt : Date.now()
  }

  /** Room.onlineMembers: members ONLINE or AWAY whom the viewer may see */
  async onlineMembers(ctx: Ctx, room: RoomModel): Promise<UserModel[]> {
    await this.svc.rooms.readable(ctx, room.id)
    const ids = await this.repo.memberIds(room.id)
    const statuses = await Promise.all(ids.map((id) => this.rawStatus(id)))
    const online = ids.filter((_, i) => statuses[i] !== 'OFFLINE')
    const vis = await Promise.all(online.map((id) => this.visible(ctx, id)))
    const users = await Promise.all(online.filter((_, i) => vis[i]).map((id) => this.svc.users.load(ctx, id)))
    return users.filter((u): u is UserModel => !!u).sort((a, b) => a.username.toLowerCase().localeCompare(b.username.toLowerCase()))
      .slice(0, MAX_ONLINE_MEMBERS)
  }

  // --- writing ------------------------------------------------------------------------------

  async setPresence(ctx: Ctx, status: string): Promise<UserModel> {
    const u = ctx.viewer!.userId
    if (status !== 'ONLINE' && status !== 'AWAY' && status !== 'OFFLINE') throw badInput('status', 'status must be ONLINE, AWAY or OFFLINE')
    // every change is published to friends and room-mates: a toggling flood is bounded like sending
    await spend(this.svc.limits, `setpresence:${u}`, this.svc.config.sendRateLimitPerUser, 60_000)
    const store = this.svc.store
    const now = Date.now()
    await this.run(u, async () => {
      if (status === 'ONLINE') {
        await store.delValue(modeKey(u))
        await store.setValue(activeKey(u), String(now), this.activeTtl())
        this.lastActiveWrite.set(u, now)
        if (this.byUser.has(u)) this.lastLocalActivity.set(u, now)
      } else {
        // AWAY, or OFFLINE to appear offline, until ONLINE is set or every socket closes
        await store.setValue(modeKey(u), status, null)
      }
      await this.recompute(u)
    })
    return this.svc.users.get(ctx, u)
  }

  // --- live ---------------------------------------------------------------------------------

  /** presenceChanged: with roomId, that room's members (members only); without, the viewer's friends */
  async feed(ctx: Ctx, roomId: string | null | undefined): Promise<Feed> {
    if (roomId !== null && roomId !== undefined) return this.roomFeed(ctx, roomId)
    return this.friendsFeed(ctx)
  }

  private async friendsFeed(ctx: Ctx): Promise<Feed> {
    const me = ctx.viewer!.userId
    const subs = new Map<string, (() => void) | null>()
    const drop = (f: string) => { subs.get(f)?.(); subs.delete(f) }
    return topicFeed(this.svc.pubsub, async (sink, feed) => {
      const follow = async (f: string) => {
        if (subs.has(f) || feed.stopped) return
        subs.set(f, null)
        const off = await this.svc.pubsub.subscribe(topics.userPresence(f), (ev: PresenceEventModel) => {
          if (subs.has(f) && ev?.userId === f) sink.next(ev)
        })
        if (feed.stopped || !subs.has(f)) off(); else subs.set(f, off)
      }
      // what the relation is now, in arrival order (announcements of one pair can cross)
      const onFriendship = inOrder(async (other: string) => {
        const friendship = await this.svc.friends.relationNow(me, other)
        if (feed.stopped) return
        if (friendship === 'FRIENDS') {
          if (subs.has(other)) return
          void follow(other).then(async () => {
            // a new friend who is already online shows up at once
            const status = await this.rawStatus(other)
            if (status !== 'OFFLINE' && subs.has(other)) sink.next({ userId: other, status, roomId: null, joined: null, left: null, at: Date.now() })
          }).catch((e) => this.fail(e))
        } else if (subs.has(other)) {
          drop(other)
        }
      })
      // live before reading the friend list: a friendship made in between is not missed
      const listening = await feed.listen(topics.userInbox(me), (m: unknown) => {
        if (!isInbox(m, 'friendship')) return undefined
        return onFriendship(m.event.user.id)
      })
      if (!listening) return
      await Promise.all((await this.svc.friends.friendIds(me)).map(follow))
    }, () => {
      for (const f of [...subs.keys()]) drop(f)
    })
  }

  private async roomFeed(ctx: Ctx, roomId: string): Promise<Feed> {
    // presence is for room-mates: a non-member of a PUBLIC room is FORBIDDEN, of another room NOT_FOUND
    const { room } = await this.svc.rooms.writable(ctx, roomId)
    const me = ctx.viewer!.userId
    const blocked = new Set(await this.svc.friends.blockedIds(me))
    return topicFeed(this.svc.pubsub, async (sink, feed) => {
      // held until the membership is read again once listening (src/realtime/room-feed.ts says why)
      const hold = new HoldUntilChecked()
      // whether the viewer blocks them now, in arrival order (announcements of one pair can cross)
      const onFriendship = inOrder(async (other: string) => {
        if (await this.svc.friends.hidden(me, other)) blocked.add(other); else blocked.delete(other)
      })
      await feed.listen(topics.userInbox(me), (m: unknown) => {
        if (!isInbox(m, 'friendship')) return undefined
        return onFriendship(m.event.user.id)
      })
      await feed.listen(topics.roomPresence(room.id), (ev: PresenceEventModel) => {
        if (ev?.roomId === room.id) hold.run(() => { if (!blocked.has(ev.userId)) sink.next(ev) })
      })
      await feed.listen(topics.roomControl(room.id), (c: RoomControl) => {
        if (!c || typeof c !== 'object') return
        if (c.type === 'deleted' || (c.type === 'left' && c.userId === me)) { sink.complete(); return }
        // re-delivered after a pub/sub outage (realtime/recheck.ts): it ends subscriptions only
        if ((c as { recheck?: boolean }).recheck) return
        if ((c.type === 'joined' || c.type === 'left') && typeof c.userId === 'string' && !blocked.has(c.userId)) {
          hold.run(() => this.controlEvent(room.id, c).then((ev) => { if (!feed.stopped) sink.next(ev) }, (e) => this.fail(e)))
        }
      })
      if (feed.stopped) return
      const still = await this.svc.rooms.stillMember(room.id, me)
      if (feed.stopped) return
      if (still) hold.open()
      else { hold.drop(); sink.complete() }
    })
  }

  /** one event object per control message on this instance: every subscriber shares its rendering */
  private controlEvent(roomId: string, c: RoomControl & { userId: string }): Promise<PresenceEventModel> {
    let p = this.controlEvents.get(c)
    if (!p) {
      p = this.rawStatus(c.userId).then((status) => ({
        userId: c.userId, status, roomId, joined: c.type === 'joined' ? true : null, left: c.type === 'left' ? true : null, at: c.at,
      }))
      this.controlEvents.set(c, p)
    }
    return p
  }
}
