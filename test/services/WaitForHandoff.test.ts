/**
 * `pickup --wait`'s loop on the in-memory Dht with the TestClock: which
 * record counts as new. test/cli/beyond-wait.test.ts runs it in the CLI on a
 * real local DHT.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Fiber, Layer, TestClock } from "effect"
import { randomUUID } from "node:crypto"
import { sealToSelf } from "../../src/crypto/blob.js"
import * as DhtMemory from "../../src/dht/memory.js"
import { toDisplay } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import { encodePayload } from "../../src/domain/payload.js"
import { encodeRecord } from "../../src/domain/record.js"
import { signRecord } from "../../src/domain/signature.js"
import { Dht } from "../../src/services/Dht.js"
import { Handoffs, type Verified } from "../../src/services/Handoffs.js"
import { waitForHandoff } from "../../src/services/WaitForHandoff.js"

const NOW_MS = 1_800_000_000_000
const network = Handoffs.layer.pipe(Layer.provideMerge(DhtMemory.layer))

const publish = (keypair: Keypair) =>
  Effect.flatMap(Handoffs, (handoffs) =>
    handoffs.publish({
      keypair,
      payload: { hostname: "a", project: "/home/alice/x", sessionId: randomUUID() },
      ttl: 3600,
      mode: { encryption: { _tag: "Self" }, burn: false }
    }))

/** Which record the wait ended with, as its creation time: a small value for a readable failure. */
const createdAtOf = (fiber: Fiber.RuntimeFiber<Verified, unknown>) =>
  Effect.map(
    Effect.either(Fiber.join(fiber)),
    Either.match({
      onLeft: (error) => `failed: ${String(error)}`,
      onRight: ({ record }) => record.createdAt
    })
  )

const waiting = (keypair: Keypair, minutes: number) =>
  Effect.flatMap(
    Handoffs,
    (handoffs) => Effect.fork(waitForHandoff(handoffs, keypair.publicKey, Duration.minutes(minutes)))
  )

describe("waitForHandoff", () => {
  it.effect("the record there when the wait began does not end it; the next publish does", () =>
    Effect.gen(function*() {
      const keypair = Keypair.generate()
      yield* TestClock.setTime(NOW_MS)
      yield* publish(keypair)
      yield* TestClock.adjust("10 seconds")
      const fiber = yield* waiting(keypair, 10)
      yield* TestClock.adjust("1 minute")
      expect(fiber.unsafePoll() === null, "still waiting").toBe(true)

      const { record } = yield* publish(keypair)
      yield* TestClock.adjust("1 minute")
      expect(yield* createdAtOf(fiber)).toBe(record.createdAt)
    }).pipe(Effect.provide(network)))

  it.effect("with only that record, the time running out is NotFound saying so", () =>
    Effect.gen(function*() {
      const keypair = Keypair.generate()
      yield* TestClock.setTime(NOW_MS)
      yield* publish(keypair)
      yield* TestClock.adjust("10 seconds")
      const fiber = yield* waiting(keypair, 5)
      yield* TestClock.adjust("5 minutes")
      const outcome = yield* Effect.either(Fiber.join(fiber))
      expect(Either.isLeft(outcome) ? outcome.left.message : "picked up the older handoff").toBe(
        `No new handoff from ${toDisplay(keypair.publicKey)} within 5m.\n` +
          "Publish on the other machine with `cclink`, then run pickup again."
      )
    }).pipe(Effect.provide(network)))

  it.effect("with nothing there at first, a record a clock a minute slow dates before the wait still counts", () =>
    Effect.gen(function*() {
      const keypair = Keypair.generate()
      yield* TestClock.setTime(NOW_MS)
      const fiber = yield* waiting(keypair, 10)
      yield* TestClock.adjust("30 seconds")

      const blob = yield* sealToSelf(
        encodePayload({ hostname: "a", project: "/home/alice/x", sessionId: randomUUID() }),
        keypair
      )
      const record = signRecord(keypair, {
        blob,
        burn: false,
        createdAt: NOW_MS / 1000 - 30,
        hostname: "",
        project: "",
        ttl: 3600
      })
      yield* Effect.flatMap(Dht, (dht) => dht.publish(keypair, encodeRecord(record)))
      yield* TestClock.adjust("1 minute")
      expect(yield* createdAtOf(fiber)).toBe(record.createdAt)
    }).pipe(Effect.provide(network)))
})
