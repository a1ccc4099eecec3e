// The shape most room subscriptions share: one room topic, and the room's control topic so that
// deleting the room (or the viewer leaving it) ends the subscription at once.
import type { Feed, Sink } from './ws/feed.js'
import type { PubSub } from './pubsub.js'
import { HoldUntilChecked, inOrder, topicFeed } from './topic-feed.js'
import { topics } from './topics.js'

export interface RoomTopicFeed<T> {
  roomId: string
  topic: string
  viewerId: string
  /** whether leaving the room ends the feed (false where non-members may watch, e.g. PUBLIC rooms) */
  endOnLeave: boolean
  onMessage(msg: T, sink: Sink): void | Promise<void>
  /** the viewer left the room (before the feed completes) */
  onLeave?(): void
  onStop?(): void
  /**
   * Read once the feed listens: whether the viewer still may see the room (a member still). A
   * removal that answered between the caller's check and the listen published its `left` before
   * anyone here heard it; without this the feed went on (seen on PostgreSQL: a removed member's
   * typing, timer and call feeds of a PRIVATE room stayed open). Until it answers, nothing is delivered.
   */
  stillAllowed?(): Promise<boolean>
}

export function roomTopicFeed<T>(pubsub: PubSub, o: RoomTopicFeed<T>): Feed {
  return topicFeed(pubsub, async (sink, feed) => {
    const hold = new HoldUntilChecked()
    if (!o.stillAllowed) hold.open()
    const handle = inOrder((msg: T) => o.onMessage(msg, sink))
    await feed.listen(o.topic, (msg: T) => hold.run(() => handle(msg)))
    await feed.listen(topics.roomControl(o.roomId), (c: { type?: string; userId?: string }) => {
      if (c?.type === 'deleted') sink.complete()
      else if (c?.type === 'left' && c.userId === o.viewerId && o.endOnLeave) {
        o.onLeave?.()
        sink.complete()
      }
    })
    if (!o.stillAllowed || feed.stopped) return
    const allowed = await o.stillAllowed()
    if (feed.stopped) return
    if (allowed) { hold.open(); return }
    hold.drop()
    o.onLeave?.()
    sink.complete()
  }, () => o.onStop?.())
}
