import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
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
