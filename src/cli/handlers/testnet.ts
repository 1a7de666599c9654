/**
 * `cclink testnet`: a real Mainline DHT of N nodes on this machine, for the
 * demo, for tests, and for private networks without internet. Runs until
 * interrupted.
 */
import { Console, Effect } from "effect"
import { InvalidInput } from "../../domain/errors.js"
import type { TestnetOptions } from "../commands/testnet.js"

export const run = (o: TestnetOptions) =>
  Effect.gen(function*() {
    const testnet = yield* Effect.promise(() => import("../../dht/testnet.js"))
    if (o.nodes > 5000) return yield* new InvalidInput({ reason: "--nodes: at most 5000." })
    if (!o.json) yield* Console.error(`Starting ${o.nodes} DHT nodes on ${o.host}...`)
    const started = Date.now()
    const net = yield* testnet.make(o.nodes, { host: o.host, port: o.port })
    const bootstrap = net.bootstrap.join(",")
    yield* Console.log(
      o.json
        ? JSON.stringify({ nodes: net.nodes.length, bootstrap: net.bootstrap })
        : [
          `Local DHT: ${net.nodes.length} nodes on ${o.host}, ready in ${
            ((Date.now() - started) / 1000).toFixed(1)
          } s.`,
          `Bootstrap: ${bootstrap}`,
          "",
          `  export CCLINK_BOOTSTRAP=${bootstrap}`,
          `  or pass --bootstrap ${bootstrap} to publish, pickup, list and revoke.`,
          "",
          "Press Ctrl-C to stop."
        ].join("\n")
    )
    return yield* Effect.never
  }).pipe(Effect.scoped)
