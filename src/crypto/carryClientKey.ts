/**
 * The key pair a picker presents to a publisher's carry server. It is derived
 * from the ticket's 16-byte client secret, which travels only inside the
 * encrypted payload: the server admits this one public key, so whoever cannot
 * read the payload (a stranger, or someone who learned the server's key
 * alone) never completes a handshake.
 */
import { hkdf } from "@noble/hashes/hkdf.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { publicKeyOf } from "../domain/ed25519.js"

const INFO = new TextEncoder().encode("cclink-carry-client-v1")

/** `HKDF-SHA256(salt = none, ikm = client secret, info = "cclink-carry-client-v1")`: an Ed25519 seed the caller wipes. */
export const clientSeed = (clientSecret: Uint8Array): Uint8Array => hkdf(sha256, clientSecret, undefined, INFO, 32)

/** The Ed25519 public key of `clientSeed(clientSecret)`: the only key the server lets in. */
export const clientPublicKey = (clientSecret: Uint8Array): Uint8Array => {
  const seed = clientSeed(clientSecret)
  try {
    return publicKeyOf(seed)
  } finally {
    seed.fill(0)
  }
}
