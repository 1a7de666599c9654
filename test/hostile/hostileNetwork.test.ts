/**
 * A hostile network: a real local Mainline DHT of 40 honest nodes and 10
 * adversaries (a fifth of the 50), written as real DHT nodes that route like
 * any other but lie about every key: stale copies, forged signatures, other
 * keys' packets, garbage, oversize answers, silence. The adversaries take the
 * worst place there is: the publishers' keys are chosen so that the
 * adversaries' ids are the closest to all of them, so every lookup asks them
 * first and every publish stores on them.
 *
 * Twenty publishers publish five versions each; after each publish a fresh
 * client picks up (resolve through the Mainline layer, verify, open). All 100
 * pickups must give the newest honest record.
 */
import { describe, expect, it } from "@effect/vitest"
import { ed25519 } from "@noble/curves/ed25519.js"
import { Effect, Either } from "effect"
import { createHash, randomBytes, randomUUID } from "node:crypto"
import { targetOf } from "../../src/dht/bep44.js"
import * as Testnet from "../../src/dht/testnet.js"
import { Keypair } from "../../src/domain/keys.js"
import type { Payload } from "../../src/domain/payload.js"
import { type Adversary, type Behaviour, BEHAVIOURS, startAdversary } from "./support/adversary.js"
import { recordFigures } from "./support/figures.js"
import { withHandoffs } from "./support/handoffsClient.js"
import { spread } from "./support/spread.js"

const HONEST_NODES = 40
const MIX: ReadonlyArray<Behaviour> = [
  "stale",
  "stale",
  "forged",
  "forged",
  "foreign",
  "foreign",
  "garbage",
  "oversize",
  "silent",
  "silent"
]
const PUBLISHERS = 20
const VERSIONS = 5

/** The first byte every publisher's target and every adversary's id share: 1 in 256 honest nodes share it. */
const PREFIX = randomBytes(1)[0]!

/** Keys whose BEP 44 target starts with PREFIX (found by trying seeds: about 256 tries each). */
const keysNearPrefix = (count: number): ReadonlyArray<Keypair> => {
  const keys: Array<Keypair> = []
  while (keys.length < count) {
    const seed = randomBytes(32)
    if (createHash("sha1").update(ed25519.getPublicKey(seed)).digest()[0] === PREFIX) {
      keys.push(Either.getOrThrow(Keypair.fromSeed(seed)))
    }
  }
  return keys
}

const idNearPrefix = () => Buffer.concat([Buffer.of(PREFIX), randomBytes(19)])

const distance = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.map((byte, i) => byte ^ b[i]!)).toString("hex")

describe("a hostile network", () => {
  it.scopedLive("a fifth of the nodes lie about every key, closest of all: 100 pickups all get the newest honest record", () =>
    Effect.gen(function*() {
      expect(MIX.length * 5).toBe(HONEST_NODES + MIX.length)
      const network = yield* Testnet.make(HONEST_NODES)
      const adversaries: ReadonlyArray<Adversary> = yield* Effect.forEach(
        MIX,
        (behaviour) => startAdversary(network.bootstrap, behaviour, idNearPrefix()),
        { concurrency: "unbounded" }
      )
      for (const adversary of adversaries) adversary.arm()
      const publishers = keysNearPrefix(PUBLISHERS)

      // Where the adversaries stand: how many of each key's 20 closest nodes they are.
      const ids = [
        ...network.nodes.map((node) => ({ id: node.nodeId, hostile: false })),
        ...adversaries.map(({ node }) => ({ id: node.nodeId, hostile: true }))
      ]
      const hostileAmongClosest = publishers.map((keypair) => {
        const target = targetOf(keypair.publicKey)
        return [...ids].sort((a, b) => distance(a.id, target).localeCompare(distance(b.id, target))).slice(0, 20)
          .filter(({ hostile }) => hostile).length
      })

      const pickups = yield* Effect.forEach(
        publishers,
        (keypair, n) =>
          Effect.gen(function*() {
            const results: Array<{ readonly newest: boolean; readonly ms: number; readonly storedOn: number }> = []
            for (let version = 1; version <= VERSIONS; version++) {
              const payload: Payload = { hostname: `host-${n}`, project: `/home/u/p${n}`, sessionId: randomUUID() }
              const published = yield* withHandoffs(network.bootstrap, (handoffs) =>
                handoffs.publish({ keypair, payload, ttl: 3600, mode: { encryption: { _tag: "Self" }, burn: false } }))
              const started = Date.now()
              const picked = yield* withHandoffs(
                network.bootstrap,
                (handoffs) =>
                  Effect.flatMap(handoffs.resolveActive(keypair.publicKey), (found) =>
                    Effect.map(
                      handoffs.open(found, { _tag: "Keypair", keypair }),
                      (opened) => ({ opened, seq: found.seq })
                    ))
              ).pipe(Effect.either)
              results.push({
                newest: Either.isRight(picked) && picked.right.opened.sessionId === payload.sessionId &&
                  picked.right.seq === published.report.seq,
                ms: Date.now() - started,
                storedOn: published.report.storedOn
              })
            }
            return results
          }),
        { concurrency: "unbounded" }
      ).pipe(Effect.map((all) => all.flat()))

      const liesBy = (behaviour: Behaviour) =>
        adversaries.filter((adversary) => adversary.behaviour === behaviour).reduce(
          (sum, adversary) => sum + adversary.lies(),
          0
        )
      const lies = Object.fromEntries(BEHAVIOURS.map((behaviour) => [behaviour, liesBy(behaviour)]))
      const staleServed = adversaries.reduce((sum, adversary) => sum + adversary.staleServed(), 0)
      recordFigures("hostileNetwork", {
        nodes: HONEST_NODES + adversaries.length,
        adversaries: adversaries.length,
        adversaryBehaviours: MIX,
        adversariesAmongEachKeysClosest20: spread(hostileAmongClosest),
        publishers: PUBLISHERS,
        pickups: pickups.length,
        newestHonestRecord: pickups.filter(({ newest }) => newest).length,
        liesTold: lies,
        staleCopiesServed: staleServed,
        pickupMs: spread(pickups.map(({ ms }) => ms)),
        storedOn: spread(pickups.map(({ storedOn }) => storedOn))
      })

      expect(pickups).toHaveLength(PUBLISHERS * VERSIONS)
      expect(pickups.filter(({ newest }) => !newest)).toEqual([])
      // Every kind of lie was told, and stale copies were served after newer ones existed.
      for (const behaviour of BEHAVIOURS) {
        expect({ behaviour, lied: lies[behaviour]! > 0 }).toEqual({ behaviour, lied: true })
      }
      expect(staleServed).toBeGreaterThan(0)
      expect(spread(hostileAmongClosest).min).toBeGreaterThanOrEqual(8)
    }))
})
