import { describe, expect, it } from "vitest"
import { render } from "../../bench/chart.js"
import type { Report } from "../../bench/report.js"

const at = (median: number, p95: number) => ({ n: 20, median, p95 })
const row = (nodes: number, resolve: number) => ({
  nodes,
  networkStartMs: 1000,
  publishMs: at(resolve * 2, resolve * 3),
  resolveMs: at(resolve, resolve * 1.5),
  publishDatagrams: at(50, 55),
  resolveDatagrams: at(30, 33),
  storedOn: at(20, 20)
})

const report = (sizes: ReadonlyArray<number>) =>
  ({
    date: "2026-01-01T00:00:00.000Z",
    machine: { cores: 2 },
    dht: sizes.map((nodes, i) => row(nodes, 60 + 10 * i))
  }) as unknown as Report

/** The x of each point of the first series (publish p50), in drawing order. */
const firstSeriesX = (svg: string) => {
  const series = svg.split("<polyline").find((part) => part.includes("<circle"))!
  return [...series.matchAll(/<circle cx="([\d.]+)"/g)].map((match) => Number(match[1]))
}

describe("render", () => {
  it("places network sizes on a log scale", () => {
    const [x50, x200, x500, x1000] = firstSeriesX(render(report([50, 200, 500, 1000])))
    // 50 -> 200 is a factor 4, 500 -> 1000 a factor 2: twice the distance.
    expect((x200! - x50!) / (x1000! - x500!)).toBeCloseTo(2, 1)
  })

  it("draws four latency series and the bounds only when the 500-node network ran", () => {
    const full = render(report([50, 200, 500, 1000]))
    expect(full.match(/<polyline/g)).toHaveLength(5) // four series and the log N curve
    expect(full).toContain("resolve p50 bound")
    expect(render(report([50, 200]))).not.toContain("bound")
  })
})
