/**
 * The exchange on a carry stream (a Noise-encrypted HyperDHT connection
 * between the picker and the publisher), kept minimal and versioned:
 *
 * 1. picker -> publisher, 11 bytes: `CCLC`, version (1), offset (u48 BE):
 *    where to start, so a broken transfer resumes instead of starting over.
 * 2. publisher -> picker, 1 byte: status (0 ok, 1 unsupported version,
 *    2 offset past the end); after 0, the archive's bytes from the offset to
 *    its end (its size is in the signed ticket), but never more than the
 *    picker has granted:
 * 3. picker -> publisher, grants, 5 bytes each: GRANT (0x01) and a count of
 *    bytes (u32 BE). The picker grants a window at the start and more as it
 *    writes what arrived to disk. The transport acknowledges every packet as
 *    it lands, whatever the reader does with it (UDX has no receive window),
 *    so this is what keeps memory flat on both sides when the picker's disk
 *    is slower than the network.
 * 4. picker -> publisher, 1 byte once it has checked the size and SHA-256:
 *    ACK (the publisher counts a complete transfer, and a burn handoff ends),
 *    or NAK (the bytes did not match; the publisher logs it).
 */
import { Either } from "effect"

export const PROTOCOL_VERSION = 1
export const REQUEST_BYTES = 11
const MAGIC = Uint8Array.of(0x43, 0x43, 0x4c, 0x43) // "CCLC"

export const Status = { Ok: 0, UnsupportedVersion: 1, BadOffset: 2 } as const
export type Status = typeof Status[keyof typeof Status]

export const GRANT = 0x01
export const ACK = 0x06
export const NAK = 0x15

/** What a picker grants first, then again piece by piece as it writes. */
export const WINDOW_BYTES = 4 * 1024 * 1024
export const GRANT_BYTES = 1024 * 1024

/** A grant of `bytes` more (at most 2^32 - 1). */
export const encodeGrant = (bytes: number): Uint8Array => {
  const message = new Uint8Array(5)
  message[0] = GRANT
  new DataView(message.buffer).setUint32(1, bytes)
  return message
}

export interface Request {
  readonly version: number
  readonly offset: number
}

export const encodeRequest = (offset: number): Uint8Array => {
  const bytes = new Uint8Array(REQUEST_BYTES)
  const view = new DataView(bytes.buffer)
  bytes.set(MAGIC, 0)
  bytes[4] = PROTOCOL_VERSION
  view.setUint16(5, Math.floor(offset / 2 ** 32))
  view.setUint32(7, offset % 2 ** 32)
  return bytes
}

/** A request of exactly 11 bytes with the magic; its version and offset are the server's to judge. */
export const decodeRequest = (bytes: Uint8Array): Either.Either<Request, string> => {
  if (bytes.length !== REQUEST_BYTES || !MAGIC.every((byte, i) => bytes[i] === byte)) {
    return Either.left("not a carry request")
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Either.right({ version: bytes[4]!, offset: view.getUint16(5) * 2 ** 32 + view.getUint32(7) })
}

/** What the server answers a request for an archive of `size` bytes. */
export const statusFor = (request: Request, size: number): Status =>
  request.version !== PROTOCOL_VERSION
    ? Status.UnsupportedVersion
    : request.offset > size
    ? Status.BadOffset
    : Status.Ok
