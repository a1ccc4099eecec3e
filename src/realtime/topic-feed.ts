// The start/stop bookkeeping of a Feed that listens on pub/sub topics, written once: every
// topic listened to while starting is let go on stop, and one whose subscription completes
// after the stop is let go at once (the gateway may stop a feed while it is still starting).
import type { PubSub } from './pubsub.js'
import type { Feed, Sink } from './ws/feed.js'

export interface FeedScope {
  /** true once the feed was stopped (completed, failed, or its socket closed) */
  readonly stopped: boolean
  /**
   * Listens on a topic until the feed stops. Resolves false, listening to nothing, when the
   * feed stopped while the subscription was being made.
   */
  listen<T>(topic: string, onMessage: (msg: T) => void): Promise<boolean>
}

/**
 * A Feed whose `start` listens through the scope it is given; `onStop` releases whatever else
 * it holds (after its topics are let go).
 */
export function topicFeed(pubsub: PubSub, start: (sink: Sink, feed: FeedScope) => void | Promise<void>, onStop?: () => void): Feed {
  let offs: (() => void)[] = []
  const scope = {
    stopped: false,
    async listen<T>(topic: string, onMessage: (msg: T) => void): Promise<boolean> {
      const off = await pubsub.subscribe(topic, onMessage)
      if (scope.stopped) { off(); return false }
      offs.push(off)
      return true
    },
  }
  return {
    start: (sink) => start(sink, scope),
    stop: () => {
      scope.stopped = true
      for (const off of offs) off()
      offs = []
      onStop?.()
    },
  }
}

/**
 * What a room feed delivers between listening and its second access check is held: the check
 * before listening can be overtaken by a removal whose `left` was published before the listen
 * (the feed never hears it). After listening, the feed reads the membership again; `open` then
 * delivers what was held, in order, and `drop` discards it (the feed completes instead).
 */
export class HoldUntilChecked {
  private state: 'holding' | 'open' | 'dropped' = 'holding'
  private held: (() => unknown)[] = []

  /** delivers now (its result goes back to the pub/sub, which reports a failure) or holds it */
  run(deliver: () => unknown): unknown {
    if (this.state === 'open') return deliver()
    if (this.state === 'holding') this.held.push(deliver)
    return undefined
  }

  /** delivers what was held; a held delivery's failure goes to `report` */
  open(report: (e: unknown) => void = () => {}) {
    if (this.state !== 'holding') return
    this.state = 'open'
    for (const deliver of this.held.splice(0)) {
      try {
        const r = deliver()
        if (r instanceof Promise) r.catch(report)
      } catch (e) { report(e) }
    }
  }

  drop() {
    this.state = 'dropped'
    this.held = []
  }
}

/**
 * Runs a feed's handler for each message in arrival order, also when a run awaits (a database
 * read): on PostgreSQL two reads on two pool connections finish in either order, and a typing
 * feed delivered "stopped" before "typing" (the indicator then stayed on until its timeout).
 * A run that needs no wait goes at once, as before.
 */
export function inOrder<A extends unknown[]>(handle: (...args: A) => unknown): (...args: A) => unknown {
  let tail: Promise<unknown> | null = null
  const settle = (p: Promise<unknown>) => { p.then(() => { if (tail === p) tail = null }, () => { if (tail === p) tail = null }) }
  return (...args: A) => {
    const run = () => handle(...args)
    if (tail) {
      const p: Promise<unknown> = tail.then(run, run)
      tail = p
      settle(p)
      return p
    }
    const r = run()
    if (r instanceof Promise) { tail = r; settle(r) }
    return r
  }
}
