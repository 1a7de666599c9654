/**
 * Ed25519 on Node's native implementation (OpenSSL): the same RFC 8032
 * signatures as noble's, without noble's precomputation, which costs about a
 * tenth of a second at every start of the command line. Raw keys are wrapped
 * in their fixed DER prefixes, the documented way to hand them to OpenSSL.
 * No Effect here: the loader's quick `whoami` (src/cli/direct.ts) uses it.
 */
import { createPrivateKey, createPublicKey, sign as signNative, verify as verifyNative } from "node:crypto"

// dprint-ignore
const PKCS8_SEED_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20
])
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

/** The 32-byte public key of a 32-byte seed. */
export const publicKeyOf = (seed: Uint8Array): Uint8Array =>
  withPrivateKey(
    seed,
    (key) => Uint8Array.from(createPublicKey(key).export({ format: "der", type: "spki" }).subarray(SPKI_PREFIX.length))
  )

export const sign = (seed: Uint8Array, message: Uint8Array): Uint8Array =>
  new Uint8Array(withPrivateKey(seed, (key) => signNative(null, message, key)))

export const verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean => {
  if (signature.length !== 64 || publicKey.length !== 32) return false
  try {
    return verifyNative(null, message, { key: concat(SPKI_PREFIX, publicKey), format: "der", type: "spki" }, signature)
  } catch {
    return false
  }
}
