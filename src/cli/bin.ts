#!/usr/bin/env node
/**
 * The `cclink` executable: a small loader, built as CommonJS (Node loads a
 * CommonJS entry about 10 ms sooner than an ES module). `--version` and
 * `--help` answer at once (the help texts are rendered from the command
 * definitions at build time); `whoami` on a plaintext key answers without the Effect runtime
 * (./direct.ts); everything else runs the command line's bundle, loaded
 * through V8's code cache.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { loadCached } from "./codeCache.js"
import { colours, stripAnsi } from "./style.js"
import { VERSION } from "./version.js"

const args = process.argv.slice(2)

/** `--help` alone or after one subcommand name: the stored text, if there is one. */
const storedHelp = (): string | undefined => {
  const last = args[args.length - 1]
  if (args.length > 2 || (last !== "--help" && last !== "-h")) return undefined
  try {
    const texts = JSON.parse(readFileSync(join(__dirname, "help.json"), "utf8")) as Record<string, string>
    return texts[args.length === 2 ? args[0]! : ""]
  } catch {
    return undefined
  }
}

const quick = (): boolean => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a separate CommonJS bundle, loaded only when needed
  const { quickWhoami } = require(join(__dirname, "direct.cjs")) as typeof import("./direct.js")
  return quickWhoami(args, process.env)
}

const help = storedHelp()
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  process.stdout.write(`${VERSION}\n`)
} else if (help !== undefined) {
  process.stdout.write(`${colours(process.stdout) ? help : stripAnsi(help)}\n`)
} else if (args[0] !== "whoami" || !quick()) {
  const { main } = loadCached<typeof import("./main.js")>(join(__dirname, "cclink.cjs"), VERSION)
  void main(process.argv).then((code) => {
    process.exitCode = code
  })
}
