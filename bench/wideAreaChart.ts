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
import { dash, polyline, step } from "./chart.js"
import type { Report } from "./report.js"
import type { WideAreaResult } from "./wideArea.js"

export const WIDE_AREA_CHART = fileURLToPath(new URL("../docs/benchmarks-wide-area.svg", import.meta.url))
const REPORT = fileURLToPath(new URL("report.json", import.meta.url))

const WIDTH = 900
const HEIGHT = 420
const PLOT = { left: 64, right: 620, top: 48, bottom: HEIGHT - 56 }
const LEGEND = { left: PLOT.right + 24, top: PLOT.top + 8 }
const COLOURS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a"]
const PUBLISH = "6 4"

const percent = (share: number) => `${Math.round(share * 100)}%`

export const render = (w: WideAreaResult, date: string): string => {
  const deads = [...new Set(w.sweep.map((point) => point.dead))].sort((a, b) => a - b)
  const losses = [...new Set(w.sweep.map((point) => point.loss))].sort((a, b) => a - b)
  const span = Math.max(...deads) - Math.min(...deads) || 1
  const xOf = (dead: number) => PLOT.left + 24 + ((dead - Math.min(...deads)) / span) * (PLOT.right - PLOT.left - 48)
  const highest = Math.max(...w.sweep.flatMap((point) => [point.resolveMs.median, point.publishMs.median]))
  const yStep = step(highest * 1.1)
  const yMax = Math.ceil((highest * 1.1) / yStep) * yStep
  const yOf = (ms: number) => PLOT.bottom - (ms / yMax) * (PLOT.bottom - PLOT.top)
  const series = (loss: number, pick: (point: WideAreaResult["sweep"][number]) => number) =>
    w.sweep.filter((point) => point.loss === loss).sort((a, b) => a.dead - b.dead)
      .map((point) => [xOf(point.dead), yOf(pick(point))] as const)

  const grid = Array.from({ length: Math.round(yMax / yStep) + 1 }, (_, i) => i * yStep).map((ms) =>
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${yOf(ms)}" y2="${yOf(ms)}" stroke="#ddd"/>` +
    `<text x="${PLOT.left - 8}" y="${yOf(ms) + 4}" text-anchor="end">${ms}</text>`
  )
  const ticks = deads.map((dead) =>
    `<line x1="${xOf(dead)}" x2="${xOf(dead)}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#eee"/>` +
    `<text x="${xOf(dead)}" y="${PLOT.bottom + 18}" text-anchor="middle">${percent(dead)}</text>`
  )
  const legend = losses.flatMap((loss, i) =>
    [
      [COLOURS[i % COLOURS.length]!, undefined, `resolve p50, ${percent(loss)} loss`],
      [COLOURS[i % COLOURS.length]!, PUBLISH, `publish p50, ${percent(loss)} loss`]
    ] as const
  )
  const s = w.scenario
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
    `font-family="sans-serif" font-size="12" fill="#333">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="24" text-anchor="middle" font-size="15">` +
    `cclink DHT on a wide area of ${w.nodes} nodes (${date.slice(0, 10)}): ${s.medianDelayMs} ms median delay, ` +
    `${percent(s.withoutBep44)} without BEP 44</text>`,
    ...grid,
    ...ticks,
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 16}" text-anchor="middle">` +
    `dead nodes, killed after the network formed (share of all nodes)</text>`,
    `<text transform="translate(16 ${
      (PLOT.top + PLOT.bottom) / 2
    }) rotate(-90)" text-anchor="middle">in-process latency, p50 (ms)</text>`,
    ...losses.flatMap((loss, i) => [
      polyline(series(loss, (point) => point.resolveMs.median), COLOURS[i % COLOURS.length]!),
      polyline(series(loss, (point) => point.publishMs.median), COLOURS[i % COLOURS.length]!, PUBLISH)
    ]),
    ...legend.map(([colour, pattern, label], i) =>
      `<line x1="${LEGEND.left}" x2="${LEGEND.left + 28}" y1="${LEGEND.top + i * 18}" y2="${LEGEND.top + i * 18}" ` +
      `stroke="${colour}" stroke-width="2"${dash(pattern)}/>` +
      `<text x="${LEGEND.left + 34}" y="${LEGEND.top + 4 + i * 18}">${label}</text>`
    ),
    "</svg>",
    ""
  ].join("\n")
}

export const writeWideAreaChart = (w: WideAreaResult, date: string, path = WIDE_AREA_CHART) =>
  writeFileSync(path, render(w, date))

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = JSON.parse(readFileSync(REPORT, "utf8")) as Report
  writeWideAreaChart(report.wideArea, report.date)
}
