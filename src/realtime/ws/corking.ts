// Batching one tick's frames per socket into one writev.
import { rawSocket, type ClientSocket, type RawSocket } from './client-socket.js'

/**
 * Called before each write to a socket. Its first frame of a tick leaves at once (a lone event is
 * not held behind the rest of the fan-out); later frames of the same tick are corked and leave
 * together in one writev at setImmediate: under load several events reach a room together
 * (group commit, Redis batching), and the syscall per frame is most of the cost of fan-out.
 */
export class Corking {
  /** sockets written to in this tick: their tick marks reset, the corked ones uncork, at setImmediate */
  private touched: ClientSocket[] = []
  private uncorkScheduled = false

  cork(conn: ClientSocket, raw: RawSocket) {
    if (conn.corked) return
    if (conn.tick === 0) {
      conn.tick = 1
      this.touched.push(conn)
    } else {
      raw.cork()
      conn.corked = true
    }
    if (!this.uncorkScheduled) {
      this.uncorkScheduled = true
      setImmediate(this.uncorkAll)
    }
  }

  private uncorkAll = () => {
    this.uncorkScheduled = false
    const list = this.touched
    this.touched = []
    for (const conn of list) {
      conn.tick = 0
      if (!conn.corked) continue
      conn.corked = false
      rawSocket(conn.ws)?.uncork()
    }
  }
}
