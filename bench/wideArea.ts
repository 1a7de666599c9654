/**
 * The DHT on a simulated wide area (src/dht/wideArea.ts): a testnet whose
 * nodes answer after about 100 ms, lose 3% of datagrams, a third of them
 * dead after the network formed and 40% of the live ones without BEP 44.
 *
 * - In-process: each round publishes a fresh record from a new client node,
 *   counts how many of the 20 live BEP 44 nodes nearest the key hold it (read
 *   from the nodes themselves), computes the round-trip floor of the resolve
 *   that follows (rttFloor.ts), and resolves it from another new client.
 * - Command line: `cclink publish` then `cclink pickup --no-launch` as
 *   processes of the built CLI, each pair of machines a key of its own: a
 *   handoff with a cold routing cache (removed before each command), then one
 *   with the warm cache it left on both machines, each pickup checked to
 *   return the session just published.
 * - A sweep of in-process resolve and publish over loss rates and dead-node
 *   shares, on a network of its own, for the chart.
 */
import DHT from "bittorrent-dht"
import { Console, Duration, Effect, Layer } from "effect"
import { rmSync } from "node:fs"
import { join } from "node:path"
import z32 from "z32"
import { targetOf } from "../src/dht/bep44.js"
import * as Mainline from "../src/dht/mainline.js"
import * as Testnet from "../src/dht/testnet.js"
import { K, READ_ONLY, walk } from "../src/dht/traversal.js"
import type { WideAreaOptions } from "../src/dht/wideArea.js"
import { verify } from "../src/domain/ed25519.js"
import { Keypair, type PublicKey } from "../src/domain/keys.js"
import { Dht, DhtConfig, type PublishReport } from "../src/services/Dht.js"
import { cclink, environment } from "./cli.js"
import { type Machines, machines } from "./handoff.js"
import { writeSession } from "./homes.js"
import { rttFloor } from "./rttFloor.js"
import { ratio, summarize, type Summary } from "./stats.js"

/** The scenario of issue 11. */
export const SCENARIO = {
  medianDelayMs: 100,
  loss: 0.03,
  dead: 0.3,
  withoutBep44: 0.4
} as const satisfies WideAreaOptions

export interface WideAreaPlan {
  readonly nodes: number
  /** Seeds of the scenario's network and of the sweep's (random when absent): the same seeds build the same networks. */
  readonly seeds?: readonly [number, number]
  /** In-process publish-and-resolve rounds. */
  readonly rounds: number
  /** Command-line handoffs with a cold cache, and as many with a warm one. */
  readonly handoffs: number
  readonly sweep: {
    readonly dead: ReadonlyArray<number>
    readonly loss: ReadonlyArray<number>
    readonly rounds: number
  }
}

export interface CacheFigures {
  readonly publishMs: Summary
  readonly pickupMs: Summary
}

export interface SweepPoint {
  readonly dead: number
  readonly loss: number
  readonly resolveMs: Summary
  readonly publishMs: Summary
}

/** Node counts, whose lowest matters as much as their median: "every publish stored on at least 12". */
export interface Counts extends Summary {
  readonly min: number
}

const counted = (samples: ReadonlyArray<number>): Counts => ({ ...summarize(samples), min: Math.min(...samples) })

export interface WideAreaResult {
  readonly nodes: number
  readonly scenario: typeof SCENARIO
  /** The testnets' seeds: the same seed builds the same network. */
  readonly seeds: ReadonlyArray<number>
  readonly networkStartMs: number
  readonly resolveMs: Summary
  readonly publishMs: Summary
  /** The round-trip floor of each in-process resolve. */
  readonly floorMs: Summary
  /** Median resolve over median floor. */
  readonly resolveOverFloor: number
  /** Nodes that acknowledged each publish, in-process and command line. */
  readonly storedOn: Counts
  /** Of the K nearest BEP 44 nodes a lookup of its own finds after each publish, those serving the new packet. */
  readonly nearestHolding: Counts
  /** Of the K live BEP 44 nodes truly nearest each key (read from the network), those holding the new packet. */
  readonly trulyNearestHolding: Counts
  readonly cold: CacheFigures
  readonly warm: CacheFigures
  /** Pickups that returned the session just published, of all pickups. */
  readonly newestPickups: { readonly newest: number; readonly total: number }
  readonly sweep: ReadonlyArray<SweepPoint>
}

const progress = (line: string) => Console.error(`bench: ${line}`)

const record = (round: number) => JSON.stringify({ round, padding: "x".repeat(640) })

