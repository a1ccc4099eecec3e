import argon2 from 'argon2'
import { GraphQLError } from 'graphql'
import type { Services } from '../../services.js'
import { AppError, badInput, notFound, unauthenticated, conflict } from '../../graphql/errors.js'
import type { AuthPayloadModel, SessionModel, UserModel } from '../../graphql/models.js'
import type { Ctx, Viewer } from '../../graphql/context.js'
import { cleanText, cleanUsername, isId, isWellFormed } from '../../lib/text.js'
import { hashToken, newId, newToken } from '../../lib/ids.js'
import { Semaphore } from '../../lib/semaphore.js'
import { PASSWORD_MAX, passwordLengthProblem, passwordProblem } from '../../lib/passwords.js'
import { spend, perUser } from '../../lib/rate-limit.js'
import { SessionsRepository } from './sessions.repository.js'
import { SessionCache } from './session-cache.js'
import { UsersRepository } from '../users/users.repository.js'
import { topics } from '../../realtime/topics.js'
import { AccountRepository, PLACEHOLDER_DISPLAY_NAME, PLACEHOLDER_KEY_PREFIX, PLACEHOLDER_USERNAME } from './account.repository.js'
import type { RoomControl } from '../rooms/rooms.service.js'
import type { InboxMessage } from '../notifications/inbox.js'

// OWASP's minimum for argon2id: 19 MiB, 2 iterations, 1 lane.
const ARGON2 = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const
const FAILED_LOGIN_WINDOW_MS = 15 * 60_000
// lastUsedAt is written at most this often per session: not a write per request
const TOUCH_EVERY_MS = 60_000
/** changePassword's own bucket (contract part 2): 5 per 15 minutes per user */
const PASSWORD_CHANGES = 5
const PASSWORD_CHANGE_WINDOW_MS = 15 * 60_000

export interface RequestMeta { ip: string; userAgent: string | null }

/**
 * How long an ended session's row stays: revokeSession of it answers CONFLICT ("already ended")
 * rather than NOT_FOUND meanwhile. After that it goes (every sign-in adds a row, and none was ever
 * deleted before).
 */
export const ENDED_SESSION_RETENTION_MS = 30 * 86_400_000
const SESSION_SWEEP_MS = 3_600_000

export class AuthService {
  private users: UsersRepository
  private sessions: SessionsRepository
  private accountRepo: AccountRepository | null = null
  /** argon2 work in line; public so tests can see how much ran at once */
  readonly hashing: Semaphore
  private dummyHash: Promise<string> | null = null
  /** the live sessions of recent token lookups (see SessionCache for when one leaves it) */
  readonly sessionCache: SessionCache

  private sweeper: NodeJS.Timeout | null = null

  constructor(private svc: Services) {
    this.users = new UsersRepository(svc.database.db)
    this.sessions = new SessionsRepository(svc.database.db)
    this.sessionCache = new SessionCache(() => svc.pubsub.healthy())
    this.hashing = new Semaphore(svc.config.limits.argon2Concurrency)
  }

  /** the hourly sweep of ended sessions' rows (and one at start) */
  start() {
    const sweep = () => { void this.sweepEndedSessions(Date.now()).catch((err) => this.svc.log.error({ err }, 'session sweep failed')) }
    sweep()
    this.sweeper = setInterval(sweep, SESSION_SWEEP_MS)
    this.sweeper.unref()
  }

  stop() {
    if (this.sweeper) clearInterval(this.sweeper)
    this.sweeper = null
  }

  /** deletes the rows of sessions that ended more than ENDED_SESSION_RETENTION_MS before `now` */
  sweepEndedSessions(now: number): Promise<number> {
    return this.sessions.deleteEndedBefore(now - ENDED_SESSION_RETENTION_MS)
  }

  /** the password rule of contract part 2; `names` are the account's username and display name */
  private async checkPassword(value: unknown, field: string, names: readonly unknown[]): Promise<string> {
    if (typeof value !== 'string' || !isWellFormed(value)) throw badInput(field, 'password must be a valid string')
    // capped before hashing: a megabyte password must not cost a megabyte of argon2 work
    if (value.length > PASSWORD_MAX * 2) throw badInput(field, `password must be at most ${PASSWORD_MAX} characters`)
    // counted after trimming like every length (eight spaces are no password), but hashed as
    // typed: the spaces around a password are part of the secret
    const length = passwordLengthProblem(value)
    if (length) throw badInput(field, length)
    const problem = await passwordProblem(value, names)
    if (problem) throw badInput(field, problem)
    return value
  }

