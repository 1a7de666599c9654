/**
 * Reaching the network from a command: the `DhtConfig` its options and the
 * environment describe, and the transport layers, loaded only by commands
 * that use them (the DHT and crypto code is most of the bundle, and
 * `--version`, `--help` or `whoami` should not pay for it).
 */
import { Config, Duration, Effect, Either, Layer, Option } from "effect"
import { homedir } from "node:os"
import { join } from "node:path"
import { parseDuration } from "../domain/duration.js"
import { InvalidInput } from "../domain/errors.js"
import type { CarrySettings } from "../services/Carry.js"
import { DhtConfig, type DhtSettings } from "../services/Dht.js"

export interface NetworkOptions {
  readonly bootstrap: Option.Option<string>
  readonly relay: ReadonlyArray<string>
  readonly noDht: boolean
  readonly timeout: string
}

export interface CarryNetworkOptions {
  readonly carryBootstrap: Option.Option<string>
}

/** Where cclink keeps its state (the routing cache, carried conversations): `CCLINK_STATE_DIR`, else the XDG default. */
export const stateFolder = Effect.map(
  Config.option(Config.string("CCLINK_STATE_DIR")).pipe(Effect.orDie),
  // Set but empty counts as unset: an empty folder name would put state in the current directory.
  (dir) => Option.getOrElse(Option.filter(dir, (text) => text !== ""), defaultStateDir)
)

const list = (text: string) => text.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "")

const validated = (bootstrap: ReadonlyArray<string>) =>
  Effect.promise(() => import("../dht/bootstrap.js")).pipe(
    Effect.flatMap(({ parseBootstrap }) =>
      bootstrap.length === 0 ? Effect.succeed(bootstrap) : Effect.as(parseBootstrap(bootstrap.join(",")), bootstrap)
    )
  )

/** The relay layer's own check, made before the key is opened. */
const validRelays = (relays: ReadonlyArray<string>) =>
  relays.length === 0
    ? Effect.succeed(relays)
    : Effect.promise(() => import("../dht/relay.js")).pipe(Effect.flatMap(({ parseRelays }) => parseRelays(relays)))

/** Options first, then `CCLINK_BOOTSTRAP`, `CCLINK_RELAYS`, `CCLINK_STATE_DIR`. */
export const settings = (options: NetworkOptions): Effect.Effect<DhtSettings, InvalidInput> =>
  Effect.gen(function*() {
    const env = (name: string) => Config.option(Config.string(name)).pipe(Effect.orDie)
    const bootstrap = Option.isSome(options.bootstrap)
      ? list(options.bootstrap.value)
      : Option.match(yield* env("CCLINK_BOOTSTRAP"), { onNone: () => [], onSome: list })
    const relays = options.relay.length > 0
      ? options.relay
      : Option.match(yield* env("CCLINK_RELAYS"), { onNone: () => [], onSome: list })
    const timeout = yield* Either.match(parseDuration(options.timeout), {
      onLeft: (reason) => Effect.fail(new InvalidInput({ reason: `--timeout: ${reason}` })),
      onRight: (seconds) =>
        seconds > 0
          ? Effect.succeed(Duration.seconds(seconds))
          : Effect.fail(new InvalidInput({ reason: "--timeout must be more than 0 seconds." }))
    })
    return {
      bootstrap: yield* validated(bootstrap),
      relays: yield* validRelays(relays),
      useDht: !options.noDht,
      timeout,
      stateDir: yield* stateFolder
    }
  })

/**
 * `--carry-bootstrap`, then `CCLINK_CARRY_BOOTSTRAP`; checked like
 * `--bootstrap`, before any secret is asked. Empty: HyperDHT's public nodes.
 */
export const carrySettings = (options: CarryNetworkOptions): Effect.Effect<CarrySettings, InvalidInput> =>
  Effect.gen(function*() {
    const text = Option.isSome(options.carryBootstrap)
      ? Option.some(options.carryBootstrap.value)
      : yield* Config.option(Config.string("CCLINK_CARRY_BOOTSTRAP")).pipe(Effect.orDie)
    const bootstrap = Option.match(text, { onNone: () => [], onSome: list })
    return {
      bootstrap: yield* validated(bootstrap).pipe(
        Effect.mapError((error) => new InvalidInput({ reason: `Carry network: ${error.reason}` }))
      )
    }
  })

/** `$XDG_STATE_HOME/cclink`, or `~/.local/state/cclink`. */
const defaultStateDir = () => join(process.env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "cclink")

/** `Carry` on HyperDHT, reached as `config` says. */
export const carryLayer = (config: CarrySettings) =>
  Layer.unwrapEffect(
    Effect.promise(() => Promise.all([import("../services/Carry.js"), import("../carry/hyperdht.js")])).pipe(
      Effect.map(([{ CarryConfig }, live]) => live.layer.pipe(Layer.provide(Layer.succeed(CarryConfig, config))))
    )
  )

/** `CarryPublisher` serving over HyperDHT as `config` says; it needs the `Dht` the record is on. */
export const carryPublisherLayer = (config: CarrySettings) =>
  Layer.unwrapEffect(
    Effect.promise(() => import("../carry/publisher.js")).pipe(
      Effect.map((publisher) => publisher.layer.pipe(Layer.provide(carryLayer(config))))
    )
  )

/** `CarriedPickup` fetching over HyperDHT as `config` says; it needs the placement services (cli/layers/Claude.ts). */
export const carriedPickupLayer = (config: CarrySettings) =>
  Layer.unwrapEffect(
    Effect.promise(() => import("../carry/pickup.js")).pipe(
      Effect.map((pickup) => pickup.layer.pipe(Layer.provide(carryLayer(config))))
    )
  )

/** `Handoffs` (and the `Dht` under it) over the transport that `config` describes. */
export const handoffsLayer = (config: DhtSettings) =>
  Layer.unwrapEffect(
    Effect.promise(() => Promise.all([import("../services/Handoffs.js"), import("../dht/live.js")])).pipe(
      Effect.map(([{ Handoffs }, live]) =>
        Handoffs.layer.pipe(
          Layer.provideMerge(live.layer),
          Layer.provide(Layer.succeed(DhtConfig, config))
        )
      )
    )
  )
