import { it } from "@effect/vitest"
import { Cause, Effect, Exit, Redacted } from "effect"
import { describe, expect } from "vitest"
import { defaultCosts } from "../../src/crypto/argon2Costs.js"
import { openWithKeypair, openWithPin, sealTo, sealToSelf, sealWithPin } from "../../src/crypto/blob.js"
import { ageIdentity, identityOf, recipientOf } from "../../src/crypto/x25519.js"
import { DecryptionFailed } from "../../src/domain/errors.js"
import { Keypair } from "../../src/domain/keys.js"
import { ageDecrypt, ageEncrypt, keygenRecipient, referenceKey } from "./peers.js"

const utf8 = (text: string) => new TextEncoder().encode(text)
const alice = Keypair.generate()
const bob = Keypair.generate()
const payload = utf8("{\"h\":\"laptop\",\"p\":\"/home/alice/project\",\"s\":\"6f1c2a9e-1b7d-4c55-9a0e-3f8d2b7c4e10\"}")
const PIN = "tangerine-47"
const pin = Redacted.make(PIN)
const failure = Exit.fail(new DecryptionFailed({}))

/** The PIN identity computed by the reference tools alone: the argon2 binary, then HKDF. */
const referencePinIdentity = (secret: string, salt: Uint8Array): string =>
  ageIdentity(referenceKey(secret, salt, defaultCosts, "cclink-pin-v1"))

describe("self mode", () => {
  it.effect("opens with the publisher's keypair only", () =>
    Effect.gen(function*() {
      const blob = yield* sealToSelf(payload, alice)
      expect(yield* openWithKeypair(blob, alice)).toEqual(payload)
      expect(yield* Effect.exit(openWithKeypair(blob, bob))).toEqual(failure)
    }))

  it.effect("is decrypted by `age -d -i` with the derived identity", () =>
    Effect.gen(function*() {
      const blob = yield* sealToSelf(payload, alice)
      expect(ageDecrypt(blob, identityOf(alice))).toEqual(payload)
    }))

  it.effect("opens a blob that `age -r` wrote to the derived recipient", () =>
    Effect.gen(function*() {
      const recipient = keygenRecipient(identityOf(alice))
      expect(recipient).toBe(recipientOf(alice.publicKey))
      expect(yield* openWithKeypair(ageEncrypt(payload, recipient), alice)).toEqual(payload)
    }))

  it.effect("refuses every flipped byte", () =>
    Effect.gen(function*() {
      const blob = yield* sealToSelf(payload, alice)
      for (let i = 0; i < blob.length; i++) {
        const tampered = Uint8Array.from(blob)
        tampered[i]! ^= 0x04
        expect(yield* Effect.exit(openWithKeypair(tampered, alice)), `byte ${i}`).toEqual(failure)
      }
    }))

  it.effect("keeps the identity out of the error", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(openWithKeypair(yield* sealToSelf(payload, alice), bob))
      const shown = `${error.message} ${String(error)} ${JSON.stringify(error)}`
      expect(shown).not.toContain(identityOf(bob))
      expect(shown).not.toContain(Buffer.from(bob.seed()).toString("hex"))
    }))
})

describe("shared mode", () => {
  it.effect("opens for the recipient and not for the publisher", () =>
    Effect.gen(function*() {
      const blob = yield* sealTo(payload, bob.publicKey)
      expect(yield* openWithKeypair(blob, bob)).toEqual(payload)
      expect(yield* Effect.exit(openWithKeypair(blob, alice))).toEqual(failure)
      expect(ageDecrypt(blob, identityOf(bob))).toEqual(payload)
    }))
})

describe("PIN mode", () => {
  it.effect("opens with the PIN and salt only; every seal has its own salt", () =>
    Effect.gen(function*() {
      const first = yield* sealWithPin(payload, pin)
      const second = yield* sealWithPin(payload, pin)
      expect(first.salt.length).toBe(32)
      expect(first.salt).not.toEqual(second.salt)
      expect(yield* openWithPin(first.blob, pin, first.salt)).toEqual(payload)
      expect(yield* Effect.exit(openWithPin(first.blob, pin, second.salt))).toEqual(failure)
      expect(yield* Effect.exit(openWithKeypair(first.blob, alice))).toEqual(failure)
    }))

  it.effect("fails the same way for a wrong PIN and a tampered blob, without the PIN in the error", () =>
    Effect.gen(function*() {
      const { blob, salt } = yield* sealWithPin(payload, pin)
      const wrongPin = yield* Effect.flip(openWithPin(blob, Redacted.make("tangerine-48"), salt))
      const tampered = Uint8Array.from(blob)
      tampered[tampered.length - 5]! ^= 0x01
      const damaged = yield* Effect.flip(openWithPin(tampered, pin, salt))
      expect(wrongPin).toEqual(new DecryptionFailed({}))
      expect(damaged).toEqual(wrongPin)
      for (const error of [wrongPin, damaged]) {
        expect(`${error.message} ${String(error)} ${JSON.stringify(error)}`).not.toMatch(/tangerine/)
      }
    }))

  it.effect("refuses a salt that is not 32 bytes and an empty PIN", () =>
    Effect.gen(function*() {
      const blob = yield* sealToSelf(payload, alice)
      expect(yield* Effect.exit(openWithPin(blob, pin, new Uint8Array(31)))).toEqual(failure)
      expect(yield* Effect.exit(openWithPin(blob, Redacted.make(""), new Uint8Array(32)))).toEqual(failure)
    }))

  it.effect("treats sealing with an empty PIN as a bug", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(sealWithPin(payload, Redacted.make("")))
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
    }))

  it.effect("is decrypted by `age -d -i` with the identity from the argon2 binary", () =>
    Effect.gen(function*() {
      // argv cannot carry a NUL byte to the argon2 tool: reseal until the random salt has none.
      let sealed = yield* sealWithPin(payload, pin)
      while (sealed.salt.includes(0)) sealed = yield* sealWithPin(payload, pin)
      expect(ageDecrypt(sealed.blob, referencePinIdentity(PIN, sealed.salt))).toEqual(payload)
    }))

  it.effect("opens a blob that `age -r` wrote to the PIN recipient from the argon2 binary", () =>
    Effect.gen(function*() {
      const salt = utf8("printable salt for argon2 CLI..!")
      const recipient = keygenRecipient(referencePinIdentity(PIN, salt))
      expect(yield* openWithPin(ageEncrypt(payload, recipient), pin, salt)).toEqual(payload)
    }))
})
