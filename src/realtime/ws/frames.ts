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
