/**
 * 20% UDP packet loss, injected at the socket layer of every node and client
 * (test/hostile/support/lossyUdp.ts): publishes and pickups on a 60-node
 * network must still succeed within the command line's deadline (30 s,
 * retries included), each through a fresh client as a command would.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either } from "effect"
import { randomUUID } from "node:crypto"
import { DEFAULT_TIMEOUT as DEFAULT_TIMEOUT_TEXT } from "../../src/cli/options.js"
import * as Testnet from "../../src/dht/testnet.js"
import { parseDuration } from "../../src/domain/duration.js"
import { Keypair } from "../../src/domain/keys.js"
import type { Payload } from "../../src/domain/payload.js"
import { recordFigures } from "./support/figures.js"
import { withHandoffs } from "./support/handoffsClient.js"
import { spread } from "./support/spread.js"
import { lossyUdp } from "./support/udpTap.js"

const LOSS = 0.2
/** The command line's deadline when `--timeout` is not given. */
const DEFAULT_TIMEOUT = Duration.seconds(Either.getOrThrow(parseDuration(DEFAULT_TIMEOUT_TEXT)))
const HANDOFFS = 20

const timed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const started = Date.now()
    const result = yield* Effect.either(effect)
    return { result, ms: Date.now() - started }
  })

describe("UDP packet loss", () => {
  it.scopedLive("20% of all datagrams dropped: 20 publishes and 20 pickups succeed within the deadline", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(60)
      const loss = yield* lossyUdp(LOSS)
      const settings = { timeout: DEFAULT_TIMEOUT }
      const handoffs = yield* Effect.forEach(
        Array.from({ length: HANDOFFS }, () => Keypair.generate()),
        (keypair) =>
          Effect.gen(function*() {
            const payload: Payload = { hostname: "box", project: "/home/u/p", sessionId: randomUUID() }
            const published = yield* timed(withHandoffs(
              network.bootstrap,
              (h) => h.publish({ keypair, payload, ttl: 3600, mode: { encryption: { _tag: "Self" }, burn: false } }),
              settings
            ))
            const picked = yield* timed(withHandoffs(
              network.bootstrap,
              (h) =>
                Effect.flatMap(h.resolveActive(keypair.publicKey), (found) =>
                  h.open(found, { _tag: "Keypair", keypair })),
              settings
            ))
            return {
              published: Either.isRight(published.result),
              picked: Either.isRight(picked.result) && picked.result.right.sessionId === payload.sessionId,
              publishMs: published.ms,
              pickupMs: picked.ms
            }
          }),
        { concurrency: 10 }
      )
      const publishMs = spread(handoffs.map((handoff) => handoff.publishMs))
      const pickupMs = spread(handoffs.map((handoff) => handoff.pickupMs))
      recordFigures("packetLoss", {
        lossRate: LOSS,
        datagramsSent: loss.sent(),
        datagramsDropped: loss.dropped(),
        measuredLoss: Number((loss.dropped() / loss.sent()).toFixed(3)),
        deadlineSeconds: Duration.toSeconds(DEFAULT_TIMEOUT),
        publishes: HANDOFFS,
        publishesSucceeded: handoffs.filter(({ published }) => published).length,
        pickupsSucceeded: handoffs.filter(({ picked }) => picked).length,
        publishMs,
        pickupMs
      })
      expect(handoffs.filter(({ picked, published }) => !published || !picked)).toEqual([])
      // The loss was real: about a fifth of thousands of datagrams.
      expect(loss.sent()).toBeGreaterThan(1000)
      expect(loss.dropped() / loss.sent()).toBeGreaterThan(0.15)
      expect(publishMs.max).toBeLessThan(Duration.toMillis(DEFAULT_TIMEOUT) + 5_000)
      expect(pickupMs.max).toBeLessThan(Duration.toMillis(DEFAULT_TIMEOUT) + 5_000)
    }))
})
