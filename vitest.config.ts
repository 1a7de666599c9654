import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Their own commands: `npm run test:hostile`, and `npm run test:nat` (root, namespaces, nftables).
    exclude: ["test/hostile/**", "test/nat/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Argon2id at 64 MiB and DHT networks of hundreds of UDP sockets share two cores.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } }
  }
})
