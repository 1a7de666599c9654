import { it } from "@effect/vitest"
import { Encrypter } from "age-encryption"
import { Effect, Either } from "effect"
import { randomBytes } from "node:crypto"
import { describe, expect } from "vitest"
import { decryptStream, encryptStream } from "../../src/crypto/age.js"
import { identityOf, recipientOf } from "../../src/crypto/x25519.js"
import { Keypair } from "../../src/domain/keys.js"
import { ageDecrypt, ageEncrypt } from "./peers.js"

const alice = Keypair.generate()
const bob = Keypair.generate()

/** A stream of `bytes` in pieces of `piece` bytes, as a file read would give it. */
const streamOf = (bytes: Uint8Array, piece = 10_000) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += piece) controller.enqueue(bytes.slice(at, at + piece))
      controller.close()
    }
  })

/** The whole stream, or its error. */
const collect = (stream: ReadableStream<Uint8Array>) =>
  Effect.tryPromise(async () => {
    const parts: Array<Uint8Array> = []
    for await (const part of stream as unknown as AsyncIterable<Uint8Array>) parts.push(part)
    return new Uint8Array(Buffer.concat(parts))
  })

describe("age streams", () => {
  const plaintext = randomBytes(300_000)

  it.effect("write standard age files: the age binary decrypts them, and they decrypt what it writes", () =>
    Effect.gen(function*() {
      const ciphertext = yield* collect(yield* encryptStream(streamOf(plaintext), recipientOf(alice.publicKey)))
      expect(Buffer.from(ageDecrypt(ciphertext, identityOf(alice))).equals(plaintext)).toBe(true)
      const theirs = ageEncrypt(plaintext, recipientOf(alice.publicKey))
      const opened = yield* collect(yield* decryptStream(streamOf(theirs), identityOf(alice)))
      expect(Buffer.from(opened).equals(plaintext)).toBe(true)
    }))

  it.effect("refuse another identity at the header, and a truncated or damaged body as the stream is read", () =>
    Effect.gen(function*() {
      const ciphertext = yield* collect(yield* encryptStream(streamOf(plaintext), recipientOf(alice.publicKey)))
      expect((yield* Effect.flip(decryptStream(streamOf(ciphertext), identityOf(bob))))._tag).toBe("DecryptionFailed")

      // Cut at a chunk boundary: every chunk left authenticates, but the last one must say it is the last.
      const header = ciphertext.length - (plaintext.length + 16 * Math.ceil(plaintext.length / 65536))
      const truncated = ciphertext.slice(0, header + 2 * (65536 + 16))
      const damaged = Uint8Array.from(ciphertext)
      damaged[ciphertext.length - 100]! ^= 1
      for (const bad of [truncated, damaged, ciphertext.slice(0, -1)]) {
        const read = yield* Effect.either(collect(yield* decryptStream(streamOf(bad), identityOf(alice))))
        expect(Either.isLeft(read)).toBe(true)
      }
    }))

  it.effect("refuse a header that does not end within 4 KiB, without reading the rest of the stream", () =>
    Effect.gen(function*() {
      // One endless stanza line: age-encryption's own reader would take it all (64 MiB here) before refusing it.
      const opening = new TextEncoder().encode("age-encryption.org/v1\n-> X25519 ")
      const filler = new Uint8Array(64 * 1024).fill(0x41)
      let pulled = 0
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          const part = pulled === 0 ? opening : filler
          pulled += part.length
          if (pulled > 64 * 1024 * 1024) controller.close()
          else controller.enqueue(part)
        }
      })
      expect((yield* Effect.flip(decryptStream(endless, identityOf(alice))))._tag).toBe("DecryptionFailed")
      expect(pulled).toBeLessThan(256 * 1024)
    }))

  it.effect("refuse a header with another stanza than the one X25519 stanza cclink writes", () =>
    Effect.gen(function*() {
      const encrypter = new Encrypter()
      encrypter.addRecipient(recipientOf(alice.publicKey))
      encrypter.addRecipient(recipientOf(bob.publicKey))
      const twice = yield* Effect.promise(() => encrypter.encrypt(plaintext))
      expect((yield* Effect.flip(decryptStream(streamOf(twice), identityOf(alice))))._tag).toBe("DecryptionFailed")
    }))
})
