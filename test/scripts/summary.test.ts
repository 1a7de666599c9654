/**
 * scripts/summary.mjs, the last line of .ci/run: `N passed, N failed` from
 * vitest's JSON reports. A run that failed must never read as "0 failed".
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const dir = mkdtempSync(join(tmpdir(), "cclink-summary-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const script = new URL("../../scripts/summary.mjs", import.meta.url).pathname

const file = (status: string, tests: ReadonlyArray<string>) => ({
  status,
  assertionResults: tests.map((test) => ({ status: test }))
})

const summarize = (reports: ReadonlyArray<unknown>, env: Record<string, string> = {}) => {
  const paths = reports.map((report, i) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}-${i}.json`)
    if (report !== undefined) writeFileSync(path, JSON.stringify(report))
    return path
  })
  const run = spawnSync(process.execPath, [script, ...paths], { env: { ...process.env, ...env }, encoding: "utf8" })
  return { line: run.stdout.trim(), code: run.status }
}

const report = (passed: number, failed: number, success: boolean, files: ReadonlyArray<unknown>) => ({
  numPassedTests: passed,
  numFailedTests: failed,
  success,
  testResults: files
})

describe("the summary line", () => {
  it("adds the tests of every report and the checks .ci/run counts itself", () => {
    const ok = report(2, 0, true, [file("passed", ["passed", "passed"])])
    expect(summarize([ok, ok], { EXTRA_PASSED: "2" })).toEqual({ line: "6 passed, 0 failed", code: 0 })
    expect(summarize([ok], { EXTRA_FAILED: "1" })).toEqual({ line: "2 passed, 1 failed", code: 1 })
  })

  it("counts failed tests", () => {
    const failing = report(1, 1, false, [file("failed", ["failed", "passed"])])
    expect(summarize([failing])).toEqual({ line: "1 passed, 1 failed", code: 1 })
  })

  it("counts a file whose hook failed (its tests reported skipped or passed) as a failure", () => {
    const hook = report(1, 0, false, [file("failed", ["skipped", "skipped"]), file("passed", ["passed"])])
    expect(summarize([hook])).toEqual({ line: "1 passed, 1 failed", code: 1 })
    const empty = report(0, 0, false, [file("failed", [])])
    expect(summarize([empty]).line).toBe("0 passed, 1 failed")
  })

  it("counts an unhandled error, which belongs to no test, as a failure", () => {
    expect(summarize([report(3, 0, false, [file("passed", ["passed"])])])).toEqual({
      line: "3 passed, 1 failed",
      code: 1
    })
  })

  it("counts a missing report as a failure", () => {
    expect(summarize([undefined])).toEqual({ line: "0 passed, 1 failed", code: 1 })
  })
})
