/**
 * `cclink testnet`: a real Mainline DHT of N nodes on this machine, and a
 * carry network (HyperDHT) beside it for `--carry`, for the demo, for tests,
 * and for private networks without internet. Runs until interrupted.
 */
import { Console, Effect } from "effect"
import { checkSize } from "../../dht/testnetSize.js"

/** What `cclink testnet` parses (../commands/testnet.ts). */
export interface TestnetOptions {
  readonly nodes: number
  readonly host: string
  readonly port: number
  readonly json: boolean
}

/** Carry networks need few nodes: a connect asks the closest ones to the server's key, and 10 hold every announcement. */
const CARRY_NODES = 10

export const run = (o: TestnetOptions) =>
  Effect.gen(function*() {
    yield* checkSize(o.nodes)
    const [testnet, carryTestnet] = yield* Effect.promise(() =>
      Promise.all([import("../../dht/testnet.js"), import("../../carry/testnet.js")])
    )
    if (!o.json) yield* Console.error(`Starting ${o.nodes} DHT nodes and ${CARRY_NODES} carry nodes on ${o.host}...`)
    const started = Date.now()
    const net = yield* testnet.make(o.nodes, { host: o.host, port: o.port })
    const carry = yield* carryTestnet.make(CARRY_NODES, { host: o.host })
    const bootstrap = net.bootstrap.join(",")
    const carryBootstrap = carry.bootstrap.join(",")
    yield* Console.log(
      o.json
        ? JSON.stringify({ nodes: net.nodes.length, bootstrap: net.bootstrap, carryBootstrap: carry.bootstrap })
        : [
          `Local DHT: ${net.nodes.length} nodes on ${o.host}, and a carry network of ${carry.size} nodes, ready in ${
            ((Date.now() - started) / 1000).toFixed(1)
          } s.`,
          `Bootstrap: ${bootstrap}`,
          `Carry bootstrap: ${carryBootstrap}`,
          "",
          `  export CCLINK_BOOTSTRAP=${bootstrap}`,
          `  export CCLINK_CARRY_BOOTSTRAP=${carryBootstrap}`,
          `  or pass --bootstrap ${bootstrap} to publish, pickup, list and revoke,`,
          `  and --carry-bootstrap ${carryBootstrap} to publish --carry and pickup.`,
          "",
          "Press Ctrl-C to stop."
        ].join("\n")
    )
    return yield* Effect.never
  }).pipe(Effect.scoped)
