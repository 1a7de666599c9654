/** `cclink testnet`: its options and help; the work is in ../handlers/testnet.ts, loaded when it runs. */
import { Command, Options } from "@effect/cli"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const options = {
  nodes: Options.integer("nodes").pipe(
    Options.withDefault(200),
    Options.withDescription("How many DHT nodes to start (1 to 5000).")
  ),
  host: Options.text("host").pipe(
    Options.withDefault("127.0.0.1"),
    Options.withDescription(
      "The IPv4 address to bind the nodes to (the carry nodes listen on all addresses unless 127.0.0.1)."
    )
  ),
  port: Options.integer("port").pipe(
    Options.withDefault(0),
    Options.withDescription("The first node's UDP port (0: any free port).")
  ),
  json: shared.json
}

export type TestnetOptions = Command.Command.ParseConfig<typeof options>

export const command = Command.make("testnet", options, lazy(() => import("../handlers/testnet.js"))).pipe(
  Command.withDescription(
    "Run a local Mainline DHT of N real nodes, and a carry network (HyperDHT) for --carry, until interrupted.\n\n" +
      "Example:\n" +
      "  cclink testnet --nodes 200 &\n" +
      "  CCLINK_BOOTSTRAP=127.0.0.1:<port> CCLINK_CARRY_BOOTSTRAP=127.0.0.1:<port> cclink --carry"
  )
)