const withClient = <A, E>(network: Testnet.Testnet, use: (dht: Dht["Type"]) => Effect.Effect<A, E>) =>
  Effect.flatMap(Dht, use).pipe(
    Effect.provide(Mainline.layer.pipe(
      Layer.provide(Layer.succeed(DhtConfig, {
        bootstrap: network.bootstrap,
        relays: [],
        useDht: true,
        timeout: Duration.seconds(30),
        stateDir: undefined
      }))
    ))
  )

const timed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.timed(effect), ([duration, value]) => ({ ms: Duration.toMillis(duration), value }))

const xor = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.map((byte, i) => byte ^ b[i]!))

/** Of the K live BEP 44 nodes truly nearest the key, read from the network itself, those holding the packet of this seq. */
export const trulyNearestHolding = (network: Testnet.Testnet, publicKey: PublicKey, seq: number): number => {
  const target = targetOf(publicKey)
  const hex = target.toString("hex")
  const conditions = network.wideArea!.conditions
  return network.nodes
    .filter((node, i) => !node.destroyed && conditions[i]!.bep44)
    .sort((a, b) => Buffer.compare(xor(a.nodeId, target), xor(b.nodeId, target)))
    .slice(0, K)
    .filter((node) => node.toJSON().values[hex]?.seq === seq)
    .length
}

const client = (bootstrap: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const node = new DHT({ bootstrap: false, verify })
      node._rpc.bootstrap = bootstrap.map((address) => {
        const [host, port] = address.split(":")
        return { host: host!, port: Number(port) }
      })
      return node
    }),
    (node) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))
  )

/**
 * A lookup of its own from a fresh client, as a resolver would walk: of the K
 * nearest BEP 44 nodes it found, those serving the packet of this seq.
 */
export const nearestHolding = (network: Testnet.Testnet, publicKey: PublicKey, seq: number) =>
  Effect.scoped(Effect.gen(function*() {
    const node = yield* client(network.bootstrap)
    const target = targetOf(publicKey)
    const holders = new Set<string>()
    const found = yield* walk(node, target, { q: "get", a: { id: node._rpc.id, target, ro: READ_ONLY } }, (r) => {
      if (r.seq === seq && r.id instanceof Uint8Array) holders.add(Buffer.from(r.id).toString("hex"))
    })
    return found.closest.filter((contact) => holders.has(contact.id.toString("hex"))).length
  }))

const BOOTSTRAP_SEEDS = [0, 1, 2]

/** One in-process publish then resolve, each timed, with `between` run between the two. */
const publishThenResolve = <A>(
  network: Testnet.Testnet,
  round: number,
  between: (publicKey: PublicKey, report: PublishReport) => Effect.Effect<A>
) =>
  Effect.gen(function*() {
    const keypair = Keypair.generate()
    const text = record(round)
    const published = yield* timed(withClient(network, (dht) => dht.publish(keypair, text)))
    const checks = yield* between(keypair.publicKey, published.value)
    const resolved = yield* timed(withClient(network, (dht) => dht.resolve(keypair.publicKey)))
    keypair.wipe()
    if (resolved.value.record !== text) return yield* Effect.dieMessage("the DHT resolved another record")
    return { publishMs: published.ms, resolveMs: resolved.ms, storedOn: published.value.storedOn, ...checks }
  })

/** What the publish achieved, and the round-trip floor of the resolve to come. */
const checks = (network: Testnet.Testnet) => (publicKey: PublicKey, report: PublishReport) =>
  Effect.gen(function*() {
    const truly = trulyNearestHolding(network, publicKey, report.seq)
    const holding = yield* nearestHolding(network, publicKey, report.seq)
    return { truly, holding, floorMs: rttFloor(network, targetOf(publicKey), BOOTSTRAP_SEEDS) }
  })

/** Without its routing cache, a command starts from the bootstrap nodes alone. */
const forgetCache = (m: Machines) =>
  Effect.sync(() => {
    for (const home of [m.a, m.b]) rmSync(join(home.dir, ".local", "state", "cclink"), { recursive: true, force: true })
  })

/** Runs a command in both homes that writes V8's code cache there, so that no measured command pays for it. */
const warmUp = (m: Machines) =>
  Effect.forEach([m.a, m.b], (home) => cclink(["whoami"], { env: environment({ ...home.env, ...m.network }) }), {
    discard: true
  })

