/**
 * The command tree and how it runs: parse, call services, print; every
 * failure becomes one or two plain lines on stderr and its exit code, never a
 * stack trace.
 */
import { Command, ValidationError } from "@effect/cli"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { Cause, Console, Effect, Exit, Fiber, Layer, Option } from "effect"
import type { CclinkError } from "../domain/errors.js"
import * as doctor from "./commands/doctor.js"
import * as init from "./commands/init.js"
import * as list from "./commands/list.js"
import * as pickup from "./commands/pickup.js"
import * as publish from "./commands/publish.js"
import * as revoke from "./commands/revoke.js"
import * as testnet from "./commands/testnet.js"
import * as whoami from "./commands/whoami.js"
import { withOptionalValues } from "./argv.js"
import { ExitCode, exitCodeOf } from "./exitCode.js"
import { findInlineSecret } from "./inlineSecrets.js"
import { lazy } from "./lazy.js"
import { withPlainConsole } from "./plainConsole.js"
import { red } from "./style.js"
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

/** What @effect/cli needs: files, paths, the terminal. Each handler brings its own services (./layers.ts). */
const Platform = Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer)

const isCclinkError = (error: unknown): error is CclinkError =>
  typeof error === "object" && error !== null && "_tag" in error && "message" in error

const report = (message: string) => {
  process.stderr.write(`${red(process.stderr)("cclink:")} ${message.split("\n").join("\n  ")}\n`)
}

/** What an exit means for the process: the exit code, after printing any error. */
const conclude = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit)) return typeof process.exitCode === "number" ? process.exitCode : ExitCode.Ok
  if (Cause.isInterruptedOnly(exit.cause)) return 130
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    // @effect/cli has already printed the usage problem and the help.
    if (ValidationError.isValidationError(error)) return ExitCode.Error
    if (isCclinkError(error)) {
      report(error.message)
      return exitCodeOf(error)
    }
  }
  const defect = Cause.squash(exit.cause)
  report(`unexpected error: ${defect instanceof Error ? defect.message : String(defect)}`)
  if (process.env.CCLINK_DEBUG === "1") process.stderr.write(`${Cause.pretty(exit.cause)}\n`)
  return ExitCode.Error
}

/** Subcommands whose help the build renders ahead of time (`""` is the root). */
export const HELP_PATHS = ["", "publish", "pickup", "init", "whoami", "list", "revoke", "testnet", "doctor"] as const

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
  const fiber = Effect.runFork(cli(withOptionalValues(argv)).pipe(withPlainConsole, Effect.provide(Platform)))
  // Ctrl-C and `kill` interrupt the program, so scopes close: sockets, temp
  // files and terminal modes are released before the process exits.
  const interrupt = () => Effect.runFork(Fiber.interrupt(fiber))
  process.once("SIGINT", interrupt)
  process.once("SIGTERM", interrupt)
  return Effect.runPromise(Fiber.await(fiber)).then((exit) => {
    process.off("SIGINT", interrupt)
    process.off("SIGTERM", interrupt)
    return conclude(exit)
  })
}
