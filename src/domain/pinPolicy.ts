/**
 * What a handoff PIN must be (spec section 5), checked before any key
 * derivation or network call. The rules and messages are the reference's;
 * the reasons never repeat the PIN.
 */
import { Either, Redacted } from "effect"
import { PassphraseError } from "./errors.js"

export const MIN_PIN_LENGTH = 8

/**
 * Compared after lower-casing. Entries shorter than 8 characters are already
 * refused by the length rule; the sequential ones by the run rule. They stay
 * so the list reads as the reference's.
 */
const COMMON_PINS: ReadonlySet<string> = new Set([
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
])

/**
 * Characters are Unicode code points, so "ü" counts once (the reference
 * counts UTF-8 bytes for the length, code points for the other rules).
 */
export const checkPin = (pin: Redacted.Redacted<string>): Either.Either<void, PassphraseError> => {
  const text = Redacted.value(pin)
  const chars = Array.from(text, (char) => char.codePointAt(0)!)
  const refuse = (reason: string) => Either.left(new PassphraseError({ reason }))
  if (chars.length < MIN_PIN_LENGTH) {
    return refuse(`PIN must be at least ${MIN_PIN_LENGTH} characters (got ${chars.length})`)
  }
  if (chars.every((c) => c === chars[0])) return refuse("PIN rejected: all characters are the same")
  if (isRun(chars, 1) || isRun(chars, -1)) return refuse("PIN rejected: sequential pattern")
  if (COMMON_PINS.has(text.toLowerCase())) return refuse("PIN rejected: common word or pattern")
  return Either.void
}

/** Each code point exactly `step` above the one before it. */
const isRun = (chars: ReadonlyArray<number>, step: 1 | -1): boolean =>
  chars.every((c, i) => i === 0 || c - chars[i - 1]! === step)
