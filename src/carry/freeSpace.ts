/**
 * Room on disk for a carried conversation, checked before connecting: the
 * signed sizes bound what a transfer writes, but a publisher signs them, and
 * an archive that cannot fit would only fill the disk before failing. What
 * lands on one file system is added up: the archive and its unpacked files
 * in cclink's state folder, the files again where they are placed.
 */
import { Effect } from "effect"
import { stat, statfs } from "node:fs/promises"
import { dirname } from "node:path"
import { FileError } from "../domain/errors.js"

/** `bytes` to be written under `path` (which may not exist yet). */
export interface Need {
  readonly path: string
  readonly bytes: number
}

/** The nearest folder of `path` that exists (itself or an ancestor), and its device. */
const existing = async (path: string): Promise<{ readonly path: string; readonly device: number }> => {
  for (let at = path;; at = dirname(at)) {
    const info = await stat(at).catch(() => undefined)
    if (info !== undefined) return { path: at, device: info.dev }
    if (dirname(at) === at) throw new Error(`no folder of ${path} exists`)
  }
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

/** The first file system short of what lands on it, if any. */
const shortOf = async (needs: ReadonlyArray<Need>) => {
  const devices = new Map<number, { path: string; bytes: number }>()
  for (const need of needs) {
    const { device, path } = await existing(need.path)
    const sum = devices.get(device)
    devices.set(device, { path: sum?.path ?? path, bytes: (sum?.bytes ?? 0) + need.bytes })
  }
  for (const { bytes, path } of devices.values()) {
    const { bavail, bsize } = await statfs(path)
    if (bavail * bsize < bytes) return { path, bytes, free: bavail * bsize }
  }
  return undefined
}

/**
 * Fails with a `FileError` naming the file system that is short, when one
 * is. One that cannot be measured is not refused: the writes will say.
 */
export const ensureRoom = (needs: ReadonlyArray<Need>): Effect.Effect<void, FileError> =>
  Effect.promise(() => shortOf(needs).catch(() => undefined)).pipe(
    Effect.flatMap((short) =>
      short === undefined ? Effect.void : Effect.fail(
        new FileError({
          path: short.path,
          reason: `Not enough free space for the carried conversation (it needs ${megabytes(short.bytes)}, ${
            megabytes(short.free)
          } free); nothing was fetched. Free some space and pick up again`,
          code: "ENOSPC"
        })
      )
    )
  )
