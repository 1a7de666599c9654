/**
 * How Claude Code files a project's sessions: under
 * `<config dir>/projects/<encoded cwd>/`, where the encoding is lossy, so a
 * folder name can be computed from a path but never turned back into one.
 */
import { sep } from "node:path"

/**
 * Claude Code's folder name for a working directory: every UTF-16 unit that
 * is not an ASCII letter or digit becomes `-` (`/Users/alice/my.repo` ->
 * `-Users-alice-my-repo`), as Claude Code's own `replace(/[^a-zA-Z0-9]/g, "-")`.
 */
export const encodeProjectDir = (cwd: string): string => cwd.replace(/[^a-zA-Z0-9]/g, "-")

const isWithin = (inner: string, outer: string): boolean =>
  inner === outer || inner.startsWith(outer.endsWith(sep) ? outer : outer + sep)

/**
 * True when two absolute, normalized directories are the same or one lies
 * inside the other, comparing whole segments (`/a/x` is not inside `/a/xy`).
 */
export const isSameOrNested = (a: string, b: string): boolean => isWithin(a, b) || isWithin(b, a)
