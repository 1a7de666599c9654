import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { parseSessionId, shortSessionId } from "../../src/domain/sessionId.js"

const id = "0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b"

describe("parseSessionId", () => {
  it("accepts a UUID and normalizes case and surrounding blanks", () => {
    expect(parseSessionId(id)).toEqual(Either.right(id))
    expect(parseSessionId(` ${id.toUpperCase()}\n`)).toEqual(Either.right(id))
  })

  it.each([
    "",
    "0f3c1a2b",
    `${id}0`,
    "../../etc/passwd",
    `${id}/../x`,
    "0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4g"
  ])("refuses %j", (input) => {
    expect(Either.isLeft(parseSessionId(input))).toBe(true)
  })

  it("never repeats the refused input in its reason", () => {
    const secret = "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQ"
    const result = parseSessionId(secret)
    if (Either.isRight(result)) expect.fail("a secret parsed as a session id")
    else {
      expect(result.left._tag).toBe("InvalidInput")
      expect(result.left.message).not.toContain(secret)
      expect(result.left.message).not.toContain("AGE-SECRET")
    }
  })

  it("shows the first 8 characters", () => {
    expect(shortSessionId(Either.getOrThrow(parseSessionId(id)))).toBe("0f3c1a2b")
  })
})
