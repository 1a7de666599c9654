/**
 * What the build must keep true of the command line's bundles, which tests
 * of behaviour would not notice (they would only get slower).
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { builtCli } from "./support/build.js"

describe("the bundles", () => {
  it("load the native Argon2 binding with require: a script run from V8's code cache cannot import() on Node 20", async () => {
    const dist = dirname(await builtCli())
    for (const bundle of ["cclink.cjs", "direct.cjs"]) {
      const source = readFileSync(join(dist, bundle), "utf8")
      expect(source, bundle).not.toMatch(/\bimport\(/)
    }
    expect(readFileSync(join(dist, "cclink.cjs"), "utf8")).toMatch(/require\("argon2"\)/)
  })
})
