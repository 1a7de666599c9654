/**
 * `pickup --wait`: pick up before the other machine has published. Looks the
 * key up again and again, a few seconds apart and slower as time passes, until
 * a handoff newer than the wait appears or the time is up. A record there at
 * the first look is the baseline: only a higher seq replaces it (unless the
 * publisher's clock dates it after the wait began: published during that
 * look). With nothing there at first, "newer" is judged by the publisher's
 * clock (`created_at`) with some slack for clocks that disagree.
 */
import { Duration, Effect, Either, Option } from "effect"
import {
  type Expired,
  type InvalidInput,
  type NetworkError,
  NotFound,
  type SignatureInvalid
} from "../domain/errors.js"
import { checkExpiry, nowSeconds } from "../domain/expiry.js"
import { toDisplay } from "../domain/keyDisplay.js"
import { type PublicKey } from "../domain/keys.js"
import type { DhtOptions } from "./Dht.js"
import type { Handoffs, Verified } from "./Handoffs.js"

/** How far the two machines' clocks may disagree before a new record looks old. */
const CLOCK_SLACK_SECONDS = 120

/** 2 s, then 1.5 times longer each round, never more than 15 s apart: gentle on the DHT. */
const pause = (round: number) => Duration.millis(Math.min(2000 * 1.5 ** round, 15_000))

export const waitForHandoff = (
  handoffs: Handoffs["Type"],
  publisher: PublicKey,
  within: Duration.Duration,
  options?: DhtOptions
): Effect.Effect<Verified, NotFound | NetworkError | SignatureInvalid | InvalidInput | Expired> =>
  Effect.gen(function*() {
    const start = yield* nowSeconds
    let baseline: number | undefined
    let first = true

    const attempt = Effect.gen(function*() {
      const found = yield* Effect.either(handoffs.resolve(publisher, options))
      if (Either.isRight(found)) {
        const { record, seq } = found.right
        const fresh = first
          ? record.createdAt > start
          : baseline === undefined
          ? record.createdAt >= start - CLOCK_SLACK_SECONDS
          : seq > baseline
        if (first) baseline = seq
        first = false
        if (fresh) return Option.some(found.right)
        return Option.none()
      }
      first = false
      // Nothing yet, or the network hiccuped: both are reasons to look again.
      if (found.left._tag === "NotFound" || found.left._tag === "NetworkError") return Option.none()
      return yield* Effect.fail(found.left)
    })

    const poll = (round: number): Effect.Effect<Verified, NotFound | NetworkError | SignatureInvalid | InvalidInput> =>
      Effect.flatMap(
        attempt,
        (found) =>
          Option.isSome(found)
            ? Effect.succeed(found.value)
            : Effect.zipRight(Effect.sleep(pause(round)), poll(round + 1))
      )

    const waited = yield* Effect.timeoutOption(poll(0), within)
    if (Option.isNone(waited)) {
      return yield* new NotFound({
        what: `No new handoff from ${toDisplay(publisher)} within ${Duration.format(within)}.`,
        hint: "Publish on the other machine with `cclink`, then run pickup again."
      })
    }
    const verified = waited.value
    yield* checkExpiry(verified.record)
    return verified
  })
