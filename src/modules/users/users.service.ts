import type { Services } from '../../services.js'
import type { Ctx, Viewer } from '../../graphql/context.js'
import type { Connection, UserModel } from '../../graphql/models.js'
import { connection, decodeCursor, encodeCursor, pageSize } from '../../graphql/connection.js'
import { badInput, notFound } from '../../graphql/errors.js'
import { spend } from '../../lib/rate-limit.js'
import { cleanOptionalText, cleanText, isId } from '../../lib/text.js'
import { topics } from '../../realtime/topics.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { topicFeed } from '../../realtime/topic-feed.js'
import { UsersRepository } from './users.repository.js'
import { PLACEHOLDER_DISPLAY_NAME, PLACEHOLDER_USERNAME } from '../auth/account.repository.js'
import { type InboxMessage, isInbox } from '../notifications/inbox.js'

export type FriendshipStatus = 'NONE' | 'FRIENDS' | 'REQUEST_SENT' | 'REQUEST_RECEIVED' | 'BLOCKED'
export type PresenceStatus = 'ONLINE' | 'AWAY' | 'OFFLINE'

export class UsersService {
  readonly repo: UsersRepository
  constructor(private svc: Services) {
    this.repo = new UsersRepository(svc.database.db)
  }

  /** batched per operation: no N+1 for Message.sender, RoomMember.user, ... */
  load(ctx: Ctx, id: string): Promise<UserModel | null> {
    return ctx.loaders.of<string, UserModel>('user', (ids) => this.repo.byIds(ids)).load(id)
  }

  /**
   * The user an event or a row names, for a non-null field: when the account was deleted after
   * the event was published or the row read (deleteAccount), the "Deleted user" it now shows as,
   * with the id the event named, instead of a null where the schema allows none (an internal
   * error for whoever was listening).
   */
  async loadOrGone(ctx: Ctx, id: string): Promise<UserModel> {
    return (await this.load(ctx, id)) ?? {
      id, username: PLACEHOLDER_USERNAME, displayName: PLACEHOLDER_DISPLAY_NAME, firstName: null, lastName: null,
      createdAt: 0, updatedAt: 0, lastSeenAt: null, avatarId: null,
    }
  }

  async get(ctx: Ctx, id: string): Promise<UserModel> {
    const user = isId(id) ? await this.load(ctx, id) : null
    // a deleted account's placeholder is only ever a message's sender: no one to befriend or look up
    if (!user || user.username === PLACEHOLDER_USERNAME) throw notFound('No such user')
    return user
  }

  async search(search: string | null | undefined, first: number | null | undefined, after: string | null | undefined): Promise<Connection<UserModel>> {
    const limit = pageSize(first, 'first', 20)
    let term: string | null = null
    if (search !== null && search !== undefined) {
      term = cleanText(search, 'search', { min: 0, max: 100 }) || null
    }
    const afterKey = after === null || after === undefined ? null : decodeCursor(after, 'u', 'after')
    const rows = await this.repo.search(term, afterKey, limit + 1)
    const page = rows.slice(0, limit)
    return connection(page.map((r) => ({ cursor: encodeCursor('u', r.key), node: r.user })), rows.length > limit, afterKey !== null)
  }

  async updateProfile(viewer: Viewer, input: { displayName?: string | null; firstName?: string | null; lastName?: string | null }): Promise<UserModel> {
    const patch: { display_name?: string; first_name?: string | null; last_name?: string | null } = {}
    if (input.displayName !== undefined) {
      if (input.displayName === null) throw badInput('input.displayName', 'displayName cannot be empty')
      patch.display_name = cleanText(input.displayName, 'input.displayName', { min: 1, max: 64, label: true })
    }
    const first = cleanOptionalText(input.firstName, 'input.firstName', { min: 0, max: 64, label: true })
    if (first !== undefined) patch.first_name = first
    const last = cleanOptionalText(input.lastName, 'input.lastName', { min: 0, max: 64, label: true })
    if (last !== undefined) patch.last_name = last
    // each change is written into the inbox of every friend and room-mate: rare by design, so bounded
    await spend(this.svc.limits, `profile:${viewer.userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
    const user = await this.repo.update(viewer.userId, patch, Date.now())
    if (!user) throw notFound('No such user')
    await this.svc.publish(topics.userProfile(user.id), { user })
    await this.publishToAudience(user)
    return user
  }

  /** setAvatar: one of the viewer's own image uploads (its thumbnail is shown), or null to remove it */
  async setAvatar(viewer: Viewer, attachmentId: string | null): Promise<UserModel> {
    if (attachmentId !== null) await this.svc.attachments.avatarCandidate(viewer.userId, attachmentId)
    await spend(this.svc.limits, `profile:${viewer.userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
    await this.svc.attachments.repo.setAvatar(viewer.userId, attachmentId, Date.now())
    const user = await this.repo.byId(viewer.userId)
    if (!user) throw notFound('No such user')
    await this.svc.publish(topics.userProfile(user.id), { user })
    await this.publishToAudience(user)
    return user
  }

  /**
   * Without userId, userUpdated follows the viewer's own record, friends and room-mates: a
   * profile change is rare, so it is written once into the inbox of each of them, and each
   * subscriber listens on one topic whoever their friends are right now.
   */
  private async publishToAudience(user: UserModel) {
    const [friends, mates] = await Promise.all([this.svc.friends.friendIds(user.id), this.svc.rooms.roomMateIds(user.id)])
    const audience = new Set([user.id, ...friends, ...mates])
    const msg: InboxMessage = { type: 'profile', user }
    await Promise.all([...audience].map((id) => this.svc.publish(topics.userInbox(id), msg)))
  }

  /** userUpdated: with userId, that user (any signed-in viewer); without, the viewer's own record, friends and room-mates. */
  async userUpdatedFeed(ctx: Ctx, userId: string | null | undefined): Promise<Feed> {
    const byId = userId !== null && userId !== undefined
    if (byId) await this.get(ctx, userId)
    const topic = byId ? topics.userProfile(userId) : topics.userInbox(ctx.viewer!.userId)
    // each user's newest version only (updated_at orders them, users.repository.ts nextUpdatedAt):
    // changes published by two instances at once may arrive in either order
    const newest = new Map<string, number>()
    return topicFeed(this.svc.pubsub, async (sink, feed) => {
      const deliver = (user: UserModel) => {
        const seen = newest.get(user.id)
        if (seen !== undefined && user.updatedAt <= seen) return
        newest.set(user.id, user.updatedAt)
        sink.next(user)
      }
      await feed.listen(topic, (msg: unknown) => {
        if (byId) deliver((msg as { user: UserModel }).user)
        else if (isInbox(msg, 'profile')) deliver(msg.user)
      })
    })
  }

  // Presence, friendship and focus belong to their own modules (presence, friends, study).
  statusFor(ctx: Ctx, userId: string): Promise<PresenceStatus> { return this.svc.presence.statusFor(ctx, userId) }
  friendshipFor(ctx: Ctx, userId: string): Promise<FriendshipStatus> { return this.svc.friends.friendshipFor(ctx, userId) }
  /** the end of the running focus phase the user is present in (study module) */
  async focusUntilFor(ctx: Ctx, userId: string): Promise<number | null> {
    // being in a focus phase tells that the user is online: only those who may see that see it
    if (ctx.viewer?.userId !== userId && (await this.svc.presence.statusFor(ctx, userId)) === 'OFFLINE') return null
    return this.svc.timers.focusUntil(ctx, userId)
  }
}
