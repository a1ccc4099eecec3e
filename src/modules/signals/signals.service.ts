// WebRTC signalling: relayed to exactly one peer, never stored. Each user has a narrow topic
// of their own, so a signal reaches the addressee on whatever instance their socket is on and
// nobody else's subscription ever sees it.
import type { Services } from '../../services.js'
import type { Ctx } from '../../graphql/context.js'
import type { SignalModel } from '../../graphql/models.js'
import { AppError, badInput } from '../../graphql/errors.js'
import { isId, isWellFormed } from '../../lib/text.js'
import { newId } from '../../lib/ids.js'
import { spend } from '../../lib/rate-limit.js'
import { topics } from '../../realtime/topics.js'
import type { Feed } from '../../realtime/ws/feed.js'
import { topicFeed } from '../../realtime/topic-feed.js'
import type { RoomControl } from '../rooms/rooms.service.js'

export const MAX_SIGNAL_BYTES = 65536
const KINDS = new Set(['OFFER', 'ANSWER', 'ICE_CANDIDATE', 'HANGUP'])

/** Built only from a validated user id. Kept apart from user.<id>.inbox, whose payloads are durable things. */
export const signalTopic = (userId: string) => `user.${userId}.signals`

export interface SendSignalInput { roomId: string; toUserId: string; kind: string; payload: string }

export class SignalsService {
  /** per sender on this instance: the signals in flight, so they go out in the order sent */
  private chains = new Map<string, Promise<unknown>>()

  constructor(private svc: Services) {}

  /**
   * A sender's signals reach the peer in the order they were sent, also when a client sends a
   * burst of ICE candidates over one socket without waiting for each answer (operations on a
   * socket run at once; on PostgreSQL their reads finished in any order: 45 of 90 out of order).
   */
  send(ctx: Ctx, input: SendSignalInput): Promise<SignalModel> {
    const u = ctx.viewer!.userId
    const run = () => this.sendNow(ctx, input)
    const next = (this.chains.get(u) ?? Promise.resolve()).then(run, run)
    const tail = next.catch(() => undefined)
    this.chains.set(u, tail)
    void tail.then(() => { if (this.chains.get(u) === tail) this.chains.delete(u) })
    return next
  }

  private async sendNow(ctx: Ctx, input: SendSignalInput): Promise<SignalModel> {
    const viewer = ctx.viewer!
    if (!KINDS.has(input.kind)) throw badInput('input.kind', 'kind must be OFFER, ANSWER, ICE_CANDIDATE or HANGUP')
    // stored trimmed, as every string is (whitespace around JSON text means nothing), and measured after it
    const payload = typeof input.payload === 'string' ? input.payload.trim() : input.payload
    if (typeof payload !== 'string' || Buffer.byteLength(payload, 'utf8') > MAX_SIGNAL_BYTES) {
      throw badInput('input.payload', `payload must be at most ${MAX_SIGNAL_BYTES} bytes`)
    }
    if (!isWellFormed(payload)) throw badInput('input.payload', 'payload contains invalid Unicode')
    try {
      JSON.parse(payload)
    } catch {
      throw badInput('input.payload', 'payload must be valid JSON text')
    }
    const { room } = await this.svc.rooms.writable(ctx, input.roomId)
    // across a block in a DIRECT room neither side reaches the other (HANGUP still may: it only ends)
    if (room.kind === 'DIRECT' && input.kind !== 'HANGUP') await this.svc.friends.assertMaySendDirect(room.id, viewer.userId)
    const to = input.toUserId
    if (to === viewer.userId) throw badInput('input.toUserId', 'A signal goes to another member')
    if (!isId(to) || !(await this.svc.rooms.repo.membership(room.id, to))) {
      throw new AppError('NOT_FOUND', 'No such member in this room', { field: 'input.toUserId' })
    }
    // OFFER / ANSWER / ICE_CANDIDATE open or steer a media connection. Someone in the room's call
    // (the shared lease list, the same on every instance) hears them only from another participant,
    // so a member outside the call can never make a caller's client stream to them; and a
    // participant steers only participants. Two members neither of whom is in the call signal
    // each other as the contract has it ("both users must be members of the room"): a one-to-one
    // call set up by the clients themselves, without joinCall. HANGUP only ever closes a
    // connection and may always reach a peer.
    if (input.kind !== 'HANGUP') {
      const inCall = new Set(await this.svc.calls.participantIds(room.id))
      const fromIn = inCall.has(viewer.userId)
      const toIn = inCall.has(to)
      if (toIn && !fromIn) throw new AppError('FORBIDDEN', 'Join the call before sending call signals', { field: 'input.roomId' })
      if (fromIn && !toIn) throw new AppError('FORBIDDEN', 'That member is not in the call', { field: 'input.toUserId' })
    }
    // HANGUP only ends a connection: never refused by the limit (it left calls hanging)
    if (input.kind !== 'HANGUP') await spend(this.svc.limits, `signal:${viewer.userId}`, this.svc.config.sendRateLimitPerUser, 60_000)
    const signal: SignalModel = {
      id: newId(), roomId: room.id, fromId: viewer.userId, toId: to, kind: input.kind as SignalModel['kind'], payload, createdAt: Date.now(),
    }
    // a peer who blocked the sender hears nothing, and the sender is not told why
    if (!(await this.svc.hidden(to, viewer.userId))) await this.svc.publish(signalTopic(to), signal)
    return signal
  }

  /** signalReceived: the viewer's own signals, optionally of one room */
  async feed(ctx: Ctx, roomId: string | null | undefined): Promise<Feed> {
    const viewerId = ctx.viewer!.userId
    const room = roomId === null || roomId === undefined ? null : (await this.svc.rooms.readable(ctx, roomId)).room
    return topicFeed(this.svc.pubsub, async (sink, feed) => {
      await feed.listen(signalTopic(viewerId), (s: SignalModel) => {
        if (!s || s.toId !== viewerId || (room && s.roomId !== room.id)) return
        sink.next(s)
      })
      if (room) {
        await feed.listen(topics.roomControl(room.id), (c: RoomControl) => {
          if (c?.type === 'deleted' || (c?.type === 'left' && c.userId === viewerId && room.kind !== 'PUBLIC')) sink.complete()
        })
        // a removal that answered before the listen was not heard (src/realtime/room-feed.ts):
        // the membership is read again now (a signal needs both people to be members when sent)
        if (room.kind !== 'PUBLIC' && !feed.stopped && !(await this.svc.rooms.stillMember(room.id, viewerId)) && !feed.stopped) sink.complete()
      }
    })
  }
}
