// Another process holding a SQLite file's write lock, as a backup tool or a second instance may.
import { spawn, type ChildProcess } from 'node:child_process'

/** Another process holding SQLite's write lock (BEGIN IMMEDIATE) for `ms`; resolves once it holds it. */
export function holdLock(file: string, ms: number): Promise<{ child: ChildProcess; released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3')
    const db = new Database(process.argv[1])
    db.exec('BEGIN IMMEDIATE')
    db.prepare("INSERT INTO users (id) SELECT 'never' WHERE 0").run()
    process.stdout.write('locked\\n')
    setTimeout(() => { db.exec('ROLLBACK'); db.close(); process.stdout.write('released\\n'); process.exit(0) }, Number(process.argv[2]))
  `
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const released = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => { out += String(d); if (out.includes('locked')) resolve({ child, released }) })
    child.on('exit', (code) => { if (!out.includes('locked')) reject(new Error(`lock holder exited ${code}`)) })
  })
}
