import { it } from "@effect/vitest"
import { Cause, Effect, Exit, Redacted } from "effect"
import { inspect } from "node:util"
import { describe, expect } from "vitest"
import { defaultCosts } from "../../src/crypto/argon2Costs.js"
import { openWithPin, openWithPinKey, sealWithPin, sealWithPinKey } from "../../src/crypto/blob.js"
import { derivePinKey, PinKey } from "../../src/crypto/pinKey.js"
import { ageIdentity } from "../../src/crypto/x25519.js"
import { DecryptionFailed } from "../../src/domain/errors.js"
import { ageDecrypt, referenceKey } from "./peers.js"

const pin = Redacted.make("tangerine-47")
const payload = new TextEncoder().encode(
  "{\"h\":\"laptop\",\"p\":\"/p\",\"s\":\"6f1c2a9e-1b7d-4c55-9a0e-3f8d2b7c4e10\"}"
)
const salt = new TextEncoder().encode("printable salt for argon2 CLI..!")

describe("PinKey", () => {
  it.effect("is the spec's PIN key: the identity the argon2 binary and HKDF give", () =>
    Effect.gen(function*() {
      const key = yield* derivePinKey(pin, salt)
      expect(key.identity()).toBe(ageIdentity(referenceKey("tangerine-47", salt, defaultCosts, "cclink-pin-v1")))
      expect(key.salt).toEqual(salt)
    }))

  it.effect("derived once, seals and opens as the PIN itself does", () =>
    Effect.gen(function*() {
      const key = yield* derivePinKey(pin)
      const sealed = yield* sealWithPinKey(payload, key)
      expect(sealed.salt).toEqual(key.salt)
      expect(yield* openWithPin(sealed.blob, pin, sealed.salt)).toEqual(payload)
      const byPin = yield* sealWithPin(payload, pin)
      const again = yield* derivePinKey(pin, byPin.salt)
      expect(yield* openWithPinKey(byPin.blob, again)).toEqual(payload)
      expect(ageDecrypt(sealed.blob, key.identity())).toEqual(payload)
    }))

  it.effect("wiped, it opens nothing", () =>
    Effect.gen(function*() {
      const key = yield* derivePinKey(pin, salt)
      const { blob } = yield* sealWithPinKey(payload, key)
      key.wipe()
      expect(yield* Effect.exit(openWithPinKey(blob, key))).toEqual(Exit.fail(new DecryptionFailed({})))
    }))

  it("never shows its secret", () => {
    const key = new PinKey(new Uint8Array(32).fill(0xab), salt)
    for (const shown of [String(key), JSON.stringify({ key }), inspect(key), `${key}`]) {
      expect(shown).toContain("PinKey(<redacted>)")
      expect(shown).not.toMatch(/ab,|171|abab/)
    }
  })

  it.effect("treats an empty PIN as a bug", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(derivePinKey(Redacted.make("")))
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
    }))
})
