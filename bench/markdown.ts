/** The Markdown of the benchmark's report: tables and the number formats of its figures. */
import { megabytes } from "./bounds.js"
import type { Summary } from "./stats.js"

export const ms = (value: number) => (value < 10 ? value.toFixed(1) : value.toFixed(0))
export const x = (value: number) => `${value.toFixed(2)}x`
export const mb = (kib: number) => megabytes(kib).toFixed(1)
export const p50p95 = (s: Summary, format: (value: number) => string = ms) => `${format(s.median)} / ${format(s.p95)}`

export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`,
    ...rows.map((row) => `| ${row.join(" | ")} |`)
  ].join("\n")
