/**
 * The loader's V8 code cache (src/cli/codeCache.ts) in fresh processes, as
 * each command uses it: V8 compares only the source's length with the cache,
 * so a rebuilt bundle of the same length must still never run the old code.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const dir = mkdtempSync(join(tmpdir(), "cclink-code-cache-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const bundle = join(dir, "bundle.cjs")
const cache = join(dir, "cache")
const loader = new URL("../../src/cli/codeCache.ts", import.meta.url).href

/** Loads a bundle in a new Node process through the code cache and returns what it exports as `value`. */
const load = (file = bundle): string =>
  execFileSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      `import { loadCached } from ${JSON.stringify(loader)}\n` +
      `console.log(loadCached(${JSON.stringify(file)}, "0.0.0-test").value)`
    ],
    { env: { ...process.env, XDG_CACHE_HOME: cache, CCLINK_NO_CODE_CACHE: "" }, encoding: "utf8" }
  ).trim()

const write = (value: string, mtime: Date) => {
  writeFileSync(bundle, `module.exports = { value: ${JSON.stringify(value)} }\n`)
  utimesSync(bundle, mtime, mtime)
}

describe("the code cache", () => {
  it("is written on the first run, read on the next, and never serves an older build of the same length", () => {
    write("first build", new Date(Date.now() - 60_000))
    expect(load()).toBe("first build")
    const caches = readdirSync(join(cache, "cclink"))
    expect(caches).toHaveLength(1)
    expect(load()).toBe("first build")

    write("newer build", new Date())
    expect(load()).toBe("newer build")
    // The earlier build's cache is gone, the new one in its place.
    const after = readdirSync(join(cache, "cclink"))
    expect(after).toHaveLength(1)
    expect(after).not.toEqual(caches)
  })

  it("keeps one cache per install: two copies of one version do not evict each other", () => {
    const other = join(dir, "other.cjs")
    writeFileSync(other, "module.exports = { value: \"other install\" }\n")
    const before = readdirSync(join(cache, "cclink"))
    expect(load(other)).toBe("other install")
    expect(readdirSync(join(cache, "cclink"))).toEqual(expect.arrayContaining(before))
    expect(readdirSync(join(cache, "cclink"))).toHaveLength(before.length + 1)
  })
})
