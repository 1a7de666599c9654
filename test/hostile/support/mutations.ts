/**
 * Byte-level damage to a valid input, as fast-check arbitraries: bit flips,
 * truncation, extension, overwritten, inserted and deleted ranges. Never the
 * input itself, so every case is a change.
 */
import fc from "fast-check"

const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => Uint8Array.from(Buffer.concat(parts))

const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b))

export const mutated = (original: Uint8Array): fc.Arbitrary<Uint8Array> => {
  const length = original.length
  const position = fc.nat({ max: Math.max(0, length - 1) })
  return fc.oneof(
    fc.array(fc.tuple(position, fc.nat({ max: 7 })), { minLength: 1, maxLength: 8 }).map((flips) => {
      const bytes = original.slice()
      for (const [at, bit] of flips) bytes[at] = bytes[at]! ^ (1 << bit)
      return bytes
    }),
    fc.nat({ max: Math.max(0, length - 1) }).map((keep) => original.slice(0, keep)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail) => concat(original, tail)),
    fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 32 })).map(([at, bytes]) => {
      const copy = original.slice()
      copy.set(bytes.subarray(0, length - at), at)
      return copy
    }),
    fc.tuple(position, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([at, bytes]) =>
      concat(original.subarray(0, at), bytes, original.subarray(at))
    ),
    fc.tuple(position, fc.integer({ min: 1, max: 32 })).map(([at, cut]) =>
      concat(original.subarray(0, at), original.subarray(at + cut))
    )
  ).filter((bytes) => !same(bytes, original))
}

/** A mutation of one of `originals`. */
export const mutatedOneOf = (originals: ReadonlyArray<Uint8Array>): fc.Arbitrary<Uint8Array> =>
  fc.constantFrom(...originals).chain(mutated)
