/**
 * The inner signature: Ed25519 by the publisher over the UTF-8 bytes of the
 * record's canonical signable JSON. It binds every field, so a record cannot
 * be altered or moved under another key without failing here.
 */
import { Either } from "effect"
import { verify } from "./ed25519.js"
import { SignatureInvalid } from "./errors.js"
import { toZ32 } from "./keyDisplay.js"
import { type Keypair, type PublicKey } from "./keys.js"
import { type HandoffRecord, signableJson, type UnsignedRecord } from "./record.js"

/** Signs as the keypair's owner; `pubkey` is always the keypair's own key. */
export const signRecord = (keypair: Keypair, fields: UnsignedRecord): HandoffRecord => {
  const unsigned = { ...fields, pubkey: toZ32(keypair.publicKey) }
  return { ...unsigned, signature: keypair.sign(new TextEncoder().encode(signableJson(unsigned))) }
}

/**
 * Checks the signature against the key that was looked up (never against the
 * record's own claim), then that the record names that key.
 */
export const verifyRecord = (
  record: HandoffRecord,
  lookedUpKey: PublicKey
): Either.Either<HandoffRecord, SignatureInvalid> => {
  if (!verify(record.signature, new TextEncoder().encode(signableJson(record)), lookedUpKey)) {
    return Either.left(new SignatureInvalid({ layer: "record" }))
  }
  if (record.pubkey !== toZ32(lookedUpKey)) {
    return Either.left(new SignatureInvalid({ layer: "pubkey" }))
  }
  return Either.right(record)
}
