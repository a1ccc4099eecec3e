// Room moderation (contract part 2): roles, removal and bans, a new join code, and the
// roomChanged feed that carries every change of a room to the people watching it. Who may act on
// whom is decided by `mayAct` (./permissions.ts) and nowhere else.
import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { MemberRole, RoomChangeKind, RoomChangeModel, RoomMemberModel, RoomModel, UserModel } from '../../graphql/models.js'
import { AppError, badInput, forbidden, notFound } from '../../graphql/errors.js'
import { isId } from '../../lib/text.js'
import { newJoinCode } from '../../lib/ids.js'
import { MAX_BANS_LISTED } from '../../lib/limits.js'
import { topics } from '../../realtime/topics.js'
import { HoldUntilChecked, inOrder, topicFeed } from '../../realtime/topic-feed.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { type RoomAction, mayAct } from './permissions.js'
import { RoomDeletedError } from './rooms.repository.js'
import type { RoomControl, RoomsService } from './rooms.service.js'

const ROLES: readonly MemberRole[] = ['OWNER', 'MODERATOR', 'MEMBER']

/** the kinds published as { type: 'change' } (MEMBER_REMOVED rides on 'left', DELETED on 'deleted') */
export type ChangeKind = Exclude<RoomChangeKind, 'MEMBER_REMOVED' | 'DELETED'>

/** one RoomChange object per control message on this instance: every subscriber shares its rendering */
const changes = new WeakMap<object, RoomChangeModel>()

/** The RoomChange a control message stands for, or null when it is none (joins, plain leaves). */
export function changeOf(roomId: string, c: RoomControl): RoomChangeModel | null {
  if (!c || typeof c !== 'object') return null
  let ch = changes.get(c)
  if (ch) return ch
  const by = 'by' in c && typeof c.by === 'string' ? c.by : null
  const at = typeof c.at === 'number' ? c.at : Date.now()
  if (c.type === 'deleted') ch = { roomId, kind: 'DELETED', userId: null, byId: by, at }
  else if (c.type === 'left' && c.removed) ch = { roomId, kind: 'MEMBER_REMOVED', userId: c.userId, byId: by, at, banned: c.banned === true }
  else if (c.type === 'change') ch = { roomId, kind: c.kind, userId: c.userId ?? null, byId: by, at }
  else return null
  changes.set(c, ch)
  return ch
}

export class ModerationService {
  constructor(private svc: Services, private rooms: RoomsService) {}

  /** publishes a room change (UPDATED, ROLE_CHANGED, PINS_CHANGED, CODE_CHANGED) on the room's control topic */
  publishChange(roomId: string, kind: ChangeKind, byId: string | null, userId?: string): Promise<void> {
    return this.svc.publish(topics.roomControl(roomId), { type: 'change', kind, userId, by: byId ?? undefined, at: Date.now() } satisfies RoomControl)
  }

  /**
   * The room and the viewer's role when the viewer may do `action` there: a room the viewer
   * may not see is NOT_FOUND, one they are not in is FORBIDDEN, a DIRECT room BAD_USER_INPUT,
   * a role that may not do it FORBIDDEN.
   */
  private async acting(ctx: Ctx, roomId: unknown, action: RoomAction): Promise<{ room: RoomModel; role: MemberRole }> {
    // the role of a target is checked again inside the write's transaction (see the repository)
    const { room, membership } = await this.rooms.writable(ctx, roomId)
    if (room.kind === 'DIRECT') throw badInput('roomId', 'A direct room has no roles, bans or join code')
    if (!mayAct(membership.role, action, action === 'remove' || action === 'setRole' ? null : undefined)) {
      throw forbidden(action === 'setRole' ? 'Only the owner can change roles' : 'Only the owner or a moderator can do this')
    }
    return { room, role: membership.role }
  }

  private async target(userId: unknown): Promise<UserModel> {
    const user = isId(userId) ? (await this.svc.users.repo.byIds([userId])).get(userId) : undefined
    if (!user) throw new AppError('NOT_FOUND', 'No such user', { field: 'userId' })
    return user
  }

  async setMemberRole(ctx: Ctx, roomId: string, userId: string, role: MemberRole): Promise<RoomMemberModel> {
    const me = ctx.viewer!.userId
    const { room } = await this.acting(ctx, roomId, 'setRole')
    if (!ROLES.includes(role)) throw badInput('role', 'role must be OWNER, MODERATOR or MEMBER')
    if (!isId(userId)) throw new AppError('NOT_FOUND', 'No such member', { field: 'userId' })
    if (userId === me) throw forbidden('You cannot change your own role; hand the room over instead')
    const changed = await this.svc.rooms.repo.setRole(room.id, me, userId, role, (actorRole, targetRole) => {
      if (!targetRole) throw new AppError('NOT_FOUND', 'No such member', { field: 'userId' })
      if (!mayAct(actorRole, 'setRole', targetRole)) throw forbidden('Only the owner can change roles')
    }).catch((e: unknown) => {
      if (e instanceof RoomDeletedError) throw notFound('No such room')
      throw e
    })
    ctx.loaders.forget('membership', room.id)
    for (const c of changed) await this.publishChange(room.id, 'ROLE_CHANGED', me, c.userId)
    const m = await this.svc.rooms.repo.member(room.id, userId)
    if (!m) throw new AppError('NOT_FOUND', 'No such member', { field: 'userId' })
    return m
  }

