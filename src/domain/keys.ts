/**
 * The identity: an Ed25519 keypair whose 32-byte seed is the secret, and its
 * public key written in z-base-32 (`pk:<z32>` for display).
 */
import { ed25519 } from "@noble/curves/ed25519.js"
import { Either } from "effect"
import z32 from "z32"
import { InvalidInput } from "./errors.js"

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
    this.publicKey = ed25519.getPublicKey(this.#seed) as PublicKey
  }

  /** Copies the seed, so the caller may wipe its own buffer. */
  static fromSeed(seed: Uint8Array): Either.Either<Keypair, InvalidInput> {
    return seed.length === 32
      ? Either.right(new Keypair(seed))
      : Either.left(new InvalidInput({ reason: `A secret key is 32 bytes, got ${seed.length}.` }))
  }

  static generate(): Keypair {
    const seed = ed25519.utils.randomSecretKey()
    const keypair = new Keypair(seed)
    seed.fill(0)
    return keypair
  }

  /** The secret seed. Callers must not keep or print it. */
  seed(): Uint8Array {
    return this.#seed
  }

  sign(message: Uint8Array): Uint8Array {
    return ed25519.sign(message, this.#seed)
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
  try {
    return ed25519.verify(signature, message, publicKey)
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

const Z32_KEY = /^[ybndrfg8ejkmcpqxot1uwisza345h769]{52}$/

/** Accepts `pk:<z32>` or bare z32; anything else is refused with the reason. */
export const parsePublicKey = (input: string): Either.Either<PublicKey, InvalidInput> => {
  const text = input.trim()
  const bare = text.startsWith("pk:") ? text.slice(3) : text
  if (!Z32_KEY.test(bare)) {
    return Either.left(
      new InvalidInput({
        reason: `Invalid public key "${truncate(text)}": expected 52 z-base-32 characters, optionally prefixed with "pk:".`
      })
    )
  }
  const bytes = z32.decode(bare)
  if (bytes.length !== 32 || !ed25519.utils.isValidPublicKey(bytes)) {
    return Either.left(new InvalidInput({ reason: `Invalid public key "${truncate(text)}": not a point on Ed25519.` }))
  }
  return Either.right(Uint8Array.from(bytes) as PublicKey)
}

const truncate = (text: string): string => (text.length > 60 ? `${text.slice(0, 57)}...` : text)
