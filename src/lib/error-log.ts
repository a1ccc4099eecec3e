// Failures that must not stop anything (a subscriber's handler, an idle pg client, a socket hook)
// are still reported: one log line per kind per window, with how many of that kind were left
// out since the last line, so a burst (Redis away, a handler failing on every event) cannot
// flood the log and a single failure is never silent.
export interface ErrorLogger { error(obj: object, msg: string): void }

export type ReportError = (kind: string, err: unknown) => void

export function rateLimitedErrors(log: ErrorLogger, windowMs = 10_000, clock: () => number = Date.now): ReportError {
  const kinds = new Map<string, { at: number; suppressed: number }>()
  return (kind, err) => {
    const now = clock()
    const k = kinds.get(kind)
    if (k && now - k.at < windowMs) { k.suppressed++; return }
    const suppressed = k?.suppressed ?? 0
    kinds.set(kind, { at: now, suppressed: 0 })
    try {
      log.error({ err, kind, suppressed }, suppressed ? `${kind} (${suppressed} more since the last report)` : kind)
    } catch { /* a failing logger must not turn a reported error into a thrown one */ }
  }
}
