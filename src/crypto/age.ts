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
 * The most a streamed file's header may take. What `encryptStream` writes,
 * the version line, one X25519 stanza and the MAC line, is under 200 bytes.
 */
const MAX_HEADER_BYTES = 4096

const HEADER_START = new TextEncoder().encode("age-encryption.org/v1\n-> X25519 ")
const STANZA = Buffer.from("\n-> ")
const MAC_LINE = Buffer.from("\n--- ")

/** Where the header in `head` ends (after the MAC line's newline), when it does. */
const headerEnd = (head: Buffer): number | undefined => {
  const mac = head.indexOf(MAC_LINE)
  const newline = mac < 0 ? -1 : head.indexOf(0x0a, mac + MAC_LINE.length)
  return newline < 0 ? undefined : newline + 1
}

/**
 * The stream again, once its header is known to be one cclink writes: it
 * ends within `MAX_HEADER_BYTES` and holds exactly one stanza, X25519.
 * age-encryption reads a header line by line with no bound on a line's
 * length or on the number of stanzas, so a hostile archive made of one
 * endless line would be held in memory whole before being refused: here at
 * most `MAX_HEADER_BYTES` and one read are, and the rest is never read.
 */
const boundedHeader = async (ciphertext: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> => {
  const reader = ciphertext.getReader()
  let head = Buffer.alloc(0)
  let end: number | undefined
  while (end === undefined) {
    const { done, value } = await reader.read()
    if (done) break
    head = Buffer.concat([head, value])
    end = headerEnd(head.subarray(0, MAX_HEADER_BYTES))
    if (end === undefined && head.length >= MAX_HEADER_BYTES) break
  }
  const header = end === undefined ? undefined : head.subarray(0, end)
  if (
    header === undefined || !header.subarray(0, HEADER_START.length).equals(HEADER_START) ||
    header.indexOf(STANZA, HEADER_START.length) >= 0
  ) {
    await reader.cancel()
    throw new Error("not a header cclink writes")
  }
  return new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(new Uint8Array(head)),
    pull: async (controller) => {
      const { done, value } = await reader.read()
      if (done) controller.close()
      else controller.enqueue(value)
    },
    cancel: (reason) => reader.cancel(reason)
  })
}

/**
 * Reads the header (refused here as `DecryptionFailed` when `identity` cannot
 * open it, or when it is not one `encryptStream` writes: at most 4 KiB, one
 * X25519 stanza) and answers the plaintext as a stream. Each chunk is
 * authenticated before it is released; a damaged or truncated chunk errors
 * the stream, which its reader must map to `DecryptionFailed` in turn.
 */
export const decryptStream = (
  ciphertext: ReadableStream<Uint8Array>,
  identity: string
): Effect.Effect<ReadableStream<Uint8Array>, DecryptionFailed> =>
  Effect.tryPromise({
    try: () => boundedHeader(ciphertext).then((bounded) => decrypterFor(identity).decrypt(bounded)),
    catch: () => new DecryptionFailed({})
  }).pipe(Effect.withSpan("crypto.age.decryptStream"))
