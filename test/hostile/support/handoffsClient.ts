/**
 * `Handoffs` as a command runs it: over a fresh Mainline client (its own UDP
 * socket and empty routing table, closed when `use` ends), so each publish and
 * each pickup of a test is a separate client like a separate `cclink` run.
 */
import { Effect } from "effect"
import { Dht, type DhtSettings } from "../../../src/services/Dht.js"
import { Handoffs } from "../../../src/services/Handoffs.js"
import { withClient } from "../../dht/network.js"

export const withHandoffs = <A, E>(
  bootstrap: ReadonlyArray<string>,
  use: (handoffs: Handoffs["Type"]) => Effect.Effect<A, E>,
  settings: Partial<DhtSettings> = {}
) =>
  withClient(
    bootstrap,
    (dht) => Effect.flatMap(Handoffs, use).pipe(Effect.provide(Handoffs.layer), Effect.provideService(Dht, dht)),
    settings
  )
