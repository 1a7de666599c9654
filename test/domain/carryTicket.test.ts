import { base64urlnopad } from "@scure/base"
import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  type CarryTicket,
  decodeTicket,
  encodeTicket,
  MAX_CARRIED_BYTES,
  MAX_INFLATION,
  TICKET_BYTES
} from "../../src/domain/carryTicket.js"
import { counting } from "./records.js"

const ticket: CarryTicket = {
  serverKey: counting(32),
  clientSecret: counting(16, 32),
  digest: counting(32, 48),
  size: 0x0102_0304_0506,
  unpackedSize: 0x0a0b_0c0d_0e0f
}

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length })
const size = fc.integer({ min: 1, max: MAX_CARRIED_BYTES })

const anyTicket = fc.record({ serverKey: bytes(32), clientSecret: bytes(16), digest: bytes(32), size }).chain((t) =>
  fc.integer({ min: 1, max: Math.min(MAX_CARRIED_BYTES, t.size * MAX_INFLATION + 2 ** 20) }).map((unpackedSize) => ({
    ...t,
    unpackedSize
  }))
)

const refused = (input: unknown) => Either.getOrThrow(Either.flip(decodeTicket(input)))

describe("carry ticket", () => {
  it("is 92 bytes in the documented order, 123 characters of unpadded base64url", () => {
    const text = encodeTicket(ticket)
    expect(text).toHaveLength(123)
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/)
    const raw = base64urlnopad.decode(text)
    expect(raw).toHaveLength(TICKET_BYTES)
    expect(raw.subarray(0, 80)).toEqual(counting(80))
    expect([...raw.subarray(80)]).toEqual([1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15])
  })

  it("decodes what it encodes, sizes up to 2^48 - 1 exactly", () => {
    fc.assert(fc.property(anyTicket, (t) => {
      expect(decodeTicket(encodeTicket(t))).toEqual(Either.right(t))
    }))
    const largest = { ...ticket, size: MAX_CARRIED_BYTES, unpackedSize: MAX_CARRIED_BYTES }
    expect(decodeTicket(encodeTicket(largest))).toEqual(Either.right(largest))
  })

  it("refuses another length, padding, stray bits, other alphabets and non-strings, never quoting the input", () => {
    const text = encodeTicket(ticket)
    const raw = base64urlnopad.decode(text)
    const cases: Array<unknown> = [
      text.slice(0, -1),
      `${text}A`,
      base64urlnopad.encode(raw.subarray(0, 91)),
      base64urlnopad.encode(Uint8Array.of(...raw, 0)),
      `${text}=`,
      // The last character carries 2 unused bits: anything but zero there is a second text for the same bytes.
      text.slice(0, -1) + String.fromCharCode(text.charCodeAt(122) + 1),
      text.replaceAll("-", "+").replaceAll("_", "/").replace(/^./, "+"),
      ` ${text}`,
      "",
      null,
      92,
      { c: text }
    ]
    for (const input of cases) {
      const error = refused(input)
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toBe(
        "The handoff's carry ticket is malformed; ask the publisher to run `cclink publish --carry` again."
      )
    }
  })

  it("refuses an archive that says it inflates past what deflate can (1032 to 1, and 1 MiB)", () => {
    const at = (size: number, unpackedSize: number) => decodeTicket(encodeTicket({ ...ticket, size, unpackedSize }))
    expect(Either.isRight(at(1000, 1000 * 1032 + 2 ** 20))).toBe(true)
    expect(refused(encodeTicket({ ...ticket, size: 1000, unpackedSize: 1000 * 1032 + 2 ** 20 + 1 }))._tag).toBe(
      "InvalidInput"
    )
    // A 30 MB archive that would claim a petabyte of disk.
    expect(Either.isLeft(at(30_000_000, 2 ** 48 - 1))).toBe(true)
  })

  it("refuses an empty archive (a zero size)", () => {
    for (const sizes of [{ size: 0 }, { unpackedSize: 0 }]) {
      const raw = base64urlnopad.decode(encodeTicket({ ...ticket, size: 1, unpackedSize: 1 }))
      if ("size" in sizes) raw[85] = 0
      else raw[91] = 0
      expect(Either.isLeft(decodeTicket(base64urlnopad.encode(raw)))).toBe(true)
    }
  })

  it("will not encode a ticket with the wrong field lengths or unsafe sizes (a defect)", () => {
    expect(() => encodeTicket({ ...ticket, serverKey: counting(31) })).toThrow()
    expect(() => encodeTicket({ ...ticket, size: MAX_CARRIED_BYTES + 1 })).toThrow()
    expect(() => encodeTicket({ ...ticket, unpackedSize: 1.5 })).toThrow()
  })
})
