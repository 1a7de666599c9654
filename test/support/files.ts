/** Files with exact permission bits, as the tests of secret files need them. */
import { chmodSync, statSync, writeFileSync } from "node:fs"

export const modeOf = (path: string): number => statSync(path).mode & 0o777

/** Writes `contents` to `path` at exactly `mode` (chmod after the write, so the umask does not count); returns the path. */
export const writeWithMode = (path: string, contents: string | Uint8Array, mode = 0o600): string => {
  writeFileSync(path, contents, { mode })
  chmodSync(path, mode)
  return path
}
