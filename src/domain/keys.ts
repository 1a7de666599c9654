/**
 * The identity: an Ed25519 keypair whose 32-byte seed is the secret, and its
 * public key written in z-base-32 (`pk:<z32>` for display).
 */
import { Either } from "effect"
import { createPrivateKey, createPublicKey, sign as signNative, verify as verifyNative } from "node:crypto"
import z32 from "z32"
import { InvalidInput } from "./errors.js"

/**
 * Signing and verifying use Node's native Ed25519 (OpenSSL): the same RFC 8032
 * signatures as noble's, without noble's precomputation, which costs about a
 * tenth of a second at every start of the command line. Keys are wrapped in
 * their fixed DER prefixes, the documented way to hand raw keys to OpenSSL.
 */
const PKCS8_SEED_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00])

const concat = (prefix: Uint8Array, key: Uint8Array): Buffer => Buffer.concat([prefix, key])

/** The private KeyObject lives only for one call; the DER copy of the seed is wiped at once. */
const withPrivateKey = <A>(seed: Uint8Array, use: (key: ReturnType<typeof createPrivateKey>) => A): A => {
  const der = concat(PKCS8_SEED_PREFIX, seed)
  try {
    return use(createPrivateKey({ key: der, format: "der", type: "pkcs8" }))
  } finally {
    der.fill(0)
  }
}

/** A 32-byte Ed25519 public key. */
export type PublicKey = Uint8Array & { readonly PublicKey: unique symbol }

const REDACTED = "Keypair(<redacted>)"

/**
 * An Ed25519 keypair. The seed never shows in `toString`, `JSON.stringify`
 * or `util.inspect`; call `wipe()` once it is no longer needed.
 */
export class Keypair {
  readonly #seed: Uint8Array
  readonly publicKey: PublicKey

  private constructor(seed: Uint8Array) {
    this.#seed = Uint8Array.from(seed)
    this.publicKey = withPrivateKey(this.#seed, (key) =>
      Uint8Array.from(createPublicKey(key).export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length))
    ) as PublicKey
  }

  /** Copies the seed, so the caller may wipe its own buffer. */
  static fromSeed(seed: Uint8Array): Either.Either<Keypair, InvalidInput> {
    return seed.length === 32
      ? Either.right(new Keypair(seed))
      : Either.left(new InvalidInput({ reason: `A secret key is 32 bytes, got ${seed.length}.` }))
  }

  static generate(): Keypair {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const keypair = new Keypair(seed)
    seed.fill(0)
    return keypair
  }

  /** The secret seed. Callers must not keep or print it. */
  seed(): Uint8Array {
    return this.#seed
  }

  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(withPrivateKey(this.#seed, (key) => signNative(null, message, key)))
  }

  /** Overwrites the seed with zeros; the keypair cannot sign afterwards. */
  wipe(): void {
    this.#seed.fill(0)
  }

  toString(): string {
    return REDACTED
  }

  toJSON(): string {
    return REDACTED
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED
  }
}

export const verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean => {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  try {
    return verifyNative(null, message, { key: concat(SPKI_PREFIX, publicKey), format: "der", type: "spki" }, signature)
  } catch {
    return false
  }
}

/** Bare z-base-32, 52 characters. */
export const toZ32 = (publicKey: Uint8Array): string => z32.encode(publicKey)

/** Display form `pk:<z32>`. */
export const toDisplay = (publicKey: Uint8Array): string => `pk:${toZ32(publicKey)}`

/** The first 8 characters of the z32 key. */
export const fingerprint = (publicKey: Uint8Array): string => toZ32(publicKey).slice(0, 8)

export const equals = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i])
