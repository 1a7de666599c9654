/**
 * A handoff end to end, above the transport: seal, sign and publish on one
 * side; resolve, verify and open on the other. The CLI and library users call
 * this rather than stringing the domain, crypto and `Dht` together themselves,
 * so the order of checks (outer signature, inner signature, key, expiry, and
 * only then decryption) lives in one place.
 */
import { Context, Effect, Layer, type Redacted } from "effect"
import {
  openWithKeypair,
  openWithPin,
  openWithPinKey,
  sealTo,
  sealToSelf,
  sealWithPin,
  sealWithPinKey
} from "../crypto/blob.js"
import type { PinKey } from "../crypto/pinKey.js"
import {
  DecryptionFailed,
  type Expired,
  type InvalidInput,
  type NetworkError,
  type NotFound,
  type SignatureInvalid
} from "../domain/errors.js"
import { age, checkExpiry, nowSeconds } from "../domain/expiry.js"
import { toDisplay, toZ32 } from "../domain/keyDisplay.js"
import { equals, type Keypair, type PublicKey } from "../domain/keys.js"
import type { PublishMode } from "../domain/modes.js"
import { checkPacketBudget } from "../domain/packetBudget.js"
import { decodePayload, encodePayload, type Payload } from "../domain/payload.js"
import { decodeRecord, encodeRecord, type HandoffRecord } from "../domain/record.js"
import { signRecord, verifyRecord } from "../domain/signature.js"
import { Dht, type DhtOptions, type PublishReport } from "./Dht.js"

export interface PublishRequest {
  readonly keypair: Keypair
  readonly payload: Payload
  /** Seconds the handoff stays valid. */
  readonly ttl: number
  readonly mode: PublishMode
  /**
   * When `mode.encryption` is `Pin`: the PIN (its policy checked by the
   * caller before this), or `pinKey`, the key already derived from it when
   * the caller needs it for more than the blob (a carried conversation).
   */
  readonly pin?: Redacted.Redacted<string> | undefined
  readonly pinKey?: PinKey | undefined
}

export interface Published {
  readonly record: HandoffRecord
  readonly report: PublishReport
}

/** A record whose both signatures, key and shape have been checked; not yet its expiry. */
export interface Verified {
  readonly publisher: PublicKey
  readonly record: HandoffRecord
  readonly seq: number
  /** The signed packet in relay form, to republish unchanged. */
  readonly bytes: Uint8Array
}

/**
 * What opens a blob: the picker's own key, or the PIN the publisher chose,
 * or the key already derived from that PIN and the record's `pin_salt`.
 */
export type Opener =
  | { readonly _tag: "Keypair"; readonly keypair: Keypair }
  | { readonly _tag: "Pin"; readonly pin: Redacted.Redacted<string> }
  | { readonly _tag: "PinKey"; readonly key: PinKey }

