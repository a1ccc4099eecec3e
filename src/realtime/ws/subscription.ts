// One subscription (or one query/mutation in flight) of a socket, and the frames it still owes.
import type { Ctx } from '../../graphql/context.js'
import type { PreparedDocument } from '../../graphql/validation.js'
import type { ClientSocket } from './client-socket.js'
import type { Feed } from './feed.js'
import { nextPrefix } from './protocol.js'

/** One execution result shared by every subscriber with the same share key, for one event. */
export interface Rendered { bytes: Buffer | null; waiters: Subscription[] | null }
/** a frame that must keep its place behind pending results (complete) */
export interface RawFrame { raw: string }
export type QueueItem = Rendered | RawFrame

export class Subscription {
  closed = false
  /** the feed completed it: results it delivered before completing still go out, then the complete frame */
  completedByFeed = false
  /** its feed has started: events from now on reach it */
  live = false
  feed: Feed | null = null
  /** frames waiting for an earlier result to finish rendering: order is per subscription */
  queue: QueueItem[] = []
  /** `{"id":"<id>","type":"next","payload":` — the bytes around the shared payload */
  readonly prefix: Buffer
  constructor(
    readonly conn: ClientSocket,
    readonly id: string,
    readonly prepared: PreparedDocument,
    readonly operationName: string | undefined,
    readonly variables: Record<string, unknown> | undefined,
    readonly shareKey: string,
    readonly ctx: Ctx,
  ) {
    this.prefix = Buffer.from(nextPrefix(id))
  }
}
