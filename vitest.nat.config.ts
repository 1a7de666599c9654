import { defineConfig } from "vitest/config"

/**
 * `npm run test:nat`: real NATs in network namespaces (docs/testing-nat.md),
 * apart from `npm test` because it needs root, iproute2 and nftables, and
 * because its connections wait on real punching timeouts. The global setup
 * fails the whole run in one line on a machine that cannot run it.
 */
export default defineConfig({
  test: {
    include: ["test/nat/**/*.test.ts"],
    globalSetup: ["test/nat/support/preflightSetup.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Two cores: at most two test files at once, each with its own process.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } }
  }
})
