/**
 * The `Dht` of the command line, chosen by `DhtConfig`: the Mainline DHT
 * alone (the default, no relays), the relays alone (`useDht` false, for
 * networks that block UDP), or both raced (relays given, DHT kept).
 */
import { Context, Effect, Layer } from "effect"
import { InvalidInput } from "../domain/errors.js"
import { Dht, DhtConfig } from "../services/Dht.js"
import { race } from "./combined.js"
import * as Mainline from "./mainline.js"
import * as Relays from "./relay.js"

/** The Mainline layer is built as a layer, in this layer's scope, so its node closes with it. */
const raced = Layer.scoped(
  Dht,
  Effect.gen(function*() {
    const dht = Context.get(yield* Layer.build(Mainline.layer), Dht)
    return race(dht, yield* Relays.make)
  })
)

export const layer: Layer.Layer<Dht, InvalidInput, DhtConfig> = Layer.unwrapEffect(
  Effect.map(DhtConfig, ({ relays, useDht }) => {
    if (useDht) return relays.length === 0 ? Mainline.layer : raced
    return relays.length === 0
      ? Layer.fail(
        new InvalidInput({ reason: "--no-dht needs at least one relay: give --relay URL or set CCLINK_RELAYS." })
      )
      : Relays.layer
  })
)
