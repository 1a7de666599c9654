import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, TestClock } from "effect"
import { age, checkExpiry, expiresAt, timeLeft } from "../../src/domain/expiry.js"

const record = { createdAt: 1_700_000_000, ttl: 86_400 }
const end = expiresAt(record)

/** Moves the test clock to a unix time given in seconds (plus milliseconds). */
const at = (seconds: number, millis = 0) => TestClock.setTime(seconds * 1000 + millis)

describe("expiry", () => {
  it("ends at created_at + ttl", () => {
    expect(end).toBe(1_700_086_400)
  })

  it.effect("is valid until the last millisecond before the end", () =>
    Effect.gen(function*() {
      yield* at(record.createdAt)
      expect(yield* Effect.either(checkExpiry(record))).toEqual(Either.right(undefined))
      yield* at(end - 1, 999)
      expect(yield* Effect.either(checkExpiry(record))).toEqual(Either.right(undefined))
    }))

  it.effect("has expired at exactly created_at + ttl", () =>
    Effect.gen(function*() {
      yield* at(end)
      const error = yield* Effect.flip(checkExpiry(record))
      expect(error._tag).toBe("Expired")
      expect(error.agoSeconds).toBe(0)
    }))

  it.effect("says how long ago it expired", () =>
    Effect.gen(function*() {
      yield* at(end + 3 * 3600 + 12 * 60 + 59)
      const error = yield* Effect.flip(checkExpiry(record))
      expect(error.message).toBe("This handoff expired 3h 12m ago. Publish a new one with cclink.")
    }))

  it.effect("follows the clock as it moves", () =>
    Effect.gen(function*() {
      yield* at(end - 60)
      const check = Effect.either(checkExpiry(record))
      expect(Either.isRight(yield* check)).toBe(true)
      yield* TestClock.adjust("1 minute")
      expect(Either.isLeft(yield* check)).toBe(true)
    }))

  it.effect("a zero ttl has expired on arrival", () =>
    Effect.gen(function*() {
      yield* at(record.createdAt)
      expect(Either.isLeft(yield* Effect.either(checkExpiry({ ...record, ttl: 0 })))).toBe(true)
    }))

  it.effect("reports remaining time and age as human durations", () =>
    Effect.gen(function*() {
      yield* at(record.createdAt + 3 * 3600 + 12 * 60 + 30)
      expect(yield* age(record)).toBe("3h 12m")
      expect(yield* timeLeft(record)).toBe("20h 47m")
      yield* at(end + 10)
      expect(yield* timeLeft(record)).toBe("0s")
    }))

  it.effect("shows no negative age for a record stamped ahead of this clock", () =>
    Effect.gen(function*() {
      yield* at(record.createdAt - 30)
      expect(yield* age(record)).toBe("0s")
      expect(yield* timeLeft(record)).toBe("1d")
    }))
})
