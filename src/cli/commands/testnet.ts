/**
 * `cclink testnet`: a real Mainline DHT of N nodes on this machine, for the
 * demo, for tests, and for private networks without internet. Runs until
 * interrupted.
 */
import { Command, Options } from "@effect/cli"
import { Console, Effect } from "effect"
import { InvalidInput } from "../../domain/errors.js"
import * as shared from "../options.js"

const options = {
  nodes: Options.integer("nodes").pipe(
    Options.withDefault(200),
    Options.withDescription("How many DHT nodes to start (1 to 5000).")
  ),
  host: Options.text("host").pipe(
    Options.withDefault("127.0.0.1"),
    Options.withDescription("The IPv4 address to bind the nodes to.")
  ),
  port: Options.integer("port").pipe(
    Options.withDefault(0),
    Options.withDescription("The first node's UDP port (0: any free port).")
  ),
  json: shared.json
}

export const handler = (o: Command.Command.ParseConfig<typeof options>) =>
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
          `Local DHT: ${net.nodes.length} nodes on ${o.host}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
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

export const command = Command.make("testnet", options, handler).pipe(
  Command.withDescription(
    "Run a local Mainline DHT of N real nodes until interrupted.\n\n" +
      "Example:\n" +
      "  cclink testnet --nodes 200 &\n" +
      "  CCLINK_BOOTSTRAP=127.0.0.1:<port> cclink"
  )
)
