/**
 * A handoff's lifetime: valid from `created_at` until `created_at + ttl`,
 * judged against Effect's `Clock` so tests drive it with `TestClock`.
 */
import { Clock, Effect } from "effect"
import { formatDuration } from "./duration.js"
import { Expired } from "./errors.js"
import type { HandoffRecord } from "./record.js"

export type Lifetime = Pick<HandoffRecord, "createdAt" | "ttl">

/**
 * The TTLs cclink publishes (`--ttl`), in seconds. The wire format sets no
 * bounds (a whole number of seconds, spec section 6) and a pickup judges
 * whatever TTL a record carries, so these bound only what we sign. At least
 * a minute, so a handoff outlives the lookup that finds it and some clock
 * skew between the two machines; at most 30 days, because anyone may store a
 * still-valid signed packet again, so the TTL is how long a leaked record can
 * be replayed, and a handoff is for the next session, not an archive.
 */
export const MIN_TTL = 60
export const MAX_TTL = 30 * 86400

/** Unix seconds at which the record stops being valid. */
export const expiresAt = (record: Lifetime): number => record.createdAt + record.ttl

/** The clock's current unix time in whole seconds. */
export const nowSeconds: Effect.Effect<number> = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))

/** Fails once `now >= created_at + ttl`, as the reference does: the last valid second is the one before. */
export const checkExpiry = (record: Lifetime): Effect.Effect<void, Expired> =>
  Effect.flatMap(
    nowSeconds,
    (now) => now >= expiresAt(record) ? Effect.fail(new Expired({ agoSeconds: now - expiresAt(record) })) : Effect.void
  )

/** Time left, as "3h 12m" ("0s" once expired). */
export const timeLeft = (record: Lifetime): Effect.Effect<string> =>
  Effect.map(nowSeconds, (now) => formatDuration(expiresAt(record) - now))

/** Time since publishing, as "3h 12m" ("0s" for a record stamped in the future by a fast clock). */
export const age = (record: Lifetime): Effect.Effect<string> =>
  Effect.map(nowSeconds, (now) => formatDuration(now - record.createdAt))
