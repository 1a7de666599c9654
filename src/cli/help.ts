/**
 * The help texts, made from the command definitions (./described.ts): what
 * each option is called and whether it takes a value come from the
 * parser's own usage of it, so the help shows exactly what the parser
 * takes. One line per option, grouped; the usage line shows every option in
 * brackets, as all of cclink's are optional. Section titles are bold; the
 * printer strips styles where colour is off.
 */
import { Args, Options } from "@effect/cli"
import { Option } from "effect"
import { type About, type Described, type Group, GROUPS, type Spec } from "./described.js"
import { EXIT_CODES } from "./exitCode.js"
import { stripAnsi } from "./style.js"
import { namedIn } from "./usage.js"

/** A terminal's width: no line of help is longer. */
export const WIDTH = 80
/**
 * The option column's widest: an option longer than this stands on its own
 * line with its text on the next, rather than pushing every text right.
 */
export const OPTION_COLUMN = 22
/** Options of at least this many commands are the root help's common options. */
const COMMON = 3

/** The variables cclink reads, each explained in the README's Environment section. */
export const ENVIRONMENT = [
  "CCLINK_BOOTSTRAP",
  "CCLINK_CARRY_BOOTSTRAP",
  "CCLINK_RELAYS",
  "CCLINK_PASSPHRASE",
  "CCLINK_PIN",
  "CCLINK_KEY_FILE",
  "CCLINK_STATE_DIR",
  "CCLINK_DEBUG",
  "CCLINK_NO_CODE_CACHE",
  "CLAUDE_CONFIG_DIR",
  "NO_COLOR"
]

const title = (text: string) => `\u001b[1m${text}\u001b[22m`

interface Entry {
  /** `-y, --yes`, `--ttl DURATION`, `PUBKEY`. */
  readonly left: string
  /** `[-y]`, `[--relay URL]...`, `[PUBKEY]`. */
  readonly synopsis: string
  readonly group: Group | undefined
  readonly help: string
}

const isArgs = (parser: Described<unknown>["parser"]): parser is Args.Args<unknown> => Args.isArgs(parser)

const entryOf = (described: Described<unknown>): Entry => {
  const { parser } = described
  const usage = isArgs(parser) ? Args.getUsage(parser) : Options.getUsage(parser as Options.Options<unknown>)
  // A described option or argument names one thing.
  const { names, repeated, value: accepted } = namedIn(usage)[0]!
  const value = Option.getOrElse(accepted, () => "")
  // Short names first (`-y, --yes`); an argument's `<PUBKEY>` is shown bare.
  const shown = [...names].sort((a, b) => a.length - b.length).map((name) => name.replace(/^<(.*)>$/, "$1"))
  const left = `${shown.join(", ")}${value === "" ? "" : ` ${value}`}`
  const bare = `${shown.at(-1)}${value === "" ? "" : ` ${value}`}`
  const help = described.default === undefined ? described.help : `${described.help} (default ${described.default})`
  return { left, synopsis: `[${bare}]${repeated ? "..." : ""}`, group: described.group, help }
}

/**
 * Words in lines of at most `WIDTH` columns, `gap` between two on a line:
 * the first line starts with `prefix`, the others with `indent`.
 */
const wrap = (prefix: string, indent: string, words: ReadonlyArray<string>, gap = " "): Array<string> => {
  const lines: Array<string> = []
  let line = prefix
  let empty = true
  for (const word of words) {
    if (!empty && stripAnsi(line).length + gap.length + word.length > WIDTH) {
      lines.push(line)
      line = indent
      empty = true
    }
    line = empty ? `${line}${line === "" || line.endsWith(" ") ? "" : " "}${word}` : `${line}${gap}${word}`
    empty = false
  }
  return [...lines, line]
}

const widest = (cells: ReadonlyArray<string>) => Math.max(...cells.map((cell) => cell.length))

/** The column of `cells` (options): as wide as the widest, up to `OPTION_COLUMN`. */
const optionColumn = (cells: ReadonlyArray<string>) => Math.min(OPTION_COLUMN, widest(cells))

/**
 * Two columns, the left one `column` wide (its widest cell when not given).
 * A wider cell stands on its own line and its text starts the next; a text
 * too long for its line goes on under itself.
 */
