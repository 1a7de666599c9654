import { defineConfig } from "vitest/config"

/**
 * `npm run test:hostile`: the hostile-input and fault suite (issue 6), apart
 * from `npm test` because it attacks the whole program at once: thousands of
 * fuzzed inputs, DHT networks with adversaries, killed processes. Its figures
 * land in test/hostile/figures.json for docs/security.md.
 */
export default defineConfig({
  test: {
    include: ["test/hostile/**/*.test.ts"],
    // Each file records its figures; the global teardown merges them into test/hostile/figures.json.
    globalSetup: ["test/hostile/support/figuresSetup.ts"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Two cores: at most two test files at once, each with its own process.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } }
  }
})
