import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeRecord, encodeRecord, signableJson } from "../../src/domain/record.js"
import { signRecord } from "../../src/domain/signature.js"
import { alice, anyCodePoint, arbitraryRecord, counting, fullFields, selfFields } from "./records.js"

const ALICE = "df9sse9bp1nuftim3yhxiuk6w6r5hddsskjygpydux7esxjstioo"
const BOB = "w95p9mhx8nhjzkgqc1pi1uhthueb9znz98rw1xxw8pxfbkcaqpuo"

const minimal = signRecord(alice, { ...selfFields, blob: counting(6), ttl: 3600 })
const full = signRecord(alice, {
  ...fullFields,
  blob: counting(6),
  hostname: "testhost",
  project: "/home/user/project",
  ttl: 3600
})

const reasonFor = (text: string): string =>
  Either.match(decodeRecord(text), {
    onLeft: (error) => `${error._tag}: ${error.message}`,
    onRight: () => "accepted"
  })

const zeros = (length: number) => Buffer.alloc(length).toString("base64")
const NOT_A_KEY = "must be a bare z-base-32 Ed25519 public key"
const NOT_SECONDS = "must be a whole number"
const NOT_BASE64 = "must be standard padded base64"
const NOT_CANONICAL = "not in canonical form"

/** The minimal record's wire object with some keys replaced (undefined removes a key). */
const minimalWith = (changes: Record<string, unknown>): string =>
  JSON.stringify({ ...JSON.parse(encodeRecord(minimal)), ...changes })

describe("signableJson", () => {
  it("is the canonical text the reference signs: nine fields, alphabetical, defaults present", () => {
    expect(signableJson(minimal)).toBe(
      `{"blob":"AAECAwQF","burn":false,"created_at":1700000000,"hostname":"","pin_salt":null,"project":"",` +
        `"pubkey":"${ALICE}","recipient":null,"ttl":3600}`
    )
  })

  it("writes a PIN salt and a recipient as strings when present", () => {
    expect(signableJson(full)).toBe(
      `{"blob":"AAECAwQF","burn":true,"created_at":1700000000,"hostname":"testhost",` +
        `"pin_salt":"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=","project":"/home/user/project",` +
        `"pubkey":"${ALICE}","recipient":"${BOB}","ttl":3600}`
    )
  })

  it("escapes strings as JSON.stringify and serde_json do", () => {
    const text = signableJson({ ...minimal, hostname: "a\"b\\c\n\u0001\u007f/é😀" })
    expect(text).toContain(`"hostname":"a\\"b\\\\c\\n\\u0001\u007f/é😀"`)
  })
})

describe("encodeRecord", () => {
  it("leaves out burn, hostname, project, pin_salt and recipient at their defaults", () => {
    expect(encodeRecord(minimal)).toBe(
      `{"blob":"AAECAwQF","created_at":1700000000,"pubkey":"${ALICE}",` +
        `"signature":"ABuKqIvZIdNR+JQyTJ/VXq5YA8j92Q24KpFv3pmyfBFTt3fw9FeHuJ7P4eq4hrHo8YCeaQBWVlvaZjSWmrn+DQ==",` +
        `"ttl":3600}`
    )
  })

  it("writes every field in alphabetical order when all are set", () => {
    expect(encodeRecord(full)).toBe(
      `{"blob":"AAECAwQF","burn":true,"created_at":1700000000,"hostname":"testhost",` +
        `"pin_salt":"ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoM=","project":"/home/user/project",` +
        `"pubkey":"${ALICE}","recipient":"${BOB}",` +
        `"signature":"RqciDNk2FGCl9yl2bhWucDylYdjLINma5uFzS2jHOZLPPjtZNqrkdEh7xzSkxzdu6wK+VhctQ5jOoKFjFgBODg==",` +
        `"ttl":3600}`
    )
  })
})

