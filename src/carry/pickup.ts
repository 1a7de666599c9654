/**
 * The `CarriedPickup` layer: room checked, fetched into a private working
 * folder, verified, unpacked beside it, placed, and what must not be lost
 * kept aside, on whatever `Carry` it is given.
 */
import { FileSystem } from "@effect/platform"
import { Effect, Either, Layer } from "effect"
import { mkdir, rm } from "node:fs/promises"
import { join } from "node:path"
import { FileError } from "../domain/errors.js"
import { fileError } from "../domain/fileError.js"
import type { SessionId } from "../domain/sessionId.js"
import { CarriedOutcome, CarriedPickup, type PickupRequest } from "../services/CarriedPickup.js"
import { Carry } from "../services/Carry.js"
import { SessionPlacement } from "../services/SessionPlacement.js"
import { Sessions } from "../services/Sessions.js"
import { unpack } from "./archive.js"
import { ensureRoom } from "./freeSpace.js"
import { workFolder } from "./workFolder.js"

export const layer: Layer.Layer<
  CarriedPickup,
  never,
  Carry | SessionPlacement | Sessions | FileSystem.FileSystem
> = Layer.effect(
  CarriedPickup,
  Effect.gen(function*() {
    const carry = yield* Carry
    const placement = yield* SessionPlacement
    const { projectsDir } = yield* Sessions
    const fs = yield* FileSystem.FileSystem

    /**
     * Keeps for the user, in a new folder `<state>/carried/<id>-XXXXXX/`,
     * what must not be thrown away with the working folder: the carried
     * files (`all` when some could not be placed, or only the `memory` that
     * was not installed), and under `previous/` the older copies placement
     * replaced.
     */
    const keepAside = (work: string, stateDir: string, sessionId: SessionId, carried: "all" | "memory" | "none") =>
      Effect.gen(function*() {
        const base = join(stateDir, "carried")
        yield* fs.makeDirectory(base, { recursive: true, mode: 0o700 })
        const aside = yield* fs.makeTempDirectory({ directory: base, prefix: `${sessionId}-` })
        const files = join(work, "files")
        const names = carried === "all" ? yield* fs.readDirectory(files) : carried === "memory" ? ["memory"] : []
        for (const name of names) yield* fs.rename(join(files, name), join(aside, name))
        if (yield* fs.exists(join(work, "previous"))) yield* fs.rename(join(work, "previous"), join(aside, "previous"))
        return aside
      }).pipe(
        Effect.mapError((error) =>
          new FileError({ path: join(stateDir, "carried"), reason: `Cannot keep the carried copy (${error.message})` })
        )
      )

    const pickUp = Effect.fn("CarriedPickup.pickUp")(function*(request: PickupRequest) {
      const { sessionId, stateDir, ticket } = request
      yield* ensureRoom([
        { path: stateDir, bytes: ticket.size + ticket.unpackedSize },
        { path: projectsDir, bytes: ticket.unpackedSize }
      ])
      const work = yield* Effect.provideService(workFolder(stateDir, "pickup-"), FileSystem.FileSystem, fs)
      const archive = join(work, "archive.age")
      const fetching = yield* Effect.either(
        carry.fetch(ticket, archive, {
          patience: request.patience,
          ...(request.onProgress === undefined ? {} : { onProgress: request.onProgress })
        }).pipe(Effect.ensuring(Effect.sync(() => ticket.clientSecret.fill(0))))
      )
      if (Either.isLeft(fetching)) {
        const error = fetching.left
        if (error._tag === "TransferFailed" || error._tag === "NoDirectPath") {
          return CarriedOutcome.Unreachable({ error })
        }
        return yield* error
      }
      const fetched = fetching.right

      const folder = join(work, "files")
      yield* Effect.tryPromise({
        try: () => mkdir(folder, { mode: 0o700 }),
        catch: (error) => fileError(folder, "Cannot make the staging folder", error)
      })
      const files = yield* unpack({
        file: archive,
        identity: request.identity(),
        sessionId,
        unpackedSize: ticket.unpackedSize,
        into: folder
      })
      // The ciphertext is no longer needed: free its space before the files are copied into place.
      yield* Effect.promise(() => rm(archive, { force: true }))
      const received = { bytes: ticket.size, via: fetched.via, attempts: fetched.attempts, files }

      // Claude Code reads a project's memory into every session of the project: someone else's only on request.
      const heldMemory = request.installMemory ? 0 : files.filter(({ kind }) => kind === "memory").length
      const placed = yield* placement.placeCarried(
        { folder, sessionId, files: heldMemory === 0 ? files : files.filter(({ kind }) => kind !== "memory") },
        request.dir,
        join(work, "previous")
      )
      const keepAll = !placed.placed || placed.keptLocal.length > 0
      const aside = keepAll || heldMemory > 0 || placed.previous.length > 0
        ? yield* keepAside(work, stateDir, sessionId, keepAll ? "all" : heldMemory > 0 ? "memory" : "none")
        : undefined
      const memory = heldMemory > 0 ? { files: heldMemory, folder: join(aside!, "memory") } : undefined
      return placed.placed
        ? CarriedOutcome.Placed({ received, placement: placed, aside, memory })
        : CarriedOutcome.NotPlaced({ received, placement: placed, aside: aside!, memory })
    }, Effect.scoped)

    return CarriedPickup.of({ pickUp })
  })
)
