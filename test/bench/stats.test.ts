import { describe, expect, it } from "vitest"
import { ratio, summarize } from "../../bench/stats.js"

describe("summarize", () => {
  it("takes the middle sample of an odd count, whatever the order", () => {
    expect(summarize([30, 10, 20]).median).toBe(20)
  })

  it("averages the two middle samples of an even count", () => {
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5)
  })

  it("takes the 95th percentile by nearest rank", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(summarize(hundred)).toEqual({ n: 100, median: 50.5, p95: 95 })
    // Under 20 samples the nearest rank is the largest one.
    expect(summarize([5, 1, 9, 3]).p95).toBe(9)
  })

  it("refuses an empty series rather than inventing a figure", () => {
    expect(() => summarize([])).toThrow()
  })
})

describe("ratio", () => {
  it("divides the candidate's median by the baseline's", () => {
    expect(ratio(summarize([200, 210, 190]), summarize([100, 80, 90]))).toBeCloseTo(200 / 90)
  })
})
