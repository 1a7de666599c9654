/**
 * vitest globalSetup of the hostile suite: each test file records its figures
 * in a folder of this run (one file per section, so the two worker processes
 * never write the same file), and the teardown merges them into
 * test/hostile/figures.json, keeping the sections of files this run did not
 * execute, and prints them for the log.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { GlobalSetupContext } from "vitest/node"

export const FIGURES_FILE = fileURLToPath(new URL("../figures.json", import.meta.url))

declare module "vitest" {
  export interface ProvidedContext {
    readonly figuresDir: string
  }
}

export default function setup({ provide }: GlobalSetupContext) {
  const dir = mkdtempSync(join(tmpdir(), "cclink-figures-"))
  provide("figuresDir", dir)
  return () => {
    const sections = Object.fromEntries(
      readdirSync(dir)
        .filter((name) => name.endsWith(".json"))
        .map((name) => [name.slice(0, -".json".length), JSON.parse(readFileSync(join(dir, name), "utf8"))])
    )
    rmSync(dir, { recursive: true, force: true })
    if (Object.keys(sections).length === 0) return
    const previous = existsSync(FIGURES_FILE) ? JSON.parse(readFileSync(FIGURES_FILE, "utf8")) : {}
    const merged = { ...previous, ...sections }
    const sorted = Object.fromEntries(Object.keys(merged).sort().map((key) => [key, merged[key]]))
    writeFileSync(FIGURES_FILE, `${JSON.stringify(sorted, null, 2)}\n`)
    process.stdout.write(`\nHostile suite figures (${FIGURES_FILE}):\n${JSON.stringify(sections, null, 2)}\n`)
  }
}
