import dnsPacket from "dns-packet"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { decodeDnsMessage, encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { toZ32 } from "../../src/domain/keyDisplay.js"
import { encodeRecord } from "../../src/domain/record.js"
import { signRecord } from "../../src/domain/signature.js"
import { alice, bob, fullFields } from "./records.js"

const key = alice.publicKey
const z32 = toZ32(key)
const json = encodeRecord(signRecord(alice, fullFields))

const decoded = (bytes: Uint8Array) => Either.getOrThrow(decodeDnsMessage(key, bytes))

/** The character-strings of the first answer, which must be TXT. */
const strings = (bytes: Uint8Array): Array<Buffer> => {
  const [answer] = dnsPacket.decode(Buffer.from(bytes)).answers ?? []
  if (answer?.type !== "TXT") throw new Error("the first answer is not TXT")
  return answer.data as Array<Buffer>
}

// Wire pieces for packets built by hand (RFC 1035 section 4.1).
const u16 = (n: number) => [n >> 8, n & 0xff]
const u32 = (n: number) => [...u16(n >>> 16), ...u16(n & 0xffff)]
const label = (text: string) => [text.length, ...Buffer.from(text, "latin1")]
const pointer = (offset: number) => [0xc0 | (offset >> 8), offset & 0xff]
const header = (answers: number) => [0, 0, 0x84, 0, ...u16(0), ...u16(answers), ...u16(0), ...u16(0)]
const resource = (name: Array<number>, type: number, rdata: Array<number>) => [
  ...name,
  ...u16(type),
  ...u16(1),
  ...u32(86400),
  ...u16(rdata.length),
  ...rdata
]
const TXT = 16
const A = 1

/** Character-strings of the given sizes, then of 255 bytes until the rest runs out. */
const splitAt = (bytes: Buffer, sizes: Array<number>): Array<number> => {
  const out: Array<number> = []
  let at = 0
  for (const size of sizes) {
    out.push(size, ...bytes.subarray(at, at + size))
    at += size
  }
  for (; at < bytes.length; at += 255) {
    const piece = bytes.subarray(at, at + 255)
    out.push(piece.length, ...piece)
  }
  return out
}

describe("encodeDnsMessage", () => {
  it("writes one TXT answer _cclink.<z32>, class IN, TTL 86400, in a response", () => {
    const packet = dnsPacket.decode(Buffer.from(encodeDnsMessage(key, json)))
    expect(packet.type).toBe("response")
    expect(packet.id).toBe(0)
    expect(packet.questions).toEqual([])
    expect(packet.answers).toHaveLength(1)
    expect(packet.answers![0]).toMatchObject({ type: "TXT", name: `_cclink.${z32}`, class: "IN", ttl: 86400 })
  })

  it("splits the record into character-strings of 255 bytes and a remainder", () => {
    expect(Buffer.byteLength(json)).toBeGreaterThan(510)
    const written = strings(encodeDnsMessage(key, json))
    const sizes = written.map((s) => s.length)
    expect(sizes.slice(0, -1).every((size) => size === 255)).toBe(true)
    expect(sizes.at(-1)).toBe(Buffer.byteLength(json) % 255)
    expect(Buffer.concat(written).toString("utf8")).toBe(json)
  })

  it("keeps a multi-byte character whole when a 255-byte boundary cuts through it", () => {
    const text = `${"a".repeat(254)}é${"b".repeat(300)}`
    expect(strings(encodeDnsMessage(key, text))[0]!.at(-1)).toBe(0xc3)
    expect(decoded(encodeDnsMessage(key, text))).toBe(text)
  })

  it("writes a short record as one character-string", () => {
    expect(strings(encodeDnsMessage(key, "{}"))).toEqual([Buffer.from("{}")])
  })

  it("writes the revocation as a response with no answers", () => {
    const bytes = encodeDnsMessage(key, null)
    expect(Buffer.from(bytes).toString("hex")).toBe("000080000000000000000000")
    expect(decoded(bytes)).toBeNull()
  })
})

describe("decodeDnsMessage", () => {
  it("reads back what was encoded", () => {
    expect(decoded(encodeDnsMessage(key, json))).toBe(json)
  })

  it("joins character-strings split anywhere, through a compressed name, in any case", () => {
    const zone = 12 + label("_other").length
    const bytes = Uint8Array.from([
      ...header(2),
      ...resource([...label("_other"), ...label(z32), 0], TXT, label("x")),
      ...resource([...label("_CCLINK"), ...pointer(zone)], TXT, splitAt(Buffer.from(json), [0, 1, 254, 3, 255]))
    ])
    expect(decoded(bytes)).toBe(json)
  })

  it("takes the TXT answer when a pointer names the whole _cclink name after another type", () => {
    const bytes = Uint8Array.from([
      ...header(2),
      ...resource([...label("_cclink"), ...label(z32.toUpperCase()), 0], A, [127, 0, 0, 1]),
      ...resource(pointer(12), TXT, splitAt(Buffer.from(json), [100]))
    ])
    expect(decoded(bytes)).toBe(json)
  })

  it("accepts the relative name _cclink", () => {
    const bytes = dnsPacket.encode({
      type: "response",
      answers: [{ type: "TXT", name: "_cclink", ttl: 86400, class: "IN", data: ["{", "}"] }]
    })
    expect(decoded(bytes)).toBe("{}")
  })

  it.each([
    ["no answers", dnsPacket.encode({ type: "response", answers: [] })],
    [
      "a _cclink record of another key",
      encodeDnsMessage(bob.publicKey, json)
    ],
    [
      "a _cclink record that is not TXT",
      dnsPacket.encode({ type: "response", answers: [{ type: "A", name: `_cclink.${z32}`, data: "127.0.0.1" }] })
    ],
    [
      "only other names",
      dnsPacket.encode({ type: "response", answers: [{ type: "TXT", name: `_other.${z32}`, data: "{}" }] })
    ],
    [
      "a name that only starts like _cclink",
      dnsPacket.encode({ type: "response", answers: [{ type: "TXT", name: `_cclinks.${z32}`, data: "{}" }] })
    ]
  ])("finds nothing in a packet with %s", (_, bytes) => {
    expect(decoded(bytes)).toBeNull()
  })

  it.each([
    ["garbage", Buffer.from("not a dns message")],
    ["a truncated packet", Buffer.from(encodeDnsMessage(key, json)).subarray(0, 200)],
    ["a message with trailing bytes", Buffer.concat([encodeDnsMessage(key, json), Buffer.of(0)])],
    ["a pointer loop", Uint8Array.from([...header(1), ...resource(pointer(12), TXT, label("x"))])]
  ])("refuses %s", (_, bytes) => {
    expect(Either.flip(decodeDnsMessage(key, bytes))).toMatchObject(
      Either.right({ _tag: "InvalidInput", reason: "The handoff packet is not a valid DNS message." })
    )
  })

  it("refuses a record that is not UTF-8", () => {
    const bytes = Uint8Array.from([
      ...header(1),
      ...resource([...label("_cclink"), ...label(z32), 0], TXT, [2, 0xc3, 0x28])
    ])
    const error = Either.getOrThrow(Either.flip(decodeDnsMessage(key, bytes)))
    expect(error.reason).toBe("The handoff record in the DHT packet is not valid UTF-8 text.")
  })
})
