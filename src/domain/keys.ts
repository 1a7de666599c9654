/**
 * The identity: an Ed25519 keypair whose 32-byte seed is the secret. Its
 * public key is written as keyDisplay.ts says; the curve work is ed25519.ts.
 */
import { Either } from "effect"
import { publicKeyOf, sign } from "./ed25519.js"
import { InvalidInput } from "./errors.js"
import { RedactedSecret } from "./redactedSecret.js"

/** A 32-byte Ed25519 public key. */
export type PublicKey = Uint8Array & { readonly PublicKey: unique symbol }

/**
 * An Ed25519 keypair. The seed never shows in `toString`, `JSON.stringify`
 * or `util.inspect`; call `wipe()` once it is no longer needed.
 */
export class Keypair extends RedactedSecret {
  protected readonly kind = "Keypair"
  readonly #seed: Uint8Array
  readonly publicKey: PublicKey

  private constructor(seed: Uint8Array) {
    super()
    this.#seed = Uint8Array.from(seed)
    this.publicKey = publicKeyOf(this.#seed) as PublicKey
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
    return sign(this.#seed, message)
  }

  /** Overwrites the seed with zeros; the keypair cannot sign afterwards. */
  wipe(): void {
    this.#seed.fill(0)
  }
}

export const equals = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i])
