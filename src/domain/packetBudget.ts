/**
 * BEP 44 caps a mutable item's value at 1000 bytes, and the value is the DNS
 * message. A record that would not fit is refused here, before any node is
 * contacted, with advice, rather than by the nodes with a bare error. With
 * one 52-character name the message is 84 bytes plus the JSON plus one length
 * byte per 255 bytes of it, so the JSON may be at most 912 bytes.
 */
import { Either } from "effect"
import { encodeDnsMessage } from "./dnsRecord.js"
import { InvalidInput } from "./errors.js"
import type { PublicKey } from "./keys.js"
import { encodeRecord, type HandoffRecord } from "./record.js"

/** BEP 44's cap on a value; storing nodes refuse anything larger. */
export const PACKET_LIMIT = 1000

/** What the carry ticket adds to the payload: `,"c":"` and its 123 characters and `"`. */
export const CARRY_TICKET_PAYLOAD_BYTES = 130

/**
 * The encoded DNS message size when it fits. `carried`: the payload holds a
 * carry ticket, so the advice can say when leaving it out would be enough.
 */
export const checkPacketBudget = (
  publicKey: PublicKey,
  record: HandoffRecord,
  options: { readonly carried?: boolean } = {}
): Either.Either<number, InvalidInput> => {
  const size = messageSize(publicKey, record)
  if (size <= PACKET_LIMIT) return Either.right(size)
  const cut = smallestCut(publicKey, record)
  const bytes = (n: number) => `${n} byte${n === 1 ? "" : "s"}`
  const withoutCarry = options.carried === true && cut !== undefined && cut <= CARRY_TICKET_PAYLOAD_BYTES
    ? ` Without --carry (its ticket takes ${bytes(CARRY_TICKET_PAYLOAD_BYTES)}) it would fit.`
    : ""
  const advice = cut === undefined
    ? "Shorten the project path or hostname."
    : `Shorten the project path or hostname by at least ${bytes(cut)}.${withoutCarry}`
  const reason = `The handoff record is ${size} bytes; the DHT limit is ${PACKET_LIMIT} bytes. ${advice}`
  return Either.left(new InvalidInput({ reason }))
}

const messageSize = (publicKey: PublicKey, record: HandoffRecord): number =>
  encodeDnsMessage(publicKey, encodeRecord(record)).length

/**
 * The fewest payload bytes to remove for the record to fit. An age blob of
 * one chunk grows byte for byte with its plaintext, so this is the smallest
 * blob shrink that fits (size only grows with the blob: binary search).
 * Undefined when even an empty blob would not fit.
 */
const smallestCut = (publicKey: PublicKey, record: HandoffRecord): number | undefined => {
  const fits = (cut: number) =>
    messageSize(publicKey, { ...record, blob: new Uint8Array(record.blob.length - cut) }) <= PACKET_LIMIT
  if (!fits(record.blob.length)) return undefined
  let [low, high] = [1, record.blob.length]
  while (low < high) {
    const middle = Math.floor((low + high) / 2)
    if (fits(middle)) high = middle
    else low = middle + 1
  }
  return low
}
