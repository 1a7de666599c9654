import { it } from "@effect/vitest"
import { Cause, Effect, Exit, Redacted, Tracer } from "effect"
import { describe, expect } from "vitest"
import { encrypt } from "../../src/crypto/age.js"
import type { Argon2Costs } from "../../src/crypto/argon2Costs.js"
import { openSeed, sealSeed } from "../../src/crypto/envelope.js"
import { isEnvelope } from "../../src/crypto/envelopeHeader.js"
import { deriveKey } from "../../src/crypto/kdf.js"
import { ageIdentity, recipientOfSecret } from "../../src/crypto/x25519.js"
import { DecryptionFailed } from "../../src/domain/errors.js"
import { ageDecrypt, ageEncrypt, keygenRecipient, referenceKey } from "./peers.js"

const utf8 = (text: string) => new TextEncoder().encode(text)
const PASSPHRASE = "violet-ostrich-sings"
const passphrase = Redacted.make(PASSPHRASE)
const seed = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff)
/** Small costs carried in the header keep most tests fast; the format is the same. */
const small: Argon2Costs = { memoryKiB: 64, iterations: 1, parallelism: 1 }
const failed = new DecryptionFailed({ hint: "wrong passphrase or damaged key file." })

const header = (costs: Argon2Costs, salt: Uint8Array): Uint8Array => {
  const bytes = new Uint8Array(53)
  const view = new DataView(bytes.buffer)
  bytes.set(utf8("CCLINKEK"))
  bytes[8] = 1
  view.setUint32(9, costs.memoryKiB)
  view.setUint32(13, costs.iterations)
  view.setUint32(17, costs.parallelism)
  bytes.set(salt, 21)
  return bytes
}

const concat = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b])

/** The key-file identity computed by the reference tools alone: the argon2 binary, then HKDF. */
const referenceIdentity = (secret: string, salt: Uint8Array, costs: Argon2Costs): string =>
  ageIdentity(referenceKey(secret, salt, costs, "cclink-key-v1"))

/** Opens an envelope with the argon2 and age binaries only, reading the header by hand. */
const openWithBinaries = (envelope: Uint8Array, secret: string): Uint8Array => {
  const view = new DataView(envelope.buffer, envelope.byteOffset)
  const costs = { memoryKiB: view.getUint32(9), iterations: view.getUint32(13), parallelism: view.getUint32(17) }
  return ageDecrypt(envelope.subarray(53), referenceIdentity(secret, envelope.subarray(21, 53), costs))
}

/** Runs `effect` under the real tracer, recording the names of the spans it opens. */
const traced = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const spans: Array<string> = []
    const native = yield* Effect.tracer
    const recording = Tracer.make({
      span: (name, ...rest) => {
        spans.push(name)
        return native.span(name, ...rest)
      },
      context: (f, fiber) => native.context(f, fiber)
    })
    const exit = yield* Effect.exit(Effect.withTracer(effect, recording))
    return { exit, spans }
  })

/** argv cannot carry a NUL byte to the argon2 tool: reseal until the random salt has none. */
const sealArgvSafe = (costs?: Argon2Costs) =>
  sealSeed(seed, passphrase, costs).pipe(Effect.repeat({ until: (envelope) => !envelope.subarray(21, 53).includes(0) }))

