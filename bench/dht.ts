/**
 * Publish and resolve on a local Mainline network, in this process: latency
 * and datagrams sent per operation. Each round publishes a fresh record from
 * a new client node and resolves it from another (cold routing tables, no
 * routing cache), as two CLI commands would, and checks the record came back.
 */
import { Duration, Effect, Layer } from "effect"
import * as Mainline from "../src/dht/mainline.js"
import type { Testnet } from "../src/dht/testnet.js"
import { Keypair } from "../src/domain/keys.js"
import { Dht, DhtConfig } from "../src/services/Dht.js"
import { countClientDatagrams } from "./datagrams.js"
import { summarize, type Summary } from "./stats.js"

export interface DhtResult {
  readonly nodes: number
  /** Milliseconds to start the network (informative). */
  readonly networkStartMs: number
  readonly publishMs: Summary
  readonly resolveMs: Summary
  readonly publishDatagrams: Summary
  readonly resolveDatagrams: Summary
  /** Nodes that stored each publish. */
  readonly storedOn: Summary
}

/** A record the size of a real handoff's (about 700 bytes of JSON). */
const record = (round: number) => JSON.stringify({ round, padding: "x".repeat(640) })

const withClient = <A, E>(bootstrap: ReadonlyArray<string>, use: (dht: Dht["Type"]) => Effect.Effect<A, E>) =>
  Effect.flatMap(Dht, use).pipe(
    Effect.provide(Mainline.layer.pipe(
      Layer.provide(Layer.succeed(DhtConfig, {
        bootstrap,
        relays: [],
        useDht: true,
        timeout: Duration.seconds(30),
        stateDir: undefined
      }))
    ))
  )

/** The operation's result, its milliseconds (client start and close included) and its datagrams. */
const measured = <A, E>(sent: () => number, operation: Effect.Effect<A, E>) =>
  Effect.suspend(() => {
    const start = performance.now()
    const before = sent()
    return Effect.map(operation, (value) => ({ value, ms: performance.now() - start, datagrams: sent() - before }))
  })

export const measure = (network: Testnet, networkStartMs: number, rounds: number) =>
  Effect.scoped(Effect.gen(function*() {
    const counter = yield* countClientDatagrams(network)
    const samples = {
      publishMs: new Array<number>(),
      resolveMs: new Array<number>(),
      publishDatagrams: new Array<number>(),
      resolveDatagrams: new Array<number>(),
      storedOn: new Array<number>()
    }
    for (let round = 0; round < rounds; round++) {
      const keypair = Keypair.generate()
      const text = record(round)
      const published = yield* measured(
        counter.sent,
        withClient(network.bootstrap, (dht) => dht.publish(keypair, text))
      )
      const resolved = yield* measured(
        counter.sent,
        withClient(network.bootstrap, (dht) => dht.resolve(keypair.publicKey))
      )
      keypair.wipe()
      if (resolved.value.record !== text) return yield* Effect.dieMessage("the DHT resolved another record")
      samples.publishMs.push(published.ms)
      samples.publishDatagrams.push(published.datagrams)
      samples.storedOn.push(published.value.storedOn)
      samples.resolveMs.push(resolved.ms)
      samples.resolveDatagrams.push(resolved.datagrams)
    }
    return {
      nodes: network.nodes.length,
      networkStartMs,
      publishMs: summarize(samples.publishMs),
      resolveMs: summarize(samples.resolveMs),
      publishDatagrams: summarize(samples.publishDatagrams),
      resolveDatagrams: summarize(samples.resolveDatagrams),
      storedOn: summarize(samples.storedOn)
    } satisfies DhtResult
  }))
