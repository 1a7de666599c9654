import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { toZ32 } from "../../src/domain/keyDisplay.js"
import { decodeRecord, encodeRecord, type HandoffRecord, signableJson } from "../../src/domain/record.js"
import { signRecord, verifyRecord } from "../../src/domain/signature.js"
import { alice, anyText, bob, counting, fullFields, keypairOf, selfFields } from "./records.js"

const flipped = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = Uint8Array.from(bytes)
  copy[at]! ^= 0x01
  return copy
}

const failure = (record: HandoffRecord, key = alice.publicKey) =>
  Either.match(verifyRecord(record, key), { onLeft: (error) => error, onRight: () => undefined })

describe("signRecord", () => {
  it("signs as the keypair's owner, naming its key", () => {
    const record = signRecord(alice, selfFields)
    expect(record.pubkey).toBe(toZ32(alice.publicKey))
    expect(record.signature).toHaveLength(64)
    expect(verifyRecord(record, alice.publicKey)).toEqual(Either.right(record))
  })

  // Computed independently: Python's json.dumps(separators=(",", ":")) signed with `cryptography` (OpenSSL).
  it("gives the signature an independent Ed25519 gives over the same canonical bytes", () => {
    const record = signRecord(alice, { ...selfFields, blob: counting(6), ttl: 3600 })
    expect(Buffer.from(record.signature).toString("hex")).toBe(
      "001b8aa88bd921d351f894324c9fd55eae5803c8fdd90db82a916fde99b27c1153b777f0f45787b89ecfe1eab886b1e8f1809e690056565bda6634969ab9fe0d"
    )
  })

  it("verifies for any fields and any signer", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 255 }),
        fc.uint8Array({ maxLength: 300 }),
        anyText,
        (seed, blob, project) => {
          const signer = keypairOf(seed)
          const record = signRecord(signer, { ...fullFields, blob, project })
          expect(Either.isRight(verifyRecord(record, signer.publicKey))).toBe(true)
        }
      ),
      { numRuns: 50 }
    )
  })
})

describe("verifyRecord", () => {
  const self = signRecord(alice, selfFields)
  const full = signRecord(alice, fullFields)

  it.each<[string, HandoffRecord]>([
    ["blob (one bit)", { ...full, blob: flipped(full.blob, 0) }],
    ["blob (last byte)", { ...full, blob: flipped(full.blob, full.blob.length - 1) }],
    ["blob (truncated)", { ...full, blob: full.blob.subarray(1) }],
    ["burn (cleared)", { ...full, burn: false }],
    ["burn (set)", { ...self, burn: true }],
    ["created_at", { ...full, createdAt: full.createdAt + 1 }],
    ["hostname (changed)", { ...full, hostname: `${full.hostname}x` }],
    ["hostname (added)", { ...self, hostname: "box" }],
    ["pin_salt (one bit)", { ...full, pinSalt: flipped(full.pinSalt!, 31) }],
    ["pin_salt (added)", { ...self, pinSalt: counting(32) }],
    ["pin_salt (removed)", { ...full, pinSalt: undefined }],
    ["project (changed)", { ...full, project: full.project.replace("/home", "/tmp") }],
    ["project (added)", { ...self, project: "/tmp" }],
    ["pubkey", { ...full, pubkey: toZ32(bob.publicKey) }],
    ["recipient (changed)", { ...full, recipient: toZ32(keypairOf(7).publicKey) }],
    ["recipient (added)", { ...self, recipient: toZ32(bob.publicKey) }],
    ["recipient (removed)", { ...full, recipient: undefined }],
    ["ttl", { ...full, ttl: full.ttl + 1 }],
    ["signature (first byte)", { ...full, signature: flipped(full.signature, 0) }],
    ["signature (R, last byte)", { ...full, signature: flipped(full.signature, 31) }],
    ["signature (S, first byte)", { ...full, signature: flipped(full.signature, 32) }],
    ["signature (S, last byte)", { ...full, signature: flipped(full.signature, 63) }],
    ["signature (from the other record)", { ...full, signature: self.signature }]
  ])("fails when %s is tampered with", (_, tampered) => {
    expect(failure(tampered)?._tag).toBe("SignatureInvalid")
  })

  it("fails for every single-bit change of every signature byte", () => {
    for (let at = 0; at < 64; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const signature = Uint8Array.from(full.signature)
        signature[at]! ^= 1 << bit
        expect(Either.isLeft(verifyRecord({ ...full, signature }, alice.publicKey))).toBe(true)
      }
    }
  })

  it("fails when any byte of the published text changes, whether or not the text still decodes", () => {
    const text = encodeRecord(full)
    let decodedButRefused = 0
    for (let at = 0; at < text.length; at++) {
      const changed = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 0x01) + text.slice(at + 1)
      Either.match(decodeRecord(changed), {
        onLeft: (error) => expect(error._tag).toBe("InvalidInput"),
        onRight: (record) => {
          decodedButRefused++
          expect(failure(record)?._tag).toBe("SignatureInvalid")
        }
      })
    }
    // Most single-bit changes land in base64 or string values and still decode: the signature must catch them.
    expect(decodedButRefused).toBeGreaterThan(text.length / 2)
  })

  it("checks against the key looked up, not the key the record claims", () => {
    const mallory = keypairOf(7)
    const forged = signRecord(mallory, fullFields)
    expect(failure(forged, alice.publicKey)).toMatchObject({ _tag: "SignatureInvalid", layer: "record" })
  })

  it("fails a record validly signed by the looked-up key that names another key", () => {
    const claimsBob = { ...full, pubkey: toZ32(bob.publicKey) }
    const signature = alice.sign(new TextEncoder().encode(signableJson(claimsBob)))
    expect(failure({ ...claimsBob, signature })).toMatchObject({ _tag: "SignatureInvalid", layer: "pubkey" })
  })

  it("gives one message whatever failed", () => {
    const claimsBob = { ...full, pubkey: toZ32(bob.publicKey) }
    const signature = alice.sign(new TextEncoder().encode(signableJson(claimsBob)))
    const wrongClaim = failure({ ...claimsBob, signature })
    expect(wrongClaim?.layer).toBe("pubkey")
    const badSignature = failure({ ...full, ttl: 1 })
    expect(wrongClaim?.message).toBe(badSignature?.message)
    expect(badSignature?.message).toBe(
      "Signature verification failed: this handoff was not published by that key or was tampered with."
    )
  })
})
