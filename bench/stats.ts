/**
 * What the benchmark reports of a series of samples: its median and 95th
 * percentile (nearest rank), robust to the outliers a shared machine makes,
 * and the ratio of two medians measured in the same loop.
 */
export interface Summary {
  readonly n: number
  readonly median: number
  readonly p95: number
}

export const summarize = (samples: ReadonlyArray<number>): Summary => {
  if (samples.length === 0) throw new Error("no samples to summarize")
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
  return { n: sorted.length, median, p95: sorted[Math.ceil(0.95 * sorted.length) - 1]! }
}

export const ratio = (candidate: Summary, baseline: Summary): number => candidate.median / baseline.median
