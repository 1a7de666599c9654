/**
 * vitest globalSetup: builds the CLI the end-to-end tests run, once per test
 * run, before any test file starts.
 *
 * It is the project's own tsup build (same config, same bundle as dist/cli.js)
 * written to a folder of this run's own under node_modules/.cache rather than
 * to dist/: so the tests always run the current sources, even after an edit
 * without `npm run build`, and a `npm run build` started meanwhile (dist/ is
 * rewritten in place) can never pull a chunk from under a running test. Inside
 * the repository, so the bundle resolves packages exactly as dist/cli.js does.
 */
import { execFileSync } from "node:child_process"
import { rmSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    /** Absolute path of the built `cli.js` to run. */
    readonly cclinkCli: string
  }
}

const repo = fileURLToPath(new URL("../../..", import.meta.url))

export default function setup(project: TestProject) {
  const outDir = join(repo, "node_modules", ".cache", "cclink-e2e", String(process.pid))
  rmSync(outDir, { recursive: true, force: true })
  execFileSync("npx", ["tsup", "--silent", "--out-dir", outDir], { cwd: repo, stdio: ["ignore", "ignore", "inherit"] })
  project.provide("cclinkCli", join(outDir, "cli.js"))
  return () => rmSync(outDir, { recursive: true, force: true })
}
