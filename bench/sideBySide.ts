/**
 * A candidate and its baseline measured in one loop: on a shared machine the
 * load changes from second to second, so both must see the same moments.
 * Each pair runs in alternating order, so neither always runs second on a
 * machine the other has just warmed, after one unmeasured pair that loads
 * the files into the page cache (a first run measures the disk).
 */
import { Effect } from "effect"
import { ratio, summarize, type Summary } from "./stats.js"

export interface Comparison {
  readonly candidate: Summary
  readonly baseline: Summary
  /** Median of the candidate over median of the baseline. */
  readonly ratio: number
}

/** Each effect runs once per round and answers its sample (milliseconds, kilobytes...). */
export const sideBySide = (
  runs: number,
  candidate: Effect.Effect<number>,
  baseline: Effect.Effect<number>
): Effect.Effect<Comparison> =>
  Effect.gen(function*() {
    yield* Effect.zip(candidate, baseline)
    const ours: Array<number> = []
    const theirs: Array<number> = []
    for (let round = 0; round < runs; round++) {
      const [a, b] = round % 2 === 0
        ? yield* Effect.zip(candidate, baseline)
        : yield* Effect.map(Effect.zip(baseline, candidate), ([b, a]) => [a, b] as const)
      ours.push(a)
      theirs.push(b)
    }
    const summaries = { candidate: summarize(ours), baseline: summarize(theirs) }
    return { ...summaries, ratio: ratio(summaries.candidate, summaries.baseline) }
  })