export class Handoffs extends Context.Tag("cclink/Handoffs")<Handoffs, {
  readonly publish: (
    request: PublishRequest,
    options?: DhtOptions
  ) => Effect.Effect<Published, InvalidInput | NetworkError>
  /** The newest record under `publisher`, verified; `NotFound` when none or revoked. */
  readonly resolve: (
    publisher: PublicKey,
    options?: DhtOptions
  ) => Effect.Effect<Verified, NotFound | NetworkError | SignatureInvalid | InvalidInput>
  /** `resolve`, then refuses an expired record. */
  readonly resolveActive: (
    publisher: PublicKey,
    options?: DhtOptions
  ) => Effect.Effect<Verified, NotFound | NetworkError | SignatureInvalid | InvalidInput | Expired>
  readonly open: (verified: Verified, opener: Opener) => Effect.Effect<Payload, DecryptionFailed | InvalidInput>
  /** Replaces the key's record with an empty packet. */
  readonly revoke: (keypair: Keypair, options?: DhtOptions) => Effect.Effect<PublishReport, NetworkError>
}>() {
  static readonly layer = Layer.effect(
    Handoffs,
    Effect.gen(function*() {
      const dht = yield* Dht

      const seal = (request: PublishRequest, plaintext: Uint8Array) => {
        const { encryption } = request.mode
        switch (encryption._tag) {
          case "Self":
            return Effect.map(sealToSelf(plaintext, request.keypair), (blob) => ({ blob }))
          case "Shared":
            return Effect.map(sealTo(plaintext, encryption.recipient), (blob) => ({
              blob,
              recipient: toZ32(encryption.recipient)
            }))
          case "Pin": {
            const sealed = request.pinKey !== undefined
              ? sealWithPinKey(plaintext, request.pinKey)
              : request.pin !== undefined
              ? sealWithPin(plaintext, request.pin)
              : Effect.dieMessage("Handoffs.publish: PIN mode without a PIN")
            return Effect.map(sealed, ({ blob, salt }) => ({ blob, pinSalt: salt }))
          }
        }
      }

      const publish = Effect.fn("Handoffs.publish")(function*(request: PublishRequest, options?: DhtOptions) {
        const plaintext = encodePayload(request.payload)
        const sealed = yield* Effect.ensuring(seal(request, plaintext), Effect.sync(() => plaintext.fill(0)))
        const record = signRecord(request.keypair, {
          ...sealed,
          burn: request.mode.burn,
          createdAt: yield* nowSeconds,
          hostname: "",
          project: "",
          ttl: request.ttl
        })
        yield* checkPacketBudget(request.keypair.publicKey, record, { carried: request.payload.carry !== undefined })
        const report = yield* dht.publish(request.keypair, encodeRecord(record), options)
        return { record, report }
      })

      const resolve = Effect.fn("Handoffs.resolve")(function*(publisher: PublicKey, options?: DhtOptions) {
        const packet = yield* dht.resolve(publisher, options)
        const record = yield* decodeRecord(packet.record)
        yield* verifyRecord(record, publisher)
        return { publisher, record, seq: packet.seq, bytes: packet.bytes }
      })

      const resolveActive = (publisher: PublicKey, options?: DhtOptions) =>
        Effect.tap(resolve(publisher, options), ({ record }) => checkExpiry(record))

      const decrypt = (verified: Verified, opener: Opener): Effect.Effect<Uint8Array, DecryptionFailed> => {
        const { record } = verified
        if (opener._tag !== "Keypair") {
          return record.pinSalt === undefined
            ? Effect.fail(new DecryptionFailed({ hint: "this handoff is not PIN-protected." }))
            : opener._tag === "Pin"
            ? openWithPin(record.blob, opener.pin, record.pinSalt)
            : openWithPinKey(record.blob, opener.key)
        }
        return record.pinSalt !== undefined
          ? Effect.fail(new DecryptionFailed({ hint: "this handoff is PIN-protected: a PIN is needed." }))
          : Effect.zipRight(refuseForeign(verified, opener.keypair), openWithKeypair(record.blob, opener.keypair))
      }

      const open = Effect.fn("Handoffs.open")(function*(verified: Verified, opener: Opener) {
        const plaintext = yield* decrypt(verified, opener)
        const decoded = yield* Effect.ensuring(decodePayload(plaintext), Effect.sync(() => plaintext.fill(0)))
        const { record } = verified
        return decoded._tag === "Payload"
          ? decoded.payload
          : { hostname: record.hostname, project: record.project, sessionId: decoded.sessionId }
      })

      return Handoffs.of({
        publish,
        resolve,
        resolveActive,
        open,
        revoke: (keypair, options) => dht.revoke(keypair, options)
      })
    })
  )
}

/**
 * Before trying a key that cannot work, say why from the record's public
 * fields (spec section 8): who published it, when, and to whom it is sealed.
 * Nothing here depends on the ciphertext, so it tells an attacker nothing.
 */
const refuseForeign = (verified: Verified, keypair: Keypair): Effect.Effect<void, DecryptionFailed> =>
  Effect.gen(function*() {
    const { publisher, record } = verified
    const mine = equals(publisher, keypair.publicKey)
    const published = `published ${yield* age(record)} ago`
    if (record.recipient !== undefined) {
      if (record.recipient === toZ32(keypair.publicKey)) return
      // decodeRecord admits only a canonical z32 key here.
      const recipient = `pk:${record.recipient}`
      return yield* new DecryptionFailed({
        hint: mine
          ? `this handoff (${published}) is shared with ${recipient}; only that key can decrypt it.`
          : `this handoff by ${toDisplay(publisher)} (${published}) is shared with someone else (${recipient}).`
      })
    }
    if (!mine) {
      return yield* new DecryptionFailed({
        hint: `this handoff by ${
          toDisplay(publisher)
        } (${published}) is self-encrypted: only its publisher's key can decrypt it.`
      })
    }
  })
