// Prints one plain closing line, "N passed, N failed, N skipped", that any CI reader understands
// (vitest's own summary is decorated and split over several lines).
import type { Reporter, TestModule } from 'vitest/node'

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const m of modules) {
      let tests = 0
      for (const t of m.children.allTests()) {
        tests++
        const state = t.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      // a file that failed before running any test (an import error) counts as a failure
      if (tests === 0 && m.state() === 'failed') failed++
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }
}
