/**
 * The whole pickup path, `Handoffs.resolveActive` then `Handoffs.open`, over
 * the in-memory `Dht` whose stored packet each hostile input replaces. The
 * bytes go through the same packet verification, DNS and record decoding,
 * inner signature, key and expiry checks and decryption as bytes from the
 * network, at the cost of a function call instead of a DHT lookup, so tens of
 * thousands of inputs fit in the suite's time.
 */
import { Effect, HashMap, Layer, Option, Ref } from "effect"
import * as Memory from "../../../src/dht/memory.js"
import { toZ32 } from "../../../src/domain/keyDisplay.js"
import { type PublicKey } from "../../../src/domain/keys.js"
import type { Payload } from "../../../src/domain/payload.js"
import { encodeRecord } from "../../../src/domain/record.js"
import { Dht } from "../../../src/services/Dht.js"
import { Handoffs, type Opener, type PublishRequest } from "../../../src/services/Handoffs.js"
import { attempt, type Outcome } from "./outcome.js"

export interface Picked {
  /** The text of the record that passed verification, when one did (even if opening it then failed). */
  readonly verified: string | undefined
  readonly outcome: Outcome<Payload>
}

export interface Harness {
  /** Publishes honestly; gives the record's wire text and the stored packet in relay form. */
  readonly publish: (request: PublishRequest) => Promise<{ readonly text: string; readonly bytes: Uint8Array }>
  /** What a picker gets when the network serves `bytes` as `publisher`'s packet. */
  readonly pickup: (publisher: PublicKey, bytes: Uint8Array, opener: Opener) => Promise<Picked>
}

export const makeHarness = (): Promise<Harness> =>
  Effect.runPromise(Effect.gen(function*() {
    const store = yield* Ref.make(HashMap.empty<string, Uint8Array>())
    const handoffs = yield* Effect.provide(
      Handoffs,
      Handoffs.layer.pipe(Layer.provide(Layer.succeed(Dht, Memory.make(store))))
    )
    const stored = (publisher: PublicKey) =>
      Effect.map(Ref.get(store), (map) => Option.getOrThrow(HashMap.get(map, toZ32(publisher))))

    return {
      publish: (request) =>
        Effect.runPromise(Effect.gen(function*() {
          const { record } = yield* handoffs.publish(request)
          return { text: encodeRecord(record), bytes: yield* stored(request.keypair.publicKey) }
        })),
      pickup: async (publisher, bytes, opener) => {
        let verified: string | undefined
        const outcome = await attempt(() =>
          Ref.set(store, HashMap.make([toZ32(publisher), bytes])).pipe(
            Effect.zipRight(handoffs.resolveActive(publisher)),
            Effect.tap(({ record }) => Effect.sync(() => (verified = encodeRecord(record)))),
            Effect.flatMap((found) => handoffs.open(found, opener))
          )
        )
        return { verified, outcome }
      }
    } satisfies Harness
  }))
