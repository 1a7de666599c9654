import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeRequest, encodeRequest, REQUEST_BYTES, Status, statusFor } from "../../src/domain/carryProtocol.js"
import { MAX_CARRIED_BYTES } from "../../src/domain/carryTicket.js"

describe("carry protocol", () => {
  it("a request is CCLC, the version and the offset as u48", () => {
    expect([...encodeRequest(0x0102_0304_0506)]).toEqual([0x43, 0x43, 0x4c, 0x43, 1, 1, 2, 3, 4, 5, 6])
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_CARRIED_BYTES }), (offset) => {
      expect(decodeRequest(encodeRequest(offset))).toEqual(Either.right({ version: 1, offset }))
    }))
  })

  it("refuses another length or magic", () => {
    const request = encodeRequest(5)
    expect(Either.isLeft(decodeRequest(request.subarray(0, REQUEST_BYTES - 1)))).toBe(true)
    expect(Either.isLeft(decodeRequest(Uint8Array.of(...request, 0)))).toBe(true)
    expect(Either.isLeft(decodeRequest(Uint8Array.of(0x47, ...request.subarray(1))))).toBe(true)
  })

  it("the server answers ok up to the end, and refuses another version or an offset past the end", () => {
    expect(statusFor({ version: 1, offset: 0 }, 10)).toBe(Status.Ok)
    expect(statusFor({ version: 1, offset: 10 }, 10)).toBe(Status.Ok)
    expect(statusFor({ version: 1, offset: 11 }, 10)).toBe(Status.BadOffset)
    expect(statusFor({ version: 2, offset: 0 }, 10)).toBe(Status.UnsupportedVersion)
  })
})
