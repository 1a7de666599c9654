import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { publishMode } from "../../src/domain/modes.js"
import { bob } from "./records.js"

const share = bob.publicKey

describe("publishMode", () => {
  it.each([
    [{ burn: false, pin: false, share: undefined }, { encryption: { _tag: "Self" }, burn: false }],
    [{ burn: true, pin: false, share: undefined }, { encryption: { _tag: "Self" }, burn: true }],
    [{ burn: false, pin: true, share: undefined }, { encryption: { _tag: "Pin" }, burn: false }],
    [{ burn: true, pin: true, share: undefined }, { encryption: { _tag: "Pin" }, burn: true }],
    [{ burn: false, pin: false, share }, { encryption: { _tag: "Shared", recipient: share }, burn: false }]
  ])("combines %o", (flags, mode) => {
    expect(publishMode(flags)).toEqual(Either.right(mode))
  })

  it.each([
    [{ burn: true, pin: false, share }, "the argument '--burn' cannot be used with '--share <PUBKEY>'"],
    [{ burn: false, pin: true, share }, "the argument '--pin' cannot be used with '--share <PUBKEY>'"],
    [{ burn: true, pin: true, share }, "the argument '--burn' cannot be used with '--share <PUBKEY>'"]
  ])("refuses %o as the reference does", (flags, message) => {
    const error = Either.getOrThrow(Either.flip(publishMode(flags)))
    expect(error._tag).toBe("InvalidInput")
    expect(error.message).toBe(message)
  })
})
