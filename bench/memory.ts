/**
 * Peak resident memory of `cclink pickup --no-launch` with a passphrase key
 * and a PIN (two Argon2id derivations of 64 MiB each), against `node -e 0`,
 * side by side. Each process reports its own high-water mark (`VmHWM`, what
 * `/usr/bin/time -f %M` reads from the kernel) as it exits, through a module
 * preloaded with `--import`, so no extra tool is needed.
 *
 * The first command in a fresh HOME (or after an upgrade) also compiles the
 * bundle and writes V8's code cache, which costs memory of its own: that
 * first pickup is reported apart, one sample, and the side-by-side runs
 * measure the pickups after it.
 */
import { Effect } from "effect"
import type { Testnet } from "../src/dht/testnet.js"
import { environment, node } from "./cli.js"
import { machines, pickup, publish } from "./handoff.js"
import { type Comparison, sideBySide } from "./sideBySide.js"

/** Kibibytes, as the kernel counts them. */
export interface MemoryResult {
  readonly firstRunKiB: number
  readonly peakKiB: Comparison
}

/** A module for `node --import`: the process writes its peak resident memory (KiB) to descriptor 3 as it exits. */
export const REPORT_PEAK = "data:text/javascript," + encodeURIComponent(
  `import { readFileSync, writeSync } from "node:fs"
process.on("exit", () => writeSync(3, /VmHWM:\\s*(\\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]))`
)

/** The peak a process wrote to descriptor 3 through `REPORT_PEAK`. */
export const peakKiB = (finished: { readonly fd3: string }) => {
  const kib = Number(finished.fd3)
  return kib > 0 ? Effect.succeed(kib) : Effect.dieMessage("a process reported no peak memory")
}

export const measure = (network: Testnet, runs: number): Effect.Effect<MemoryResult> =>
  Effect.scoped(Effect.gen(function*() {
    const m = yield* machines(network, "passphrase")
    const { sessionId } = yield* publish(m)
    const measured = Effect.flatMap(pickup(m, sessionId, ["--import", REPORT_PEAK]), peakKiB)
    const firstRunKiB = yield* measured
    const comparison = yield* sideBySide(
      runs,
      measured,
      Effect.flatMap(node(["--import", REPORT_PEAK, "-e", "0"], { env: environment({}) }), peakKiB)
    )
    return { firstRunKiB, peakKiB: comparison }
  }))
