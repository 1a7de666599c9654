/**
 * The carry ticket: what a picker needs to fetch a carried conversation from
 * its publisher, sealed inside the payload as the field `c` (so it shares the
 * payload's encryption and the record's two signatures). 92 bytes, written
 * as unpadded base64url (123 characters) to fit the 1000-byte packet:
 *
 * | offset | length | content |
 * |---|---|---|
 * | 0 | 32 | the publisher's HyperDHT server public key (fresh per handoff) |
 * | 32 | 16 | the client secret: the server admits only the key pair derived from it |
 * | 48 | 32 | SHA-256 of the bytes that travel (the encrypted archive) |
 * | 80 | 6 | their size, u48 big-endian |
 * | 86 | 6 | the archive's size once decompressed (the tar stream), u48 big-endian |
 */
import { base64urlnopad } from "@scure/base"
import { Either, ParseResult, Schema } from "effect"
import { InvalidInput } from "./errors.js"

export interface CarryTicket {
  readonly serverKey: Uint8Array
  readonly clientSecret: Uint8Array
  readonly digest: Uint8Array
  /** Bytes that travel: the encrypted archive. */
  readonly size: number
  /** Bytes once decrypted and decompressed: the bound on what unpacking may write. */
  readonly unpackedSize: number
}

export const TICKET_BYTES = 92
export const SERVER_KEY_BYTES = 32
export const CLIENT_SECRET_BYTES = 16
export const DIGEST_BYTES = 32
/** The largest size a ticket holds: 2^48 - 1 bytes (256 TiB), well inside a safe integer. */
export const MAX_CARRIED_BYTES = 2 ** 48 - 1
/**
 * Deflate's largest ratio: 1032 to 1 (a 258-byte match in one or two bits
 * at best). An archive that says it unpacks to more than its size times
 * this (and 1 MiB for the smallest ones) says what no gzip stream can hold:
 * refused, rather than believed as the bound on the disk it may fill.
 */
export const MAX_INFLATION = 1032
const INFLATION_SLACK = 2 ** 20

const writeU48 = (bytes: Uint8Array, offset: number, value: number) => {
  new DataView(bytes.buffer, bytes.byteOffset).setUint16(offset, Math.floor(value / 2 ** 32))
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(offset + 2, value % 2 ** 32)
}

const readU48 = (bytes: Uint8Array, offset: number) => {
  const view = new DataView(bytes.buffer, bytes.byteOffset)
  return view.getUint16(offset) * 2 ** 32 + view.getUint32(offset + 2)
}

const isSize = (value: number) => Number.isSafeInteger(value) && value >= 0 && value <= MAX_CARRIED_BYTES

const toBytes = (ticket: CarryTicket): Uint8Array => {
  const bytes = new Uint8Array(TICKET_BYTES)
  bytes.set(ticket.serverKey, 0)
  bytes.set(ticket.clientSecret, 32)
  bytes.set(ticket.digest, 48)
  writeU48(bytes, 80, ticket.size)
  writeU48(bytes, 86, ticket.unpackedSize)
  return bytes
}

const fromBytes = (bytes: Uint8Array): CarryTicket => ({
  serverKey: bytes.slice(0, 32),
  clientSecret: bytes.slice(32, 48),
  digest: bytes.slice(48, 80),
  size: readU48(bytes, 80),
  unpackedSize: readU48(bytes, 86)
})

/**
 * Unpadded base64url decoded strictly (the text must be what encoding its
 * bytes gives back: no padding, no stray bits), exactly 92 bytes. Both sizes
 * fit a safe integer by construction; an archive always holds at least the
 * session file, so neither is zero; and the unpacked size is at most what
 * deflate can make of the size (`MAX_INFLATION`).
 */
export const CarryTicketFromString = Schema.transformOrFail(
  Schema.String,
  Schema.declare((input: unknown): input is CarryTicket => typeof input === "object" && input !== null),
  {
    strict: true,
    decode: (text, _, ast) => {
      const bytes = Either.try(() => base64urlnopad.decode(text))
      if (Either.isLeft(bytes) || base64urlnopad.encode(bytes.right) !== text) {
        return ParseResult.fail(new ParseResult.Type(ast, text, "must be unpadded base64url"))
      }
      if (bytes.right.length !== TICKET_BYTES) {
        return ParseResult.fail(
          new ParseResult.Type(ast, text, `must hold ${TICKET_BYTES} bytes, got ${bytes.right.length}`)
        )
      }
      const ticket = fromBytes(bytes.right)
      if (ticket.size === 0 || ticket.unpackedSize === 0) {
        return ParseResult.fail(new ParseResult.Type(ast, text, "must name a non-empty archive"))
      }
      return ticket.unpackedSize <= ticket.size * MAX_INFLATION + INFLATION_SLACK
        ? ParseResult.succeed(ticket)
        : ParseResult.fail(new ParseResult.Type(ast, text, "must not inflate past what deflate can"))
    },
    encode: (ticket, _, ast) =>
      ticket.serverKey.length === SERVER_KEY_BYTES && ticket.clientSecret.length === CLIENT_SECRET_BYTES &&
        ticket.digest.length === DIGEST_BYTES && isSize(ticket.size) && isSize(ticket.unpackedSize)
        ? ParseResult.succeed(base64urlnopad.encode(toBytes(ticket)))
        : ParseResult.fail(new ParseResult.Type(ast, ticket, "is not a valid carry ticket"))
  }
)

const decode = Schema.decodeUnknownEither(CarryTicketFromString)

/** The ticket's text for the payload. A ticket cclink built is always valid: anything else is a defect. */
export const encodeTicket = (ticket: CarryTicket): string => Schema.encodeSync(CarryTicketFromString)(ticket)

/** Reads the payload's `c`; the reason never quotes it (it holds the client secret). */
export const decodeTicket = (text: unknown): Either.Either<CarryTicket, InvalidInput> =>
  Either.mapLeft(
    decode(text),
    () =>
      new InvalidInput({
        reason: "The handoff's carry ticket is malformed; ask the publisher to run `cclink publish --carry` again."
      })
  )
