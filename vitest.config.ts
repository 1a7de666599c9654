import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/hostile/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Argon2id at 64 MiB and DHT networks of hundreds of UDP sockets share two cores.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } }
  }
})
