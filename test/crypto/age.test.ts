import { it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { describe, expect } from "vitest"
import { decrypt, encrypt } from "../../src/crypto/age.js"
import { identityOf, recipientOf } from "../../src/crypto/x25519.js"
import { DecryptionFailed } from "../../src/domain/errors.js"
import { Keypair } from "../../src/domain/keys.js"
import { ageDecrypt, ageEncrypt } from "./peers.js"

const alice = Keypair.generate()
const bob = Keypair.generate()
const plaintext = new TextEncoder().encode("{\"h\":\"laptop\",\"p\":\"/home/a/project\",\"s\":\"0b5c7d2e\"}")
const text = (data: Uint8Array) => Buffer.from(data).toString("latin1")

describe("age", () => {
  it.effect("round-trips to one recipient", () =>
    Effect.gen(function*() {
      const ciphertext = yield* encrypt(plaintext, recipientOf(alice.publicKey))
      expect(yield* decrypt(ciphertext, identityOf(alice))).toEqual(plaintext)
    }))

  it.effect("writes a binary v1 file with exactly one X25519 stanza", () =>
    Effect.gen(function*() {
      const header = text(yield* encrypt(plaintext, recipientOf(alice.publicKey))).split("\n---")[0]!
      expect(header.startsWith("age-encryption.org/v1\n")).toBe(true)
      expect(header).not.toContain("BEGIN AGE ENCRYPTED FILE")
      expect(header.match(/^-> /gm)).toEqual(["-> "])
      expect(header).toMatch(/^-> X25519 [A-Za-z0-9+/]{43}$/m)
    }))

  it.effect("uses a fresh file key every time", () =>
    Effect.gen(function*() {
      const recipient = recipientOf(alice.publicKey)
      expect(yield* encrypt(plaintext, recipient)).not.toEqual(yield* encrypt(plaintext, recipient))
    }))

  it.effect("is decrypted by the age binary", () =>
    Effect.gen(function*() {
      const ciphertext = yield* encrypt(plaintext, recipientOf(alice.publicKey))
      expect(ageDecrypt(ciphertext, identityOf(alice))).toEqual(plaintext)
    }))

  it.effect("decrypts what the age binary wrote", () =>
    Effect.gen(function*() {
      const ciphertext = ageEncrypt(plaintext, recipientOf(alice.publicKey))
      expect(yield* decrypt(ciphertext, identityOf(alice))).toEqual(plaintext)
    }))

  it.effect("fails with the one detail-free error for the wrong identity", () =>
    Effect.gen(function*() {
      const ciphertext = yield* encrypt(plaintext, recipientOf(alice.publicKey))
      const identity = identityOf(bob)
      const error = yield* Effect.flip(decrypt(ciphertext, identity))
      expect(error).toEqual(new DecryptionFailed({}))
      expect(error.message).toBe("Decryption failed: wrong key, wrong PIN, or damaged data.")
      const shown = `${error.message} ${String(error)} ${JSON.stringify(error)}`
      expect(shown).not.toContain(identity)
      expect(shown).not.toContain(identity.toLowerCase())
    }))

  it.effect("refuses every single flipped byte", () =>
    Effect.gen(function*() {
      const identity = identityOf(alice)
      const ciphertext = yield* encrypt(plaintext, recipientOf(alice.publicKey))
      for (let i = 0; i < ciphertext.length; i++) {
        for (const mask of [0x01, 0x80]) {
          const tampered = Uint8Array.from(ciphertext)
          tampered[i]! ^= mask
          const exit = yield* Effect.exit(decrypt(tampered, identity))
          expect(exit, `byte ${i} ^ ${mask}`).toEqual(Exit.fail(new DecryptionFailed({})))
        }
      }
    }))

  it.effect("refuses truncated, extended and non-age input", () =>
    Effect.gen(function*() {
      const identity = identityOf(alice)
      const ciphertext = yield* encrypt(plaintext, recipientOf(alice.publicKey))
      const inputs = [
        ciphertext.subarray(0, ciphertext.length - 1),
        ciphertext.subarray(0, ciphertext.length - 17),
        Uint8Array.from([...ciphertext, 0]),
        new Uint8Array(0),
        new TextEncoder().encode("not an age file")
      ]
      for (const input of inputs) {
        expect(yield* Effect.exit(decrypt(input, identity))).toEqual(Exit.fail(new DecryptionFailed({})))
      }
    }))
})