/** A handoff through the built CLI: publish on A, pick up on B; whether the pickup got this very session. */
const handoff = (network: Testnet.Testnet, m: Machines, cold: boolean) =>
  Effect.gen(function*() {
    const sessionId = yield* writeSession([m.a, m.b], m.project)
    if (cold) yield* forgetCache(m)
    const published = yield* cclink(["publish", "--json"], {
      env: environment({ ...m.a.env, ...m.network }),
      cwd: m.project
    })
    const report = JSON.parse(published.stdout) as { seq: number; storedOn: number; publisher: string }
    const publisher = z32.decode(report.publisher) as PublicKey
    const truly = trulyNearestHolding(network, publisher, report.seq)
    const holding = yield* nearestHolding(network, publisher, report.seq)
    if (cold) yield* forgetCache(m)
    const picked = yield* cclink(["pickup", "--no-launch", "--json"], {
      env: environment({ ...m.b.env, ...m.network }),
      cwd: m.b.dir
    })
    const newest = (JSON.parse(picked.stdout) as { sessionId?: unknown }).sessionId === sessionId
    return { publishMs: published.ms, pickupMs: picked.ms, storedOn: report.storedOn, holding, truly, newest }
  })

const scenario = (plan: WideAreaPlan) =>
  Effect.scoped(Effect.gen(function*() {
    const [started, network] = yield* Effect.timed(
      Testnet.make(plan.nodes, { wideArea: SCENARIO, seed: plan.seeds?.[0] })
    )
    yield* progress(`wide area: ${plan.rounds} in-process rounds`)
    const rounds = yield* Effect.forEach(Array.from({ length: plan.rounds }), (_, round) =>
      publishThenResolve(network, round, checks(network)))
    yield* progress(`wide area: ${plan.handoffs} command-line handoffs with a cold routing cache, as many warm`)
    // Each pair is a key of its own, since how fast a key resolves depends on where it lies: a
    // cold handoff, then a warm one with the routing cache the cold one left, as the user's next.
    const handoffs = yield* Effect.forEach(
      Array.from({ length: plan.handoffs }),
      () =>
        Effect.gen(function*() {
          const pair = yield* machines(network, "plaintext")
          yield* warmUp(pair)
          return { cold: yield* handoff(network, pair, true), warm: yield* handoff(network, pair, false) }
        })
    )
    const all = handoffs.flatMap(({ cold, warm }) => [cold, warm])
    const floorMs = summarize(rounds.map((r) =>
      r.floorMs
    ))
    const resolveMs = summarize(rounds.map((r) => r.resolveMs))
    return {
      seed: network.seed,
      networkStartMs: Duration.toMillis(started),
      resolveMs,
      publishMs: summarize(rounds.map((r) => r.publishMs)),
      floorMs,
      resolveOverFloor: ratio(resolveMs, floorMs),
      storedOn: counted([...rounds.map((r) => r.storedOn), ...all.map((h) => h.storedOn)]),
      nearestHolding: counted([...rounds.map((r) => r.holding), ...all.map((h) => h.holding)]),
      trulyNearestHolding: counted([...rounds.map((r) => r.truly), ...all.map((h) => h.truly)]),
      cold: {
        publishMs: summarize(handoffs.map((h) => h.cold.publishMs)),
        pickupMs: summarize(handoffs.map((h) => h.cold.pickupMs))
      },
      warm: {
        publishMs: summarize(handoffs.map((h) => h.warm.publishMs)),
        pickupMs: summarize(handoffs.map((h) => h.warm.pickupMs))
      },
      newestPickups: { newest: all.filter((h) => h.newest).length, total: all.length }
    }
  }))

/** Dead shares in rising order on one network (the dead stay dead), every loss rate at each. */
const sweep = (plan: WideAreaPlan) =>
  Effect.scoped(Effect.gen(function*() {
    yield* progress(`wide area: sweep of ${plan.sweep.dead.length * plan.sweep.loss.length} loss and dead-node points`)
    const network = yield* Testnet.make(plan.nodes, {
      wideArea: { ...SCENARIO, dead: 0, loss: 0 },
      seed: plan.seeds?.[1]
    })
    const points: Array<SweepPoint> = []
    for (const dead of [...plan.sweep.dead].sort((a, b) => a - b)) {
      yield* network.wideArea!.killUntil(dead)
      for (const loss of plan.sweep.loss) {
        network.wideArea!.setLoss(loss)
        const rounds = yield* Effect.forEach(
          Array.from({ length: plan.sweep.rounds }),
          (_, round) => publishThenResolve(network, round, () => Effect.void)
        )
        points.push({
          dead,
          loss,
          resolveMs: summarize(rounds.map((r) => r.resolveMs)),
          publishMs: summarize(rounds.map((r) => r.publishMs))
        })
      }
    }
    return { seed: network.seed, points }
  }))

export const measure = (plan: WideAreaPlan): Effect.Effect<WideAreaResult> =>
  Effect.gen(function*() {
    const main = yield* scenario(plan)
    const swept = yield* sweep(plan)
    const { seed, ...figures } = main
    return {
      nodes: plan.nodes,
      scenario: SCENARIO,
      seeds: [seed, swept.seed],
      ...figures,
      sweep: swept.points
    }
  }).pipe(Effect.orDie)
