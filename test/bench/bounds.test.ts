import { describe, expect, it } from "vitest"
import { check, megabytes } from "../../bench/bounds.js"
import type { Measurements } from "../../bench/report.js"
import type { Summary } from "../../bench/stats.js"
import { SCENARIO, type WideAreaResult } from "../../bench/wideArea.js"

const at = (median: number, p95 = median): Summary => ({ n: 10, median, p95 })
const compare = (candidate: number, baseline: number) => ({
  candidate: at(candidate),
  baseline: at(baseline),
  ratio: candidate / baseline
})
const dht = (nodes: number, resolve: number, publish: number) => ({
  nodes,
  networkStartMs: 1000,
  publishMs: at(publish),
  resolveMs: at(resolve),
  publishDatagrams: at(50),
  resolveDatagrams: at(30),
  storedOn: at(20)
})

const counts = (median: number, min: number) => ({ ...at(median), min })
const wideArea = (nodes: number, overrides: Partial<WideAreaResult> = {}): WideAreaResult => ({
  nodes,
  scenario: SCENARIO,
  seeds: [1, 2],
  networkStartMs: 5000,
  resolveMs: at(800),
  publishMs: at(1200),
  floorMs: at(1000),
  resolveOverFloor: 0.8,
  storedOn: counts(20, 12),
  nearestHolding: counts(18, 15),
  trulyNearestHolding: counts(15, 9),
  cold: { publishMs: at(1500), pickupMs: at(1500) },
  warm: { publishMs: at(1400), pickupMs: at(1000) },
  newestPickups: { newest: 50, total: 50 },
  sweep: [],
  ...overrides
})

const measurements = (overrides: Partial<Measurements> = {}): Measurements => ({
  startup: [{ command: "cclink --version", ...compare(100, 50) }],
  argon2: compare(500, 400),
  dht: [dht(50, 60, 100), dht(500, 150, 501)],
  handoff: {
    nodes: 500,
    results: [{ key: "plaintext", publishMs: at(900), pickupMs: at(900), totalMs: at(1800) }]
  },
  memory: {
    nodes: 500,
    firstRunKiB: 250_000,
    peakKiB: { candidate: at(150_000, 200_000), baseline: at(40_000), ratio: 3.75 }
  },
  wideArea: wideArea(1000),
  ...overrides
})

const statusOf = (m: Measurements, name: string) => check(m).find((bound) => bound.name.startsWith(name))

describe("check", () => {
  it("passes a figure equal to its limit and fails one above it", () => {
    const m = measurements()
    expect(statusOf(m, "resolve p50")).toMatchObject({ value: 150, status: "pass" })
    expect(statusOf(m, "publish p50")).toMatchObject({ value: 501, status: "fail" })
    expect(statusOf(m, "startup ratio, cclink --version")).toMatchObject({ value: 2, status: "pass" })
    expect(statusOf(m, "Argon2id ratio")).toMatchObject({ value: 1.25, status: "pass" })
  })

  it("reads the DHT and handoff bounds on the 500-node network only", () => {
    const quick = measurements({
      dht: [dht(50, 10, 10), dht(200, 10, 10)],
      handoff: { nodes: 200, results: [{ key: "plaintext", publishMs: at(1), pickupMs: at(1), totalMs: at(2) }] }
    })
    for (const name of ["resolve p50", "publish p50", "handoff p50"]) {
      expect(statusOf(quick, name)).toMatchObject({ value: null, status: "not measured" })
    }
  })

  it("holds peak memory to its 95th percentile in megabytes of 10^6 bytes", () => {
    expect(megabytes(200_000)).toBeCloseTo(204.8)
    expect(statusOf(measurements(), "pickup peak memory")).toMatchObject({ status: "fail" })
  })

  it("holds the wide-area counts from below and its times from above, at their limits exactly", () => {
    const m = measurements()
    for (const name of ["cclink pickup p50, warm", "cclink pickup p50, cold", "cclink publish p50, cold"]) {
      expect(statusOf(m, name)).toMatchObject({ status: "pass" })
    }
    expect(statusOf(m, "stored on, every publish")).toMatchObject({ value: 12, atLeast: true, status: "pass" })
    expect(statusOf(m, "of the 20 nearest BEP 44 nodes")).toMatchObject({ value: 15, status: "pass" })
    expect(statusOf(m, "pickups returning the newest")).toMatchObject({ value: 50, limit: 50, status: "pass" })
    const worse = measurements({
      wideArea: wideArea(1000, {
        storedOn: counts(15, 11),
        nearestHolding: counts(14, 10),
        newestPickups: { newest: 49, total: 50 },
        resolveOverFloor: 2.01
      })
    })
    for (
      const name of [
        "stored on, every",
        "stored on p50",
        "of the 20 nearest",
        "pickups returning",
        "in-process resolve"
      ]
    ) {
      expect(statusOf(worse, name)).toMatchObject({ status: "fail" })
    }
  })

  it("reads the wide-area bounds on the 1000-node network only", () => {
    const quick = measurements({ wideArea: wideArea(200) })
    expect(check(quick).filter((bound) => bound.name.includes("wide area")).map((bound) => bound.status))
      .toEqual(Array.from({ length: 9 }, () => "not measured"))
  })
})

describe("carry bounds", () => {
  const size = (megabytes: number, totalMs: number, publisherKiB: number, pickerKiB: number) => ({
    megabytes,
    archiveBytes: megabytes * 300_000,
    serveMs: at(totalMs / 2),
    pickupMs: at(totalMs / 2),
    totalMs: at(totalMs),
    throughputMBs: at(megabytes / (totalMs / 1000)),
    publisherPeakKiB: at(publisherKiB),
    pickerPeakKiB: at(pickerKiB)
  })
  const carry = (sizes: ReadonlyArray<ReturnType<typeof size>>, plain: number, carried: number) => ({
    nodes: 50,
    sizes,
    overhead: { plainMs: at(plain), carriedMs: at(carried), plainPeakKiB: at(90_000) }
  })

  it("holds 100 MB to 5 s end to end and 150 MB of memory per side, and a 1 MB pickup to 1 s more than a plain one", () => {
    const m = measurements({
      carry: carry([size(1, 800, 100_000, 100_000), size(100, 5000, 146_484, 146_485)], 300, 1300)
    })
    expect(statusOf(m, "carried handoff of 100 MB")).toMatchObject({ value: 5000, status: "pass" })
    expect(statusOf(m, "carried 100 MB, publisher peak")).toMatchObject({ status: "pass" })
    expect(statusOf(m, "carried 100 MB, picker peak")).toMatchObject({ status: "fail" })
    expect(statusOf(m, "1 MB carried pickup")).toMatchObject({ value: 1000, status: "pass" })
  })

  it("reports the 100 MB bounds as not measured when the run carried less (the quick run)", () => {
    const m = measurements({ carry: carry([size(1, 800, 100_000, 100_000)], 300, 2000) })
    expect(statusOf(m, "carried handoff of 100 MB")).toMatchObject({ value: null, status: "not measured" })
    expect(statusOf(m, "1 MB carried pickup")).toMatchObject({ status: "fail" })
    expect(statusOf(measurements(), "1 MB carried pickup")).toMatchObject({ status: "not measured" })
  })
})
