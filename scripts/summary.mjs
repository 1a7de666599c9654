// Reads vitest JSON reports and prints one line: `N passed, N failed`.
// A missing or unreadable report counts as one failure, so a crash never
// looks like success. Exits non-zero when anything failed.
import { readFileSync } from "node:fs"

// Checks that are not vitest tests (the demo, the quick benchmark), counted by .ci/run.
let passed = Number(process.env.EXTRA_PASSED ?? 0)
let failed = Number(process.env.EXTRA_FAILED ?? 0)
for (const path of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(path, "utf8"))
    passed += report.numPassedTests
    // A file that failed without a failed test (it did not load, a beforeAll or afterAll hook threw: vitest
    // then reports its tests as skipped or passed) is a failure all the same.
    const failedFiles = report.testResults.filter(
      (r) => r.status === "failed" && !r.assertionResults.some((a) => a.status === "failed")
    ).length
    const counted = report.numFailedTests + failedFiles
    // An unhandled error fails the run without belonging to any test or file.
    failed += counted > 0 || report.success !== false ? counted : 1
  } catch {
    console.error(`no readable test report at ${path}`)
    failed += 1
  }
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
