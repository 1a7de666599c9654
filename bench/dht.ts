/**
 * Publish and resolve times on local Mainline networks of several sizes.
 *
 *   npx tsx bench/dht.ts [sizes, default 50,500] [rounds, default 5]
 *
 * Each round publishes a fresh record from one client node and resolves it
 * from another, both new (cold routing tables), as a CLI command would.
 */
import { Duration, Effect, Layer } from "effect"
import * as Mainline from "../src/dht/mainline.js"
import * as Testnet from "../src/dht/testnet.js"
import { Keypair } from "../src/domain/keys.js"
import { Dht, DhtConfig } from "../src/services/Dht.js"

const sizes = (process.argv[2] ?? "50,500").split(",").map(Number)
const rounds = Number(process.argv[3] ?? 5)

const client = (bootstrap: ReadonlyArray<string>) =>
  Mainline.layer.pipe(
    Layer.provide(
      Layer.succeed(DhtConfig, { bootstrap, relays: [], useDht: true, timeout: Duration.seconds(30), stateDir: undefined })
    )
  )

const timed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const start = performance.now()
    const value = yield* effect
    return [value, performance.now() - start] as const
  })

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ms = (value: number) => `${value.toFixed(0)} ms`

const bench = (size: number) =>
  Effect.scoped(Effect.gen(function*() {
    const [network, startup] = yield* timed(Testnet.make(size))
    const publishes: Array<number> = []
    const resolves: Array<number> = []
    const stored: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      const keypair = Keypair.generate()
      const record = JSON.stringify({ round, padding: "x".repeat(600) })
      const [report, publish] = yield* timed(
        Effect.flatMap(Dht, (dht) => dht.publish(keypair, record)).pipe(Effect.provide(client(network.bootstrap)))
      )
      const [found, resolve] = yield* timed(
        Effect.flatMap(Dht, (dht) => dht.resolve(keypair.publicKey)).pipe(Effect.provide(client(network.bootstrap)))
      )
      if (found.record !== record) return yield* Effect.dieMessage("resolved another record")
      publishes.push(publish)
      resolves.push(resolve)
      stored.push(report.storedOn)
    }
    yield* Effect.sync(() =>
      console.log(
        `${size} nodes: started in ${ms(startup)}; publish median ${ms(median(publishes))} ` +
          `(max ${ms(Math.max(...publishes))}, stored on ${median(stored)}); ` +
          `resolve median ${ms(median(resolves))} (max ${ms(Math.max(...resolves))})`
      )
    )
  }))

Effect.runPromise(Effect.forEach(sizes, bench, { discard: true })).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
