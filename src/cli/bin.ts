#!/usr/bin/env node
/**
 * The `cclink` executable: a small loader. `--version` and `--help` answer
 * at once (the help texts are rendered by @effect/cli at build time);
 * `whoami` runs without the parser (./direct.ts); everything else runs the
 * command line's bundle. Both bundles load through V8's code cache.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { loadCached } from "./codeCache.js"
import { colours, stripAnsi } from "./style.js"
import { VERSION } from "./version.js"

const args = process.argv.slice(2)

/** Exact command lines that src/cli/direct.ts runs without the parser. */
const DIRECT = new Set(["whoami", "whoami --json"])

/** `--help` alone or after one subcommand name: the stored text, if there is one. */
const storedHelp = (): string | undefined => {
  const last = args[args.length - 1]
  if (args.length > 2 || (last !== "--help" && last !== "-h")) return undefined
  try {
    const texts = JSON.parse(readFileSync(new URL("./help.json", import.meta.url), "utf8")) as Record<string, string>
    return texts[args.length === 2 ? args[0]! : ""]
  } catch {
    return undefined
  }
}

const help = storedHelp()
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  process.stdout.write(`${VERSION}\n`)
} else if (help !== undefined) {
  process.stdout.write(`${colours(process.stdout) ? help : stripAnsi(help)}\n`)
} else if (DIRECT.has(args.join(" "))) {
  const bundle = fileURLToPath(new URL("./direct.cjs", import.meta.url))
  const { runDirect } = loadCached<typeof import("./direct.js")>(bundle, `direct-${VERSION}`)
  process.exitCode = await runDirect(args)
} else {
  const bundle = fileURLToPath(new URL("./cclink.cjs", import.meta.url))
  const { main } = loadCached<typeof import("./main.js")>(bundle, VERSION)
  process.exitCode = await main(process.argv)
}
