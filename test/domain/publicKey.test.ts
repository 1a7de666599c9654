import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import { parsePublicKey } from "../../src/domain/publicKey.js"

const keypair = Keypair.generate()
const reason = (input: string) => Either.getOrThrow(Either.flip(parsePublicKey(input))).reason

describe("parsePublicKey", () => {
  it("accepts pk:<z32> and bare z32, surrounding spaces aside", () => {
    for (
      const input of [`pk:${toZ32(keypair.publicKey)}`, toZ32(keypair.publicKey), ` ${toZ32(keypair.publicKey)}\n`]
    ) {
      expect(Either.getOrThrow(parsePublicKey(input))).toEqual(keypair.publicKey)
    }
  })

  it("quotes a typo, shortened, so the user sees what was wrong", () => {
    expect(reason("pk:abc")).toBe(
      "Invalid public key \"pk:abc\": expected 52 z-base-32 characters, optionally prefixed with \"pk:\"."
    )
    expect(reason("y".repeat(80))).toContain(`"${"y".repeat(57)}..."`)
  })

  it("never quotes a secret key pasted by mistake, nor most of one", () => {
    const secret = Buffer.from(keypair.seed()).toString("hex")
    for (const input of [secret, `pk:${secret}`, secret.slice(0, 40), secret.toUpperCase()]) {
      const text = reason(input)
      expect(text).not.toContain(secret.slice(0, 16))
      expect(text).not.toContain(secret.toUpperCase().slice(0, 16))
      expect(text).toContain("never pass it on the command line")
    }
  })

  it("refuses 52 z-base-32 characters that are not a point on the curve", () => {
    const notAPoint = Array.from({ length: 256 }, (_, i) => toZ32(new Uint8Array(32).fill(i)))
      .find((z) => Either.isLeft(parsePublicKey(z)))!
    expect(reason(notAPoint)).toBe(`Invalid public key "${notAPoint}": not a point on Ed25519.`)
  })
})
