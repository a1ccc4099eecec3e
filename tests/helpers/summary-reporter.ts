// Prints one plain closing line, "N passed, N failed, N skipped (backend)", that any CI reader
// understands (vitest's own summary is decorated and split over several lines). Without
// TEST_PG_URL it adds one line saying how many PostgreSQL cases were skipped and how to run them
// (a PostgreSQL case has "PostgreSQL" in its name or in a suite's: tests/helpers/databases.ts).
// It also says when the browser tests were left out for want of Chromium (vitest.config.ts).
// In CI (CI=true) every service is there, so a skipped test fails the run.
import type { Reporter, TestCase, TestModule } from 'vitest/node'

function fullName(t: TestCase): string {
  const names = [t.name]
  for (let p = t.parent; p.type === 'suite'; p = p.parent) names.push(p.name)
  return names.join(' ')
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    let skippedPg = 0
    for (const m of modules) {
      let tests = 0
      for (const t of m.children.allTests()) {
        tests++
        const state = t.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else {
          skipped++
          if (/postgres/i.test(fullName(t))) skippedPg++
        }
      }
      // a file that failed before running any test (an import error) counts as a failure
      if (tests === 0 && m.state() === 'failed') failed++
    }
    const backend = process.env.TEST_DATABASE === 'postgres' ? 'PostgreSQL' : 'SQLite'
    const out = [`\n${passed} passed, ${failed} failed, ${skipped} skipped (database: ${backend})\n`]
    if (skippedPg > 0 && !process.env.TEST_PG_URL) {
      out.push(`${skippedPg} PostgreSQL tests skipped (TEST_PG_URL is not set): run them with TEST_PG_URL=postgres://postgres@127.0.0.1:5432/test npm test, and every database suite on PostgreSQL with npm run test:postgres (README, Test)\n`)
    }
    if (process.env.HEARTH_NO_CHROMIUM) out.push(process.env.HEARTH_NO_CHROMIUM + '\n')
    if (process.env.CI && skipped > 0) {
      out.push(`CI: ${skipped} tests were skipped; in CI every service is required and nothing may be skipped\n`)
      process.exitCode = 1
    }
    process.stdout.write(out.join(''))
  }
}