const table = (
  rows: ReadonlyArray<readonly [string, string]>,
  column = widest(rows.map(([cell]) => cell))
): Array<string> => {
  const indent = " ".repeat(2 + column + 2)
  return rows.flatMap(([cell, text]) => {
    const words = text.split(" ")
    return cell.length > column
      ? [`  ${cell}`, ...wrap(indent, indent, words)]
      : wrap(`  ${cell.padEnd(column)}  `, indent, words)
  })
}

const examples = (about: About) => [title("Examples:"), ...table(about.examples)]

/**
 * `cclink <name> --help`: usage, summary, arguments and options by group,
 * examples. `command` is how it is typed (`cclink [publish]`).
 */
export const commandHelp = (command: string, spec: Spec, about: About): string => {
  const entries = Object.values(spec).map(entryOf)
  const width = optionColumn(entries.map((entry) => entry.left))
  const args = entries.filter((entry) => entry.group === undefined)
  const sections = (Object.keys(GROUPS) as Array<Group>).flatMap((group) => {
    const rows = entries.filter((entry) => entry.group === group)
    return rows.length === 0
      ? []
      : [title(`${GROUPS[group]}:`), ...table(rows.map((row) => [row.left, row.help]), width), ""]
  })
  const usage = wrap(`${title("Usage:")} ${command}`, "    ", [
    ...args.map((arg) => arg.synopsis),
    ...entries.filter((entry) => entry.group !== undefined).map((entry) => entry.synopsis)
  ])
  return [
    ...usage,
    "",
    `${about.summary[0]!.toUpperCase()}${about.summary.slice(1)}.`,
    "",
    ...(args.length === 0 ? [] : [title("Arguments:"), ...table(args.map((arg) => [arg.left, arg.help]), width), ""]),
    ...sections,
    ...examples(about)
  ].join("\n")
}

/** What @effect/cli answers on every command: listed once, in the root help. */
const BUILT_IN_HELP: ReadonlyArray<readonly [string, string]> = [
  ["-h, --help", "this help, or a command's: cclink <command> --help"],
  ["-v, --version", "print the version"],
  ["--completions SHELL", "print a completion script for bash, fish, sh or zsh"]
]

/** `cclink --help`: the commands, the options most of them share, examples and exit codes. */
export const rootHelp = (
  version: string,
  commands: ReadonlyArray<{ readonly name: string; readonly spec: Spec; readonly about: About }>,
  about: About
): string => {
  const seen = new Map<string, { entry: Entry; count: number }>()
  for (const { spec } of commands) {
    for (const described of Object.values(spec)) {
      if (described.group === undefined) continue
      const entry = entryOf(described)
      const known = seen.get(entry.left)
      seen.set(entry.left, { entry, count: (known?.count ?? 0) + 1 })
    }
  }
  const common = [...seen.values()].filter(({ count }) => count >= COMMON).map(({ entry }) => entry)
  const order = Object.keys(GROUPS)
  common.sort((a, b) => order.indexOf(a.group!) - order.indexOf(b.group!))
  const commonRows = [...common.map((entry): readonly [string, string] => [entry.left, entry.help]), ...BUILT_IN_HELP]
  return [
    ...wrap(
      "",
      "",
      `cclink ${version}: hand a Claude Code session to another machine over the Mainline DHT; no accounts, no servers, only age ciphertext on the wire.`
        .split(" ")
    ),
    "",
    `${title("Usage:")} cclink [SESSION_ID] [options]    publish the current session`,
    "       cclink <command> [options]",
    "",
    title("Commands:"),
    ...table(commands.map(({ about, name }) => [name, about.summary])),
    "",
    title("Common options:"),
    ...table(commonRows, optionColumn(commonRows.map(([cell]) => cell))),
    "",
    ...examples(about),
    "",
    title("Exit codes:"),
    ...wrap("  ", "  ", EXIT_CODES.map(([code, meaning]) => `${code} ${meaning}`), "   "),
    "",
    ...wrap(title("Environment:"), "  ", ENVIRONMENT.map((name, i) => i < ENVIRONMENT.length - 1 ? `${name},` : name))
  ].join("\n")
}
