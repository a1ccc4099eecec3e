// WebSocket frame encoding for the fan-out hot path.

/**
 * One unmasked, uncompressed WebSocket text frame holding the subscriber's prefix, the shared
 * payload and "}": header and body in one buffer for one write, the payload copied, never
 * re-serialised. ws sends server frames the same way (perMessageDeflate is off), so these
 * writes keep their order with everything ws writes on the same socket.
 */
export function nextFrame(prefix: Buffer, payload: Buffer): Buffer {
  const len = prefix.length + payload.length + 1
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10
  const frame = Buffer.allocUnsafe(head + len)
  frame[0] = 0x81 // FIN + text
  if (head === 2) frame[1] = len
  else if (head === 4) { frame[1] = 126; frame.writeUInt16BE(len, 2) }
  else { frame[1] = 127; frame.writeUInt32BE(0, 2); frame.writeUInt32BE(len, 6) }
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
  for (const len of lens) total += (len < 126 ? 2 : len < 65536 ? 4 : 10) + len
  const out = Buffer.allocUnsafe(total)
  let at = 0
  texts.forEach((t, i) => {
    const len = lens[i]
    out[at] = 0x81 // FIN + text
    if (len < 126) { out[at + 1] = len; at += 2 }
    else if (len < 65536) { out[at + 1] = 126; out.writeUInt16BE(len, at + 2); at += 4 }
    else { out[at + 1] = 127; out.writeUInt32BE(0, at + 2); out.writeUInt32BE(len, at + 6); at += 10 }
    at += out.write(t, at, 'utf8')
  })
  return out
}
