import { it } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { type Argon2Costs, defaultCosts, withinBounds } from "../../src/crypto/argon2Costs.js"
import { deriveKey } from "../../src/crypto/kdf.js"
import { referenceKey } from "./peers.js"

const utf8 = (text: string) => new TextEncoder().encode(text)
const small: Argon2Costs = { memoryKiB: 64, iterations: 1, parallelism: 1 }
/** The argon2 CLI takes its salt on the command line: printable bytes as the spec's tests ask. */
const printableSalt = utf8("cclink-test-salt-0123456789abcde")

describe("deriveKey", () => {
  it("writes the spec's default costs", () => {
    expect(defaultCosts).toEqual({ memoryKiB: 65536, iterations: 3, parallelism: 1 })
  })

  it.effect("equals the argon2 binary + HKDF at the default PIN costs", () =>
    Effect.gen(function*() {
      expect(printableSalt.length).toBe(32)
      const key = yield* deriveKey(utf8("correct horse 42"), printableSalt, defaultCosts, "cclink-pin-v1")
      expect(key).toEqual(referenceKey("correct horse 42", printableSalt, defaultCosts, "cclink-pin-v1"))
    }))

  it.effect("equals the argon2 binary + HKDF for key-file costs, a non-ASCII secret and a binary salt", () =>
    Effect.gen(function*() {
      const salt = Uint8Array.from({ length: 32 }, (_, i) => 255 - i * 3)
      const costs: Argon2Costs = { memoryKiB: 256, iterations: 2, parallelism: 2 }
      const key = yield* deriveKey(utf8("pässwörd ✓ 🔑"), salt, costs, "cclink-key-v1")
      expect(key).toEqual(referenceKey("pässwörd ✓ 🔑", salt, costs, "cclink-key-v1"))
    }))

  it.effect("separates PIN keys from key-file keys", () =>
    Effect.gen(function*() {
      const pin = yield* deriveKey(utf8("same secret"), printableSalt, small, "cclink-pin-v1")
      const key = yield* deriveKey(utf8("same secret"), printableSalt, small, "cclink-key-v1")
      expect(pin).not.toEqual(key)
      expect(pin).toEqual(referenceKey("same secret", printableSalt, small, "cclink-pin-v1"))
      expect(key).toEqual(referenceKey("same secret", printableSalt, small, "cclink-key-v1"))
    }))

  it.effect("depends on every input", () =>
    Effect.gen(function*() {
      const base = yield* deriveKey(utf8("secret"), printableSalt, small, "cclink-key-v1")
      const otherSalt = Uint8Array.from(printableSalt).fill(0x41, 0, 1)
      const variants = [
        yield* deriveKey(utf8("secreT"), printableSalt, small, "cclink-key-v1"),
        yield* deriveKey(utf8("secret"), otherSalt, small, "cclink-key-v1"),
        yield* deriveKey(utf8("secret"), printableSalt, { ...small, memoryKiB: 72 }, "cclink-key-v1"),
        yield* deriveKey(utf8("secret"), printableSalt, { ...small, iterations: 2 }, "cclink-key-v1")
      ]
      for (const variant of variants) expect(variant).not.toEqual(base)
      expect(base.length).toBe(32)
    }))

  it.effect("leaves the caller's secret and salt untouched", () =>
    Effect.gen(function*() {
      const secret = utf8("secret")
      const salt = Uint8Array.from(printableSalt)
      yield* deriveKey(secret, salt, small, "cclink-pin-v1")
      expect(secret).toEqual(utf8("secret"))
      expect(salt).toEqual(printableSalt)
    }))
})

describe("withinBounds", () => {
  it("accepts the defaults and the smallest valid costs", () => {
    expect(withinBounds(defaultCosts)).toBe(true)
    expect(withinBounds({ memoryKiB: 8, iterations: 1, parallelism: 1 })).toBe(true)
    expect(withinBounds({ memoryKiB: 1024 * 1024, iterations: 64, parallelism: 64 })).toBe(true)
  })

  it.each([
    ["memory above 1 GiB", { memoryKiB: 1024 * 1024 + 1, iterations: 3, parallelism: 1 }],
    ["memory 4 GiB", { memoryKiB: 0xffffffff, iterations: 3, parallelism: 1 }],
    ["memory below 8 KiB per lane", { memoryKiB: 15, iterations: 1, parallelism: 2 }],
    ["zero iterations", { memoryKiB: 64, iterations: 0, parallelism: 1 }],
    ["65 iterations", { memoryKiB: 64, iterations: 65, parallelism: 1 }],
    ["zero parallelism", { memoryKiB: 64, iterations: 1, parallelism: 0 }],
    ["65 lanes", { memoryKiB: 65 * 8, iterations: 1, parallelism: 65 }],
    ["fractional memory", { memoryKiB: 64.5, iterations: 1, parallelism: 1 }]
  ])("refuses %s", (_, costs) => {
    expect(withinBounds(costs)).toBe(false)
  })
})
