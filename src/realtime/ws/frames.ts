// WebSocket frame encoding for the fan-out hot path.

/**
 * One unmasked, uncompressed WebSocket text frame holding the subscriber's prefix, the shared
 * payload and "}": header and body in one buffer for one write, the payload copied, never
 * re-serialised. ws sends server frames the same way (perMessageDeflate is off), so these
 * writes keep their order with everything ws writes on the same socket.
 */
export function nextFrame(prefix: Buffer, payload: Buffer): Buffer {
  const len = prefix.length + payload.length + 1
  const frame = Buffer.allocUnsafe(headerSize(len) + len)
  const head = writeHeader(frame, 0, len)
  prefix.copy(frame, head)
  payload.copy(frame, head + prefix.length)
  frame[frame.length - 1] = 0x7d // }
  return frame
}

/**
 * Unmasked text frames, one per text, back to back in one buffer: several messages in one write
 * (a query's or mutation's `next` and `complete`), where ws.send would make a write of each.
 */
export function textFrames(texts: readonly string[]): Buffer {
  const lens = texts.map((t) => Buffer.byteLength(t))
  let total = 0
  for (const len of lens) total += headerSize(len) + len
  const out = Buffer.allocUnsafe(total)
  let at = 0
  texts.forEach((t, i) => {
    at = writeHeader(out, at, lens[i])
    at += out.write(t, at, 'utf8')
  })
  return out
}

/** bytes of an unmasked frame header for a payload of `len` bytes */
function headerSize(len: number): number {
  return len < 126 ? 2 : len < 65536 ? 4 : 10
}

/** writes a FIN text frame's header for `len` payload bytes at `at`; returns where the payload starts */
function writeHeader(buf: Buffer, at: number, len: number): number {
  buf[at] = 0x81 // FIN + text
  if (len < 126) { buf[at + 1] = len; return at + 2 }
  if (len < 65536) { buf[at + 1] = 126; buf.writeUInt16BE(len, at + 2); return at + 4 }
  buf[at + 1] = 127; buf.writeUInt32BE(0, at + 2); buf.writeUInt32BE(len, at + 6)
  return at + 10
}
