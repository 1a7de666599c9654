/**
 * What the build must keep true of the command line's bundles, which tests
 * of behaviour would not notice (they would only get slower).
 */
import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { NATIVE_ADDONS } from "../../tsup.config.js"
import { builtCli } from "./support/build.js"

describe("the bundles", () => {
  it("load the native addons with require: a script run from V8's code cache cannot import() on Node 20", async () => {
    const dist = dirname(await builtCli())
    for (const bundle of ["cli.cjs", "cclink.cjs", "direct.cjs"]) {
      const source = readFileSync(join(dist, bundle), "utf8")
      expect(source, bundle).not.toMatch(/\bimport\(/)
    }
    for (const addon of NATIVE_ADDONS) {
      expect(readFileSync(join(dist, "cclink.cjs"), "utf8")).toContain(`require("${addon}")`)
    }
  })

  it("keep the Effect runtime out of the quick whoami (dist/direct.cjs): it would cost more than Node's own start", async () => {
    const dist = dirname(await builtCli())
    const direct = readFileSync(join(dist, "direct.cjs"), "utf8")
    expect(direct.length).toBeLessThan(40_000)
    // Effect's fiber runtime and layers register these keys when they load; the command tree has them.
    for (const marker of ["effect/FiberRef", "effect/Layer"]) {
      expect(direct).not.toContain(marker)
      expect(readFileSync(join(dist, "cclink.cjs"), "utf8")).toContain(marker)
    }
  })
})
