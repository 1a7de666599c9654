import { ed25519 } from "@noble/curves/ed25519.js"
import { bech32 } from "@scure/base"
import { identityToRecipient } from "age-encryption"
import { Either } from "effect"
import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import {
  ageIdentity,
  ageRecipient,
  identityOf,
  recipientOf,
  x25519PublicKey,
  x25519Secret
} from "../../src/crypto/x25519.js"
import { Keypair } from "../../src/domain/keys.js"
import { keygenRecipient } from "./peers.js"

interface Vector {
  readonly seed_hex: string
  readonly ed25519_pub_hex: string
  readonly x25519_pub_hex: string
  readonly x25519_secret_hex: string
}

/** A byte-identical copy of shared/vectors (produced by ed25519-dalek), so a clean clone carries it. */
const vectors: ReadonlyArray<Vector> = JSON.parse(
  readFileSync(new URL("vectors/ed25519_x25519_vectors.json", import.meta.url), "utf8")
)
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"))
const hex = (data: Uint8Array) => Buffer.from(data).toString("hex")

describe("Ed25519 to X25519 (spec section 3)", () => {
  it("has vectors to check", () => {
    expect(vectors.length).toBeGreaterThanOrEqual(3)
  })

  describe.each(vectors)("seed $seed_hex", (vector) => {
    const seed = bytes(vector.seed_hex)
    const keypair = Either.getOrThrow(Keypair.fromSeed(seed))

    it("derives the Ed25519 public key", () => {
      expect(hex(keypair.publicKey)).toBe(vector.ed25519_pub_hex)
    })

    it("maps the public key to its Montgomery form", () => {
      expect(hex(x25519PublicKey(bytes(vector.ed25519_pub_hex)))).toBe(vector.x25519_pub_hex)
    })

    it("takes the unclamped first half of SHA-512(seed) as the secret", () => {
      expect(hex(x25519Secret(seed))).toBe(vector.x25519_secret_hex)
    })

    it("writes identity and recipient strings that age-keygen agrees on", () => {
      const identity = identityOf(keypair)
      const recipient = recipientOf(keypair.publicKey)
      expect(identity).toBe(ageIdentity(bytes(vector.x25519_secret_hex)))
      expect(recipient).toBe(ageRecipient(bytes(vector.x25519_pub_hex)))
      expect(identity).toMatch(/^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$/)
      expect(recipient).toMatch(/^age1[02-9ac-hj-np-z]{58}$/)
      expect(hex(bech32.decodeToBytes(identity).bytes)).toBe(vector.x25519_secret_hex)
      expect(hex(bech32.decodeToBytes(recipient).bytes)).toBe(vector.x25519_pub_hex)
      expect(keygenRecipient(identity)).toBe(recipient)
    })
  })

  it("the vectors exercise clamping, so a clamped secret would fail them", () => {
    const clamped = vectors.filter((v) => {
      const s = bytes(v.x25519_secret_hex)
      return (s[0]! & 7) === 0 && (s[31]! & 0xc0) === 0x40
    })
    expect(clamped.length).toBeLessThan(vectors.length)
  })

  it("agrees with age-encryption's own identity-to-recipient for random keys", async () => {
    for (let i = 0; i < 16; i++) {
      const keypair = Keypair.generate()
      expect(await identityToRecipient(identityOf(keypair))).toBe(recipientOf(keypair.publicKey))
    }
  })

  it("refuses bytes that are not an Ed25519 point", () => {
    const notAPoint = bytes("0200000000000000000000000000000000000000000000000000000000000000")
    expect(ed25519.utils.isValidPublicKey(notAPoint)).toBe(false)
    expect(() => x25519PublicKey(notAPoint)).toThrow()
  })
})