describe("CCLINKEK v1 envelope", () => {
  it.effect("writes the header of the spec and opens again", () =>
    Effect.gen(function*() {
      const envelope = yield* sealSeed(seed, passphrase, { memoryKiB: 72, iterations: 2, parallelism: 3 })
      expect(Buffer.from(envelope.subarray(0, 21)).toString("hex")).toBe(
        Buffer.from("CCLINKEK").toString("hex") + "01" + "00000048" + "00000002" + "00000003"
      )
      expect(Buffer.from(envelope.subarray(53, 75)).toString("latin1")).toBe("age-encryption.org/v1\n")
      expect(isEnvelope(envelope)).toBe(true)
      expect(yield* openSeed(envelope, passphrase)).toEqual(seed)
    }))

  it.effect("uses a fresh salt every time", () =>
    Effect.gen(function*() {
      const a = yield* sealSeed(seed, passphrase, small)
      const b = yield* sealSeed(seed, passphrase, small)
      expect(a.subarray(21, 53)).not.toEqual(b.subarray(21, 53))
    }))

  it.effect("at the real defaults: written with 65536/3/1, opened by cclink and by argon2 + age", () =>
    Effect.gen(function*() {
      const envelope = yield* sealArgvSafe()
      expect(Buffer.from(envelope.subarray(9, 21)).toString("hex")).toBe("000100000000000300000001")
      expect(yield* openSeed(envelope, passphrase)).toEqual(seed)
      expect(openWithBinaries(envelope, PASSPHRASE)).toEqual(seed)
    }))

  it.effect("written by cclink, opens with the argon2 and age binaries", () =>
    Effect.gen(function*() {
      const envelope = yield* sealArgvSafe({ memoryKiB: 256, iterations: 2, parallelism: 2 })
      expect(openWithBinaries(envelope, PASSPHRASE)).toEqual(seed)
    }))

  it.effect("assembled from the argon2 and age binaries, opens with cclink", () =>
    Effect.gen(function*() {
      const salt = utf8("0123456789abcdefghijklmnopqrstuv")
      const costs: Argon2Costs = { memoryKiB: 256, iterations: 2, parallelism: 2 }
      const recipient = keygenRecipient(referenceIdentity(PASSPHRASE, salt, costs))
      const envelope = concat(header(costs, salt), ageEncrypt(seed, recipient))
      expect(yield* openSeed(envelope, passphrase)).toEqual(seed)
    }))

  it.effect("opens from a view into a larger buffer, as fs reads may return", () =>
    Effect.gen(function*() {
      const envelope = yield* sealSeed(seed, passphrase, small)
      const pool = new Uint8Array(envelope.length + 13)
      pool.set(envelope, 7)
      const { exit, spans } = yield* traced(openSeed(pool.subarray(7, 7 + envelope.length), passphrase))
      expect(exit).toEqual(Exit.succeed(seed))
      expect(spans).toContain("crypto.deriveKey")
    }))

  it.effect("gives one error, free of the passphrase, for a wrong passphrase and for any flipped byte", () =>
    Effect.gen(function*() {
      const envelope = yield* sealSeed(seed, passphrase, small)
      const wrong = yield* Effect.flip(openSeed(envelope, Redacted.make("violet-ostrich-sang")))
      expect(wrong).toEqual(failed)
      expect(wrong.message).toBe("Decryption failed: wrong passphrase or damaged key file.")
      expect(`${String(wrong)} ${JSON.stringify(wrong)}`).not.toMatch(/violet|ostrich/)
      for (let i = 0; i < envelope.length; i++) {
        const tampered = Uint8Array.from(envelope)
        tampered[i]! ^= 0x04
        expect(yield* Effect.exit(openSeed(tampered, passphrase)), `byte ${i}`).toEqual(Exit.fail(failed))
      }
    }))

  it.effect.each(
    [
      ["4 GiB of memory", { memoryKiB: 0xffffffff, iterations: 1, parallelism: 1 }],
      ["2 GiB of memory", { memoryKiB: 2 * 1024 * 1024, iterations: 1, parallelism: 1 }],
      ["1000 passes", { memoryKiB: 64, iterations: 1000, parallelism: 1 }],
      ["65 passes", { memoryKiB: 64, iterations: 65, parallelism: 1 }],
      ["zero passes", { memoryKiB: 64, iterations: 0, parallelism: 1 }],
      ["zero lanes", { memoryKiB: 64, iterations: 1, parallelism: 0 }],
      ["65 lanes", { memoryKiB: 65 * 8, iterations: 1, parallelism: 65 }],
      ["less than 8 KiB per lane", { memoryKiB: 64, iterations: 1, parallelism: 9 }]
    ] as const
  )("refuses a header asking for %s before deriving anything", ([, costs]) =>
    Effect.gen(function*() {
      const good = yield* sealSeed(seed, passphrase, small)
      const hostile = concat(header(costs, good.subarray(21, 53)), good.subarray(53))
      const { exit, spans } = yield* traced(openSeed(hostile, passphrase))
      expect(exit).toEqual(Exit.fail(failed))
      expect(spans).toEqual(["crypto.openSeed"])
    }))

  it.effect("refuses short input, other encodings and an empty passphrase", () =>
    Effect.gen(function*() {
      const envelope = yield* sealSeed(seed, passphrase, small)
      const hex = utf8(`${Buffer.from(seed).toString("hex")}\n`)
      for (const input of [new Uint8Array(0), utf8("CCLINKEK"), envelope.subarray(0, 53), hex]) {
        expect(yield* Effect.exit(openSeed(input, passphrase))).toEqual(Exit.fail(failed))
      }
      expect(yield* Effect.exit(openSeed(envelope, Redacted.make("")))).toEqual(Exit.fail(failed))
    }))

  it.effect("refuses a well-formed envelope whose plaintext is not a 32-byte seed", () =>
    Effect.gen(function*() {
      const salt = crypto.getRandomValues(new Uint8Array(32))
      const key = yield* deriveKey(utf8(PASSPHRASE), salt, small, "cclink-key-v1")
      for (const length of [31, 33, 0]) {
        const ciphertext = yield* encrypt(new Uint8Array(length).fill(7), recipientOfSecret(key))
        expect(yield* Effect.exit(openSeed(concat(header(small, salt), ciphertext), passphrase))).toEqual(
          Exit.fail(failed)
        )
      }
    }))

  it.effect("tells envelopes from plaintext key files by the first 8 bytes", () =>
    Effect.sync(() => {
      expect(isEnvelope(utf8("CCLINKEK"))).toBe(true)
      expect(isEnvelope(utf8("CCLINKE"))).toBe(false)
      expect(isEnvelope(utf8("cclinkek\u0001"))).toBe(false)
      expect(isEnvelope(utf8(Buffer.from(seed).toString("hex")))).toBe(false)
    }))

  it.effect.each(
    [
      ["a 31-byte seed", () => sealSeed(new Uint8Array(31), passphrase, small)],
      ["an empty passphrase", () => sealSeed(seed, Redacted.make(""), small)],
      ["costs out of bounds", () => sealSeed(seed, passphrase, { ...small, iterations: 0 })]
    ] as const
  )("treats sealing %s as a bug", ([, seal]) =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(seal())
      expect(Exit.isFailure(exit) && Cause.isDie(exit.cause)).toBe(true)
    }))
})
