/**
 * age v1 binary files with one X25519 recipient: the ciphertext format of
 * handoff blobs and key envelopes. Identities and recipients are the bech32
 * strings of `x25519.ts`.
 */
import { Decrypter, Encrypter } from "age-encryption"
import { Effect } from "effect"
import { DecryptionFailed } from "../domain/errors.js"

const encrypterTo = (recipient: string) => {
  const encrypter = new Encrypter()
  encrypter.addRecipient(recipient)
  return encrypter
}

const decrypterFor = (identity: string) => {
  const decrypter = new Decrypter()
  decrypter.addIdentity(identity)
  return decrypter
}

/**
 * Encrypts to one `age1...` recipient. The recipients cclink passes are derived
 * from validated keys, so an unparsable one is a defect, not a user error.
 */
export const encrypt = (plaintext: Uint8Array, recipient: string): Effect.Effect<Uint8Array> =>
  Effect.promise(() => encrypterTo(recipient).encrypt(plaintext)).pipe(Effect.withSpan("crypto.age.encrypt"))

/**
 * Decrypts with one `AGE-SECRET-KEY-1...` identity. Every failure (wrong key,
 * malformed header, bad MAC, truncated or tampered payload) becomes the same
 * detail-free `DecryptionFailed`: age's own message is dropped so that no
 * oracle and no key material reaches the user or a log.
 */
export const decrypt = (ciphertext: Uint8Array, identity: string): Effect.Effect<Uint8Array, DecryptionFailed> =>
  Effect.tryPromise({
    try: () => decrypterFor(identity).decrypt(ciphertext),
    catch: () => new DecryptionFailed({})
  }).pipe(Effect.withSpan("crypto.age.decrypt"))

/**
 * The same age file written as a stream: age's STREAM construction seals
 * 64 KiB chunks one by one, so memory stays at a chunk or two whatever the
 * size (a carried conversation can be hundreds of megabytes).
 */
export const encryptStream = (
  plaintext: ReadableStream<Uint8Array>,
  recipient: string
): Effect.Effect<ReadableStream<Uint8Array>> =>
  Effect.promise(() => encrypterTo(recipient).encrypt(plaintext)).pipe(Effect.withSpan("crypto.age.encryptStream"))

/**
 * Reads the header (refused here as `DecryptionFailed` when `identity` cannot
 * open it) and answers the plaintext as a stream. Each chunk is authenticated
 * before it is released; a damaged or truncated chunk errors the stream,
 * which its reader must map to `DecryptionFailed` in turn.
 */
export const decryptStream = (
  ciphertext: ReadableStream<Uint8Array>,
  identity: string
): Effect.Effect<ReadableStream<Uint8Array>, DecryptionFailed> =>
  Effect.tryPromise({
    try: () => decrypterFor(identity).decrypt(ciphertext),
    catch: () => new DecryptionFailed({})
  }).pipe(Effect.withSpan("crypto.age.decryptStream"))
