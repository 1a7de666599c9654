import { Either, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { encodeTicket } from "../../src/domain/carryTicket.js"
import { decodePayload, encodePayload } from "../../src/domain/payload.js"
import { anyText } from "./records.js"

const utf8 = (text: string) => new TextEncoder().encode(text)
const id = "0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b"

describe("encodePayload", () => {
  it("writes compact JSON with the keys h, p, s in that order", () => {
    const bytes = encodePayload({ sessionId: id, project: "/home/u/proj", hostname: "box" })
    expect(new TextDecoder().decode(bytes)).toBe(`{"h":"box","p":"/home/u/proj","s":"${id}"}`)
  })

  it("escapes as JSON.stringify does and writes non-ASCII as raw UTF-8", () => {
    const bytes = encodePayload({ hostname: "a\"b", project: "C:\\dir\n/ü", sessionId: "\u0000" })
    expect(Buffer.from(bytes).toString("latin1")).toBe(
      Buffer.from(`{"h":"a\\"b","p":"C:\\\\dir\\n/ü","s":"\\u0000"}`, "utf8").toString("latin1")
    )
  })
})

describe("decodePayload", () => {
  it("reads any payload it wrote", () => {
    fc.assert(
      fc.property(anyText, anyText, anyText, (h, p, s) => {
        const payload = { hostname: h, project: p, sessionId: s }
        expect(decodePayload(encodePayload(payload))).toEqual(Either.right({ _tag: "Payload", payload }))
      })
    )
  })

  it("ignores other keys and key order, as the reference's reader does", () => {
    expect(decodePayload(utf8(`{"s":"${id}","x":1,"p":"/p","h":"h"}`))).toEqual(
      Either.right({ _tag: "Payload", payload: { hostname: "h", project: "/p", sessionId: id } })
    )
  })

  it.each([
    ["a bare session id", id],
    ["a session id with a newline", `${id}\n`],
    ["JSON missing s", `{"h":"box","p":"/p"}`],
    ["JSON with a number for h", `{"h":1,"p":"/p","s":"${id}"}`],
    ["a JSON array", `["box","/p","${id}"]`],
    ["a JSON string", `"${id}"`],
    ["a number", "12345"],
    ["nothing", ""],
    ["a leading byte order mark", `\ufeff${id}`]
  ])("takes %s as a legacy record whose whole text is the session id", (_, text) => {
    expect(decodePayload(utf8(text))).toEqual(Either.right({ _tag: "Legacy", sessionId: text }))
  })

  it("refuses a plaintext that is not UTF-8", () => {
    const result = decodePayload(Uint8Array.of(0x61, 0xff, 0x62))
    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidInput")
  })
})

describe("carried payloads", () => {
  const carry = {
    serverKey: new Uint8Array(32).fill(1),
    clientSecret: new Uint8Array(16).fill(2),
    digest: new Uint8Array(32).fill(3),
    size: 123_456,
    unpackedSize: 654_321
  }
  const plain = { hostname: "box", project: "/home/u/proj", sessionId: id }
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

  it("append the ticket as `c` after h, p, s: the plain payload's bytes are unchanged before it", () => {
    const carried = text(encodePayload({ ...plain, carry }))
    const reference = text(encodePayload(plain))
    expect(reference).toBe(`{"h":"box","p":"/home/u/proj","s":"${id}"}`)
    expect(carried).toBe(`${reference.slice(0, -1)},"c":"${encodeTicket(carry)}"}`)
    expect(decodePayload(utf8(carried))).toEqual(Either.right({ _tag: "Payload", payload: { ...plain, carry } }))
  })

  it("read by a reader that knows only h, p and s (as the Rust cclink's serde struct), are plain handoffs", () => {
    // The reader cclink had before carrying, as the reference's: a struct of three strings, other keys ignored.
    const oldReader = Schema.decodeUnknownSync(
      Schema.parseJson(Schema.Struct({ h: Schema.String, p: Schema.String, s: Schema.String }))
    )
    expect(oldReader(text(encodePayload({ ...plain, carry })))).toEqual({ h: "box", p: "/home/u/proj", s: id })
  })

  it("refuse a `c` that is not a well-formed ticket, rather than pick up a plain handoff", () => {
    for (const c of ["", "x", "null", 1, null, true, {}, encodeTicket(carry).slice(1)]) {
      const result = decodePayload(utf8(JSON.stringify({ h: "box", p: "/p", s: id, c })))
      expect(Either.isLeft(result) && result.left.message).toContain("carry ticket is malformed")
    }
  })
})
