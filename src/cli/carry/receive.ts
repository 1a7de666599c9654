/**
 * `cclink pickup` of a carried handoff, the picker's side up to placement:
 * the archive is fetched into a private staging file under cclink's state
 * folder (never under ~/.claude), its size and SHA-256 checked against the
 * signed ticket, and only then decrypted and unpacked, strictly, into a
 * staging folder beside it. SessionPlacement puts the files in place from
 * there; what it cannot place without overwriting is kept aside here.
 */
import { FileSystem } from "@effect/platform"
import { type Duration, Effect } from "effect"
import { mkdir, rm } from "node:fs/promises"
import { dirname, join } from "node:path"
import { type CarriedFile, unpack } from "../../carry/archive.js"
import { ensureRoom } from "../../carry/freeSpace.js"
import { workFolder } from "../../carry/workFolder.js"
import type { CarryTicket } from "../../domain/carryTicket.js"
import { FileError } from "../../domain/errors.js"
import type { SessionId } from "../../domain/sessionId.js"
import { Carry, type CarryVia } from "../../services/Carry.js"
import { fileError } from "../../services/secretFile.js"
import { withProgress } from "./progress.js"

export interface Received {
  /** The staging folder holding the files; removed with the scope unless kept aside. */
  readonly folder: string
  readonly files: ReadonlyArray<CarriedFile>
  readonly via: CarryVia
  readonly attempts: number
}

export const receive = (options: {
  readonly ticket: CarryTicket
  readonly sessionId: SessionId
  /** `AGE-SECRET-KEY-1...`, asked for only once the bytes are verified, and not kept. */
  readonly identity: () => string
  readonly stateDir: string
  /** Where the files will be placed (a folder that may not exist yet), to check there is room. */
  readonly destination: string
  /** `--timeout`: how long to go on without progress. */
  readonly patience: Duration.Duration
  /** Who serves it, for the progress line. */
  readonly from: string
  readonly quiet: boolean
}) =>
  Effect.gen(function*() {
    const { size, unpackedSize } = options.ticket
    yield* ensureRoom([
      { path: options.stateDir, bytes: size + unpackedSize },
      { path: options.destination, bytes: unpackedSize }
    ])
    const work = yield* workFolder(options.stateDir, "pickup-")
    const archive = join(work, "archive.age")
    const carry = yield* Carry
    const fetched = yield* withProgress(
      `Fetching the conversation from ${options.from}`,
      options.ticket.size,
      options.quiet,
      (onProgress) => carry.fetch(options.ticket, archive, { patience: options.patience, onProgress })
    ).pipe(Effect.ensuring(Effect.sync(() => options.ticket.clientSecret.fill(0))))
    const folder = join(work, "files")
    yield* Effect.tryPromise({
      try: () => mkdir(folder, { mode: 0o700 }),
      catch: (error) => fileError(folder, "Cannot make the staging folder", error)
    })
    const files = yield* unpack({
      file: archive,
      identity: options.identity(),
      sessionId: options.sessionId,
      unpackedSize: options.ticket.unpackedSize,
      into: folder
    })
    // The ciphertext is no longer needed: free its space before the files are copied into place.
    yield* Effect.promise(() => rm(archive, { force: true }))
    return { folder, files, via: fetched.via, attempts: fetched.attempts } satisfies Received
  })

/** Where placement keeps the older copies it replaces, beside the staging folder, until `keepAside` moves them. */
export const previousFolder = (received: Received) => join(dirname(received.folder), "previous")

/**
 * Keeps for the user, in a new folder `<state>/carried/<id>-XXXXXX/`, what
 * must not be thrown away with the staging folder: the carried files
 * (`all` when some could not be placed, or only the `memory` that was not
 * installed), and under `previous/` the older copies placement replaced.
 * Nothing the picker received or had is lost.
 */
export const keepAside = (
  received: Received,
  stateDir: string,
  sessionId: SessionId,
  carried: "all" | "memory" | "none"
) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const base = join(stateDir, "carried")
    yield* fs.makeDirectory(base, { recursive: true, mode: 0o700 })
    const aside = yield* fs.makeTempDirectory({ directory: base, prefix: `${sessionId}-` })
    const names = carried === "all" ? yield* fs.readDirectory(received.folder) : carried === "memory" ? ["memory"] : []
    for (const name of names) yield* fs.rename(join(received.folder, name), join(aside, name))
    if (yield* fs.exists(previousFolder(received))) {
      yield* fs.rename(previousFolder(received), join(aside, "previous"))
    }
    return aside
  }).pipe(
    Effect.mapError((error) =>
      new FileError({ path: join(stateDir, "carried"), reason: `Cannot keep the carried copy (${error.message})` })
    )
  )
