/**
 * The private working folders of a carried handoff, one per transfer, under
 * `<state>/carry/`: on disk (not a RAM-backed /tmp), private (0700), and on
 * the same file system as the rest of the user's files. The publisher packs
 * its archive in one (`publish-XXXXXX`), the picker fetches and unpacks in
 * one (`pickup-XXXXXX`: the archive, then the decrypted conversation).
 *
 * Each is removed with its scope; a process killed with `kill -9` (or a
 * power cut) cannot, so each holds the `pid` of its owner, and every new one
 * first sweeps the folders whose owner is gone.
 */
import { FileSystem } from "@effect/platform"
import { Effect } from "effect"
import { readdir, readFile, rm, stat } from "node:fs/promises"
import { join } from "node:path"
import { FileError } from "../domain/errors.js"

const PID_FILE = "pid"
const PREFIXES = /^(publish|pickup)-/
/** A folder without a pid (one being made this instant, or left by an older cclink) is swept only once this old. */
const ORPHAN_MS = 24 * 3600 * 1000

/**
 * Whether a process we may signal runs under `pid`. The state folder is the
 * user's own, so its owner was one of the user's processes: a pid that is
 * gone (ESRCH), or now someone else's (EPERM), is not it any more. A pid
 * reused by another process of the user keeps its folder until that ends.
 */
const running = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Whether the working folder at `path` belongs to no running process. */
const abandoned = async (path: string, now: number) => {
  const pid = Number.parseInt(await readFile(join(path, PID_FILE), "utf8").catch(() => ""), 10)
  if (Number.isSafeInteger(pid) && pid > 0) return pid !== process.pid && !running(pid)
  const info = await stat(path).catch(() => undefined)
  return info !== undefined && now - info.mtimeMs > ORPHAN_MS
}

/**
 * Removes the working folders under `<state>/carry/` whose owner is gone:
 * its pid no longer runs, or, without a pid, it is over a day old. Never
 * fails: what cannot be read or removed stays for the next sweep.
 */
export const sweepWorkFolders = (stateDir: string): Effect.Effect<ReadonlyArray<string>> =>
  Effect.promise(async () => {
    const base = join(stateDir, "carry")
    const names = await readdir(base).catch(() => [])
    const swept: Array<string> = []
    for (const name of names.filter((name) => PREFIXES.test(name))) {
      const path = join(base, name)
      if (!(await abandoned(path, Date.now()))) continue
      await rm(path, { recursive: true, force: true }).then(() => swept.push(path), () => undefined)
    }
    return swept
  })

/**
 * A new private folder (0700) under `<state>/carry`, holding its owner's
 * pid, removed with the scope; the abandoned ones are swept first.
 */
export const workFolder = (stateDir: string, prefix: "publish-" | "pickup-") =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const base = join(stateDir, "carry")
    yield* sweepWorkFolders(stateDir)
    yield* fs.makeDirectory(base, { recursive: true, mode: 0o700 })
    const folder = yield* fs.makeTempDirectoryScoped({ directory: base, prefix })
    yield* fs.writeFileString(join(folder, PID_FILE), `${process.pid}\n`, { mode: 0o600 })
    return folder
  }).pipe(
    Effect.mapError((error) =>
      new FileError({
        path: join(stateDir, "carry"),
        reason: `Cannot make a private working folder (${error.message})`
      })
    )
  )
