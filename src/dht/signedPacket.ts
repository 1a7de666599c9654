/**
 * The PKARR signed packet: a BEP 44 mutable item whose value `v` is a DNS
 * message, signed by the key it is stored under (spec section 7).
 *
 * Written on cclink's own Ed25519 (domain/ed25519.ts, Node's native one)
 * rather than pkarr's `SignedPacket`: the bytes are the same (tests check
 * both directions against pkarr), and pkarr's needs a native sodium addon the
 * bundled command line cannot carry.
 */
import { Clock, Effect, Either, Option } from "effect"
import { encodeDnsMessage } from "../domain/dnsRecord.js"
import { verify as verifySignature } from "../domain/ed25519.js"
import { InvalidInput, SignatureInvalid } from "../domain/errors.js"
import { toDisplay } from "../domain/keyDisplay.js"
import { equals, type Keypair, type PublicKey } from "../domain/keys.js"
import { PACKET_LIMIT } from "../domain/packetBudget.js"

const SIGNATURE_BYTES = 64
const HEADER_BYTES = SIGNATURE_BYTES + 8

export interface SignedPacket {
  readonly publicKey: PublicKey
  /** Microseconds since the epoch, or higher: only its order matters. */
  readonly seq: number
  /** The encoded DNS message. */
  readonly v: Uint8Array
  readonly sig: Uint8Array
}

/** A republish of a packet older than the key's newest is refused: it would roll the key's handoff back. */
export const newerPublished = (publicKey: PublicKey): InvalidInput =>
  new InvalidInput({
    reason: `A newer packet is already published for ${toDisplay(publicKey)}; the older one is not republished.`
  })

/** A seq is a time in microseconds. */
export const nowMicros: Effect.Effect<number> = Effect.map(Clock.currentTimeNanos, (nanos) => Number(nanos / 1000n))

/**
 * The seq of a new packet: the time in microseconds, or one more than the
 * newest packet seen when a fast clock elsewhere got ahead, so it always wins.
 */
export const nextSeq = (newest: Option.Option<number>): Effect.Effect<number> =>
  Effect.map(nowMicros, (now) => Math.max(now, Option.getOrElse(newest, () => -1) + 1))

/** What BEP 44 signs: the bencoded dictionary `{seq, v}` without its `d`/`e`. */
export const signable = (seq: number, v: Uint8Array): Uint8Array => {
  const head = new TextEncoder().encode(`3:seqi${seq}e1:v${v.length}:`)
  const message = new Uint8Array(head.length + v.length)
  message.set(head)
  message.set(v, head.length)
  return message
}

/** Who refuses an oversize value, for the message. */
type Store = "the DHT stores" | "relays store"

const oversize = (size: number, store: Store = "the DHT stores") =>
  new InvalidInput({
    reason: `The handoff packet is ${size} bytes; ${store} at most ${PACKET_LIMIT}. Shorten the record.`
  })

/** The value `v` that publishes `record`: its DNS message, refused before anyone is asked when over the cap. */
export const packetValue = (
  publicKey: PublicKey,
  record: string,
  store?: Store
): Either.Either<Uint8Array, InvalidInput> => {
  const v = encodeDnsMessage(publicKey, record)
  return v.length > PACKET_LIMIT ? Either.left(oversize(v.length, store)) : Either.right(v)
}

// seq travels as a bencoded integer and as a u64: only non-negative safe integers survive both in JavaScript.
const isSeq = (seq: number) => Number.isSafeInteger(seq) && seq >= 0

export const sign = (keypair: Keypair, seq: number, v: Uint8Array): Either.Either<SignedPacket, InvalidInput> => {
  if (v.length > PACKET_LIMIT) return Either.left(oversize(v.length))
  if (!isSeq(seq)) return Either.left(new InvalidInput({ reason: `Invalid sequence number ${seq}.` }))
  return Either.right({ publicKey: keypair.publicKey, seq, v, sig: keypair.sign(signable(seq, v)) })
}

/**
 * Checks an item that claims to be `publicKey`'s: the key it names, its size,
 * and the signature. Everything else in the item comes from the network and
 * is trusted only once this returns right.
 */
export const verify = (
  publicKey: PublicKey,
  item: { readonly k: Uint8Array; readonly seq: number; readonly v: Uint8Array; readonly sig: Uint8Array }
): Either.Either<SignedPacket, SignatureInvalid | InvalidInput> => {
  if (item.v.length > PACKET_LIMIT) return Either.left(oversize(item.v.length))
  if (!isSeq(item.seq)) return Either.left(new InvalidInput({ reason: `Invalid sequence number ${item.seq}.` }))
  if (
    !equals(item.k, publicKey) ||
    item.sig.length !== SIGNATURE_BYTES ||
    !verifySignature(item.sig, signable(item.seq, item.v), publicKey)
  ) {
    return Either.left(new SignatureInvalid({ layer: "packet" }))
  }
  return Either.right({ publicKey, seq: item.seq, v: item.v, sig: item.sig })
}

/** The relay form: `sig (64) || seq (8, big-endian) || v`. */
export const toBytes = (packet: SignedPacket): Uint8Array => {
  const bytes = new Uint8Array(HEADER_BYTES + packet.v.length)
  bytes.set(packet.sig)
  new DataView(bytes.buffer).setBigUint64(SIGNATURE_BYTES, BigInt(packet.seq))
  bytes.set(packet.v, HEADER_BYTES)
  return bytes
}

/** Reads and verifies the relay form for `publicKey`. */
export const fromBytes = (
  publicKey: PublicKey,
  bytes: Uint8Array
): Either.Either<SignedPacket, SignatureInvalid | InvalidInput> => {
  if (bytes.length < HEADER_BYTES) {
    return Either.left(
      new InvalidInput({ reason: `A signed packet is at least ${HEADER_BYTES} bytes, got ${bytes.length}.` })
    )
  }
  const seq = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(SIGNATURE_BYTES)
  if (seq > BigInt(Number.MAX_SAFE_INTEGER)) {
    return Either.left(new InvalidInput({ reason: `Invalid sequence number ${seq}.` }))
  }
  return verify(publicKey, {
    k: publicKey,
    seq: Number(seq),
    v: bytes.slice(HEADER_BYTES),
    sig: bytes.slice(0, SIGNATURE_BYTES)
  })
}
