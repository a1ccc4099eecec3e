// The shape most room subscriptions share: one room topic, and the room's control topic so that
// deleting the room (or the viewer leaving it) ends the subscription at once.
import type { Feed, Sink } from './ws/feed.js'
import type { PubSub } from './pubsub.js'
import { topicFeed } from './topic-feed.js'
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
}

export function roomTopicFeed<T>(pubsub: PubSub, o: RoomTopicFeed<T>): Feed {
  return topicFeed(pubsub, async (sink, feed) => {
    await feed.listen(o.topic, (msg: T) => o.onMessage(msg, sink))
    await feed.listen(topics.roomControl(o.roomId), (c: { type?: string; userId?: string }) => {
      if (c?.type === 'deleted') sink.complete()
      else if (c?.type === 'left' && c.userId === o.viewerId && o.endOnLeave) {
        o.onLeave?.()
        sink.complete()
      }
    })
  }, () => o.onStop?.())
}
