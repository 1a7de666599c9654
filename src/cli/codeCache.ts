/**
 * Loads the command line's bundle with V8's code cache. Parsing and compiling
 * the bundle is the largest part of cclink's start-up; V8 can instead reuse
 * the bytecode it produced on an earlier run. The cache lives in the user's
 * cache folder (0700), keyed by cclink and Node versions, by where the bundle
 * is installed, and by the bundle file itself (size, modification time,
 * inode): V8 rejects a cache made for other flags, but of the source it only
 * compares the length, so a rebuilt bundle of the same length would run the
 * old code. A rebuild replaces its install's cache; two installs of one
 * version keep one each. A missing or unwritable cache only costs a normal
 * start. A cache file is trusted as much as the rest of the user's home:
 * whoever can write it can already change the shell.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs"
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

/** FNV-1a: a short, stable name for the install's path (a collision only costs recompiling). */
const pathKey = (path: string): string => {
  let hash = 0x811c9dc5
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193) >>> 0
  return hash.toString(16)
}

/**
 * Writes the cache atomically, and removes the caches of earlier builds at
 * the same place (`prefix`); any failure leaves things as they were.
 */
const save = (prefix: string, name: string, data: Buffer) => {
  try {
    const dir = cacheDir()
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const path = join(dir, name)
    const temp = `${path}.${process.pid}.tmp`
    try {
      writeFileSync(temp, data, { mode: 0o600 })
      renameSync(temp, path)
    } finally {
      rmSync(temp, { force: true })
    }
    for (const other of readdirSync(dir)) {
      if (other.startsWith(prefix) && other.endsWith(".cache") && other !== name) {
        rmSync(join(dir, other), { force: true })
      }
    }
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
  const { ino, mtimeMs, size } = statSync(file)
  const prefix = `v8-${version}-node${process.version}-${pathKey(file)}-`
  const name = `${prefix}${size}-${Math.trunc(mtimeMs)}-${ino}.cache`
  const cachedData = process.env.CCLINK_NO_CODE_CACHE === "1" ? undefined : readOrUndefined(join(cacheDir(), name))
  const source = readFileSync(file, "utf8")
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData })
  })
  if (process.env.CCLINK_NO_CODE_CACHE !== "1" && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once("exit", () => save(prefix, name, script.createCachedData()))
  }
  const module = { exports: {} as A }
  script.runInThisContext()(module.exports, createRequire(file), module, file, join(file, ".."))
  return module.exports
}
