/**
 * Keeping a handoff on the DHT until it expires. Mainline nodes drop stored
 * items after a few hours, long before a 24-hour handoff ends, so the same
 * signed packet is stored again on a schedule. The loop ends by itself when
 * the handoff expires, or when the key's newest packet is no longer this one
 * (a newer publish, a revoke, a burn): it never resurrects a record its owner
 * replaced.
 */
import { Clock, Duration, Effect, Either } from "effect"
import type { NetworkError, NotFound } from "../domain/errors.js"
import type { PublicKey } from "../domain/keys.js"
import { Dht, type PublishReport, type ResolvedPacket } from "./Dht.js"

/** Why keepalive stopped. */
export type KeepaliveEnd = "expired" | "replaced" | "revoked"

/** One round of the loop, for a log line. */
export type KeepaliveEvent =
  | { readonly _tag: "Republished"; readonly report: PublishReport }
  | { readonly _tag: "Failed"; readonly error: NetworkError }

export interface KeepaliveOptions {
  readonly publisher: PublicKey
  /** The signed packet in relay form, as published. */
  readonly bytes: Uint8Array
  readonly seq: number
  /** Unix seconds. */
  readonly expiresAt: number
  readonly every: Duration.Duration
  /**
   * How often to look at the key's newest packet between rounds, to end soon
   * after a newer publish or a revoke (a lookup, far lighter than a store);
   * `every` when not given.
   */
  readonly checkEvery?: Duration.Duration
  readonly onEvent: (event: KeepaliveEvent) => Effect.Effect<void>
}

/** Why the key's newest packet ends the loop, if it does: a newer record, or a revocation newer than ours. */
const endingOf = (newest: Either.Either<ResolvedPacket, NotFound | NetworkError>, seq: number) =>
  Either.isRight(newest)
    ? newest.right.seq > seq ? "replaced" as const : undefined
    : newest.left._tag === "NotFound" && (newest.left.revokedSeq ?? 0) > seq
    ? "revoked" as const
    : undefined

export const keepAlive = (options: KeepaliveOptions): Effect.Effect<KeepaliveEnd, never, Dht> =>
  Effect.gen(function*() {
    const dht = yield* Dht
    // Timers may fire a little before the wall clock reaches their time; the
    // last tenth of a second counts as expired, so waking for the expiry never
    // stores the record once more.
    const millisLeft = Effect.map(Clock.currentTimeMillis, (ms) => options.expiresAt * 1000 - ms - 100)
    const ending = Effect.map(Effect.either(dht.resolve(options.publisher)), (newest) => endingOf(newest, options.seq))
    const everyMs = Duration.toMillis(options.every)
    const checkMs = Math.min(everyMs, Duration.toMillis(options.checkEvery ?? options.every))
    let nextRound = (yield* Clock.currentTimeMillis) + everyMs
    while (true) {
      const left = yield* millisLeft
      if (left <= 0) return "expired"
      const untilRound = nextRound - (yield* Clock.currentTimeMillis)
      yield* Effect.sleep(Duration.millis(Math.max(0, Math.min(checkMs, untilRound, Math.ceil(left)))))
      if ((yield* millisLeft) <= 0) return "expired"

      const end = yield* ending
      if (end !== undefined) return end
      if ((yield* Clock.currentTimeMillis) < nextRound) continue
      nextRound += everyMs
      const stored = yield* Effect.either(dht.republish(options.publisher, options.bytes))
      if (Either.isRight(stored)) {
        yield* options.onEvent({ _tag: "Republished", report: stored.right })
      } else if (stored.left._tag !== "NetworkError") {
        // A newer packet appeared between the lookup and the store (bytes of
        // our own publish always verify): a revocation or a new record, so look again to say which.
        return (yield* ending) ?? "replaced"
      } else {
        yield* options.onEvent({ _tag: "Failed", error: stored.left })
      }
    }
  })
