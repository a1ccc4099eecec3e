import type { Compilable, CompiledQuery, Kysely } from 'kysely'
import type { SqliteSync } from './types.js'

/**
 * SQL texts that run on every request or every send (the compiledOnce statements and a few
 * more), with a statement name each: on PostgreSQL they run as named prepared statements
 * (src/db/index.ts), so each connection parses and plans them once instead of on every call.
 * Only fixed texts belong here (one prepared statement per text per connection).
 */
export const PREPARED = new Map<string, string>()

/** marks a fixed SQL text as worth preparing once per PostgreSQL connection */
export function prepareOnce(text: string) {
  if (!PREPARED.has(text)) PREPARED.set(text, `hearth_${PREPARED.size + 1}`)
}

/**
 * A query built and compiled once. kysely builds an operation tree and compiles it to SQL on
 * every call (some 10 KB of short-lived objects for a join, on every request and every socket
 * that signs in, and several times in every send); a hot statement keeps the SQL and only swaps
 * the parameters. `build` receives placeholders: each must be used as a parameter value as it is
 * (not inspected, not combined). The returned function runs on `db`, or on the executor given
 * with `.on(trx)` (a transaction).
 */
export function compiledOnce<A extends unknown[], R>(db: Kysely<any>, arity: number, build: (...args: A) => Compilable<R>) {
  let compiled: CompiledQuery<R> | null = null
  /** per parameter of the SQL: the argument it takes, or -1 for a constant of the query */
  let slots: number[] = []
  const prepare = (): CompiledQuery<R> => {
    if (compiled) return compiled
    const marks = Array.from({ length: arity }, (_, i) => `\u0000compiledOnce:${i}\u0000`)
    const c = build(...(marks as unknown as A)).compile()
    slots = c.parameters.map((p) => marks.indexOf(p as string))
    for (let i = 0; i < arity; i++) {
      if (!slots.includes(i)) throw new Error(`compiledOnce: argument ${i} is not a parameter of ${c.sql}`)
    }
    prepareOnce(c.sql)
    return (compiled = c)
  }
  const params = (args: A): unknown[] => {
    const base = prepare()
    return slots.map((s, i) => (s >= 0 ? args[s] : base.parameters[i]))
  }
  const on = (executor: Kysely<any>) => async (...args: A): Promise<R[]> => {
    const res = await executor.executeQuery<R>({ ...prepare(), parameters: params(args) })
    return res.rows
  }
  /** SQLite: runs at once on the connection (inside SqliteSync.exclusive), without kysely */
  const now = (sync: SqliteSync, ...args: A): R[] => sync.rows<R>(prepare().sql, params(args))
  return Object.assign(on(db), { on, now })
}
