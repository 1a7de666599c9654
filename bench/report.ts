/**
 * The benchmark's report: the figures, the machine they came from and the
 * bounds checked; printed as Markdown tables (readable in a terminal, pasted
 * as is into docs/benchmarks.md) and written as JSON.
 */
import { renameSync, writeFileSync } from "node:fs"
import { arch, cpus, loadavg, release, totalmem, type } from "node:os"
import type { Argon2Result } from "./argon2.js"
import { BOUND_NETWORK, type BoundCheck } from "./bounds.js"
import { type CarryResult, renderCarry } from "./carry.js"
import type { DhtResult } from "./dht.js"
import type { HandoffResult } from "./handoff.js"
import { mb, ms, p50p95, table, x } from "./markdown.js"
import type { MemoryResult } from "./memory.js"
import type { StartupResult } from "./startup.js"
import type { Summary } from "./stats.js"
import type { WideAreaResult } from "./wideArea.js"
import { renderWideArea } from "./wideAreaReport.js"

export interface Measurements {
  readonly startup: ReadonlyArray<StartupResult>
  readonly argon2: Argon2Result
  readonly dht: ReadonlyArray<DhtResult>
  readonly handoff: { readonly nodes: number; readonly results: ReadonlyArray<HandoffResult> }
  readonly memory: { readonly nodes: number } & MemoryResult
  readonly wideArea: WideAreaResult
  /** Carried handoffs (bench/carry.ts); absent from reports written before carrying existed. */
  readonly carry?: CarryResult
}

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGB: number
  readonly os: string
  readonly node: string
  /** One-minute load average when the run began: above the core count, other work shared the machine. */
  readonly load: number
}

export interface Report extends Measurements {
  readonly mode: "full" | "quick"
  readonly date: string
  /** Seconds the whole run took. */
  readonly seconds: number
  readonly machine: Machine
  readonly bounds: ReadonlyArray<BoundCheck>
}

export const machine = (): Machine => ({
  cpu: cpus()[0]?.model.trim() ?? "unknown",
  cores: cpus().length,
  memoryGB: Math.round(totalmem() / 1e9),
  os: `${type()} ${release()} ${arch()}`,
  node: process.version,
  load: Number(loadavg()[0]!.toFixed(2))
})

/** JSON written beside and renamed, so a crash never leaves half a report. */
export const write = (report: Report, path: string) => {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(report, null, 2)}\n`)
  renameSync(`${path}.tmp`, path)
}

const status = (check: BoundCheck) =>
  check.status === "pass" ? "pass" : check.status === "fail" ? "**FAIL**" : "not measured"

const value = (check: BoundCheck) =>
  check.value === null
    ? "-"
    : check.unit === "x"
    ? x(check.value)
    : check.unit === "MB"
    ? `${check.value.toFixed(1)} MB`
    : check.unit === "ms"
    ? `${ms(check.value)} ms`
    : `${check.value} ${check.unit}`

const limit = (check: BoundCheck) =>
  `${check.atLeast === true ? ">=" : "<="} ${check.limit}${check.unit === "x" ? "x" : ` ${check.unit}`}`

/** The figures as Markdown: machine, one table per measurement, then the bounds. */
export const render = (report: Report): string => {
  const { machine: m } = report
  const runs = (s: Summary) => `${s.n} runs`
  return [
    `${report.mode === "quick" ? "Quick run" : "Full run"} of ${report.date.slice(0, 10)}, ${
      report.seconds.toFixed(0)
    } s: ` +
    `${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, ${m.os}, Node ${m.node}, load average ${m.load} at start.`,
    "",
    `### Start-up (ms, p50 / p95, ${runs(report.startup[0]!.candidate)} each, interleaved)`,
    "",
    table(
      ["command", "cclink", "`node -e 0`", "ratio of medians"],
      report.startup.map((r) => [`\`${r.command}\``, p50p95(r.candidate), p50p95(r.baseline), x(r.ratio)])
    ),
    "",
    `### Argon2id, one derivation at 64 MiB, t=3, p=1 (ms, p50 / p95, ${
      runs(report.argon2.candidate)
    } each, interleaved)`,
    "",
    table(
      ["", "cclink (deriveKey, in a fresh process)", "`argon2` binary (whole process)", "ratio of medians"],
      [["derivation", p50p95(report.argon2.candidate), p50p95(report.argon2.baseline), x(report.argon2.ratio)]]
    ),
    "",
    `### DHT, in-process, fresh client per operation (ms and datagrams sent, p50 / p95, ${
      runs(report.dht[0]!.publishMs)
    } per size)`,
    "",
    table(
      [
        "nodes",
        "log2 N",
        "publish ms",
        "resolve ms",
        "datagrams per publish",
        "datagrams per resolve",
        "resolve datagrams / log2 N",
        "stored on",
        "network start"
      ],
      report.dht.map((r) => [
        String(r.nodes),
        Math.log2(r.nodes).toFixed(1),
        p50p95(r.publishMs),
        p50p95(r.resolveMs),
        p50p95(r.publishDatagrams, String),
        p50p95(r.resolveDatagrams, String),
        (r.resolveDatagrams.median / Math.log2(r.nodes)).toFixed(1),
        String(r.storedOn.median),
        `${(r.networkStartMs / 1000).toFixed(1)} s`
      ])
    ),
    "",
    `### Handoff, \`cclink publish\` then \`cclink pickup --no-launch\` as subprocesses, ${report.handoff.nodes} nodes (ms, p50 / p95, ${
      runs(report.handoff.results[0]!.totalMs)
    } each)`,
    "",
    table(
      ["key", "publish", "pickup", "total"],
      report.handoff.results.map((r) => [r.key, p50p95(r.publishMs), p50p95(r.pickupMs), p50p95(r.totalMs)])
    ),
    "",
    `### Peak resident memory (MB, p50 / p95, ${runs(report.memory.peakKiB.candidate)} each, interleaved)`,
    "",
    table(
      ["", "`cclink pickup --no-launch`, passphrase key + PIN", "`node -e 0`", "ratio of medians"],
      [[
        "VmHWM",
        p50p95(report.memory.peakKiB.candidate, mb),
        p50p95(report.memory.peakKiB.baseline, mb),
        x(report.memory.peakKiB.ratio)
      ]]
    ),
    "",
    `The first pickup in a fresh HOME, which also writes V8's code cache, peaked at ${
      mb(report.memory.firstRunKiB)
    } MB (one run, not held to the bound).`,
    "",
    renderWideArea(report.wideArea),
    "",
    ...(report.carry === undefined ? [] : [renderCarry(report.carry), ""]),
    "### Bounds",
    "",
    table(
      ["bound", "limit", "measured", "status"],
      report.bounds.map((check) => [check.name, limit(check), value(check), status(check)])
    ),
    ...(report.mode === "quick"
      ? ["", `The ${BOUND_NETWORK}-node and wide-area bounds are checked by the full run (\`npm run bench\`).`]
      : [])
  ].join("\n")
}
