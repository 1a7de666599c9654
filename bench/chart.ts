/**
 * docs/benchmarks-latency.svg: publish and resolve latency (p50 solid, p95
 * dashed) against network size on a log-scale axis, with the p50 bounds of
 * the 500-node network and, for comparison, a curve growing like log N.
 * Drawn from a report; run alone it redraws the chart from bench/report.json:
 *
 *   node --import tsx bench/chart.ts
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { BOUND_NETWORK, PUBLISH_P50_MS, RESOLVE_P50_MS } from "./bounds.js"
import type { Report } from "./report.js"
import { dash, msAxis, PLOT, polyline, render as renderChart, ticks } from "./svg.js"

export const CHART = fileURLToPath(new URL("../docs/benchmarks-latency.svg", import.meta.url))
const REPORT = fileURLToPath(new URL("report.json", import.meta.url))

const PUBLISH = "#d95f02"
const RESOLVE = "#1b9e77"
const P95 = "6 4"
const LOG_CURVE = "2 3"

export const render = (report: Report): string => {
  const rows = report.dht
  const sizes = rows.map((row) => row.nodes)
  const [lo, hi] = [Math.log10(Math.min(...sizes) * 0.8), Math.log10(Math.max(...sizes) * 1.25)]
  const xOf = (nodes: number) => PLOT.left + ((Math.log10(nodes) - lo) / (hi - lo)) * (PLOT.right - PLOT.left)
  const { grid, yOf } = msAxis(
    Math.max(...rows.flatMap((row) => [row.publishMs.p95, row.resolveMs.p95]), PUBLISH_P50_MS)
  )
  const series = (pick: (row: Report["dht"][number]) => number) =>
    rows.map((row) => [xOf(row.nodes), yOf(pick(row))] as const)
  const first = rows[0]!
  // What resolve p50 would be if it grew exactly like log N from the smallest network.
  const logCurve = rows.map((row) =>
    [xOf(row.nodes), yOf((first.resolveMs.median * Math.log2(row.nodes)) / Math.log2(first.nodes))] as const
  )
  const bound = (ms: number, color: string, label: string) =>
    sizes.includes(BOUND_NETWORK)
      ? `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${yOf(ms)}" y2="${yOf(ms)}" stroke="${color}" ` +
        `stroke-width="1" stroke-dasharray="1 3"/>` +
        `<text x="${PLOT.right - 4}" y="${yOf(ms) - 5}" text-anchor="end" fill="${color}">${label}</text>`
      : ""

  return renderChart({
    title: `cclink DHT latency against network size (${report.date.slice(0, 10)}, ${report.machine.cores} cores)`,
    xLabel: "network size (nodes, log scale)",
    yLabel: "latency (ms)",
    grid,
    ticks: ticks(sizes.map((nodes) => [xOf(nodes), nodes])),
    body: [
      `<polyline fill="none" stroke="#999" stroke-width="1.5"${dash(LOG_CURVE)} points="${
        logCurve.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")
      }"/>`,
      polyline(series((row) => row.publishMs.median), PUBLISH),
      polyline(series((row) => row.publishMs.p95), PUBLISH, P95),
      polyline(series((row) => row.resolveMs.median), RESOLVE),
      polyline(series((row) => row.resolveMs.p95), RESOLVE, P95),
      bound(PUBLISH_P50_MS, PUBLISH, `publish p50 bound (${BOUND_NETWORK} nodes)`),
      bound(RESOLVE_P50_MS, RESOLVE, `resolve p50 bound (${BOUND_NETWORK} nodes)`)
    ],
    legend: [
      [PUBLISH, undefined, "publish p50"],
      [PUBLISH, P95, "publish p95"],
      [RESOLVE, undefined, "resolve p50"],
      [RESOLVE, P95, "resolve p95"],
      ["#999", LOG_CURVE, "log N, from the smallest resolve p50"]
    ]
  })
}

export const writeChart = (report: Report, path = CHART) => writeFileSync(path, render(report))

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeChart(JSON.parse(readFileSync(REPORT, "utf8")) as Report)
}
