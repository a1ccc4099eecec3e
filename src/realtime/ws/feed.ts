// What a subscription field's resolver returns to the gateway: a Feed it starts and stops, and
// the Sink the feed writes events into.

/** What a subscription field's `subscribe` returns: started by the gateway, stopped on complete/close. */
export interface Feed {
  start(sink: Sink): void | Promise<void>
  stop(): void
}
export interface Sink {
  /** the value of the subscription field for one event; every subscriber given the same object shares one execution */
  next(payload: object): void
  /** ends the subscription with an error frame (e.g. the viewer lost access) */
  error(err: unknown): void
  /** ends the subscription with a complete frame */
  complete(): void
  /**
   * Resolves when this subscription may write its next chunk of replayed history: the socket has
   * room again and no other replay on the same socket is writing. It resolves to how many frames
   * the chunk may hold; the caller writes them before its next await. Replays wait on it instead
   * of flooding the reader.
   */
  drained(): Promise<number>
}
