/**
 * The handoff blob: the payload bytes age-encrypted in one of the three modes
 * of spec section 5. Self and shared blobs are opened with a keypair; PIN
 * blobs with the PIN and the salt published beside them.
 */
import { Effect, Redacted } from "effect"
import { DecryptionFailed } from "../domain/errors.js"
import type { Keypair, PublicKey } from "../domain/keys.js"
import { decrypt, encrypt } from "./age.js"
import { derivePinKey, PIN_SALT_BYTES, type PinKey } from "./pinKey.js"
import { identityOf, recipientOf } from "./x25519.js"

/** Shared mode: only the holder of `recipient`'s seed can open it. */
export const sealTo = (payload: Uint8Array, recipient: PublicKey): Effect.Effect<Uint8Array> =>
  Effect.suspend(() => encrypt(payload, recipientOf(recipient)))

/** Self mode (the default): sealed to the publisher's own key. */
export const sealToSelf = (payload: Uint8Array, keypair: Keypair): Effect.Effect<Uint8Array> =>
  sealTo(payload, keypair.publicKey)

/** Opens a self or shared blob addressed to `keypair`. */
export const openWithKeypair = (blob: Uint8Array, keypair: Keypair): Effect.Effect<Uint8Array, DecryptionFailed> =>
  Effect.suspend(() => decrypt(blob, identityOf(keypair)))

export interface PinSealed {
  readonly blob: Uint8Array
  /** Published as the record's `pin_salt`. */
  readonly salt: Uint8Array
}

/** PIN mode with a key already derived (and wiped by its owner): sealed to the key's recipient. */
export const sealWithPinKey = (payload: Uint8Array, key: PinKey): Effect.Effect<PinSealed> =>
  Effect.suspend(() => Effect.map(encrypt(payload, key.recipient()), (blob) => ({ blob, salt: key.salt })))

/** Opens a PIN blob with a key already derived from the PIN and the record's salt. */
export const openWithPinKey = (blob: Uint8Array, key: PinKey): Effect.Effect<Uint8Array, DecryptionFailed> =>
  Effect.suspend(() => decrypt(blob, key.identity()))

/**
 * PIN mode: a fresh 32-byte salt, the PIN stretched at the spec's fixed costs
 * into an X25519 secret, the blob sealed to that secret's recipient. The PIN
 * policy runs before this (and before any network call), so an empty PIN here
 * is a bug and dies.
 */
export const sealWithPin = (payload: Uint8Array, pin: Redacted.Redacted<string>): Effect.Effect<PinSealed> =>
  Effect.acquireUseRelease(
    derivePinKey(pin),
    (key) => sealWithPinKey(payload, key),
    (key) => Effect.sync(() => key.wipe())
  )

/** A wrong PIN, a wrong salt and a damaged blob all give the same `DecryptionFailed`. */
export const openWithPin = (
  blob: Uint8Array,
  pin: Redacted.Redacted<string>,
  salt: Uint8Array
): Effect.Effect<Uint8Array, DecryptionFailed> =>
  Effect.suspend(() =>
    salt.length !== PIN_SALT_BYTES || Redacted.value(pin).length === 0
      ? Effect.fail(new DecryptionFailed({}))
      : Effect.acquireUseRelease(
        derivePinKey(pin, salt),
        (key) => openWithPinKey(blob, key),
        (key) => Effect.sync(() => key.wipe())
      )
  )
