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

export const CHART = fileURLToPath(new URL("../docs/benchmarks-latency.svg", import.meta.url))
const REPORT = fileURLToPath(new URL("report.json", import.meta.url))

const WIDTH = 900
const HEIGHT = 420
const PLOT = { left: 64, right: 620, top: 48, bottom: HEIGHT - 56 }
/** The legend sits right of the plot, where no line can run under it. */
const LEGEND = { left: PLOT.right + 24, top: PLOT.top + 8 }
const PUBLISH = "#d95f02"
const RESOLVE = "#1b9e77"

/** A round step giving about five grid lines up to `max`. */
export const step = (max: number) => {
  const raw = max / 5
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw)!
}

const P95 = "6 4"
const LOG_CURVE = "2 3"
export const dash = (pattern: string | undefined) => (pattern === undefined ? "" : ` stroke-dasharray="${pattern}"`)

export const polyline = (points: ReadonlyArray<readonly [number, number]>, color: string, pattern?: string) =>
  `<polyline fill="none" stroke="${color}" stroke-width="2"${dash(pattern)} points="${
    points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")
  }"/>` +
  points.map(([px, py]) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${color}"/>`).join("")

export const render = (report: Report): string => {
  const rows = report.dht
  const sizes = rows.map((row) => row.nodes)
  const [lo, hi] = [Math.log10(Math.min(...sizes) * 0.8), Math.log10(Math.max(...sizes) * 1.25)]
  const xOf = (nodes: number) => PLOT.left + ((Math.log10(nodes) - lo) / (hi - lo)) * (PLOT.right - PLOT.left)
  const highest = Math.max(...rows.flatMap((row) => [row.publishMs.p95, row.resolveMs.p95]), PUBLISH_P50_MS)
  const yStep = step(highest * 1.1)
  const yMax = Math.ceil((highest * 1.1) / yStep) * yStep
  const yOf = (ms: number) => PLOT.bottom - (ms / yMax) * (PLOT.bottom - PLOT.top)
  const series = (pick: (row: Report["dht"][number]) => number) =>
    rows.map((row) => [xOf(row.nodes), yOf(pick(row))] as const)
  const first = rows[0]!
  // What resolve p50 would be if it grew exactly like log N from the smallest network.
  const logCurve = rows.map((row) =>
    [xOf(row.nodes), yOf((first.resolveMs.median * Math.log2(row.nodes)) / Math.log2(first.nodes))] as const
  )

  const grid = Array.from({ length: Math.round(yMax / yStep) + 1 }, (_, i) => i * yStep).map((ms) =>
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${yOf(ms)}" y2="${yOf(ms)}" stroke="#ddd"/>` +
    `<text x="${PLOT.left - 8}" y="${yOf(ms) + 4}" text-anchor="end">${ms}</text>`
  )
  const ticks = sizes.map((nodes) =>
    `<line x1="${xOf(nodes)}" x2="${xOf(nodes)}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#eee"/>` +
    `<text x="${xOf(nodes)}" y="${PLOT.bottom + 18}" text-anchor="middle">${nodes}</text>`
  )
  const bound = (ms: number, color: string, label: string) =>
    sizes.includes(BOUND_NETWORK)
      ? `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${yOf(ms)}" y2="${yOf(ms)}" stroke="${color}" ` +
        `stroke-width="1" stroke-dasharray="1 3"/>` +
        `<text x="${PLOT.right - 4}" y="${yOf(ms) - 5}" text-anchor="end" fill="${color}">${label}</text>`
      : ""
  const legend = [
    [PUBLISH, undefined, "publish p50"],
    [PUBLISH, P95, "publish p95"],
    [RESOLVE, undefined, "resolve p50"],
    [RESOLVE, P95, "resolve p95"],
    ["#999", LOG_CURVE, "log N, from the smallest resolve p50"]
  ] as const

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
    `font-family="sans-serif" font-size="12" fill="#333">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="24" text-anchor="middle" font-size="15">` +
    `cclink DHT latency against network size (${report.date.slice(0, 10)}, ${report.machine.cores} cores)</text>`,
    ...grid,
    ...ticks,
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${
      HEIGHT - 16
    }" text-anchor="middle">network size (nodes, log scale)</text>`,
    `<text transform="translate(16 ${
      (PLOT.top + PLOT.bottom) / 2
    }) rotate(-90)" text-anchor="middle">latency (ms)</text>`,
    `<polyline fill="none" stroke="#999" stroke-width="1.5"${dash(LOG_CURVE)} points="${
      logCurve.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")
    }"/>`,
    polyline(series((row) => row.publishMs.median), PUBLISH),
    polyline(series((row) => row.publishMs.p95), PUBLISH, P95),
    polyline(series((row) => row.resolveMs.median), RESOLVE),
    polyline(series((row) => row.resolveMs.p95), RESOLVE, P95),
    bound(PUBLISH_P50_MS, PUBLISH, `publish p50 bound (${BOUND_NETWORK} nodes)`),
    bound(RESOLVE_P50_MS, RESOLVE, `resolve p50 bound (${BOUND_NETWORK} nodes)`),
    ...legend.map(([color, pattern, label], i) =>
      `<line x1="${LEGEND.left}" x2="${LEGEND.left + 28}" y1="${LEGEND.top + i * 18}" y2="${LEGEND.top + i * 18}" ` +
      `stroke="${color}" stroke-width="2"${dash(pattern)}/>` +
      `<text x="${LEGEND.left + 34}" y="${LEGEND.top + 4 + i * 18}">${label}</text>`
    ),
    "</svg>",
    ""
  ].join("\n")
}

export const writeChart = (report: Report, path = CHART) => writeFileSync(path, render(report))

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeChart(JSON.parse(readFileSync(REPORT, "utf8")) as Report)
}
