/**
 * The CCLINKEK v1 key envelope (spec section 2): the seed age-encrypted to an
 * X25519 secret stretched from the passphrase, behind a header that carries
 * the Argon2id costs and salt, so envelopes with other costs still open.
 *
 *   0  "CCLINKEK" | 8 version 0x01 | 9 memory KiB | 13 iterations | 17 parallelism
 *   (u32 big-endian) | 21 salt (32) | 53 binary age ciphertext of the 32-byte seed
 */
import { Effect, Redacted } from "effect"
import { DecryptionFailed } from "../domain/errors.js"
import { decrypt, encrypt } from "./age.js"
import { type Argon2Costs, defaultCosts, withinBounds } from "./argon2Costs.js"
import { HEADER_LENGTH, isEnvelope, MAGIC, VERSION } from "./envelopeHeader.js"
import { withDerivedKey } from "./kdf.js"
import { ageIdentity, recipientOfSecret } from "./x25519.js"

const INFO = "cclink-key-v1"

/**
 * One error for a wrong passphrase and for any damage (bad magic, version,
 * costs, salt or ciphertext): telling them apart would tell an attacker which
 * bytes to forge, and the user can do nothing different either way.
 */
const failed = () => new DecryptionFailed({ hint: "wrong passphrase or damaged key file." })

/**
 * Seals a 32-byte seed under a passphrase with a fresh salt. `costs` exists
 * for tests and future upgrades; cclink writes the defaults. The passphrase
 * policy runs before this, so an empty passphrase, a seed of another length or
 * costs outside `withinBounds` are bugs and die.
 */
export const sealSeed = (
  seed: Uint8Array,
  passphrase: Redacted.Redacted<string>,
  costs: Argon2Costs = defaultCosts
): Effect.Effect<Uint8Array> =>
  Effect.suspend(() => {
    if (seed.length !== 32) return Effect.dieMessage(`sealSeed: a seed is 32 bytes, got ${seed.length}`)
    if (Redacted.value(passphrase).length === 0) return Effect.dieMessage("sealSeed: empty passphrase")
    if (!withinBounds(costs)) return Effect.dieMessage("sealSeed: Argon2 costs out of bounds")
    const salt = crypto.getRandomValues(new Uint8Array(32))
    return withDerivedKey(passphrase, salt, costs, INFO, recipientOfSecret).pipe(
      Effect.flatMap((recipient) => encrypt(seed, recipient)),
      Effect.map((ciphertext) => {
        const envelope = new Uint8Array(HEADER_LENGTH + ciphertext.length)
        const view = new DataView(envelope.buffer)
        envelope.set(MAGIC, 0)
        envelope[8] = VERSION
        view.setUint32(9, costs.memoryKiB)
        view.setUint32(13, costs.iterations)
        view.setUint32(17, costs.parallelism)
        envelope.set(salt, 21)
        envelope.set(ciphertext, HEADER_LENGTH)
        return envelope
      })
    )
  }).pipe(Effect.withSpan("crypto.sealSeed"))

/**
 * Opens an envelope with the costs its header names, refusing costs outside
 * `withinBounds` before deriving anything, so a damaged or hostile header
 * cannot make cclink allocate more than 1 GiB; the work stays bounded too,
 * though not small (at worst 64 passes over 1 GiB, about a minute). Returns the
 * 32-byte seed, which the caller owns and should wipe.
 */
export const openSeed = (
  bytes: Uint8Array,
  passphrase: Redacted.Redacted<string>
): Effect.Effect<Uint8Array, DecryptionFailed> =>
  Effect.suspend(() => {
    if (bytes.length <= HEADER_LENGTH || !isEnvelope(bytes) || bytes[8] !== VERSION) return Effect.fail(failed())
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    const costs: Argon2Costs = {
      memoryKiB: view.getUint32(9),
      iterations: view.getUint32(13),
      parallelism: view.getUint32(17)
    }
    if (!withinBounds(costs) || Redacted.value(passphrase).length === 0) return Effect.fail(failed())
    const salt = bytes.slice(21, HEADER_LENGTH)
    return withDerivedKey(passphrase, salt, costs, INFO, ageIdentity).pipe(
      Effect.flatMap((identity) => decrypt(bytes.subarray(HEADER_LENGTH), identity)),
      Effect.mapError(failed),
      Effect.filterOrElse(
        (seed) => seed.length === 32,
        (plaintext) => {
          plaintext.fill(0)
          return Effect.fail(failed())
        }
      )
    )
  }).pipe(Effect.withSpan("crypto.openSeed"))
