/**
 * Child processes for tests that need a real process: one that is killed,
 * given extra file descriptors, or run in a terminal. The script is bundled
 * once (esbuild, through tsup's dependency) so each start costs a plain
 * `node` start instead of compiling the TypeScript import graph again.
 */
import { build } from "esbuild"
import { spawn, type SpawnOptions } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { NATIVE_ADDONS } from "../../tsup.config.js"

/** Inside the repository, so the native addons left outside the bundle resolve from its node_modules. */
const CACHE = fileURLToPath(new URL("../../node_modules/.cache", import.meta.url))

export interface Bundle {
  readonly path: string
  readonly remove: () => void
}

export const bundle = async (entry: string): Promise<Bundle> => {
  mkdirSync(CACHE, { recursive: true })
  const folder = mkdtempSync(join(CACHE, "cclink-child-"))
  const path = join(folder, "child.mjs")
  await build({
    entryPoints: [entry],
    outfile: path,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external: [...NATIVE_ADDONS],
    // hash-wasm and friends are CommonJS: give the bundle a `require`.
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: "error"
  })
  return { path, remove: () => rmSync(folder, { recursive: true, force: true }) }
}

export interface Finished {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

/** Starts `node <script> ...args`; `onStdout` sees the output as it grows. */
export const start = (
  script: string,
  args: ReadonlyArray<string>,
  options: SpawnOptions & { readonly onStdout?: (stdout: string) => void } = {}
) => {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"], ...options })
  let stdout = ""
  let stderr = ""
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString()
    options.onStdout?.(stdout)
  })
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  const finished = new Promise<Finished>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }))
  )
  return { child, finished }
}
