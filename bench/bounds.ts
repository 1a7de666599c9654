/**
 * The bounds of issues 6, 10 and 11, checked against a run's figures. A bound
 * whose figure the run did not measure (the quick run has no 500-node
 * network, and a wide-area network smaller than 1000 nodes) is reported as
 * such, never as a pass.
 */
import type { CarryResult } from "./carry.js"
import type { Measurements } from "./report.js"
import type { WideAreaResult } from "./wideArea.js"

export type Status = "pass" | "fail" | "not measured"

export interface BoundCheck {
  readonly name: string
  /** The figure must be at most this, or at least this when `atLeast`. */
  readonly limit: number
  readonly atLeast?: boolean
  readonly unit: "x" | "ms" | "MB" | "nodes" | "pickups"
  readonly value: number | null
  readonly status: Status
}

/** The network the DHT and handoff bounds are stated for. */
export const BOUND_NETWORK = 500
export const RESOLVE_P50_MS = 150
export const PUBLISH_P50_MS = 500
/** The wide-area network the bounds of issue 11 are stated for. */
export const WIDE_AREA_NETWORK = 1000

/** Megabytes of 10^6 bytes: the stricter reading of "200 MB". */
export const megabytes = (kib: number) => (kib * 1024) / 1e6

const at = <A extends { readonly nodes: number }>(results: ReadonlyArray<A>) =>
  results.find((result) => result.nodes === BOUND_NETWORK)

export const check = (m: Measurements): ReadonlyArray<BoundCheck> => {
  const dht = at(m.dht)
  const plaintext = m.handoff.nodes === BOUND_NETWORK
    ? m.handoff.results.find((result) => result.key === "plaintext")
    : undefined
  return [
    ...m.startup.map((result) => bound(`startup ratio, ${result.command}`, 2.5, "x", result.ratio)),
    bound("Argon2id ratio, cclink / argon2", 1.25, "x", m.argon2.ratio),
    bound(`resolve p50, ${BOUND_NETWORK} nodes`, RESOLVE_P50_MS, "ms", dht?.resolveMs.median),
    bound(`publish p50, ${BOUND_NETWORK} nodes`, PUBLISH_P50_MS, "ms", dht?.publishMs.median),
    bound(`handoff p50, plaintext key, ${BOUND_NETWORK} nodes`, 2000, "ms", plaintext?.totalMs.median),
    bound("pickup peak memory p95, passphrase + PIN", 200, "MB", megabytes(m.memory.peakKiB.candidate.p95)),
    ...wideAreaBounds(m.wideArea),
    ...carryBounds(m.carry)
  ]
}

const bound = (name: string, limit: number, unit: BoundCheck["unit"], value: number | undefined): BoundCheck => ({
  name,
  limit,
  unit,
  value: value ?? null,
  status: value === undefined ? "not measured" : value <= limit ? "pass" : "fail"
})

const atLeast = (name: string, limit: number, unit: BoundCheck["unit"], value: number | undefined): BoundCheck => ({
  ...bound(name, limit, unit, value),
  atLeast: true,
  status: value === undefined ? "not measured" : value >= limit ? "pass" : "fail"
})

/** Issue 11: the DHT on a wide area (1000 nodes, 100 ms, 3% loss, 30% dead, 40% without BEP 44). */
const wideAreaBounds = (result: WideAreaResult): ReadonlyArray<BoundCheck> => {
  const w = result.nodes === WIDE_AREA_NETWORK ? result : undefined
  const where = `wide area, ${WIDE_AREA_NETWORK} nodes`
  return [
    bound(`cclink pickup p50, warm cache, ${where}`, 1000, "ms", w?.warm.pickupMs.median),
    bound(`cclink pickup p50, cold cache, ${where}`, 1500, "ms", w?.cold.pickupMs.median),
    bound(`cclink publish p50, warm cache, ${where}`, 1500, "ms", w?.warm.publishMs.median),
    bound(`cclink publish p50, cold cache, ${where}`, 1500, "ms", w?.cold.publishMs.median),
    atLeast(`stored on, every publish, ${where}`, 12, "nodes", w?.storedOn.min),
    atLeast(`stored on p50, ${where}`, 16, "nodes", w?.storedOn.median),
    atLeast(`of the 20 nearest BEP 44 nodes, holding it, every publish, ${where}`, 15, "nodes", w?.nearestHolding.min),
    atLeast(
      `pickups returning the newest record, ${where}`,
      w?.newestPickups.total ?? 50,
      "pickups",
      w?.newestPickups.newest
    ),
    bound(`in-process resolve p50 over its RTT floor, ${where}`, 2, "x", w?.resolveOverFloor)
  ]
}

/**
 * Issue 10, carried handoffs: 100 MB end to end in 5 s (20 MB/s, compression
 * and both encryptions included), at most 150 MB of memory on either side for
 * it, and at most 1 s added to a 1 MB pickup.
 */
export const carryBounds = (carry: CarryResult | undefined): ReadonlyArray<BoundCheck> => {
  const hundred = carry?.sizes.find((size) => size.megabytes === 100)
  const added = carry === undefined ? undefined : carry.overhead.carriedMs.median - carry.overhead.plainMs.median
  return [
    bound("carried handoff of 100 MB, end to end p50", 5000, "ms", hundred?.totalMs.median),
    bound("carried 100 MB, publisher peak memory p95", 150, "MB", hundred && megabytes(hundred.publisherPeakKiB.p95)),
    bound("carried 100 MB, picker peak memory p95", 150, "MB", hundred && megabytes(hundred.pickerPeakKiB.p95)),
    bound("1 MB carried pickup, added to a plain one (p50)", 1000, "ms", added)
  ]
}
