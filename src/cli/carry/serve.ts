/**
 * `cclink publish --carry`, the publisher's side: the conversation is packed
 * once into a private file, served on a fresh HyperDHT key that is listening
 * before the record naming it is published, and served in the foreground
 * until the handoff ends: burned after its first complete transfer, expired,
 * replaced or revoked (seen as `--keepalive` sees it, which it also does), or
 * Ctrl-C. Every way out closes the server and removes the file.
 */
import { FileSystem } from "@effect/platform"
import { Duration, Effect, Queue } from "effect"
import { dirname, join } from "node:path"
import { pack, type Packed } from "../../carry/archive.js"
import type { CarryTicket } from "../../domain/carryTicket.js"
import { formatDuration } from "../../domain/duration.js"
import { FileError, NetworkError } from "../../domain/errors.js"
import { expiresAt } from "../../domain/expiry.js"
import type { PublicKey } from "../../domain/keys.js"
import type { SessionId } from "../../domain/sessionId.js"
import { Carry, type ServeEvent, type Serving } from "../../services/Carry.js"
import { Dht } from "../../services/Dht.js"
import type { Published } from "../../services/Handoffs.js"
import { eventLog, KEEPALIVE_ENDINGS, keepAliveLogged } from "../keepalive.js"
import { stopRequested } from "../outcome.js"
import { formatBytes, localTime } from "../show.js"

export interface Carrying {
  readonly packed: Packed
  readonly serving: Serving
  readonly ticket: CarryTicket
}

/**
 * A new private folder (0700) under `<state>/carry`, removed with the scope.
 * Both sides work there: on disk (not a RAM-backed /tmp), private, and on
 * the same file system as the rest of the user's files.
 */
export const workFolder = (stateDir: string, prefix: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const base = join(stateDir, "carry")
    yield* fs.makeDirectory(base, { recursive: true, mode: 0o700 })
    return yield* fs.makeTempDirectoryScoped({ directory: base, prefix })
  }).pipe(
    Effect.mapError((error) =>
      new FileError({
        path: join(stateDir, "carry"),
        reason: `Cannot make a private working folder (${error.message})`
      })
    )
  )

/** Packs the session's files to `recipient` and starts serving them, within `timeout` for the announcement. */
export const startCarrying = (options: {
  readonly sessionId: SessionId
  /** The session's `.jsonl` file: its folder holds what travels. */
  readonly file: string
  readonly recipient: string
  readonly stateDir: string
  readonly timeout: Duration.Duration
}) =>
  Effect.gen(function*() {
    const folder = yield* workFolder(options.stateDir, "publish-")
    const packed = yield* pack({
      folder: dirname(options.file),
      sessionId: options.sessionId,
      recipient: options.recipient,
      into: join(folder, "archive.age")
    })
    const serving = yield* (yield* Carry).serve(packed).pipe(
      Effect.timeoutFail({
        duration: options.timeout,
        onTimeout: () =>
          new NetworkError({
            reason: `could not announce on the carry network within ${
              Duration.format(options.timeout)
            } (check CCLINK_CARRY_BOOTSTRAP or --carry-bootstrap).`
          })
      })
    )
    const ticket: CarryTicket = {
      serverKey: serving.serverKey,
      clientSecret: serving.clientSecret,
      digest: packed.digest,
      size: packed.size,
      unpackedSize: packed.unpackedSize
    }
    return { packed, serving, ticket } satisfies Carrying
  })

/** Why serving stopped. */
export type ServingEnd = "burned" | "expired" | "replaced" | "revoked" | "interrupted"

const ENDINGS: Record<ServingEnd, string> = {
  ...KEEPALIVE_ENDINGS,
  burned: "the conversation was transferred, and the handoff burned.",
  interrupted: "stopped by request; the conversation is no longer served."
}

const seconds = (millis: number) => Math.round(millis / 100) / 10

const transferEvent = (event: ServeEvent) => ({
  event: "transfer",
  remote: event.remote,
  via: event.via,
  bytes: event.bytes,
  seconds: seconds(event.millis),
  complete: event._tag === "Transferred",
  ...(event._tag === "Transferred" ? { offset: event.offset } : { reason: event.reason })
})

const transferLine = (event: ServeEvent) => {
  const took = `${formatBytes(event.bytes)} in ${seconds(event.millis).toFixed(1)} s`
  return event._tag === "Transferred"
    ? `transfer to ${event.remote} (${event.via}): ${took}, complete${
      event.offset > 0 ? ` (resumed at ${formatBytes(event.offset)})` : ""
    }`
    : `transfer to ${event.remote} (${event.via}) did not complete: ${took}; ${event.reason}`
}

/**
 * Serves until the handoff ends, one line per transfer (one JSON object per
 * event with `json`), and the reason last. A burn handoff is removed by
 * `burn`, a revocation signed in advance (so the key itself is not kept in
 * memory while serving): stored once the first transfer is acknowledged.
 */
export const serveUntilDone = (options: {
  readonly publisher: PublicKey
  readonly published: Published
  readonly carrying: Carrying
  readonly burn: Uint8Array | undefined
  readonly every: Duration.Duration
  readonly json: boolean
}) =>
  Effect.gen(function*() {
    const { burn, carrying, json, published, publisher } = options
    const dht = yield* Dht
    const expires = expiresAt(published.record)
    const log = eventLog(json)

    yield* log(
      { event: "serving", bytes: carrying.packed.size, files: carrying.packed.files, burn: burn !== undefined },
      `Serving the conversation (${formatBytes(carrying.packed.size)}, ${carrying.packed.files} file${
        carrying.packed.files === 1 ? "" : "s"
      }) ${burn === undefined ? "until" : "for one transfer, at most until"} ${localTime(expires)} (in ${
        formatDuration(published.record.ttl)
      }). Ctrl-C to stop.`
    )

    const transfers = Effect.gen(function*() {
      while (true) {
        const event = yield* Queue.take(carrying.serving.events)
        yield* log(transferEvent(event), transferLine(event))
        if (event._tag === "Transferred" && burn !== undefined) {
          yield* dht.republish(publisher, burn).pipe(
            Effect.catchTag("InvalidInput", () => Effect.void), // a newer packet replaced it: nothing left to burn
            Effect.mapError((error) =>
              new NetworkError({
                reason: `the conversation was transferred, but the handoff could not be removed (${error.message}). ` +
                  "Run `cclink revoke` to remove it."
              })
            )
          )
          return "burned" as const
        }
      }
    })

    const kept = keepAliveLogged(log, publisher, published, options.every)

    // The first to end decides, a failed burn included; the others are interrupted.
    const end: ServingEnd = yield* Effect.raceFirst(
      Effect.raceFirst(transfers, kept),
      Effect.as(stopRequested, "interrupted" as const)
    )
    yield* log({ event: "stopped", reason: end }, `Stopped: ${ENDINGS[end]}`)
  })