  private async ipLimit(ip: string) {
    await spend(this.svc.limits, `auth:ip:${ip}`, this.svc.config.authRateLimitPerIp, 60_000)
  }

  async signUp(input: { username: string; password: string; displayName?: string | null }, meta: RequestMeta): Promise<AuthPayloadModel> {
    const { username, key } = cleanUsername(input.username, 'input.username')
    const password = await this.checkPassword(input.password, 'input.password', [username, input.displayName])
    const displayName = input.displayName === undefined || input.displayName === null
      ? username
      : cleanText(input.displayName, 'input.displayName', { min: 1, max: 64, label: true })
    await this.ipLimit(meta.ip)
    if (await this.users.keyTaken(key)) throw conflict('That username is taken')
    const hash = await this.hashing.run(() => argon2.hash(password, ARGON2))
    const now = Date.now()
    let user: UserModel
    try {
      user = await this.users.insert({
        id: newId(), username, username_key: key, display_name: displayName, first_name: null, last_name: null,
        password_hash: hash, created_at: now, updated_at: now, last_seen_at: null,
      })
    } catch (e) {
      // two sign-ups raced for the same name: the unique index decided
      if (await this.users.keyTaken(key)) throw conflict('That username is taken')
      throw e
    }
    return this.startSession(user, meta)
  }

  async logIn(input: { username: string; password: string }, meta: RequestMeta): Promise<AuthPayloadModel> {
    const failed = () => new AppError('UNAUTHENTICATED', 'Wrong username or password')
    if (typeof input.username !== 'string' || typeof input.password !== 'string') throw failed()
    await this.ipLimit(meta.ip)
    const key = input.username.normalize('NFKC').trim().toLowerCase()
    // a NUL names no account (usernames refuse it) and is no one's password: the one failed
    // answer, never a query with it (PostgreSQL cannot take NUL)
    const keyOk = key.length > 0 && key.length <= 64 && !key.includes('\u0000')
    const userKey = `auth:fail:${keyOk ? key : '-'}`
    const perUser = this.svc.config.authRateLimitPerUser
    // reserved before the password is looked at (atomic in the store), refunded when it was
    // right: N concurrent guesses get at most the limit evaluated, not N
    await spend(this.svc.limits, userKey, perUser, FAILED_LOGIN_WINDOW_MS)
    const pwOk = input.password.length > 0 && input.password.length <= PASSWORD_MAX * 2 && isWellFormed(input.password) && !input.password.includes('\u0000')
    const found = keyOk ? await this.users.credentialsByKey(key) : null
    let ok = false
    await this.hashing.run(async () => {
      if (found && pwOk) {
        ok = await argon2.verify(found.passwordHash, input.password)
      } else {
        // same work for an unknown user, so the answer time does not tell who exists
        await argon2.verify(await this.getDummyHash(), pwOk ? input.password : 'x').catch(() => false)
      }
    })
    if (!found || !ok) throw failed()
    await this.svc.limits.refund(userKey, perUser, FAILED_LOGIN_WINDOW_MS)
    return this.startSession(found.user, meta)
  }

  /** built on first use: the rooms service is wired after this one */
  private get account(): AccountRepository {
    this.accountRepo ??= new AccountRepository(this.svc.database.db, this.svc.database.dialect, this.svc.rooms.repo)
    return this.accountRepo
  }

  /**
   * The viewer's own password, re-entered (changePassword, deleteAccount). A wrong one counts as
   * a failed logIn of the account (the same bucket: guessing here is no cheaper than at logIn)
   * and is BAD_USER_INPUT on `field`.
   */
  private async verifyOwnPassword(found: { key: string; passwordHash: string }, password: unknown, field: string): Promise<void> {
    const userKey = `auth:fail:${found.key}`
    const limit = this.svc.config.authRateLimitPerUser
    await spend(this.svc.limits, userKey, limit, FAILED_LOGIN_WINDOW_MS)
    const wellFormed = typeof password === 'string' && password.length > 0 && password.length <= PASSWORD_MAX * 2 && isWellFormed(password) && !password.includes('\u0000')
    const ok = wellFormed && await this.hashing.run(() => argon2.verify(found.passwordHash, password).catch(() => false))
    if (!ok) throw badInput(field, 'That is not your current password')
    await this.svc.limits.refund(userKey, limit, FAILED_LOGIN_WINDOW_MS)
  }

