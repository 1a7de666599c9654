/** `cclink testnet`: its options and help; the work is in ../handlers/testnet.ts, loaded when it runs. */
import { Command, Options } from "@effect/cli"
import { MAX_NODES } from "../../dht/testnetSize.js"
import { type About, network, parserOptions } from "../described.js"
import { lazy } from "../lazy.js"
import * as shared from "../options.js"

export const spec = {
  nodes: network(
    Options.integer("nodes").pipe(Options.withPseudoName("N")),
    `how many DHT nodes to start, 1 to ${MAX_NODES}`,
    200
  ),
  host: network(
    Options.text("host").pipe(Options.withPseudoName("ADDRESS")),
    "the IPv4 address to bind the nodes to",
    "127.0.0.1"
  ),
  port: network(
    Options.integer("port").pipe(Options.withPseudoName("PORT")),
    "the first node's UDP port, 0 for any free one",
    0
  ),
  json: shared.json
}

export const options = parserOptions(spec)

export const about: About = {
  summary: "run a local Mainline DHT and carry network, for demos and tests",
  examples: [
    ["cclink testnet --nodes 200 &", "start one, which prints its address"],
    ["CCLINK_BOOTSTRAP=127.0.0.1:<port> cclink", "publish to it (see what it prints)"]
  ]
}

export const command = Command.make("testnet", options, lazy(() => import("../handlers/testnet.js"))).pipe(
  Command.withDescription(about.summary)
)
