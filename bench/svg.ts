/**
 * What the benchmark's charts share (chart.ts, wideAreaChart.ts): one canvas
 * and plot area, a y axis in milliseconds from 0 with its grid, vertical
 * ticks, series as polylines with their points, a legend right of the plot
 * where no line can run under it, and the frame that puts them together.
 */

export const WIDTH = 900
export const HEIGHT = 420
export const PLOT = { left: 64, right: 620, top: 48, bottom: HEIGHT - 56 }
const LEGEND = { left: PLOT.right + 24, top: PLOT.top + 8 }

/** A round step giving about five grid lines up to `max`. */
export const step = (max: number) => {
  const raw = max / 5
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw)!
}

export const dash = (pattern: string | undefined) => (pattern === undefined ? "" : ` stroke-dasharray="${pattern}"`)

export const polyline = (points: ReadonlyArray<readonly [number, number]>, color: string, pattern?: string) =>
  `<polyline fill="none" stroke="${color}" stroke-width="2"${dash(pattern)} points="${
    points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")
  }"/>` +
  points.map(([px, py]) => `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${color}"/>`).join("")

/** A y axis from 0 to a round value a tenth above `highest`: where a value lies, and the grid with its labels. */
export const msAxis = (highest: number) => {
  const yStep = step(highest * 1.1)
  const yMax = Math.ceil((highest * 1.1) / yStep) * yStep
  const yOf = (ms: number) => PLOT.bottom - (ms / yMax) * (PLOT.bottom - PLOT.top)
  const grid = Array.from({ length: Math.round(yMax / yStep) + 1 }, (_, i) => i * yStep).map((ms) =>
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${yOf(ms)}" y2="${yOf(ms)}" stroke="#ddd"/>` +
    `<text x="${PLOT.left - 8}" y="${yOf(ms) + 4}" text-anchor="end">${ms}</text>`
  )
  return { yOf, grid }
}

/** A vertical tick line with its label under the plot at each `[x, label]`. */
export const ticks = (at: ReadonlyArray<readonly [number, string | number]>) =>
  at.map(([x, label]) =>
    `<line x1="${x}" x2="${x}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#eee"/>` +
    `<text x="${x}" y="${PLOT.bottom + 18}" text-anchor="middle">${label}</text>`
  )

export type LegendEntry = readonly [color: string, pattern: string | undefined, label: string]

export interface Chart {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly grid: ReadonlyArray<string>
  readonly ticks: ReadonlyArray<string>
  /** The series and anything else drawn over the grid. */
  readonly body: ReadonlyArray<string>
  readonly legend: ReadonlyArray<LegendEntry>
}

export const render = (chart: Chart): string =>
  [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
    `font-family="sans-serif" font-size="12" fill="#333">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="24" text-anchor="middle" font-size="15">${chart.title}</text>`,
    ...chart.grid,
    ...chart.ticks,
    `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<line x1="${PLOT.left}" x2="${PLOT.left}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${HEIGHT - 16}" text-anchor="middle">${chart.xLabel}</text>`,
    `<text transform="translate(16 ${
      (PLOT.top + PLOT.bottom) / 2
    }) rotate(-90)" text-anchor="middle">${chart.yLabel}</text>`,
    ...chart.body,
    ...chart.legend.map(([color, pattern, label], i) =>
      `<line x1="${LEGEND.left}" x2="${LEGEND.left + 28}" y1="${LEGEND.top + i * 18}" y2="${LEGEND.top + i * 18}" ` +
      `stroke="${color}" stroke-width="2"${dash(pattern)}/>` +
      `<text x="${LEGEND.left + 34}" y="${LEGEND.top + 4 + i * 18}">${label}</text>`
    ),
    "</svg>",
    ""
  ].join("\n")
