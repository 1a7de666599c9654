/**
 * The command tree and how it runs: parse, call services, print; every
 * failure becomes one or two plain lines on stderr and its exit code, never a
 * stack trace.
 */
import { Command, ValidationError } from "@effect/cli"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
import { Effect, Either, HashMap, Layer, Option } from "effect"
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
import { completionScript } from "./completions.js"
import type { About } from "./described.js"
import { ExitCode } from "./exitCode.js"
import { commandHelp, rootHelp } from "./help.js"
import { findInlineSecret } from "./inlineSecrets.js"
import { lazy } from "./lazy.js"
import { report, runCommand } from "./outcome.js"
import { withPlainConsole } from "./plainConsole.js"
import { colours, stripAnsi } from "./style.js"
import { checkUsage } from "./usageErrors.js"
import { VERSION } from "./version.js"

/** Every subcommand by name, in the order `cclink --help` lists them: its spec, help and command. */
export const commands = { publish, pickup, init, whoami, list, revoke, testnet, doctor }

const about: About = {
  summary: "hand a Claude Code session to another machine",
  examples: [
    ["cclink init", "create your key (once per identity)"],
    ["cclink", "publish the current session (machine A)"],
    ["cclink pickup", "resume it (machine B, same key)"],
    ["cclink pickup --wait", "or wait on B first, then publish on A"],
    ["cclink --share pk:<their key>", "hand it to someone else"],
    ["cclink --carry", "the conversation too, served from this machine"]
  ]
}

/** `cclink` alone publishes, as in the reference; `cclink publish` is the same command. */
const root = Command.make("cclink", publish.options, lazy(() => import("./handlers/publish.js"))).pipe(
  Command.withDescription(about.summary),
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
 * The help for `cclink <path> --help`, made from the command definitions
 * (./help.ts), with bold section titles. The build stores these texts so
 * `--help` alone answers without loading the command tree (src/cli/bin.ts).
 */
export const renderHelp = (path: string): string => {
  if (path === "") {
    return rootHelp(VERSION, Object.entries(commands).map(([name, { about, spec }]) => ({ name, about, spec })), about)
  }
  const { about: summary, spec } = commands[path as keyof typeof commands]
  // `cclink` alone publishes, so the word is optional there.
  return commandHelp(path === "publish" ? "cclink [publish]" : `cclink ${path}`, spec, summary)
}

/** Whether the words ask for help (before any `--`, after which nothing is an option). */
const asksForHelp = (args: ReadonlyArray<string>): boolean => {
  const end = args.indexOf("--")
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === "--help" || arg === "-h")
}

/** The value of `--completions` (before any `--`), when the words ask for a completion script. */
const completionsAsked = (args: ReadonlyArray<string>): string | undefined => {
  const end = args.indexOf("--")
  const at = (end === -1 ? args : args.slice(0, end)).indexOf("--completions")
  return at === -1 ? undefined : args[at + 1]
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
  if (asksForHelp(args.right)) {
    const path = HashMap.has(subcommands, args.right[0] ?? "") ? args.right[0]! : ""
    const help = renderHelp(path)
    process.stdout.write(`${colours(process.stdout) ? help : stripAnsi(help)}\n`)
    return Promise.resolve(ExitCode.Ok)
  }
  const shell = completionsAsked(args.right)
  if (shell !== undefined) {
    return Effect.runPromise(Effect.either(completionScript(root, shell))).then(Either.match({
      onLeft: (message) => {
        report(message)
        return ExitCode.Error
      },
      onRight: (script) => {
        process.stdout.write(`${script}\n`)
        return ExitCode.Ok
      }
    }))
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
