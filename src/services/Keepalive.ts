/**
 * Keeping a handoff on the DHT until it expires. Mainline nodes drop stored
 * items after a few hours, long before a 24-hour handoff ends, so the same
 * signed packet is stored again on a schedule. The loop ends by itself when
 * the handoff expires, or when the key's newest packet is no longer this one
 * (a newer publish, a revoke, a burn): it never resurrects a record its owner
 * replaced.
 */
import { Clock, Duration, Effect, Either } from "effect"
import type { NetworkError } from "../domain/errors.js"
import type { PublicKey } from "../domain/keys.js"
import { Dht, type PublishReport } from "./Dht.js"

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
  readonly onEvent: (event: KeepaliveEvent) => Effect.Effect<void>
}

export const keepAlive = (options: KeepaliveOptions): Effect.Effect<KeepaliveEnd, never, Dht> =>
  Effect.gen(function*() {
    const dht = yield* Dht
    const secondsLeft = Effect.map(Clock.currentTimeMillis, (ms) => options.expiresAt - ms / 1000)
    while (true) {
      const left = yield* secondsLeft
      if (left <= 0) return "expired"
      yield* Effect.sleep(Duration.min(options.every, Duration.seconds(left)))
      if ((yield* secondsLeft) <= 0) return "expired"

      const newest = yield* Effect.either(dht.resolve(options.publisher))
      if (Either.isRight(newest) && newest.right.seq > options.seq) return "replaced"
      if (Either.isLeft(newest) && newest.left._tag === "NotFound" && (newest.left.revokedSeq ?? 0) > options.seq) {
        return "revoked"
      }
      const stored = yield* Effect.either(dht.republish(options.publisher, options.bytes))
      if (Either.isRight(stored)) {
        yield* options.onEvent({ _tag: "Republished", report: stored.right })
      } else if (stored.left._tag !== "NetworkError") {
        // A newer packet appeared between the lookup and the store (bytes of
        // our own publish always verify).
        return "replaced"
      } else {
        yield* options.onEvent({ _tag: "Failed", error: stored.left })
      }
    }
  })
