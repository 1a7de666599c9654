/**
 * How Claude Code files a project's sessions and memory: under
 * `<config dir>/projects/<folder>/`, where the folder is named after the
 * directory claude runs in. The naming is lossy, so a folder name can be
 * computed from a path but never turned back into one.
 *
 * Read from Claude Code 2.1.332's own code and checked against the binary
 * (test/domain/projectDir.test.ts, test/services/claudeFolders.test.ts):
 *
 *   J$(e) = e.replace(/[^a-zA-Z0-9]/g, "-"), cut at 200 characters plus
 *           "-" and a base-36 hash of the whole path when longer
 *   LO(e) = CLAUDE_CODE_PROJECT_DIR_NAME, when CLAUDE_CONFIG_DIR is set and
 *           the name is valid, otherwise J$(e)
 *
 * `e` is claude's `process.cwd()`, as the operating system gives it: on
 * Linux and macOS the physical path (symbolic links resolved), in the form
 * its bytes have on disk (a decomposed `é` stays decomposed); on Windows the
 * path claude was started in, drive letter and backslashes included
 * (`C:\Users\alice\x` -> `C--Users-alice-x`).
 */
import { Option } from "effect"
import { sep } from "node:path"

/** Folder names up to this many characters are kept whole. */
const MAX_NAME = 200

/**
 * Java's `String.hashCode` over UTF-16 code units, as 32-bit integers:
 * Claude Code's suffix that keeps two long paths with the same first 200
 * characters apart.
 */
const stringHash = (text: string): number => {
  let hash = 0
  for (let i = 0; i < text.length; i++) hash = ((hash << 5) - hash + text.charCodeAt(i)) | 0
  return hash
}

/**
 * Claude Code's folder name for a working directory: every UTF-16 unit that
 * is not an ASCII letter or digit becomes `-` (`/Users/alice/my.repo` ->
 * `-Users-alice-my-repo`); a name longer than 200 characters is cut there and
 * followed by `-` and the base-36 hash of the whole path.
 */
export const encodeProjectDir = (cwd: string): string => {
  const name = cwd.replace(/[^a-zA-Z0-9]/g, "-")
  return name.length <= MAX_NAME ? name : `${name.slice(0, MAX_NAME)}-${Math.abs(stringHash(cwd)).toString(36)}`
}

/** The variables that decide the folder besides the working directory. */
export interface FolderSettings {
  readonly CLAUDE_CONFIG_DIR?: string | undefined
  readonly CLAUDE_CODE_PROJECT_DIR_NAME?: string | undefined
}

const VALID_NAME = /^[A-Za-z0-9_-]{1,64}$/
/** Names Windows reserves for devices: Claude Code refuses them on every platform. */
const RESERVED_NAME = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/i

/**
 * `CLAUDE_CODE_PROJECT_DIR_NAME`, which puts every project's sessions in one
 * folder, when Claude Code honours it: only with a non-empty
 * `CLAUDE_CONFIG_DIR`, and only for 1 to 64 letters, digits, `_` or `-` that
 * are not a Windows device name.
 */
export const folderNameOverride = (settings: FolderSettings): Option.Option<string> => {
  const name = settings.CLAUDE_CODE_PROJECT_DIR_NAME
  return settings.CLAUDE_CONFIG_DIR && name !== undefined && VALID_NAME.test(name) && !RESERVED_NAME.test(name)
    ? Option.some(name)
    : Option.none()
}

/** The folder under `projects/` that Claude Code started with working directory `cwd` uses. */
export const projectFolderName = (cwd: string, settings: FolderSettings): string =>
  Option.getOrElse(folderNameOverride(settings), () => encodeProjectDir(cwd))

const isWithin = (inner: string, outer: string): boolean =>
  inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep)

/**
 * True when two absolute, normalized directories are the same or one lies
 * inside the other, comparing whole segments (`/a/x` is not inside `/a/xy`).
 */
export const isSameOrNested = (a: string, b: string): boolean => isWithin(a, b) || isWithin(b, a)
