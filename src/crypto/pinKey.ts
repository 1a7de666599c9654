/**
 * A PIN stretched once (spec section 5): the X25519 secret that seals and
 * opens PIN blobs, with the salt it was derived under. Argon2id is the slow
 * part of a PIN handoff, so a command derives the key once and uses it for
 * everything the PIN protects (the record's blob and a carried conversation),
 * then wipes it.
 */
import { Effect, Redacted } from "effect"
import { RedactedSecret } from "../domain/redactedSecret.js"
import { defaultCosts } from "./argon2Costs.js"
import { withDerivedKey } from "./kdf.js"
import { ageIdentity, recipientOfSecret } from "./x25519.js"

export const PIN_SALT_BYTES = 32

/** Never shows its secret in `toString`, `JSON.stringify` or `util.inspect`; call `wipe()` once done. */
export class PinKey extends RedactedSecret {
  protected readonly kind = "PinKey"
  readonly #secret: Uint8Array
  /** Published as the record's `pin_salt`. */
  readonly salt: Uint8Array

  /** Copies both: the caller may wipe its own buffers. */
  constructor(secret: Uint8Array, salt: Uint8Array) {
    super()
    this.#secret = Uint8Array.from(secret)
    this.salt = Uint8Array.from(salt)
  }

  /** `age1...`: what PIN blobs are sealed to. */
  recipient(): string {
    return recipientOfSecret(this.#secret)
  }

  /** `AGE-SECRET-KEY-1...`: an immutable string that cannot be wiped, so keep it short-lived. */
  identity(): string {
    return ageIdentity(this.#secret)
  }

  wipe(): void {
    this.#secret.fill(0)
  }
}

/**
 * Stretches `pin` under `salt` (a fresh random salt when publishing, the
 * record's `pin_salt` when picking up). The PIN's policy is checked by the
 * caller before this, so an empty PIN here is a bug and dies; a salt of the
 * wrong length comes from a record and is the caller's to refuse.
 */
export const derivePinKey = (
  pin: Redacted.Redacted<string>,
  salt: Uint8Array = crypto.getRandomValues(new Uint8Array(PIN_SALT_BYTES))
): Effect.Effect<PinKey> =>
  Effect.suspend(() =>
    Redacted.value(pin).length === 0
      ? Effect.dieMessage("derivePinKey: empty PIN")
      : withDerivedKey(pin, salt, defaultCosts, "cclink-pin-v1", (secret) => new PinKey(secret, salt))
  )
