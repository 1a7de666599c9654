/**
 * docs/benchmarks-wide-area.svg: in-process resolve (solid) and publish
 * (dashed) p50 on the wide-area testnet against the share of dead nodes, one
 * colour per loss rate. Drawn from a report; run alone it redraws the chart
 * from bench/report.json:
 *
 *   node --import tsx bench/wideAreaChart.ts
 */
import { readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type { Report } from "./report.js"
import { msAxis, PLOT, polyline, render as renderChart, ticks } from "./svg.js"
import type { WideAreaResult } from "./wideArea.js"

export const WIDE_AREA_CHART = fileURLToPath(new URL("../docs/benchmarks-wide-area.svg", import.meta.url))
const REPORT = fileURLToPath(new URL("report.json", import.meta.url))

const COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a"]
const PUBLISH = "6 4"

const percent = (share: number) => `${Math.round(share * 100)}%`

export const render = (w: WideAreaResult, date: string): string => {
  const deads = [...new Set(w.sweep.map((point) => point.dead))].sort((a, b) => a - b)
  const losses = [...new Set(w.sweep.map((point) => point.loss))].sort((a, b) => a - b)
  const span = Math.max(...deads) - Math.min(...deads) || 1
  const xOf = (dead: number) => PLOT.left + 24 + ((dead - Math.min(...deads)) / span) * (PLOT.right - PLOT.left - 48)
  const { grid, yOf } = msAxis(
    Math.max(...w.sweep.flatMap((point) => [point.resolveMs.median, point.publishMs.median]))
  )
  const series = (loss: number, pick: (point: WideAreaResult["sweep"][number]) => number) =>
    w.sweep.filter((point) => point.loss === loss).sort((a, b) => a.dead - b.dead)
      .map((point) => [xOf(point.dead), yOf(pick(point))] as const)
  const colour = (i: number) => COLOURS[i % COLOURS.length]!
  const s = w.scenario

  return renderChart({
    title:
      `cclink DHT on a wide area of ${w.nodes} nodes (${date.slice(0, 10)}): ${s.medianDelayMs} ms median delay, ` +
      `${percent(s.withoutBep44)} without BEP 44`,
    xLabel: "dead nodes, killed after the network formed (share of all nodes)",
    yLabel: "in-process latency, p50 (ms)",
    grid,
    ticks: ticks(deads.map((dead) => [xOf(dead), percent(dead)])),
    body: losses.flatMap((loss, i) => [
      polyline(series(loss, (point) => point.resolveMs.median), colour(i)),
      polyline(series(loss, (point) => point.publishMs.median), colour(i), PUBLISH)
    ]),
    legend: losses.flatMap((loss, i) =>
      [
        [colour(i), undefined, `resolve p50, ${percent(loss)} loss`],
        [colour(i), PUBLISH, `publish p50, ${percent(loss)} loss`]
      ] as const
    )
  })
}

export const writeWideAreaChart = (w: WideAreaResult, date: string, path = WIDE_AREA_CHART) =>
  writeFileSync(path, render(w, date))

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = JSON.parse(readFileSync(REPORT, "utf8")) as Report
  writeWideAreaChart(report.wideArea, report.date)
}
