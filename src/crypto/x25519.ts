/**
 * The age (X25519) keys of an Ed25519 identity, derived exactly as the
 * reference does so that either implementation decrypts what the other wrote.
 */
import { ed25519, x25519 } from "@noble/curves/ed25519.js"
import { sha512 } from "@noble/hashes/sha2.js"
import { bech32 } from "@scure/base"
import type { Keypair, PublicKey } from "../domain/keys.js"

/** Montgomery form u = (1 + y) / (1 - y) of an Ed25519 public key; throws on a non-point. */
export const x25519PublicKey = (edPublicKey: Uint8Array): Uint8Array => ed25519.utils.toMontgomery(edPublicKey)

/**
 * The first 32 bytes of SHA-512(seed), deliberately NOT clamped: X25519 clamps
 * on use, and the unclamped bytes are what the reference bech32-encodes, so the
 * identity string stays identical. The caller owns (and should wipe) the result.
 */
export const x25519Secret = (seed: Uint8Array): Uint8Array => {
  const digest = sha512(seed)
  const secret = digest.slice(0, 32)
  digest.fill(0)
  return secret
}

/** `age1...`: lower-case bech32 of the X25519 public key. */
export const ageRecipient = (x25519Pub: Uint8Array): string => bech32.encodeFromBytes("age", x25519Pub)

/** `AGE-SECRET-KEY-1...`: upper-case bech32 of the X25519 secret, the form age itself writes. */
export const ageIdentity = (secret: Uint8Array): string =>
  bech32.encodeFromBytes("AGE-SECRET-KEY-", secret).toUpperCase()

/** The recipient of the identity `ageIdentity(secret)`; X25519 clamps the secret here. */
export const recipientOfSecret = (secret: Uint8Array): string => ageRecipient(x25519.getPublicKey(secret))

/** The age recipient that a public key's owner can decrypt for. */
export const recipientOf = (publicKey: PublicKey): string => ageRecipient(x25519PublicKey(publicKey))

/**
 * The age identity of a keypair. The intermediate secret bytes are wiped; the
 * returned string is immutable and cannot be, so keep it short-lived.
 */
export const identityOf = (keypair: Keypair): string => {
  const secret = x25519Secret(keypair.seed())
  try {
    return ageIdentity(secret)
  } finally {
    secret.fill(0)
  }
}
