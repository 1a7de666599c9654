/**
 * The DNS message inside a PKARR signed packet (spec section 7): a response
 * with one TXT answer `_cclink.<z32>` (class IN, TTL 86400) holding the
 * record JSON split into character-strings of at most 255 bytes, as pkarr's
 * `TXT::try_from(&str)` splits it. No answer at all is a revocation.
 */
import dnsPacket from "dns-packet"
import { Either } from "effect"
import { InvalidInput } from "./errors.js"
import { toZ32 } from "./keyDisplay.js"
import { type PublicKey } from "./keys.js"

export const RECORD_LABEL = "_cclink"
export const DNS_TTL = 86400
const MAX_CHARACTER_STRING = 255

/** `recordJson` null gives the empty packet that revokes. Header as simple-dns's `Packet::new_reply(0)`. */
export const encodeDnsMessage = (publicKey: PublicKey, recordJson: string | null): Uint8Array =>
  dnsPacket.encode({
    type: "response",
    id: 0,
    answers: recordJson === null
      ? []
      : [{
        type: "TXT",
        name: `${RECORD_LABEL}.${toZ32(publicKey)}`,
        class: "IN",
        ttl: DNS_TTL,
        data: characterStrings(Buffer.from(recordJson, "utf8"))
      }]
  })

/** Byte chunks, not character chunks: a UTF-8 sequence may straddle two strings, and readers join bytes. */
const characterStrings = (bytes: Buffer): Array<Buffer> => {
  const chunks: Array<Buffer> = []
  for (let at = 0; at < bytes.length; at += MAX_CHARACTER_STRING) {
    chunks.push(bytes.subarray(at, at + MAX_CHARACTER_STRING))
  }
  return chunks
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

/**
 * The text of the first `_cclink` TXT answer, its character-strings joined,
 * or null when there is none (revoked). The name may be absolute
 * (`_cclink.<z32>`, with or without the root dot), relative (`_cclink`), in
 * any case, and compressed; other answers are ignored.
 */
export const decodeDnsMessage = (
  publicKey: PublicKey,
  bytes: Uint8Array
): Either.Either<string | null, InvalidInput> => {
  const packet = parseMessage(bytes)
  if (packet === undefined) {
    return Either.left(new InvalidInput({ reason: "The handoff packet is not a valid DNS message." }))
  }
  const names = new Set([RECORD_LABEL, `${RECORD_LABEL}.${toZ32(publicKey)}`])
  const answer = (packet.answers ?? []).find(
    (rr): rr is dnsPacket.TxtAnswer => rr.type === "TXT" && names.has(rr.name.toLowerCase().replace(/\.$/, ""))
  )
  if (answer === undefined) return Either.right(null)
  const strings = Array.isArray(answer.data) ? answer.data : [answer.data]
  try {
    return Either.right(utf8.decode(Buffer.concat(strings.map((s) => Buffer.from(s)))))
  } catch {
    return Either.left(new InvalidInput({ reason: "The handoff record in the DHT packet is not valid UTF-8 text." }))
  }
}

/**
 * dns-packet reads past the end of a truncated buffer without throwing, so
 * the bytes it consumed must be exactly the message, no more and no less.
 */
const parseMessage = (bytes: Uint8Array): dnsPacket.DecodedPacket | undefined => {
  try {
    const packet = dnsPacket.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    return dnsPacket.decode.bytes === bytes.byteLength ? packet : undefined
  } catch {
    return undefined
  }
}
