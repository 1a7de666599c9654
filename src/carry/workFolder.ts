/**
 * The private working folders of a carried handoff, one per transfer, under
 * `<state>/carry/`: on disk (not a RAM-backed /tmp), private (0700), and on
 * the same file system as the rest of the user's files. The publisher packs
 * its archive in one (`publish-XXXXXX`), the picker fetches and unpacks in
 * one (`pickup-XXXXXX`).
 */
import { FileSystem } from "@effect/platform"
import { Effect } from "effect"
import { join } from "node:path"
import { FileError } from "../domain/errors.js"

/** A new private folder (0700) under `<state>/carry`, removed with the scope. */
export const workFolder = (stateDir: string, prefix: "publish-" | "pickup-") =>
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
