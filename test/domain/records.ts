/** Keys, records and record generators shared by the domain tests. */
import { Either } from "effect"
import fc from "fast-check"
import { toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import type { HandoffRecord, UnsignedRecord } from "../../src/domain/record.js"

/** The reference's test keys: seeds of 32 equal bytes. */
export const keypairOf = (byte: number): Keypair => Either.getOrThrow(Keypair.fromSeed(new Uint8Array(32).fill(byte)))

export const alice = keypairOf(42)
export const bob = keypairOf(99)

/** Counting bytes 0, 1, 2, … so a golden string shows where each one went. */
export const counting = (length: number, from = 0): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (from + i) % 256)

export const selfFields: UnsignedRecord = {
  blob: counting(180),
  burn: false,
  createdAt: 1_700_000_000,
  hostname: "",
  project: "",
  ttl: 86400
}

/** Every optional field present: PIN salt, recipient, burn, legacy hostname and project. */
export const fullFields: UnsignedRecord = {
  ...selfFields,
  burn: true,
  hostname: "box \"one\"\n",
  pinSalt: counting(32, 100),
  project: "/home/ünïcode/проект\\x",
  recipient: toZ32(bob.publicKey)
}

const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length })

const z32Key = bytes(32).map((seed) => toZ32(Either.getOrThrow(Keypair.fromSeed(seed)).publicKey))

/**
 * Any Unicode scalar value, half of them ASCII so quotes, backslashes and
 * control characters (the ones JSON escapes) come up often. Lone surrogates
 * are left out: records refuse them. (fast-check's "binary" unit would do,
 * but building its tables costs seconds per test file.)
 */
export const anyCodePoint = fc
  .oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0x80, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff)
  )
  .map((c) => String.fromCodePoint(c))

export const anyText = fc.string({ unit: anyCodePoint })

const text = fc.oneof(fc.constant(""), anyText)

/** Any record `decodeRecord` must accept: valid shapes, not necessarily valid signatures. */
export const arbitraryRecord: fc.Arbitrary<HandoffRecord> = fc.record(
  {
    blob: fc.uint8Array({ maxLength: 400 }),
    burn: fc.boolean(),
    createdAt: fc.maxSafeNat(),
    hostname: text,
    pinSalt: bytes(32),
    project: text,
    pubkey: z32Key,
    recipient: z32Key,
    signature: bytes(64),
    ttl: fc.maxSafeNat()
  },
  { requiredKeys: ["blob", "burn", "createdAt", "hostname", "project", "pubkey", "signature", "ttl"] }
)
