/**
 * The race of two transports, on two separate in-memory networks (each side
 * its own store, as the DHT and the relays are) and on relays that cannot be
 * reached.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, HashMap, Ref, TestClock } from "effect"
import { race } from "../../src/dht/combined.js"
import * as DhtMemory from "../../src/dht/memory.js"
import { Keypair } from "../../src/domain/keys.js"
import type { DhtProgress } from "../../src/services/Dht.js"
import { recordText, relayClient } from "../support/dhtClients.js"
import { closedPort } from "../support/httpServer.js"

const keypair = Keypair.generate()

const side = Effect.map(
  Ref.make(HashMap.empty<string, Uint8Array>()),
  (store) => ({ store, dht: DhtMemory.make(store) })
)

const sides = Effect.gen(function*() {
  const [dht, relays] = [yield* side, yield* side]
  return { dht: dht.dht, relays: relays.dht, stores: [dht.store, relays.store], both: race(dht.dht, relays.dht) }
})

const unreachableRelays = Effect.flatMap(closedPort, (url) => relayClient([url], "500 millis"))

describe("DHT and relays raced", () => {
  it.effect("publishes to both sides and reports both", () =>
    Effect.gen(function*() {
      const { both, dht, relays, stores } = yield* sides
      yield* TestClock.setTime(1_000)
      const report = yield* both.publish(keypair, recordText("both"))
      const resolved = yield* dht.resolve(keypair.publicKey)
      expect(report).toEqual({ seq: 1_000_000, storedOn: 2, contacted: 2, bytes: resolved.bytes })
      for (const store of stores) expect(HashMap.size(yield* Ref.get(store))).toBe(1)
      expect(resolved.record).toBe(recordText("both"))
      expect((yield* relays.resolve(keypair.publicKey)).record).toBe(recordText("both"))
    }))

  it.effect("resolves the newest packet of either side", () =>
    Effect.gen(function*() {
      const { both, dht, relays } = yield* sides
      yield* dht.publish(keypair, recordText("dht, older"))
      yield* TestClock.adjust("1 second")
      yield* relays.publish(keypair, recordText("relays, newer"))
      expect((yield* both.resolve(keypair.publicKey)).record).toBe(recordText("relays, newer"))
      yield* TestClock.adjust("1 second")
      yield* dht.publish(keypair, recordText("dht, newest"))
      expect((yield* both.resolve(keypair.publicKey)).record).toBe(recordText("dht, newest"))
    }))

  it.effect("a revocation on one side beats an older record on the other", () =>
    Effect.gen(function*() {
      const { both, dht, relays } = yield* sides
      yield* both.publish(keypair, recordText("picked up"))
      yield* TestClock.adjust("1 second")
      const revoked = yield* dht.revoke(keypair)
      expect((yield* relays.resolve(keypair.publicKey)).record).toBe(recordText("picked up"))
      expect(yield* Effect.flip(both.resolve(keypair.publicKey))).toMatchObject({
        _tag: "NotFound",
        revokedSeq: revoked.seq
      })
      // And a newer record on the other side beats the revocation.
      yield* TestClock.adjust("1 second")
      yield* relays.publish(keypair, recordText("new handoff"))
      expect((yield* both.resolve(keypair.publicKey)).record).toBe(recordText("new handoff"))
    }))

  it.effect("reports the progress of both sides summed", () =>
    Effect.gen(function*() {
      const { both, dht } = yield* sides
      yield* dht.publish(keypair, recordText("p"))
      const seen: Array<DhtProgress> = []
      yield* both.resolve(keypair.publicKey, { onProgress: (progress) => seen.push(progress) })
      expect(seen.at(-1)).toEqual({ contacted: 2, answers: 1 })
    }))
})

describe("DHT and relays raced, one side unreachable", () => {
  it.scopedLive("publishes and resolves through the side that answers", () =>
    Effect.gen(function*() {
      const { dht } = yield* side
      const both = race(dht, yield* unreachableRelays)
      expect(yield* both.publish(keypair, recordText("dht only"))).toMatchObject({ storedOn: 1, contacted: 1 })
      expect((yield* both.resolve(keypair.publicKey)).record).toBe(recordText("dht only"))
      expect(yield* both.republish(keypair.publicKey, (yield* dht.resolve(keypair.publicKey)).bytes)).toMatchObject({
        storedOn: 1
      })
    }))

  it.scopedLive("not found on one side and unreachable on the other says both", () =>
    Effect.gen(function*() {
      const { dht } = yield* side
      const error = yield* Effect.flip(race(dht, yield* unreachableRelays).resolve(Keypair.generate().publicKey))
      expect(error._tag).toBe("NotFound")
      expect(error.message).toMatch(/^No handoff found for pk:.*\nThe relays could not be asked: .*ECONNREFUSED/)
    }))

  it.scopedLive("both unreachable is a NetworkError naming each side", () =>
    Effect.gen(function*() {
      const both = race(yield* unreachableRelays, yield* unreachableRelays)
      for (const attempt of [both.resolve(keypair.publicKey), both.publish(keypair, "{}")]) {
        const error = yield* Effect.flip(
          attempt as Effect.Effect<unknown, { readonly _tag: string; readonly message: string }>
        )
        expect(error._tag).toBe("NetworkError")
        expect(error.message).toMatch(/DHT: .*ECONNREFUSED.* relays: .*ECONNREFUSED/)
      }
    }))

  it.scopedLive("a record refused as too large is refused, not a network failure", () =>
    Effect.gen(function*() {
      const both = race(yield* unreachableRelays, yield* unreachableRelays)
      expect(yield* Effect.flip(both.publish(keypair, "x".repeat(1200)))).toMatchObject({ _tag: "InvalidInput" })
    }))
})
