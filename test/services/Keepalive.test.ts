/**
 * The keepalive loop on the in-memory Dht with the TestClock: a 24-hour
 * handoff's schedule runs in no time. The end-to-end tests (test/cli/beyond-
 * keepalive*.test.ts) run the same loop in the CLI on a real local DHT.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, HashMap, Option, Ref, TestClock } from "effect"
import * as DhtMemory from "../../src/dht/memory.js"
import { NetworkError } from "../../src/domain/errors.js"
import { toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import { Dht } from "../../src/services/Dht.js"
import { keepAlive, type KeepaliveEvent } from "../../src/services/Keepalive.js"
import { recordText } from "../support/dhtClients.js"

const NOW_MS = 1_800_000_000_000
const EVERY = Duration.minutes(30)

/**
 * A memory network with one handoff published now for `ttl` seconds, and a
 * keepalive of it forked with `dht` (the network itself unless a test wraps it).
 */
const started = (
  ttl: number,
  wrap: (dht: Dht["Type"]) => Dht["Type"] = (dht) => dht,
  checkEvery?: Duration.Duration
) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW_MS)
    const store = yield* Ref.make(HashMap.empty<string, Uint8Array>())
    const dht = DhtMemory.make(store)
    const keypair = Keypair.generate()
    const { seq } = yield* dht.publish(keypair, recordText("kept"))
    const { bytes } = yield* dht.resolve(keypair.publicKey)
    const events = yield* Ref.make<ReadonlyArray<KeepaliveEvent["_tag"]>>([])
    const fiber = yield* keepAlive({
      publisher: keypair.publicKey,
      bytes,
      seq,
      expiresAt: NOW_MS / 1000 + ttl,
      every: EVERY,
      ...(checkEvery === undefined ? {} : { checkEvery }),
      onEvent: (event) => Ref.update(events, (seen) => [...seen, event._tag])
    }).pipe(Effect.provideService(Dht, wrap(dht)), Effect.fork)
    return { store, dht, keypair, bytes, fiber, events: Ref.get(events) }
  })

describe("keepAlive", () => {
  it.effect("republishes every interval until the handoff expires, then ends with 'expired'", () =>
    Effect.gen(function*() {
      const { events, fiber } = yield* started(2 * 3600 + 600)
      yield* TestClock.adjust(Duration.hours(2))
      expect(yield* events).toEqual(["Republished", "Republished", "Republished", "Republished"])
      expect(fiber.unsafePoll()).toBeNull()
      // The last wait is cut to the time left: the loop ends at expiry, not a whole interval later.
      yield* TestClock.adjust(Duration.minutes(10))
      expect(yield* Fiber.join(fiber)).toBe("expired")
      expect(yield* events).toHaveLength(4)
    }))

  it.effect("stores the same packet again after the network dropped it", () =>
    Effect.gen(function*() {
      const { bytes, dht, fiber, keypair, store } = yield* started(86400)
      yield* Ref.set(store, HashMap.empty())
      expect((yield* Effect.flip(dht.resolve(keypair.publicKey)))._tag).toBe("NotFound")

      yield* TestClock.adjust(EVERY)
      expect(Option.getOrUndefined(HashMap.get(yield* Ref.get(store), toZ32(keypair.publicKey)))).toEqual(bytes)
      yield* Fiber.interrupt(fiber)
    }))

  it.effect("a newer publish ends it with 'replaced', and the newer packet stays", () =>
    Effect.gen(function*() {
      const { dht, fiber, keypair } = yield* started(86400)
      yield* TestClock.adjust(EVERY)
      yield* dht.publish(keypair, recordText("newer"))
      yield* TestClock.adjust(EVERY)
      expect(yield* Fiber.join(fiber)).toBe("replaced")
      expect((yield* dht.resolve(keypair.publicKey)).record).toBe(recordText("newer"))
    }))

  it.effect("a revocation ends it with 'revoked', and the handoff stays revoked", () =>
    Effect.gen(function*() {
      const { dht, events, fiber, keypair } = yield* started(86400)
      yield* dht.revoke(keypair)
      yield* TestClock.adjust(EVERY)
      expect(yield* Fiber.join(fiber)).toBe("revoked")
      expect(yield* events).toEqual([])
      expect((yield* Effect.flip(dht.resolve(keypair.publicKey)))._tag).toBe("NotFound")
    }))

  it.effect("checking every minute: a revocation is seen within the minute, long before the next republish", () =>
    Effect.gen(function*() {
      const { dht, events, fiber, keypair } = yield* started(86400, undefined, Duration.minutes(1))
      yield* TestClock.adjust(Duration.seconds(10))
      yield* dht.revoke(keypair)
      yield* TestClock.adjust(Duration.minutes(1))
      expect(fiber.unsafePoll()).not.toBeNull()
      expect(yield* Fiber.join(fiber)).toBe("revoked")
      expect(yield* events).toEqual([])
    }))

  it.effect("checking every minute still stores the packet again only every interval", () =>
    Effect.gen(function*() {
      let lookups = 0
      const { events, fiber } = yield* started(86400, (inner) => ({
        ...inner,
        resolve: (publicKey, options) =>
          Effect.zipRight(Effect.sync(() => lookups++), inner.resolve(publicKey, options))
      }), Duration.minutes(1))
      yield* TestClock.adjust(Duration.times(EVERY, 2))
      expect(yield* events).toEqual(["Republished", "Republished"])
      expect(lookups).toBe(60)
      yield* Fiber.interrupt(fiber)
    }))

  it.effect("a revocation landing between its lookup and its store is still reported as 'revoked'", () =>
    Effect.gen(function*() {
      let revokeAfterLookup: Effect.Effect<unknown> = Effect.void
      const { dht, fiber, keypair } = yield* started(86400, (inner) => ({
        ...inner,
        resolve: (publicKey, options) =>
          Effect.tap(inner.resolve(publicKey, options), () =>
            Effect.zipRight(
              revokeAfterLookup,
              Effect.sync(() => {
                revokeAfterLookup = Effect.void
              })
            ))
      }))
      revokeAfterLookup = Effect.orDie(dht.revoke(keypair))
      yield* TestClock.adjust(EVERY)
      expect(yield* Fiber.join(fiber)).toBe("revoked")
      expect((yield* Effect.flip(dht.resolve(keypair.publicKey)))._tag).toBe("NotFound")
    }))

  it.effect("a round the network fails is logged and the next round tries again", () =>
    Effect.gen(function*() {
      let failures = 1
      const { events, fiber } = yield* started(86400, (inner) => ({
        ...inner,
        republish: (publicKey, bytes, options) =>
          failures-- > 0
            ? Effect.fail(new NetworkError({ reason: "no DHT node answered." }))
            : inner.republish(publicKey, bytes, options)
      }))
      yield* TestClock.adjust(Duration.times(EVERY, 2))
      expect(yield* events).toEqual(["Failed", "Republished"])
      yield* Fiber.interrupt(fiber)
    }))
})
