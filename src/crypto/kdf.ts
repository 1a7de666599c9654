/**
 * Passphrase and PIN stretching: Argon2id (v0x13, 32 bytes) then HKDF-SHA256,
 * byte-compatible with the reference. The HKDF `info` separates PIN keys from
 * key-file keys, so one secret never yields the same key for both uses.
 */
import { hkdf } from "@noble/hashes/hkdf.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { Effect, Redacted } from "effect"
import type { Argon2Costs } from "./argon2Costs.js"
import { argon2id } from "./argon2id.js"

export type KdfInfo = "cclink-pin-v1" | "cclink-key-v1"

/**
 * `HKDF-SHA256(salt = none, ikm = Argon2id(secret, salt, costs), info)`, 32 bytes.
 *
 * Preconditions, checked by the callers in this folder before deriving:
 * `secretUtf8` is not empty (hash-wasm, the fallback, refuses empty
 * passwords, although Argon2 allows them), `salt` is at least 8 bytes, and `withinBounds(costs)`.
 * A violation is a defect. The Argon2 output is wiped once HKDF has used it.
 */
export const deriveKey = (
  secretUtf8: Uint8Array,
  salt: Uint8Array,
  costs: Argon2Costs,
  info: KdfInfo
): Effect.Effect<Uint8Array> =>
  Effect.promise(() => argon2id(secretUtf8, salt, costs)).pipe(
    Effect.map((ikm) => {
      try {
        return hkdf(sha256, ikm, undefined, new TextEncoder().encode(info), 32)
      } finally {
        ikm.fill(0)
      }
    }),
    Effect.withSpan("crypto.deriveKey", { attributes: { info } })
  )

/**
 * Stretches a passphrase or PIN (its UTF-8 bytes, unnormalized, as the
 * reference reads them), lends the key to `use`, then wipes the key and the
 * secret's bytes whatever happens. `use` must not keep the key.
 */
export const withDerivedKey = <A>(
  secret: Redacted.Redacted<string>,
  salt: Uint8Array,
  costs: Argon2Costs,
  info: KdfInfo,
  use: (key: Uint8Array) => A
): Effect.Effect<A> =>
  Effect.acquireUseRelease(
    Effect.sync(() => new TextEncoder().encode(Redacted.value(secret))),
    (secretUtf8) =>
      Effect.map(deriveKey(secretUtf8, salt, costs, info), (key) => {
        try {
          return use(key)
        } finally {
          key.fill(0)
        }
      }),
    (secretUtf8) => Effect.sync(() => secretUtf8.fill(0))
  )
