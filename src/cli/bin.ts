#!/usr/bin/env node
/**
 * The `cclink` executable. `--version` answers without loading the command
 * tree; everything else loads it (one bundle chunk) and exits with its code.
 */
import { VERSION } from "./version.js"

const args = process.argv.slice(2)
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v")) {
  process.stdout.write(`${VERSION}\n`)
} else {
  const { main } = await import("./main.js")
  process.exitCode = await main(process.argv)
}
