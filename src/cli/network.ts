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
import { DhtConfig, type DhtSettings } from "../services/Dht.js"

export interface NetworkOptions {
  readonly bootstrap: Option.Option<string>
  readonly relay: ReadonlyArray<string>
  readonly noDht: boolean
  readonly timeout: Option.Option<string>
}

export const DEFAULT_TIMEOUT = Duration.seconds(30)

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
    const timeout = Option.isNone(options.timeout)
      ? DEFAULT_TIMEOUT
      : yield* Either.match(parseDuration(options.timeout.value), {
        onLeft: (reason) => Effect.fail(new InvalidInput({ reason: `--timeout: ${reason}` })),
        onRight: (seconds) =>
          seconds > 0
            ? Effect.succeed(Duration.seconds(seconds))
            : Effect.fail(new InvalidInput({ reason: "--timeout must be more than 0 seconds." }))
      })
    // Set but empty counts as unset: an empty folder name would put the routing cache in the current directory.
    const stateDir = Option.getOrElse(
      Option.filter(yield* env("CCLINK_STATE_DIR"), (dir) => dir !== ""),
      defaultStateDir
    )
    return {
      bootstrap: yield* validated(bootstrap),
      relays: yield* validRelays(relays),
      useDht: !options.noDht,
      timeout,
      stateDir
    }
  })

/** `$XDG_STATE_HOME/cclink`, or `~/.local/state/cclink`. */
const defaultStateDir = () => join(process.env.XDG_STATE_HOME || join(homedir(), ".local", "state"), "cclink")

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
