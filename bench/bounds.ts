/**
 * The bounds of issue 6, checked against a run's figures. A bound whose
 * figure the run did not measure (the quick run has no 500-node network) is
 * reported as such, never as a pass.
 */
import type { CarryResult } from "./carry.js"
import type { Measurements } from "./report.js"

export type Status = "pass" | "fail" | "not measured"

export interface BoundCheck {
  readonly name: string
  /** The figure must be at most this. */
  readonly limit: number
  readonly unit: "x" | "ms" | "MB"
  readonly value: number | null
  readonly status: Status
}

/** The network the DHT and handoff bounds are stated for. */
export const BOUND_NETWORK = 500
export const RESOLVE_P50_MS = 150
export const PUBLISH_P50_MS = 500

/** Megabytes of 10^6 bytes: the stricter reading of "200 MB". */
export const megabytes = (kib: number) => (kib * 1024) / 1e6

const at = <A extends { readonly nodes: number }>(results: ReadonlyArray<A>) =>
  results.find((result) => result.nodes === BOUND_NETWORK)

/** A figure against its limit; a figure the run did not measure is "not measured", never a pass. */
export const checkBound = (
  name: string,
  limit: number,
  unit: BoundCheck["unit"],
  value: number | undefined
): BoundCheck => ({
  name,
  limit,
  unit,
  value: value ?? null,
  status: value === undefined ? "not measured" : value <= limit ? "pass" : "fail"
})

/**
 * The bounds of issue 10 on carried handoffs: 100 MB end to end in 5 s
 * (20 MB/s, compression and both encryptions included), at most 150 MB of
 * memory on either side for it, and at most 1 s added to a 1 MB pickup.
 */
export const carryBounds = (carry: CarryResult | undefined): ReadonlyArray<BoundCheck> => {
  const hundred = carry?.sizes.find((size) => size.megabytes === 100)
  const added = carry === undefined ? undefined : carry.overhead.carriedMs.median - carry.overhead.plainMs.median
  return [
    checkBound("carried handoff of 100 MB, end to end p50", 5000, "ms", hundred?.totalMs.median),
    checkBound(
      "carried 100 MB, publisher peak memory p95",
      150,
      "MB",
      hundred && megabytes(hundred.publisherPeakKiB.p95)
    ),
    checkBound("carried 100 MB, picker peak memory p95", 150, "MB", hundred && megabytes(hundred.pickerPeakKiB.p95)),
    checkBound("1 MB carried pickup, added to a plain one (p50)", 1000, "ms", added)
  ]
}

export const check = (m: Measurements): ReadonlyArray<BoundCheck> => {
  const dht = at(m.dht)
  const plaintext = m.handoff.nodes === BOUND_NETWORK
    ? m.handoff.results.find((result) => result.key === "plaintext")
    : undefined
  const bound = checkBound
  return [
    ...m.startup.map((result) => bound(`startup ratio, ${result.command}`, 2.5, "x", result.ratio)),
    bound("Argon2id ratio, cclink / argon2", 1.25, "x", m.argon2.ratio),
    bound(`resolve p50, ${BOUND_NETWORK} nodes`, RESOLVE_P50_MS, "ms", dht?.resolveMs.median),
    bound(`publish p50, ${BOUND_NETWORK} nodes`, PUBLISH_P50_MS, "ms", dht?.publishMs.median),
    bound(`handoff p50, plaintext key, ${BOUND_NETWORK} nodes`, 2000, "ms", plaintext?.totalMs.median),
    bound("pickup peak memory p95, passphrase + PIN", 200, "MB", megabytes(m.memory.peakKiB.candidate.p95)),
    ...carryBounds(m.carry)
  ]
}
