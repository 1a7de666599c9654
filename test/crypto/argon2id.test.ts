import { describe, expect, it } from "vitest"
import type { Argon2Costs } from "../../src/crypto/argon2Costs.js"
import { nativeArgon2id, portableArgon2id } from "../../src/crypto/argon2id.js"
import { argon2Raw } from "./peers.js"

const utf8 = (text: string) => new TextEncoder().encode(text)
const salt = Uint8Array.from({ length: 32 }, (_, i) => 1 + ((i * 7) % 250))

describe("argon2id", () => {
  const cases: Array<[string, Argon2Costs]> = [
    ["correct horse 42", { memoryKiB: 65536, iterations: 3, parallelism: 1 }],
    ["pässwörd ✓", { memoryKiB: 256, iterations: 2, parallelism: 2 }]
  ]

  it.each(cases)("native binding and hash-wasm both give the argon2 binary's raw bytes (%s)", async (secret, costs) => {
    const expected = argon2Raw(utf8(secret), salt, costs)
    expect(await nativeArgon2id(utf8(secret), salt, costs)).toEqual(expected)
    expect(await portableArgon2id(utf8(secret), salt, costs)).toEqual(expected)
  })

  it("leaves the caller's secret bytes as they were, for the caller to wipe", async () => {
    const secret = utf8("wipe me later")
    await nativeArgon2id(secret, salt, { memoryKiB: 64, iterations: 1, parallelism: 1 })
    expect(new TextDecoder().decode(secret)).toBe("wipe me later")
  })
})
