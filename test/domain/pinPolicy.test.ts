import { Either, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { checkPin } from "../../src/domain/pinPolicy.js"

const reason = (pin: string): string | undefined =>
  Either.match(checkPin(Redacted.make(pin)), { onLeft: (error) => error.message, onRight: () => undefined })

/** The spec's list, each in a mixed case the list itself does not contain. */
const COMMON = [
  "password",
  "qwerty",
  "letmein",
  "welcome",
  "monkey",
  "dragon",
  "master",
  "iloveyou",
  "sunshine",
  "princess",
  "football",
  "baseball",
  "123456789",
  "12345678",
  "87654321",
  "qwertyui",
  "asdfghjk"
]

const mixedCase = (word: string): string =>
  Array.from(word, (char, i) => (i % 2 === 0 ? char.toUpperCase() : char)).join("")

describe("checkPin", () => {
  it.each([
    ["validpin"],
    ["MyS3cur3P1n!"],
    ["12345679"],
    ["correct horse battery staple"],
    ["passwordx"],
    ["aaaaaaab"],
    ["abcdefgi"],
    ["aBcDeFgH"]
  ])("accepts %j", (pin) => {
    expect(reason(pin)).toBeUndefined()
  })

  it.each([
    ["", "PIN must be at least 8 characters (got 0)"],
    ["abc", "PIN must be at least 8 characters (got 3)"],
    ["1234567", "PIN must be at least 8 characters (got 7)"],
    ["😀😀😀😀", "PIN must be at least 8 characters (got 4)"],
    ["ääää", "PIN must be at least 8 characters (got 4)"],
    ["00000000", "PIN rejected: all characters are the same"],
    ["aaaaaaaaaaaa", "PIN rejected: all characters are the same"],
    ["😀😀😀😀😀😀😀😀", "PIN rejected: all characters are the same"],
    ["12345678", "PIN rejected: sequential pattern"],
    ["abcdefgh", "PIN rejected: sequential pattern"],
    ["87654321", "PIN rejected: sequential pattern"],
    ["hgfedcba", "PIN rejected: sequential pattern"],
    ["0123456789", "PIN rejected: sequential pattern"],
    ["αβγδεζηθ", "PIN rejected: sequential pattern"],
    ["Password", "PIN rejected: common word or pattern"],
    ["QWERTYUI", "PIN rejected: common word or pattern"]
  ])("refuses %j: %s", (pin, expected) => {
    expect(reason(pin)).toBe(expected)
  })

  it.each(COMMON.map((word) => [mixedCase(word)]))("refuses the common PIN %j", (pin) => {
    const refusal = reason(pin)
    // Short entries fall to the length rule and digit runs to the run rule, as in the reference.
    const expected = pin.length < 8
      ? `PIN must be at least 8 characters (got ${pin.length})`
      : /^\d+$/.test(pin)
      ? "PIN rejected: sequential pattern"
      : "PIN rejected: common word or pattern"
    expect(refusal).toBe(expected)
  })

  it("never repeats the PIN in its refusal", () => {
    const error = Either.getOrThrow(Either.flip(checkPin(Redacted.make("Sunshine"))))
    expect(error._tag).toBe("PassphraseError")
    expect(JSON.stringify(error)).not.toContain("Sunshine")
    expect(String(error)).not.toContain("Sunshine")
  })
})
