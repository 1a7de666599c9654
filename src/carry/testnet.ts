/**
 * A carry network on one machine: HyperDHT's own test network (hyperdht's
 * `testnet`), N nodes in this process, for `cclink testnet`, the tests, the
 * demo and the benchmark, so none of them needs the internet. The nodes
 * close with the scope.
 */
import { Effect } from "effect"
import createTestnet from "hyperdht/testnet.js"
import { InvalidInput } from "../domain/errors.js"

export interface CarryTestnet {
  /** `host:port` of the first node, for `CCLINK_CARRY_BOOTSTRAP` / `CarryConfig.bootstrap`. */
  readonly bootstrap: ReadonlyArray<string>
  readonly size: number
}

/**
 * `host`: the IPv4 address the network is known by (127.0.0.1 unless it
 * serves other hosts, as in a network-namespace test; then the nodes bind
 * every interface, which is hyperdht's choice).
 */
export const make = (size: number, options: { readonly host?: string } = {}) =>
  Effect.gen(function*() {
    if (!Number.isSafeInteger(size) || size < 1) {
      return yield* new InvalidInput({ reason: `A carry testnet needs at least one node, got ${size}.` })
    }
    const net = yield* Effect.acquireRelease(
      Effect.promise(() => createTestnet(size, { host: options.host ?? "127.0.0.1" })),
      (net) => Effect.promise(() => net.destroy())
    )
    return {
      bootstrap: net.bootstrap.map(({ host, port }) => `${host}:${port}`),
      size: net.nodes.length
    } satisfies CarryTestnet
  })
