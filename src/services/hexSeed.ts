/**
 * The plaintext key: the 32-byte seed as 64 hex digits, written lower-case with
 * nothing around it (as the reference writes it), read with surrounding
 * whitespace tolerated. Works on bytes, not strings, so the caller can wipe the
 * text; the reasons it gives never quote the input.
 */
import { Either } from "effect"

const DIGITS = new TextEncoder().encode("0123456789abcdef")
const Z32 = new Set(new TextEncoder().encode("ybndrfg8ejkmcpqxot1uwisza345h769"))

export const encodeSeedHex = (seed: Uint8Array): Uint8Array => {
  const text = new Uint8Array(seed.length * 2)
  seed.forEach((byte, i) => {
    text[2 * i] = DIGITS[byte >> 4]!
    text[2 * i + 1] = DIGITS[byte & 15]!
  })
  return text
}

/**
 * The seed (the caller wipes it), or why `text` is not a plaintext key, as a
 * phrase that follows "it": "is empty", "has 63 hex digits, not 64".
 */
export const decodeSeedHex = (text: Uint8Array): Either.Either<Uint8Array, string> => {
  let start = 0
  let end = text.length
  while (start < end && isSpace(text[start]!)) start++
  while (end > start && isSpace(text[end - 1]!)) end--
  const body = text.subarray(start, end)

  if (body.length === 0) return Either.left("is empty")
  if (startsWith(body, "CCLINKEK")) return Either.left("is an encrypted key (CCLINKEK envelope), not a plaintext key")
  if (startsWith(body, "AGE-SECRET-KEY-")) return Either.left("is an age identity, not a cclink key")
  if (startsWith(body, "pk:") || (body.length === 52 && body.every((c) => Z32.has(c)) && !body.every(isHex))) {
    return Either.left("is a public key; the secret key is 64 hex digits")
  }
  if (!body.every(isHex)) return Either.left("contains characters that are not hex digits")
  if (body.length !== 64) return Either.left(`has ${body.length} hex digits, not 64`)

  const seed = new Uint8Array(32)
  for (let i = 0; i < 32; i++) {
    seed[i] = (nibble(body[2 * i]!) << 4) | nibble(body[2 * i + 1]!)
  }
  return Either.right(seed)
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d)

const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66)

const nibble = (c: number): number => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10)

const startsWith = (bytes: Uint8Array, prefix: string): boolean =>
  bytes.length >= prefix.length && [...prefix].every((char, i) => bytes[i] === char.charCodeAt(0))