describe("decodeRecord", () => {
  it("reads back the typed record", () => {
    expect(decodeRecord(encodeRecord(full))).toEqual(Either.right(full))
    const decoded = Either.getOrThrow(decodeRecord(encodeRecord(minimal)))
    expect(decoded.burn).toBe(false)
    expect(decoded.hostname).toBe("")
    expect(decoded.pinSalt).toBeUndefined()
    expect(decoded.recipient).toBeUndefined()
  })

  it("re-encodes any record to the same bytes it was decoded from", () => {
    fc.assert(
      fc.property(arbitraryRecord, (record) => {
        const text = encodeRecord(record)
        const decoded = Either.getOrThrow(decodeRecord(text))
        expect(encodeRecord(decoded)).toBe(text)
        expect(decoded).toEqual(record)
      }),
      { numRuns: 300 }
    )
  })

  it("accepts a changed text only if it is again the canonical text of what it holds", () => {
    const text = encodeRecord(full)
    let accepted = 0
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.string({ maxLength: 3, unit: anyCodePoint }), (at, insert) => {
        const changed = text.slice(0, at) + insert + text.slice(at + 1)
        Either.map(decodeRecord(changed), (record) => {
          accepted++
          expect(encodeRecord(record)).toBe(changed)
        })
      }),
      { numRuns: 2000 }
    )
    // Edits inside string values still decode; the property must have met some.
    expect(accepted).toBeGreaterThan(20)
  })

  it.each<[string, string, string]>([
    ["not JSON", "{\"blob\":", "not valid JSON"],
    ["a JSON array", "[1,2]", "not a JSON object"],
    ["a JSON string", "\"{}\"", "not a JSON object"],
    ["null", "null", "not a JSON object"],
    ["missing blob", minimalWith({ blob: undefined }), `"blob" is missing`],
    ["missing created_at", minimalWith({ created_at: undefined }), `"created_at" is missing`],
    ["missing pubkey", minimalWith({ pubkey: undefined }), `"pubkey" is missing`],
    ["missing signature", minimalWith({ signature: undefined }), `"signature" is missing`],
    ["missing ttl", minimalWith({ ttl: undefined }), `"ttl" is missing`],
    ["blob as a number", minimalWith({ blob: 7 }), `"blob" must be a string`],
    ["burn as a string", minimalWith({ burn: "true" }), `"burn" must be true or false`],
    ["created_at as a string", minimalWith({ created_at: "1700000000" }), `"created_at" ${NOT_SECONDS}`],
    ["negative created_at", minimalWith({ created_at: -1 }), `"created_at" ${NOT_SECONDS}`],
    ["fractional ttl", minimalWith({ ttl: 1.5 }), `"ttl" ${NOT_SECONDS}`],
    ["ttl beyond 2^53", encodeRecord(minimal).replace(":3600}", ":18446744073709551615}"), `"ttl" ${NOT_SECONDS}`],
    ["hostname as null", minimalWith({ hostname: null }), `"hostname" must be a string`],
    ["project as an object", minimalWith({ project: {} }), `"project" must be a string`],
    ["a lone surrogate", minimalWith({ project: "\ud800" }), `"project" must be well-formed Unicode text`],
    ["blob with a bad character", minimalWith({ blob: "AAEC*wQF" }), `"blob" ${NOT_BASE64}`],
    ["blob without padding", minimalWith({ blob: "AAECAw" }), `"blob" ${NOT_BASE64}`],
    ["blob with stray bits", minimalWith({ blob: "AAECAx==" }), `"blob" ${NOT_BASE64}`],
    ["blob in URL-safe base64", minimalWith({ blob: "-_-_" }), `"blob" ${NOT_BASE64}`],
    ["blob with a line break", minimalWith({ blob: "AAEC\nAwQF" }), `"blob" ${NOT_BASE64}`],
    ["a 63-byte signature", minimalWith({ signature: zeros(63) }), `"signature" must hold 64 bytes, got 63`],
    ["a 65-byte signature", minimalWith({ signature: zeros(65) }), `"signature" must hold 64 bytes, got 65`],
    ["a 31-byte pin_salt", minimalWith({ pin_salt: zeros(31) }), `"pin_salt" must hold 32 bytes, got 31`],
    ["pin_salt as null", minimalWith({ pin_salt: null }), `"pin_salt" must be a string`],
    ["pubkey in pk: form", minimalWith({ pubkey: `pk:${ALICE}` }), `"pubkey" ${NOT_A_KEY}`],
    ["pubkey too short", minimalWith({ pubkey: ALICE.slice(1) }), `"pubkey" ${NOT_A_KEY}`],
    ["pubkey outside z32", minimalWith({ pubkey: `${ALICE.slice(1)}0` }), `"pubkey" ${NOT_A_KEY}`],
    ["pubkey in upper case", minimalWith({ pubkey: ALICE.toUpperCase() }), `"pubkey" ${NOT_A_KEY}`],
    ["pubkey off the curve", minimalWith({ pubkey: `ye${"y".repeat(50)}` }), `"pubkey" ${NOT_A_KEY}`],
    ["pubkey with unused bits set", minimalWith({ pubkey: `${ALICE.slice(0, 51)}t` }), `"pubkey" ${NOT_A_KEY}`],
    ["recipient as a number", minimalWith({ recipient: 1 }), `"recipient" must be a string`],
    ["recipient not a key", minimalWith({ recipient: "bob" }), `"recipient" ${NOT_A_KEY}`],
    ["an unknown field", minimalWith({ version: 2 }), `"version" is not a handoff record field`],
    ["an explicit burn false", minimalWith({ burn: false }), NOT_CANONICAL],
    ["an explicit empty hostname", minimalWith({ hostname: "" }), NOT_CANONICAL],
    ["keys out of order", JSON.stringify({ ttl: 1, ...JSON.parse(encodeRecord(minimal)) }), NOT_CANONICAL],
    ["whitespace", encodeRecord(minimal).replace(",", ", "), NOT_CANONICAL],
    ["a duplicated key", encodeRecord(minimal).replace("{", "{\"ttl\":1,"), NOT_CANONICAL],
    ["an escaped plain letter", encodeRecord(full).replace("testhost", "test\\u0068ost"), NOT_CANONICAL],
    ["a number in exponent form", encodeRecord(minimal).replace("3600", "3.6e3"), NOT_CANONICAL]
  ])("refuses %s with a reason naming it", (_, text, reason) => {
    expect(reasonFor(text)).toContain(`InvalidInput: Invalid handoff record: ${reason}`)
  })
})
