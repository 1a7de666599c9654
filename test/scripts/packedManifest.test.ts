/**
 * scripts/packed-manifest.mjs, npm pack's prepack and postpack: the tarball's
 * package.json without the repository's scripts, and the repository's put
 * back byte for byte. A pack cut short is never packed over. The whole
 * `npm pack` is in test/package/install.test.ts.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"

const root = mkdtempSync(join(tmpdir(), "cclink-packed-manifest-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))
const script = new URL("../../scripts/packed-manifest.mjs", import.meta.url).pathname

/** As the repository writes it: two-space indents, a final newline, fields in its order. */
const ORIGINAL = `{
  "name": "cclink",
  "version": "0.1.0",
  "bin": { "cclink": "dist/cli.cjs" },
  "scripts": { "prepare": "npm run build", "test": "vitest run" },
  "allowScripts": { "esbuild": false }
}
`

let dirs = 0
const project = () => {
  const dir = join(root, String(dirs++))
  mkdirSync(dir)
  writeFileSync(join(dir, "package.json"), ORIGINAL)
  return dir
}

const run = (dir: string, command: string) => {
  const done = spawnSync(process.execPath, [script, command], { cwd: dir, encoding: "utf8" })
  return { code: done.status, stderr: done.stderr }
}

const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>

describe("scripts/packed-manifest.mjs", () => {
  it("strip leaves out the scripts and allowScripts, and restore puts the original back byte for byte", () => {
    const dir = project()
    expect(run(dir, "strip").code).toBe(0)
    expect(manifest(dir)).toEqual({ name: "cclink", version: "0.1.0", bin: { cclink: "dist/cli.cjs" } })
    expect(readFileSync(join(dir, "package.json.packing"), "utf8")).toBe(ORIGINAL)
    expect(run(dir, "restore").code).toBe(0)
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(ORIGINAL)
    expect(existsSync(join(dir, "package.json.packing"))).toBe(false)
  })

  it("after a pack cut short, strip refuses in one line and leaves both files; restore mends it", () => {
    const dir = project()
    run(dir, "strip")
    const refused = run(dir, "strip")
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /^packed-manifest: package\.json\.packing holds the package\.json of a pack cut short/
    )
    expect(refused.stderr.trim().split("\n")).toHaveLength(1)
    expect(readFileSync(join(dir, "package.json.packing"), "utf8")).toBe(ORIGINAL)
    expect(run(dir, "restore").code).toBe(0)
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(ORIGINAL)
  })

  it("restore with nothing to restore changes nothing", () => {
    const dir = project()
    expect(run(dir, "restore").code).toBe(0)
    expect(readFileSync(join(dir, "package.json"), "utf8")).toBe(ORIGINAL)
  })
})
