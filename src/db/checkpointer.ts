import fs from 'node:fs'
import os from 'node:os'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { stopWorker } from './wal-sync.js'

/**
 * SQLite checkpoints off the event loop.
 *
 * SQLite's own checkpoint runs inside the commit that takes the WAL past 1000 pages, on the
 * writing connection: it copies those pages into the database file and fsyncs the WAL and the
 * database, on the main thread (the rooms bench at 1000 sends/s: commits averaged ~2 ms, the
 * worst 80+ ms, every socket of the instance waiting). Here the main connection's automatic
 * checkpoint is only a backstop (BACKSTOP_PAGES) and a worker thread with a connection of its
 * own checkpoints instead:
 *
 * 1. every EVERY_WRITES write statements the worker runs a PASSIVE checkpoint (copies what is
 *    not in use, syncs the WAL before and the database after), while writes go on;
 * 2. beside a busy writer it never ends level with the WAL (new frames arrive while it copies),
 *    and SQLite restarts the WAL only after a checkpoint that copied every frame: it would grow
 *    without end (a second-connection checkpoint was once tried alone and dropped for this). So
 *    once the WAL holds RESTART_PAGES frames and few are left to copy, the writes that can wait
 *    (`gate()`: the send path's group commit) hold back while the worker copies the rest: that
 *    checkpoint completes, and the next write starts the WAL over from its beginning. Only those
 *    writes wait (one small checkpoint, a few ms); the event loop never does.
 * 3. a pass is unheld, so a writer can outrun a slow one (a busy disk): once the WAL holds
 *    HARD_PAGES frames while a pass still copies, those writes hold at once, until the pass and
 *    the hold after it have restarted the WAL.
 *
 * A checkpoint that fails or cannot finish leaves everything to the backstop: nothing is lost
 * either way, only where the work happens changes.
 */
export const BACKSTOP_PAGES = 20_000
/**
 * WAL frames from which the WAL is restarted (SQLite's own automatic checkpoint: 1000). Each
 * checkpoint copies a page once however often it changed since the last one, and syncs the WAL
 * and the database: fewer, larger checkpoints copy and sync less. The rooms bench (ws, NORMAL,
 * 1000 sends/s, ~10 WAL frames a send), the worker thread's CPU from /proc: a checkpoint every
 * 256 writes and a restart at 1000 frames 3.5-3.6% of a core; every 1024 and 4000, 1.8%; every
 * 2048 and 4000, 1.2% (~24 µs a send less); every 4096 and 8000, 1.0%. The WAL then peaks at
 * up to some 30 MB (7,400 frames seen in that run) instead of 4-5.
 */
const RESTART_PAGES = 4_000
/** frames still to copy for which a hold is worth it */
const HOLD_BELOW_PAGES = 500
const EVERY_WRITES = 2048
/**
 * The WAL's hard bound, in frames: past it the group commit holds at once, even while a pass is
 * still copying. A pass is unheld, and while it copies and syncs the writer goes on: with the disk
 * busy elsewhere (two `dd ... conv=fsync` loops beside tests/db/durability's fast writer) the WAL
 * peaked at 59-68 MB, and at 107.9 MB beside a traced process, where it restarts at ~16 MB. While
 * a pass runs, the main thread reads the WAL's frame count every LOOK_EVERY_WRITES writes from the
 * wal-index header in the -shm file (`mxFrame`, a 32-bit word at byte 16 in the machine's byte
 * order: https://www.sqlite.org/walformat.html): one 4-byte read. (`journal_size_limit`, which
 * would make the WAL file's size tell the same, cost ~5% of the CPU per delivery in the rooms
 * bench: the file truncated at every restart and extended again.)
 */
const HARD_PAGES = 3 * RESTART_PAGES
const LOOK_EVERY_WRITES = 64
const MX_FRAME_OFFSET = 16

export class Checkpointer {
  private worker: Worker | null = null
  private running = false
  private closed = false
  private hold: Promise<void> | null = null
  private calls = new Map<number, (r: CheckpointResult) => void>()
  private nextCall = 0
  private writes = 0
  private sinceLook = 0
  private release: (() => void) | null = null
  private readonly shmPath: string
  private shmFd: number | null = null
  private readonly word = Buffer.alloc(4)
  /** checkpoints run, completed (WAL restartable), holds taken (early: at the hard bound, during a pass): for tests and the bench */
  readonly stats = { checkpoints: 0, complete: 0, holds: 0, earlyHolds: 0, failures: 0 }

