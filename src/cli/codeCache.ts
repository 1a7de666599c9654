/**
 * Loads the command line's bundle with V8's code cache. Parsing and compiling
 * the bundle is the largest part of cclink's start-up; V8 can instead reuse
 * the bytecode it produced on an earlier run. The cache lives in the user's
 * cache folder (0700), keyed by cclink and Node versions; V8 itself rejects a
 * cache made for other source or flags, and a missing, stale or unwritable
 * cache only costs a normal start. A cache file is trusted as much as the
 * rest of the user's home: whoever can write it can already change the shell.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { homedir } from "node:os"
import { join } from "node:path"
import { Script } from "node:vm"

const cacheDir = () => join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "cclink")

const readOrUndefined = (path: string): Buffer | undefined => {
  try {
    return readFileSync(path)
  } catch {
    return undefined
  }
}

/** Writes the cache atomically; any failure leaves things as they were. */
const save = (path: string, data: Buffer) => {
  try {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 })
    const temp = `${path}.${process.pid}.tmp`
    writeFileSync(temp, data, { mode: 0o600 })
    renameSync(temp, path)
  } catch {
    // A read-only home or a full disk: start-up stays uncached.
  }
}

/**
 * Evaluates the CommonJS bundle at `file` and returns its exports. The cache
 * is written at exit, after the command ran, so it holds the functions the
 * command compiled lazily too.
 */
export const loadCached = <A>(file: string, version: string): A => {
  const cacheFile = join(cacheDir(), `v8-${version}-node${process.version}.cache`)
  const cachedData = process.env.CCLINK_NO_CODE_CACHE === "1" ? undefined : readOrUndefined(cacheFile)
  const source = readFileSync(file, "utf8")
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData })
  })
  if (process.env.CCLINK_NO_CODE_CACHE !== "1" && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once("exit", () => save(cacheFile, script.createCachedData()))
  }
  const module = { exports: {} as A }
  script.runInThisContext()(module.exports, createRequire(file), module, file, join(file, ".."))
  return module.exports
}
