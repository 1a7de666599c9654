/** `Dht` clients built from the real layers for given settings, and handoff-sized record texts. */
import { Context, Duration, Effect, Layer } from "effect"
import * as DhtLive from "../../src/dht/live.js"
import * as Relays from "../../src/dht/relay.js"
import { Dht, DhtConfig, type DhtSettings } from "../../src/services/Dht.js"

export const settings = (overrides: Partial<DhtSettings>): DhtSettings => ({
  bootstrap: [],
  relays: [],
  useDht: true,
  timeout: Duration.seconds(10),
  stateDir: undefined,
  ...overrides
})

/** The relay layer alone over `relays`. */
export const relayClient = (relays: ReadonlyArray<string>, timeout: Duration.DurationInput = "10 seconds") =>
  Relays.make.pipe(
    Effect.provideService(DhtConfig, settings({ relays, useDht: false, timeout: Duration.decode(timeout) }))
  )

/** What the command line gets: `DhtLive.layer`, open until the scope closes. */
export const liveClient = (overrides: Partial<DhtSettings>) =>
  Layer.build(DhtLive.layer.pipe(Layer.provide(Layer.succeed(DhtConfig, settings(overrides))))).pipe(
    Effect.map(Context.get(Dht))
  )

/** Record JSON as the transport sees it: opaque text, longer than one 255-byte TXT string. */
export const recordText = (label: string) =>
  JSON.stringify({ blob: Buffer.alloc(450, label).toString("base64"), label, ttl: 3600 })