  async removeMember(ctx: Ctx, roomId: string, userId: string, ban: boolean): Promise<boolean> {
    const me = ctx.viewer!.userId
    const { room } = await this.acting(ctx, roomId, 'remove')
    if (typeof ban !== 'boolean') ban = false
    await this.target(userId)
    if (userId === me) throw forbidden('Leave the room instead')
    const done = await this.svc.rooms.repo.removeByModerator(room.id, userId, me, ban, Date.now(), (actorRole, targetRole) => {
      // a user who is not a member can only be banned
      if (!targetRole && !ban) throw new AppError('NOT_FOUND', 'No such member', { field: 'userId' })
      if (!mayAct(actorRole, 'remove', targetRole)) throw forbidden('You can only remove members below your own role')
    }).catch((e: unknown) => {
      if (e instanceof RoomDeletedError) throw notFound('No such room')
      throw e
    })
    ctx.loaders.forget('membership', room.id)
    ctx.loaders.forget('memberCount', room.id)
    // 'left' ends the member's subscriptions to the room on every instance, exactly as leaveRoom
    // does; `removed` makes it a MEMBER_REMOVED on roomChanged (delivered to them before it ends)
    if (done.removed) {
      await this.svc.publish(topics.roomControl(room.id), { type: 'left', userId, at: Date.now(), by: me, removed: true, banned: ban } satisfies RoomControl)
      await this.svc.rooms.announceList([userId], 'LEFT', room.id)
      // minutes of a FOCUS phase so far stay theirs, as on leaveRoom
      await this.svc.timers.creditLeaver(room.id, userId).catch((err) => this.svc.log.error({ err }, 'crediting a removed member failed'))
      await this.svc.calls.remove(room.id, userId).catch((err) => this.svc.log.error({ err }, 'removing from the call failed'))
    }
    return true
  }

  async unbanMember(ctx: Ctx, roomId: string, userId: string): Promise<boolean> {
    const { room } = await this.acting(ctx, roomId, 'unban')
    await this.target(userId)
    await this.svc.rooms.repo.unban(room.id, userId)
    return true
  }

  async bannedUsers(ctx: Ctx, room: RoomModel): Promise<UserModel[]> {
    const membership = await this.rooms.membership(ctx, room.id)
    if (!mayAct(membership?.role ?? null, 'viewBans')) throw forbidden('Only the owner or a moderator can see bans')
    const ids = await this.svc.rooms.repo.bannedIds(room.id, MAX_BANS_LISTED)
    const users = await this.svc.users.repo.byIds(ids)
    return ids.map((id) => users.get(id)).filter((u): u is UserModel => !!u)
  }

  async regenerateCode(ctx: Ctx, roomId: string): Promise<RoomModel> {
    const { room } = await this.acting(ctx, roomId, 'regenerateCode')
    for (let attempt = 0; ; attempt++) {
      try {
        const updated = await this.svc.rooms.repo.setCode(room.id, newJoinCode(), Date.now())
        if (!updated) throw notFound('No such room')
        ctx.loaders.forget('room', room.id)
        await this.publishChange(room.id, 'CODE_CHANGED', ctx.viewer!.userId)
        return updated
      } catch (e) {
        // a join-code collision (about 1 in 10^14): draw another
        if (attempt >= 3 || e instanceof AppError) throw e
      }
    }
  }

  /**
   * roomChanged: members only (PUBLIC rooms: anyone signed in). CODE_CHANGED reaches the OWNER
   * and MODERATORs only (their role as it is when the change arrives). A member removed gets their
   * MEMBER_REMOVED, then the subscription ends; leaving ends it too (in a PUBLIC room as well: a
   * subscription started by someone who reads it without belonging to it goes on).
   */
  async feed(ctx: Ctx, roomId: string): Promise<Feed> {
    const { room, membership } = await this.rooms.readable(ctx, roomId)
    const me = ctx.viewer!.userId
    const endOnLeave = room.kind !== 'PUBLIC' || membership !== null
    return topicFeed(this.svc.pubsub, async (sink, feed) => {
      // in arrival order: a CODE_CHANGED waits for the viewer's role, and the UPDATED after it
      // waits for it (it went out first on the other instance)
      const deliver = inOrder((c: RoomControl): Promise<void> | void => {
        const ch = changeOf(room.id, c)
        if (ch?.kind === 'CODE_CHANGED') {
          return this.svc.rooms.repo.membership(room.id, me).then((m) => {
            if (!feed.stopped && mayAct(m?.role ?? null, 'regenerateCode')) sink.next(ch)
          }, (e) => this.svc.log.error({ err: e }, 'roomChanged: reading a role failed'))
        }
        // (a deletion noticed by the outage re-check, realtime/recheck.ts, is a DELETED too)
        if (ch) sink.next(ch)
      })
      // members-only rooms: what arrives is held until the membership is read again once
      // listening (src/realtime/room-feed.ts says why)
      const hold = new HoldUntilChecked()
      if (!endOnLeave) hold.open()
      await feed.listen(topics.roomControl(room.id), (c: RoomControl) => {
        const ends = c?.type === 'deleted' || (c?.type === 'left' && c.userId === me && endOnLeave)
        if (!ends) { hold.run(() => deliver(c)); return }
        // the end of the feed is never held: what came before it, the viewer's own removal (or the
        // deletion), then complete
        hold.drop()
        const last = deliver(c)
        if (last instanceof Promise) void last.then(() => sink.complete(), () => sink.complete())
        else sink.complete()
      })
      if (!endOnLeave || feed.stopped) return
      const still = await this.svc.rooms.stillMember(room.id, me)
      if (feed.stopped) return
      if (still) hold.open()
      else { hold.drop(); sink.complete() }
    })
  }
}
