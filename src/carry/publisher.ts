/**
 * The `CarryPublisher` layer: packing once, serving on a fresh key until the
 * handoff ends, on whatever `Carry` and `Dht` it is given (HyperDHT and
 * Mainline in the command line, the in-memory layers in tests).
 */
import { FileSystem } from "@effect/platform"
import { Duration, Effect, Layer, Option, Queue, Ref } from "effect"
import { dirname, join } from "node:path"
import type { CarryTicket } from "../domain/carryTicket.js"
import { NetworkError } from "../domain/errors.js"
import { expiresAt } from "../domain/expiry.js"
import { Carry } from "../services/Carry.js"
import { CarryPublisher, CHECK_EVERY_MAX, type ServeOptions, type StartOptions } from "../services/CarryPublisher.js"
import { Dht } from "../services/Dht.js"
import { keepAlive } from "../services/Keepalive.js"
import { pack } from "./archive.js"
import { workFolder } from "./workFolder.js"

export const layer: Layer.Layer<CarryPublisher, never, Carry | Dht | FileSystem.FileSystem> = Layer.effect(
  CarryPublisher,
  Effect.gen(function*() {
    const carry = yield* Carry
    const dht = yield* Dht
    const fs = yield* FileSystem.FileSystem

    const start = Effect.fn("CarryPublisher.start")(function*(options: StartOptions) {
      const folder = yield* Effect.provideService(workFolder(options.stateDir, "publish-"), FileSystem.FileSystem, fs)
      const packed = yield* pack({
        folder: dirname(options.file),
        sessionId: options.sessionId,
        recipient: options.recipient,
        into: join(folder, "archive.age")
      })
      const serving = yield* carry.serve(packed).pipe(
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
      return { packed, serving, ticket }
    })

    /** Stores the pre-signed revocation; a newer packet already there leaves nothing to burn. */
    const burnWith = (options: ServeOptions, burn: Uint8Array) =>
      dht.republish(options.publisher, burn).pipe(
        Effect.asVoid,
        Effect.catchTag("InvalidInput", () => Effect.void),
        Effect.mapError((error) =>
          new NetworkError({
            reason: `the conversation was transferred, but the handoff could not be removed (${error.message}). ` +
              "Run `cclink revoke` to remove it."
          })
        )
      )

    const serve = Effect.fn("CarryPublisher.serve")(function*(options: ServeOptions) {
      const { burn, carrying, every, published, publisher } = options
      /** The burn's outcome, once a transfer started it. */
      const burned = yield* Ref.make(Option.none<Effect.Effect<void, NetworkError>>())
      const transfers = Effect.gen(function*() {
        while (true) {
          const event = yield* Queue.take(carrying.serving.events)
          yield* options.onEvent(event)
          if (event._tag === "Transferred" && burn !== undefined) {
            // Acknowledged: the burn runs to its end (the DHT's own deadline), a stop meanwhile waits for it.
            yield* Effect.uninterruptible(
              Effect.flatMap(Effect.exit(burnWith(options, burn)), (exit) => Ref.set(burned, Option.some(exit)))
            )
            return "burned" as const
          }
        }
      })
      const kept = keepAlive({
        publisher,
        // The exact bytes just signed, stored unchanged every round.
        bytes: published.report.bytes,
        seq: published.report.seq,
        expiresAt: expiresAt(published.record),
        every,
        checkEvery: Duration.min(every, Duration.decode(CHECK_EVERY_MAX)),
        onEvent: options.onEvent
      }).pipe(Effect.provideService(Dht, dht))
      // The first to end decides, a failed burn included; the others are interrupted.
      const end = yield* Effect.raceFirst(
        Effect.raceFirst(transfers, kept),
        Effect.as(options.stop, "interrupted" as const)
      )
      const burnt = yield* Ref.get(burned)
      if (Option.isNone(burnt)) return end
      yield* burnt.value
      return "burned" as const
    })

    return CarryPublisher.of({ start, serve })
  })
)
