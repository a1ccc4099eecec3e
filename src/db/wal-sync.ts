import fs from 'node:fs'
import { Worker } from 'node:worker_threads'

/**
 * Power-loss durability for SQLite without blocking the event loop.
 *
 * With `synchronous = FULL` every commit is an fsync of the WAL inside better-sqlite3, on the
 * main thread: 1-3 ms of stall for every socket of the instance per commit, and far more when
 * the disk is busy (at 200 sends/s the p99 latency of the rooms bench was 185 ms, against 7 ms
 * without the fsync). Here the connection runs with `synchronous = NORMAL` (a commit writes the
 * WAL frames to the OS and returns, so a process crash loses nothing; SQLite still syncs around
 * its checkpoints) and this class supplies what FULL added: `durable()` resolves once every
 * commit made before the call is on disk, by one fdatasync of the WAL file in a worker thread of
 * its own (libuv's pool is shared with argon2: a burst of sign-ups would queue it behind 30 ms
 * hashes), shared by every caller that arrived while the previous one ran. Acknowledging a
 * mutation and publishing its events wait for it.
 *
 * The checkpoints stay SQLite's own (automatic, on the writing connection): one running on
 * another connection beside a busy writer never finished before the next frames arrived, so the
 * WAL never restarted and every read got slower as it grew.
 *
 * What this does not give: a query may read a commit whose sync is still running (under FULL a
 * commit is synced before anyone can read it), so a power loss within that millisecond can take
 * back something a reader saw. Acknowledgements, events and the room streams' replay heads wait.
 *
 * The WAL file keeps its inode while this process holds the database open (SQLite deletes it
 * only when the last connection closes), so syncing it by path is syncing the file SQLite writes.
 */
type Deferred = { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void }

function deferred(): Deferred {
  let resolve!: () => void
  let reject!: (e: unknown) => void
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}

export class WalSync {
  /** writes since the last fdatasync started */
  private dirty = false
  /** the running sync: everyone it covers shares this one promise, so they resolve in call order */
  private current: Promise<void> | null = null
  /** the sync that starts when the running one ends, for writes made while it runs */
  private queued: Deferred | null = null
  private closed = false
  private worker: Worker | null = null
  private calls = new Map<number, Deferred>()
  private nextCall = 0

  constructor(private readonly walPath: string, private readonly stats: { syncs: number; synced: number } = { syncs: 0, synced: 0 }) {
    try {
      const w = new Worker(SYNCER, { eval: true, workerData: { file: walPath } })
      w.on('message', (m: { id: number; error?: string }) => {
        const call = this.calls.get(m.id)
        this.calls.delete(m.id)
        if (this.calls.size === 0) w.unref()
        if (m.error === undefined) call?.resolve()
        else call?.reject(new Error(`fdatasync of the WAL failed: ${m.error}`))
      })
      w.on('error', () => this.workerGone(w))
      w.on('exit', () => this.workerGone(w))
      // after the listeners (adding a message listener refs the worker again): idle, it never holds the process
      w.unref()
      this.worker = w
    } catch {
      this.worker = null
    }
  }

  /** Without the worker, the thread pool does it; nobody waiting is left behind. */
  private workerGone(w: Worker) {
    if (this.worker === w) this.worker = null
    const pending = [...this.calls.values()]
    this.calls.clear()
    for (const call of pending) fdatasyncPath(this.walPath).then(call.resolve, call.reject)
  }

  private fdatasync(): Promise<void> {
    const w = this.worker
    if (!w) return fdatasyncPath(this.walPath)
    const call = deferred()
    const id = this.nextCall++
    this.calls.set(id, call)
    // held while a sync is owed, so a waiting acknowledgement is never dropped at exit
    if (this.calls.size === 1) w.ref()
    w.postMessage(id)
    return call.promise
  }

  /** A statement other than a plain select is about to run (better-sqlite3 runs it at once). */
  wrote(): void {
    this.dirty = true
  }

  /** Resolves once every write made before this call has reached the disk. */
  durable(): Promise<void> {
    if (!this.current) return this.dirty ? this.begin(deferred()) : Promise.resolve()
    // nothing written since the running sync started: it covers every earlier write
    if (!this.dirty) return this.current
    // a sync is running, but it may have started before these writes: wait for the next one
    if (!this.queued) this.queued = deferred()
    return this.queued.promise
  }

  private begin(d: Deferred): Promise<void> {
    this.dirty = false
    this.stats.syncs++
    this.current = d.promise
    // once closed (the worker gone), the thread pool syncs what is still written before the connection closes
    const run = this.closed ? fdatasyncPath(this.walPath) : this.fdatasync()
    run.then(() => { this.stats.synced++; this.finish(d, null) }, (e: unknown) => this.finish(d, e))
    return d.promise
  }

  private finish(d: Deferred, err: unknown) {
    if (err === null) d.resolve()
    else d.reject(err)
    this.current = null
    const q = this.queued
    this.queued = null
    if (q) this.begin(q)
  }

  /** Waits for the syncs still owed, then stops the worker; later writes are synced in the thread pool. */
  async close(): Promise<void> {
    this.closed = true
    while (this.current || this.queued) await (this.queued?.promise ?? this.current)?.catch(() => {})
    const w = this.worker
    this.worker = null
    if (!w) return
    await stopWorker(w)
  }
}

/** Asks a worker of ours to close (it ends on the 'close' message) and waits for it to exit; terminates it after 2 s. */
export async function stopWorker(w: Worker): Promise<void> {
  const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()))
  w.postMessage('close')
  const timeout = setTimeout(() => { void w.terminate() }, 2000)
  await exited
  clearTimeout(timeout)
}

function fdatasyncPath(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.open(file, 'r+', (err, fd) => {
      if (err) {
        // no WAL yet means nothing was ever committed through it
        if (err.code === 'ENOENT') resolve()
        else reject(err)
        return
      }
      fs.fdatasync(fd, (syncErr) => {
        fs.close(fd, () => (syncErr ? reject(syncErr) : resolve()))
      })
    })
  })
}

// CommonJS, evaluated in the worker (no loader needed under tsx, vitest or the compiled build).
// The fd stays open: the WAL keeps its inode while the database is open.
const SYNCER = `
const { parentPort, workerData } = require('node:worker_threads')
const fs = require('node:fs')
let fd = null
parentPort.on('message', (id) => {
  if (id === 'close') { if (fd !== null) fs.closeSync(fd); parentPort.close(); return }
  try {
    if (fd === null) {
      try { fd = fs.openSync(workerData.file, 'r+') } catch (e) {
        // no WAL yet means nothing was ever committed through it
        if (e.code === 'ENOENT') { parentPort.postMessage({ id }); return }
        throw e
      }
    }
    fs.fdatasyncSync(fd)
    parentPort.postMessage({ id })
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) })
  }
})
`