  private async ownCredentials(viewer: Viewer) {
    const found = await this.users.credentialsById(viewer.userId)
    if (!found) throw unauthenticated('Your session has ended; sign in again')
    return found
  }

  /** changePassword: every other session of the viewer ends, its sockets closed on every instance */
  async changePassword(viewer: Viewer, currentPassword: string, newPassword: string): Promise<boolean> {
    await spend(this.svc.limits, `pwchange:${viewer.userId}`, perUser(this.svc.config, PASSWORD_CHANGES), PASSWORD_CHANGE_WINDOW_MS)
    const found = await this.ownCredentials(viewer)
    // the new one first: a refused new password costs no guess of the current one
    const next = await this.checkPassword(newPassword, 'newPassword', [found.user.username, found.user.displayName])
    await this.verifyOwnPassword(found, currentPassword, 'currentPassword')
    const hash = await this.hashing.run(() => argon2.hash(next, ARGON2))
    const revoked = await this.account.changePassword(viewer.userId, hash, viewer.sessionId, Date.now())
    // another change (or a sign-out) ended this session first: this one changed nothing
    if (!revoked) throw unauthenticated('Your session has ended; sign in again')
    await Promise.all(revoked.map((id) => this.announceRevoked(id)))
    return true
  }

  /** deleteAccount: see AccountRepository.erase for what goes and what stays */
  async deleteAccount(viewer: Viewer, password: string, ctx?: Ctx): Promise<boolean> {
    const found = await this.ownCredentials(viewer)
    await this.verifyOwnPassword(found, password, 'password')
    const now = Date.now()
    // who shows this user's name now (read before the memberships go): they hear the change live
    const mates = await this.svc.rooms.roomMateIds(viewer.userId)
    const placeholderId = newId()
    const erased = await this.account.erase(viewer.userId, {
      id: placeholderId, username: PLACEHOLDER_USERNAME, username_key: `${PLACEHOLDER_KEY_PREFIX}${placeholderId}`,
      display_name: PLACEHOLDER_DISPLAY_NAME, first_name: null, last_name: null,
      // no argon2 hash verifies against this, and no username reaches the key
      password_hash: '!', created_at: now, updated_at: now, last_seen_at: null,
    }, now)
    // another deleteAccount of the same account committed first
    if (!erased) throw unauthenticated('Your session has ended; sign in again')
    // the rooms' REACTIONS_CHANGED events the erase wrote, live as every other event of the log
    await this.svc.messages.announceAll(erased.events)
    await this.svc.attachments.store.delete(erased.erasedUploadIds).catch((e: unknown) => this.svc.log.error({ err: e }, 'erasing uploads failed'))
    await Promise.all(erased.sessionIds.map((id) => this.announceRevoked(id, ctx)))
    // the rooms hear it as a leave: member lists narrow, live subscriptions of the account end
    await Promise.all(erased.rooms.map((r) => this.svc.publish(topics.roomControl(r.roomId), { type: 'left', userId: viewer.userId, at: now } satisfies RoomControl)))
    // an owned room passed on, as on leaveRoom: a ROLE_CHANGED on roomChanged (by no one who still exists)
    await Promise.all(erased.rooms.filter((r) => r.newOwnerId).map((r) => this.svc.rooms.moderation.publishChange(r.roomId, 'ROLE_CHANGED', null, r.newOwnerId!)))
    // friends, requesters and blocks: the relation is over, on every device (friendshipChanged);
    // they and room-mates see the name turn into "Deleted user" where it is shown (userUpdated)
    // a version after any the subscribers were sent (they keep the newest: UsersService.userUpdatedFeed)
    const gone = { ...found.user, username: PLACEHOLDER_USERNAME, displayName: PLACEHOLDER_DISPLAY_NAME, firstName: null, lastName: null, avatarId: null, updatedAt: Math.max(now, found.user.updatedAt + 1) }
    await Promise.all(erased.relatedUserIds.map((id) => this.svc.publish(topics.userInbox(id), {
      type: 'friendship', event: { user: gone, friendship: 'NONE', request: null, at: now },
    } satisfies InboxMessage)))
    const audience = new Set([...mates, ...erased.relatedUserIds])
    audience.delete(viewer.userId)
    await Promise.all([...audience].map((id) => this.svc.publish(topics.userInbox(id), { type: 'profile', user: gone } satisfies InboxMessage)))
    return true
  }

