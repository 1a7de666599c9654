/**
 * How many nodes a local testnet (./testnet.ts) may have. A module apart,
 * without bittorrent-dht, so that `cclink testnet` names the bound in its
 * help and checks `--nodes` before loading the DHT.
 */
import { Effect } from "effect"
import { InvalidInput } from "../domain/errors.js"

/**
 * All the nodes run in one process, a UDP socket and a routing table each:
 * enough for lookups to go several hops deep as on Mainline, and a bound on
 * what a mistyped `--nodes` makes the machine open.
 */
export const MAX_NODES = 5000

export const checkSize = (size: number): Effect.Effect<void, InvalidInput> =>
  !Number.isSafeInteger(size) || size < 1
    ? Effect.fail(new InvalidInput({ reason: `A testnet needs at least one node, got ${size}.` }))
    : size > MAX_NODES
    ? Effect.fail(new InvalidInput({ reason: `A testnet has at most ${MAX_NODES} nodes, got ${size}.` }))
    : Effect.void
