/**
 * The words of a command line against the command's options, before
 * @effect/cli parses them. Left to itself, @effect/cli reads an unknown
 * `--flag` after a command as the positional argument (`pickup --bogus`:
 * "Invalid public key") or ignores it (`whoami --jsn` prints text, not JSON);
 * reads `--relay=URL`, the `=` form of a repeated option, as a positional
 * argument too; and ignores a word too many. Each command's usage names every
 * option it has, whether a value follows it, and how many arguments it takes.
 */
import { AutoCorrect, CliConfig, CommandDescriptor } from "@effect/cli"
import type { Usage } from "@effect/cli/Usage"
import { Either, HashMap, Option } from "effect"
import { isArgument, namedIn } from "./usage.js"

/** Option name -> whether a value follows it. */
type Known = ReadonlyMap<string, boolean>

/** How many positional arguments a usage takes: Infinity when one repeats. */
const positionalsOf = (usage: Usage): number => {
  const args = namedIn(usage).filter(isArgument)
  return args.some((arg) => arg.repeated) ? Infinity : args.length
}

/** @effect/cli's own options that cclink refuses as unknown: neither does anything useful here. */
export const REFUSED_BUILT_IN: ReadonlyArray<string> = ["--wizard", "--log-level"]

/**
 * @effect/cli's own options that cclink keeps, which every command accepts
 * (the root help lists them); all but `REFUSED_BUILT_IN`.
 */
export const BUILT_IN: Known = new Map([
  ["--help", false],
  ["-h", false],
  ["--version", false],
  ["--completions", true]
])

/** Every option a command's parser takes (its own and `BUILT_IN`), and whether a value follows each. */
export const knownOptions = (descriptor: CommandDescriptor.Command<unknown>): Known =>
  new Map([
    ...BUILT_IN,
    ...namedIn(CommandDescriptor.getUsage(descriptor)).flatMap((named) =>
      named.names.filter((name) => name.startsWith("-")).map((name) => [name, Option.isSome(named.value)] as const)
    )
  ])

/** A long option at most two edits away, for "did you mean". */
const closest = (word: string, known: Known): Option.Option<string> => {
  let best: Option.Option<string> = Option.none()
  let distance = 3
  if (!word.startsWith("--")) return best
  for (const name of known.keys()) {
    const d = AutoCorrect.levensteinDistance(word, name, CliConfig.defaultConfig)
    if (d < distance) [best, distance] = [Option.some(name), d]
  }
  return best
}

/**
 * `args` (argv without node and the script) with each `--name=value` of a
 * known option split in two, or the message for the first unknown option.
 * `cclink` without a subcommand is `cclink publish`; nothing after `--` is
 * an option, and a lone `-` is a value (stdin).
 */
export const checkOptions = (
  subcommands: HashMap.HashMap<string, CommandDescriptor.Command<unknown>>,
  args: ReadonlyArray<string>
): Either.Either<Array<string>, string> => {
  const named = HashMap.get(subcommands, args[0] ?? "")
  const command = Option.isSome(named) ? `cclink ${args[0]}` : "cclink"
  const descriptor = Option.getOrUndefined(Option.orElse(named, () => HashMap.get(subcommands, "publish")))
  if (descriptor === undefined) return Either.right([...args])
  const known = knownOptions(descriptor)
  const positionals = positionalsOf(CommandDescriptor.getUsage(descriptor))
  const checked = Option.isSome(named) ? [args[0]!] : []
  let given = 0
  const tooMany = (arg: string) => Either.left(`Unexpected argument "${arg}". See \`${command} --help\`.`)
  for (let i = checked.length; i < args.length; i++) {
    const arg = args[i]!
    if (arg === "--") {
      const rest = args.slice(i + 1)
      if (given + rest.length > positionals) return tooMany(rest[positionals - given]!)
      return Either.right([...checked, ...args.slice(i)])
    }
    if (!arg.startsWith("-") || arg === "-") {
      if (++given > positionals) return tooMany(arg)
      checked.push(arg)
      continue
    }
    const equals = arg.indexOf("=")
    const name = equals === -1 ? arg : arg.slice(0, equals)
    const takesValue = known.get(name)
    if (takesValue === undefined) {
      const hint = Option.match(closest(name, known), { onNone: () => "", onSome: (near) => ` Did you mean ${near}?` })
      return Either.left(`Unknown option ${name} for \`${command}\`.${hint} See \`${command} --help\`.`)
    }
    if (!takesValue) {
      checked.push(arg)
    } else if (equals !== -1) {
      checked.push(name, arg.slice(equals + 1))
    } else if (i + 1 < args.length) {
      checked.push(arg, args[i + 1]!)
      i++
    } else {
      return Either.left(`The option ${name} needs a value. See \`${command} --help\`.`)
    }
  }
  return Either.right(checked)
}
