/**
 * An in-memory `Dht` for domain and command-line tests: one map from key to
 * the relay form of its newest packet, under the network's rules. A publish
 * signs a seq strictly above the stored one (time in microseconds from
 * Effect's Clock, so TestClock drives it), an empty packet revokes, and the
 * stored bytes are verified on every read, so a test that tampers with the
 * map sees what a tampered network answer would give.
 */
import { Effect, Either, HashMap, Layer, Option, Ref } from "effect"
import { encodeDnsMessage } from "../domain/dnsRecord.js"
import { InvalidInput } from "../domain/errors.js"
import { toZ32 } from "../domain/keyDisplay.js"
import { type Keypair, type PublicKey } from "../domain/keys.js"
import { Dht, type DhtOptions, type PublishReport } from "../services/Dht.js"
import { noHandoff, readNewest } from "./resolved.js"
import { fromBytes, newerPublished, nowMicros, packetValue, sign, type SignedPacket, toBytes } from "./signedPacket.js"

/** z32 key -> relay form `sig || seq || v` of the newest packet. */
type Packets = HashMap.HashMap<string, Uint8Array>
export type Store = Ref.Ref<Packets>

/** The stored packet when it still verifies; anything else is as good as nothing. */
const storedPacket = (map: Packets, publicKey: PublicKey): Option.Option<SignedPacket> =>
  Option.flatMap(HashMap.get(map, toZ32(publicKey)), (bytes) => Either.getRight(fromBytes(publicKey, bytes)))

const stored = (packet: SignedPacket): PublishReport => ({
  seq: packet.seq,
  storedOn: 1,
  contacted: 1,
  bytes: toBytes(packet)
})

const progress = (options: DhtOptions | undefined, answers: number) =>
  Effect.sync(() => options?.onProgress?.({ contacted: 1, answers }))

/** Over a store the test owns, to read or tamper with; `layer` when a fresh one will do. */
export const make = (store: Store): Dht["Type"] => {
  /** Signs and stores in one step, so two concurrent publishes cannot pick the same seq. */
  const put = (keypair: Keypair, v: Uint8Array) =>
    Effect.gen(function*() {
      const now = yield* nowMicros
      const signed = yield* Ref.modify(store, (map): readonly [Either.Either<SignedPacket, InvalidInput>, Packets] => {
        // A clock behind the newest packet must not lose the publish.
        const floor = Option.match(storedPacket(map, keypair.publicKey), {
          onNone: () => 0,
          onSome: ({ seq }) => seq + 1
        })
        const packet = sign(keypair, Math.max(now, floor), v)
        return Either.isRight(packet)
          ? [packet, HashMap.set(map, toZ32(keypair.publicKey), toBytes(packet.right))]
          : [packet, map]
      })
      return stored(yield* signed)
    })

  const publish = Effect.fn("DhtMemory.publish")(function*(keypair: Keypair, record: string, options?: DhtOptions) {
    const v = yield* packetValue(keypair.publicKey, record)
    yield* progress(options, 0)
    return yield* put(keypair, v)
  })

  const revoke = Effect.fn("DhtMemory.revoke")(function*(keypair: Keypair, options?: DhtOptions) {
    yield* progress(options, 0)
    // The empty message always fits; only a key whose newest seq is already 2^53 - 1 could fail to sign.
    return yield* put(keypair, encodeDnsMessage(keypair.publicKey, null)).pipe(
      Effect.catchTag("InvalidInput", (error) => Effect.die(error))
    )
  })

  const republish = Effect.fn("DhtMemory.republish")(function*(publicKey: PublicKey, bytes: Uint8Array) {
    const packet = yield* fromBytes(publicKey, bytes)
    const superseded = yield* Ref.modify(
      store,
      (map) =>
        Option.exists(storedPacket(map, publicKey), (newest) => newest.seq > packet.seq)
          ? [true, map] as const
          : [false, HashMap.set(map, toZ32(publicKey), toBytes(packet))] as const
    )
    // As on the DHT: the same packet again is a success, an older one is refused.
    if (superseded) {
      return yield* newerPublished(publicKey)
    }
    return stored(packet)
  })

  const resolve = Effect.fn("DhtMemory.resolve")(function*(publicKey: PublicKey, options?: DhtOptions) {
    const newest = storedPacket(yield* Ref.get(store), publicKey)
    yield* progress(options, Option.isSome(newest) ? 1 : 0)
    if (Option.isNone(newest)) return yield* noHandoff(publicKey)
    return yield* readNewest(publicKey, newest.value)
  })

  return Dht.of({ publish, revoke, republish, resolve })
}

/** A fresh, empty network per layer build; share the built layer between the clients of one test. */
export const layer: Layer.Layer<Dht> = Layer.effect(Dht, Effect.map(Ref.make<Packets>(HashMap.empty()), make))
