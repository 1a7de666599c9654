/**
 * The command tree and how it runs: parse, call services, print; every
 * failure becomes one or two plain lines on stderr and its exit code, never a
 * stack trace.
 */
import { Command, ValidationError } from "@effect/cli"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { Console, Effect, Either, HashMap, Layer, Option } from "effect"
import { withOptionalValues } from "./argv.js"
import { checkOptions } from "./checkOptions.js"
import * as doctor from "./commands/doctor.js"
import * as init from "./commands/init.js"
import * as list from "./commands/list.js"
import * as pickup from "./commands/pickup.js"
import * as publish from "./commands/publish.js"
import * as revoke from "./commands/revoke.js"
import * as testnet from "./commands/testnet.js"
import * as whoami from "./commands/whoami.js"
import { ExitCode } from "./exitCode.js"
import { findInlineSecret } from "./inlineSecrets.js"
import { lazy } from "./lazy.js"
import { report, runCommand } from "./outcome.js"
import { withPlainConsole } from "./plainConsole.js"
import { checkUsage } from "./usageErrors.js"
import { VERSION } from "./version.js"

/** `cclink` alone publishes, as in the reference; `cclink publish` is the same command. */
const root = Command.make("cclink", publish.options, lazy(() => import("./handlers/publish.js"))).pipe(
  Command.withDescription(
    "Hand a Claude Code session to another machine over the Mainline DHT: no accounts, no servers,\n" +
      "only age ciphertext on the wire. Without a subcommand, publishes the current session.\n\n" +
      "Examples:\n" +
      "  cclink init            create your key (once per identity)\n" +
      "  cclink                 publish the current session (machine A)\n" +
      "  cclink pickup          resume it (machine B, same key)\n\n" +
      "Exit codes: 0 ok, 1 error, 2 expired, 3 bad signature, 4 passphrase/PIN/decryption,\n" +
      "5 not found, 6 network, 7 declined."
  ),
  Command.withSubcommands([
    publish.command,
    pickup.command,
    init.command,
    whoami.command,
    list.command,
    revoke.command,
    testnet.command,
    doctor.command
  ])
)

const cli = Command.run(root, { name: "cclink", version: VERSION })

/** Each subcommand by name, for the checks made before parsing. */
export const subcommands = Command.getSubcommands(root)

/** What @effect/cli needs: files, paths, the terminal. Each handler brings its own services (./layers.ts). */
const Platform = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)

/** The root (`""`) and every subcommand: the build renders their help ahead of time. */
export const HELP_PATHS: ReadonlyArray<string> = ["", ...[...HashMap.keys(subcommands)].sort()]

/**
 * @effect/cli's own help for `cclink <path> --help`, with its ANSI styles, as
 * it would print it. The build stores these texts so `--help` answers without
 * loading the command tree (src/cli/bin.ts).
 */
export const renderHelp = (path: string): Promise<string> => {
  const lines: Array<string> = []
  const argv = ["node", "cclink", ...(path === "" ? [] : [path]), "--help"]
  return Effect.runPromise(
    Console.consoleWith((console) =>
      Console.withConsole(cli(argv), { ...console, log: (...args) => Effect.sync(() => lines.push(args.join(" "))) })
    ).pipe(Effect.provide(Platform))
  ).then(() => lines.join("\n"))
}

/** Runs the CLI on `argv` (process.argv form) and resolves to the exit code. */
export const main = (argv: ReadonlyArray<string>): Promise<number> => {
  const inline = findInlineSecret(argv.slice(2))
  if (Option.isSome(inline)) {
    report(inline.value.message)
    return Promise.resolve(ExitCode.Secret)
  }
  const args = checkOptions(subcommands, withOptionalValues(argv.slice(2)))
  if (Either.isLeft(args)) {
    report(args.left)
    return Promise.resolve(ExitCode.Error)
  }
  return runCommand(
    checkUsage(root.descriptor, ["cclink", ...args.right]).pipe(
      Effect.zipRight(cli([...argv.slice(0, 2), ...args.right])),
      withPlainConsole,
      Effect.provide(Platform)
    ),
    // @effect/cli has already printed the usage problem and the help.
    ValidationError.isValidationError
  )
}
