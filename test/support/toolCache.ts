/**
 * Test peers too large to be dependencies (the Claude Code binary is about
 * 400 MB), fetched on first use into a cache outside the repository and kept
 * there for every later run and every clone.
 *
 * Several test processes may want the same peer at once (vitest runs test
 * files in parallel forks): one takes a lock (a directory, created
 * atomically) and fetches into a staging folder, which it renames into place
 * complete; the others wait for it. A lock whose owner died is taken over;
 * should two processes take one over together, both fetch and the first
 * rename wins: a peer is never seen half written.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { isAlive } from "./alive.js"

/** `$XDG_CACHE_HOME/cclink-tests`, or `~/.cache/cclink-tests`. */
export const testCacheRoot = (): string => join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "cclink-tests")

/** A lock left without an owner's pid for this long was left by a process that died at once. */
const ORPHAN_MS = 60_000
const POLL_MS = 250

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/** True when the lock's owner is gone, so the lock can be taken over. */
const isStale = (lock: string): boolean => {
  try {
    const pid = Number(readFileSync(join(lock, "pid"), "utf8"))
    return Number.isInteger(pid) && pid > 0 ? !isAlive(pid) : Date.now() - statSync(lock).mtimeMs > ORPHAN_MS
  } catch {
    // No pid yet: just created, or its creator died before writing it.
    try {
      return Date.now() - statSync(lock).mtimeMs > ORPHAN_MS
    } catch {
      return false
    }
  }
}

/**
 * `<root>/<name>`, fetched by `fetchInto(staging)` unless it is already
 * there; `fetchInto` fills the empty folder it is given, or throws.
 */
export const cached = (
  name: string,
  fetchInto: (staging: string) => void,
  options: { readonly root?: string; readonly timeoutMs?: number } = {}
): string => {
  const root = options.root ?? testCacheRoot()
  const dir = join(root, name)
  const lock = join(root, `${name}.lock`)
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000)
  mkdirSync(root, { recursive: true })
  while (!existsSync(dir)) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lock} to fill ${dir}.`)
    try {
      mkdirSync(lock)
    } catch (error) {
      // Only a lock that exists is worth waiting for: EACCES, ENOSPC and the like will not pass.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
      if (isStale(lock)) rmSync(lock, { recursive: true, force: true })
      else sleep(POLL_MS)
      continue
    }
    try {
      writeFileSync(join(lock, "pid"), String(process.pid))
      if (!existsSync(dir)) {
        const staging = mkdtempSync(join(root, `.${name}-`))
        try {
          fetchInto(staging)
          try {
            renameSync(staging, dir)
          } catch (error) {
            // Two takers of one stale lock may both fetch: the first rename wins, and is as good.
            if (!existsSync(dir)) throw error
          }
        } finally {
          rmSync(staging, { recursive: true, force: true })
        }
      }
    } finally {
      rmSync(lock, { recursive: true, force: true })
    }
  }
  return dir
}
