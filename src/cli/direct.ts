/**
 * Commands run without the command-line parser. `cclink whoami` (and
 * `whoami --json`) take no value, so the exact words are enough to know what
 * to do; skipping @effect/cli, which is most of the bundle evaluated at start,
 * makes them start about twice as fast. The handler, its services and its
 * errors are the same as through the parser; anything else goes there.
 */
import { Effect, Option } from "effect"
import * as whoami from "./handlers/whoami.js"
import { runCommand } from "./outcome.js"

/** The exit code, or undefined when these words are not a direct command. */
export const runDirect = (args: ReadonlyArray<string>): Promise<number> | undefined => {
  const json = args.length === 2 && args[1] === "--json"
  if (args[0] !== "whoami" || !(args.length === 1 || json)) return undefined
  return runCommand(
    Effect.suspend(() => whoami.run({ json, passphraseFile: Option.none(), passphraseFd: Option.none() }))
  )
}
