/**
 * Half of the nodes killed after publish, 100 trials. A trial is one key: a
 * publish to a fresh key, then a pickup from a fresh client after half of the
 * network's nodes were killed. Building a 40-node network per trial would
 * cost about two seconds each, so the trials share networks: per round, a
 * network of 100 real nodes, 50 keys published, then 50 of the nodes killed
 * at random (the 3 bootstrap nodes excepted, as the internet's routers do not
 * die with the DHT), then the 50 pickups. Each key has its own closest nodes,
 * so each trial loses its own random share of the nodes that stored it; two
 * rounds give 100 trials. Success must be at least 99%.
 */
import { describe, expect, it } from "@effect/vitest"
import type DHT from "bittorrent-dht"
import { Effect, Either } from "effect"
import { randomUUID } from "node:crypto"
import { targetOf } from "../../src/dht/bep44.js"
import * as Testnet from "../../src/dht/testnet.js"
import { Keypair } from "../../src/domain/keys.js"
import type { Payload } from "../../src/domain/payload.js"
import { recordFigures } from "./support/figures.js"
import { withHandoffs } from "./support/handoffsClient.js"
import { spread } from "./support/spread.js"

const ROUNDS = 2
const NODES = 100
const KEYS_PER_ROUND = 50
const BOOTSTRAP_NODES = 3

interface Trial {
  readonly picked: boolean
  readonly storedBefore: number
  readonly storersLeft: number
}

const shuffled = <A>(items: ReadonlyArray<A>): Array<A> =>
  items.map((item) => ({ item, rank: Math.random() })).sort((a, b) => a.rank - b.rank).map(({ item }) => item)

const kill = (node: DHT) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))

const round = Effect.scoped(Effect.gen(function*() {
  const network = yield* Testnet.make(NODES)
  const published = yield* Effect.forEach(
    Array.from({ length: KEYS_PER_ROUND }, () => Keypair.generate()),
    (keypair) =>
      Effect.gen(function*() {
        const payload: Payload = { hostname: "box", project: "/home/u/p", sessionId: randomUUID() }
        const { report } = yield* withHandoffs(network.bootstrap, (handoffs) =>
          handoffs.publish({ keypair, payload, ttl: 3600, mode: { encryption: { _tag: "Self" }, burn: false } }))
        return { keypair, payload, seq: report.seq }
      }),
    { concurrency: 10 }
  )
  const storersOf = ({ keypair, seq }: (typeof published)[number]) => {
    const target = targetOf(keypair.publicKey).toString("hex")
    return network.nodes.filter((node) => !node.destroyed && node.toJSON().values[target]?.seq === seq)
  }
  const storedBefore = published.map((trial) => storersOf(trial).length)

  const doomed = shuffled(network.nodes.slice(BOOTSTRAP_NODES)).slice(0, NODES / 2)
  yield* Effect.forEach(doomed, kill, { concurrency: "unbounded", discard: true })
  expect(network.nodes.filter((node) => node.destroyed)).toHaveLength(NODES / 2)

  return yield* Effect.forEach(
    published,
    (trial, i) =>
      withHandoffs(
        network.bootstrap,
        (handoffs) =>
          Effect.flatMap(handoffs.resolveActive(trial.keypair.publicKey), (found) =>
            handoffs.open(found, { _tag: "Keypair", keypair: trial.keypair }))
      ).pipe(
        Effect.either,
        Effect.map((picked): Trial => ({
          picked: Either.isRight(picked) && picked.right.sessionId === trial.payload.sessionId,
          storedBefore: storedBefore[i]!,
          storersLeft: storersOf(trial).length
        }))
      ),
    { concurrency: 25 }
  )
}))

describe("nodes killed after publish", () => {
  it.live("half of the nodes killed: at least 99 of 100 pickups still succeed", () =>
    Effect.gen(function*() {
      const trials = (yield* Effect.forEach(Array.from({ length: ROUNDS }), () => round)).flat()
      const succeeded = trials.filter(({ picked }) => picked).length
      const before = spread(trials.map(({ storedBefore }) => storedBefore))
      const left = spread(trials.map(({ storersLeft }) => storersLeft))
      recordFigures("nodeLoss", {
        trials: trials.length,
        networks: `${ROUNDS} of ${NODES} nodes, ${KEYS_PER_ROUND} keys each`,
        nodesKilledPerNetwork: NODES / 2,
        succeeded,
        successRate: succeeded / trials.length,
        storingNodesBeforeKill: before,
        storingNodesLeftAfterKill: left,
        failedTrials: trials.filter(({ picked }) => !picked)
      })
      expect(trials).toHaveLength(100)
      expect(succeeded).toBeGreaterThanOrEqual(99)
      // The kills hit the storing nodes as hard as the rest: about half of each key's storers died.
      expect(left.median).toBeLessThan(before.median)
    }))
})
