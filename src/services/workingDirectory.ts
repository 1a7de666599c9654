/**
 * The working directory a program started in `dir` sees (`process.cwd()`),
 * which is the path Claude Code names its project folder after
 * (src/domain/projectDir.ts).
 *
 * - Linux and macOS: the physical path, as `getcwd` gives it: symbolic links
 *   resolved, and on a case-insensitive macOS volume the case stored on disk.
 *   The native `realpath` gives the same (Node's JavaScript one keeps the
 *   case it was given, so it is not used).
 * - Windows: the path the process was started in, made absolute and
 *   normalized (`C:/Users/alice/x/` -> `C:\Users\alice\x`); Windows keeps
 *   the current directory as it was set, junctions and letter case included.
 */
import { Effect } from "effect"
import { realpath } from "node:fs/promises"
import { posix, win32 } from "node:path"

export const workingDirectory = (platform: NodeJS.Platform, dir: string): Effect.Effect<string> =>
  platform === "win32"
    ? Effect.succeed(win32.resolve(dir))
    : Effect.promise(() => realpath(dir).catch(() => posix.resolve(dir)))
