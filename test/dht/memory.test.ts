import { describe, expect, it } from "@effect/vitest"
import { Effect, HashMap, Ref, TestClock } from "effect"
import * as DhtMemory from "../../src/dht/memory.js"
import { fromBytes } from "../../src/dht/signedPacket.js"
import { NotFound } from "../../src/domain/errors.js"
import { toDisplay, toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import { Dht } from "../../src/services/Dht.js"
import { recordText } from "../support/dhtClients.js"

const keypair = Keypair.generate()

/** A memory network whose map the test can read and tamper with. */
const network = Effect.map(
  Ref.make(HashMap.empty<string, Uint8Array>()),
  (store) => ({ store, dht: DhtMemory.make(store) })
)

describe("in-memory Dht", () => {
  it.effect("publishes, resolves, replaces and revokes, with seq from the Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_700_000_000_000)
      const dht = yield* Dht
      const first = yield* dht.publish(keypair, recordText("one"))
      const found = yield* dht.resolve(keypair.publicKey)
      expect(first).toEqual({ seq: 1_700_000_000_000_000, storedOn: 1, contacted: 1, bytes: found.bytes })
      expect(found).toMatchObject({ seq: first.seq, record: recordText("one") })
      expect(fromBytes(keypair.publicKey, found.bytes)).toMatchObject({ _tag: "Right" })

      // Same instant: the seq still moves up, so the replacement wins.
      const second = yield* dht.publish(keypair, recordText("two"))
      expect(second.seq).toBe(first.seq + 1)
      expect((yield* dht.resolve(keypair.publicKey)).record).toBe(recordText("two"))

      const revoked = yield* dht.revoke(keypair)
      expect(revoked.seq).toBe(second.seq + 1)
      expect(yield* Effect.flip(dht.resolve(keypair.publicKey))).toMatchObject({
        _tag: "NotFound",
        revokedSeq: revoked.seq
      })

      yield* TestClock.adjust("1 second")
      const again = yield* dht.publish(keypair, recordText("three"))
      expect(again.seq).toBe(1_700_000_001_000_000)
      expect((yield* dht.resolve(keypair.publicKey)).record).toBe(recordText("three"))
    }).pipe(Effect.provide(DhtMemory.layer)))

  it.effect("keeps keys apart and reports a key never published as not found", () =>
    Effect.gen(function*() {
      const dht = yield* Dht
      const other = Keypair.generate()
      yield* dht.publish(keypair, recordText("mine"))
      yield* dht.publish(other, recordText("theirs"))
      expect((yield* dht.resolve(keypair.publicKey)).record).toBe(recordText("mine"))
      expect((yield* dht.resolve(other.publicKey)).record).toBe(recordText("theirs"))
      const nobody = Keypair.generate().publicKey
      expect(yield* Effect.flip(dht.resolve(nobody))).toEqual(
        new NotFound({ what: `No handoff found for ${toDisplay(nobody)}.` })
      )
    }).pipe(Effect.provide(DhtMemory.layer)))

  it.effect("refuses an oversize record and stores nothing", () =>
    Effect.gen(function*() {
      const { dht, store } = yield* network
      expect(yield* Effect.flip(dht.publish(keypair, "x".repeat(1200)))).toMatchObject({ _tag: "InvalidInput" })
      expect(HashMap.size(yield* Ref.get(store))).toBe(0)
    }))

  it.effect("republishes the same bytes, refuses older ones and bytes that do not verify", () =>
    Effect.gen(function*() {
      const dht = yield* Dht
      yield* dht.publish(keypair, recordText("one"))
      const { bytes, seq } = yield* dht.resolve(keypair.publicKey)
      expect(yield* dht.republish(keypair.publicKey, bytes)).toEqual({ seq, storedOn: 1, contacted: 1, bytes })

      yield* dht.publish(keypair, recordText("two"))
      expect(yield* Effect.flip(dht.republish(keypair.publicKey, bytes))).toMatchObject({ _tag: "InvalidInput" })
      expect((yield* dht.resolve(keypair.publicKey)).record).toBe(recordText("two"))

      const forged = Uint8Array.from(bytes)
      forged[100] = forged[100]! ^ 1
      expect(yield* Effect.flip(dht.republish(keypair.publicKey, forged))).toMatchObject({ _tag: "SignatureInvalid" })
      const other = Keypair.generate().publicKey
      expect(yield* Effect.flip(dht.republish(other, bytes))).toMatchObject({ _tag: "SignatureInvalid" })
      expect(yield* Effect.flip(dht.resolve(other))).toMatchObject({ _tag: "NotFound" })
    }).pipe(Effect.provide(DhtMemory.layer)))

  it.effect("a republished packet lands on a network that lost it", () =>
    Effect.gen(function*() {
      const { dht, store } = yield* network
      yield* dht.publish(keypair, recordText("kept"))
      const { bytes } = yield* dht.resolve(keypair.publicKey)
      yield* Ref.set(store, HashMap.empty())
      yield* dht.republish(keypair.publicKey, bytes)
      expect((yield* dht.resolve(keypair.publicKey)).bytes).toEqual(bytes)
    }))

  it.effect("never returns stored bytes that no longer verify", () =>
    Effect.gen(function*() {
      const { dht, store } = yield* network
      yield* dht.publish(keypair, recordText("genuine"))
      const key = toZ32(keypair.publicKey)
      yield* Ref.update(store, (map) =>
        HashMap.modify(map, key, (bytes) => {
          const tampered = Uint8Array.from(bytes)
          tampered[tampered.length - 3] = tampered[tampered.length - 3]! ^ 1
          return tampered
        }))
      expect(yield* Effect.flip(dht.resolve(keypair.publicKey))).toMatchObject({ _tag: "NotFound" })
      // A publish over tampered bytes is not blocked by them.
      yield* dht.publish(keypair, recordText("after"))
      expect((yield* dht.resolve(keypair.publicKey)).record).toBe(recordText("after"))
    }))

  it.effect("a clock behind the stored packet still publishes above it", () =>
    Effect.gen(function*() {
      const dht = yield* Dht
      yield* TestClock.setTime(2_000_000_000_000)
      const future = yield* dht.publish(keypair, recordText("future"))
      yield* TestClock.setTime(1_000_000_000_000)
      expect((yield* dht.publish(keypair, recordText("past"))).seq).toBe(future.seq + 1)
      expect((yield* dht.resolve(keypair.publicKey)).record).toBe(recordText("past"))
    }).pipe(Effect.provide(DhtMemory.layer)))

  it.effect("concurrent publishes for one key get distinct seqs and the last stored wins", () =>
    Effect.gen(function*() {
      const dht = yield* Dht
      const reports = yield* Effect.forEach(
        ["a", "b", "c", "d"],
        (label) => dht.publish(keypair, recordText(label)),
        { concurrency: "unbounded" }
      )
      const seqs = reports.map(({ seq }) => seq)
      expect(new Set(seqs).size).toBe(4)
      expect((yield* dht.resolve(keypair.publicKey)).seq).toBe(Math.max(...seqs))
    }).pipe(Effect.provide(DhtMemory.layer)))
})