  constructor(dbPath: string) {
    this.shmPath = dbPath + '-shm'
    try {
      const req = createRequire(import.meta.url)
      const w = new Worker(CHECKPOINTER, { eval: true, workerData: { file: dbPath, driver: req.resolve('better-sqlite3') } })
      w.on('message', (m: { id: number } & CheckpointResult) => {
        const done = this.calls.get(m.id)
        this.calls.delete(m.id)
        if (this.calls.size === 0) w.unref()
        done?.(m)
      })
      const gone = () => {
        if (this.worker === w) this.worker = null
        for (const done of this.calls.values()) done({ error: 'checkpoint worker exited' })
        this.calls.clear()
      }
      w.on('error', gone)
      w.on('exit', gone)
      w.unref()
      this.worker = w
    } catch {
      this.worker = null
    }
  }

  /** A write statement is about to run on the main connection. */
  wrote(): void {
    if (this.running && !this.hold && ++this.sinceLook >= LOOK_EVERY_WRITES) {
      this.sinceLook = 0
      if (this.walFrames() > HARD_PAGES) {
        this.stats.earlyHolds++
        this.holdWrites()
      }
    }
    if (++this.writes < EVERY_WRITES || this.running || this.closed || !this.worker) return
    this.writes = 0
    void this.run()
  }

  /** For writes that may wait: resolves at once, or after the hold of a finishing checkpoint. */
  gate(): Promise<void> | null {
    return this.hold
  }

  /** frames in the WAL now (0 when the wal-index cannot be read) */
  private walFrames(): number {
    try {
      this.shmFd ??= fs.openSync(this.shmPath, 'r')
      if (fs.readSync(this.shmFd, this.word, 0, 4, MX_FRAME_OFFSET) !== 4) return 0
      return os.endianness() === 'LE' ? this.word.readUInt32LE(0) : this.word.readUInt32BE(0)
    } catch {
      return 0
    }
  }

  /** writes that can wait hold back until releaseWrites */
  private holdWrites() {
    this.hold = new Promise<void>((resolve) => { this.release = resolve })
  }

  private releaseWrites() {
    const release = this.release
    this.hold = null
    this.release = null
    release?.()
  }

  private call(): Promise<CheckpointResult> {
    const w = this.worker
    if (!w) return Promise.resolve({ error: 'no checkpoint worker' })
    const id = this.nextCall++
    return new Promise((resolve) => {
      this.calls.set(id, resolve)
      if (this.calls.size === 1) w.ref()
      w.postMessage(id)
    })
  }

  private async run() {
    this.running = true
    this.sinceLook = 0
    try {
      this.stats.checkpoints++
      const first = await this.call()
      if (first.error !== undefined) { this.stats.failures++; return }
      // held already: the WAL passed its hard bound while the pass copied
      const early = this.hold !== null
      // "complete" here says nothing: the writer may have added frames since the worker looked
      // a longer hold rather than a WAL that keeps growing beside a writer the worker cannot catch
      if (!early && (first.log! < RESTART_PAGES || (first.log! - first.checkpointed! > HOLD_BELOW_PAGES && first.log! < 4 * RESTART_PAGES))) return
      if (this.closed) return
      // the few frames left: writes that can wait hold back while the worker copies them
      if (!early) this.holdWrites()
      this.stats.holds++
      // let the write transaction in progress (if any) commit first
      await new Promise((resolve) => setImmediate(resolve))
      const last = await this.call()
      if (last.error !== undefined) this.stats.failures++
      else if (last.log === last.checkpointed) this.stats.complete++
    } finally {
      this.releaseWrites()
      this.running = false
    }
  }

  async close(): Promise<void> {
    this.closed = true
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 5))
    if (this.shmFd !== null) {
      try { fs.closeSync(this.shmFd) } catch { /* already gone */ }
      this.shmFd = null
    }
    const w = this.worker
    this.worker = null
    if (!w) return
    await stopWorker(w)
  }
}

interface CheckpointResult { error?: string; busy?: number; log?: number; checkpointed?: number }

// CommonJS, evaluated in the worker. Its own connection; a PASSIVE checkpoint never waits for
// the writer (it copies what it can) and syncs the WAL before and the database after copying.
const CHECKPOINTER = `
const { parentPort, workerData } = require('node:worker_threads')
const SQLite = require(workerData.driver)
let db = null
parentPort.on('message', (id) => {
  if (id === 'close') { try { db && db.close() } catch {} parentPort.close(); return }
  try {
    if (db === null) {
      db = new SQLite(workerData.file, { fileMustExist: true })
      db.pragma('busy_timeout = 0')
      db.pragma('synchronous = NORMAL')
    }
    const [r] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ id, busy: r.busy, log: r.log, checkpointed: r.checkpointed })
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) })
  }
})
`