  /**
   * A mutation's unexpected failure (not an AppError): when the viewer's account is gone, it was
   * erased while the mutation ran (a row naming the user refused by its foreign key, a deadlock
   * with the erase), and the answer is UNAUTHENTICATED, as for any operation a moment later,
   * not an internal error. Anything else is thrown as it came.
   */
  async erasedMeanwhile(ctx: Ctx, e: unknown): Promise<never> {
    if (!ctx.viewer || e instanceof AppError || e instanceof GraphQLError) throw e
    const gone = await this.users.byId(ctx.viewer.userId).then((u) => !u, () => false)
    if (!gone) throw e
    this.svc.log.info({ err: e }, 'a mutation failed as its account was erased')
    throw unauthenticated('Your session has ended; sign in again')
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= argon2.hash(newToken(), ARGON2)
    return this.dummyHash
  }

  private async startSession(user: UserModel, meta: RequestMeta): Promise<AuthPayloadModel> {
    const token = newToken()
    const now = Date.now()
    const session = await this.sessions.insert({
      id: newId(), user_id: user.id, token_hash: hashToken(token), created_at: now, last_used_at: now,
      expires_at: now + this.svc.config.sessionTtlSeconds * 1000,
      user_agent: meta.userAgent ? meta.userAgent.slice(0, 512) : null, revoked_at: null,
    })
    return { token, user, session }
  }

  /** Resolves a bearer token to its viewer; null for unknown, expired or revoked tokens. */
  async authenticate(token: string): Promise<{ viewer: Viewer; session: SessionModel } | null> {
    if (!token || token.length > 200) return null
    const now = Date.now()
    const hash = hashToken(token)
    let session = this.sessionCache.get(hash, now)
    if (!session) {
      const stamp = this.sessionCache.stamp()
      session = await this.sessions.liveByTokenHash(hash, now)
      if (!session) return null
      this.sessionCache.put(hash, session, stamp, now)
    }
    if (now - session.lastUsedAt > TOUCH_EVERY_MS) {
      session.lastUsedAt = now
      this.sessions.touch(session.id, now).catch((e) => this.svc.log.warn({ err: e }, 'session touch failed'))
    }
    return { viewer: { userId: session.userId, sessionId: session.id }, session }
  }

  async listSessions(viewer: Viewer): Promise<SessionModel[]> {
    return this.sessions.liveForUser(viewer.userId, Date.now())
  }

  async revokeSession(viewer: Viewer, id: string, ctx?: Ctx): Promise<boolean> {
    if (!isId(id)) throw notFound('No such session')
    if (!(await this.sessions.revoke(viewer.userId, id, Date.now()))) {
      // the viewer's own session that was logged out, revoked or expired: ending it again is a
      // state conflict; anyone else's id names nothing the viewer may see
      if (await this.sessions.ownedBy(viewer.userId, id)) throw conflict('That session has already ended')
      throw notFound('No such session')
    }
    await this.announceRevoked(id, ctx)
    return true
  }

  async logOut(viewer: Viewer | null, ctx?: Ctx): Promise<boolean> {
    if (!viewer) throw unauthenticated()
    await this.sessions.revoke(viewer.userId, viewer.sessionId, Date.now())
    await this.announceRevoked(viewer.sessionId, ctx)
    return true
  }

  /** `ctx`: the operation that ended it; sent over one of the session's sockets, that socket closes after its answer */
  private async announceRevoked(sessionId: string, ctx?: Ctx) {
    // here at once (before the mutation answers); every other instance on the message below
    this.sessionCache.revoke(sessionId)
    // every instance closes the sockets of that session (4403)
    this.svc.realtime.closeSession(sessionId, ctx)
    await this.svc.publish(topics.sessionsRevoked(), { sessionId })
  }
}
