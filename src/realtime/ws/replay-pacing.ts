// Replayed history written at the reader's pace: one replay at a time per socket, each chunk
// once the socket's buffer is low again.
import type { ClientSocket } from './client-socket.js'

/** about the largest frame a replay writes: a 4000-code-point body, JSON-escaped, with its fields */
const LARGEST_FRAME_BYTES = 32 * 1024

/**
 * Replays on one socket take turns, first come first served, and each waits until the socket's
 * buffer is low and no frame of the socket is still rendering (those are not in the buffer
 * yet). Without turns, several subscriptions resuming together each put a page into the same
 * buffer and a client reading at full speed was cut off with 1013. The turn passes on at the
 * next macrotask, once the caller has written its chunk (it writes before any other await).
 * Resolves to how many frames the chunk may hold.
 */
export function drained(conn: ClientSocket, maxBufferedBytes: number): Promise<number> {
  const max = maxBufferedBytes
  const low = max / 4
  // a chunk of the largest frames (4000 code points, escaped) fills at most half the headroom
  const frames = Math.max(1, Math.min(50, Math.floor((max - low) / 2 / LARGEST_FRAME_BYTES)))
  const prev = conn.replayTurn
  let pass!: () => void
  conn.replayTurn = new Promise<void>((resolve) => { pass = resolve })
  const ready = () => conn.closed || (conn.ws.bufferedAmount <= low && !rendering(conn))
  return (async () => {
    await prev
    try {
      while (!ready()) await new Promise((r) => setTimeout(r, 5))
    } finally {
      setImmediate(pass)
    }
    return frames
  })()
}

/** a frame of this socket waits for its rendering (it is not in the socket's buffer yet) */
function rendering(conn: ClientSocket): boolean {
  for (const sub of conn.subs.values()) if (sub.queue?.length) return true
  return false
}
