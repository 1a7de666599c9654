/**
 * The help texts against the parser they describe: every option a command's
 * parser takes is in its help and every option its help lists is taken;
 * arguments likewise; all of them in brackets on the usage line; one line
 * per option, no filler, and short enough to read (the root help at most 50
 * lines, a command's at most 70, no line past 90 columns). The built
 * binary's texts are compared with these in basics.test.ts.
 */
import { CliConfig, CommandDescriptor, Options } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Effect, HashMap, Option } from "effect"
import { describe, expect, it } from "vitest"
import { withOptionalValues } from "../../src/cli/argv.js"
import { BUILT_IN, knownOptions } from "../../src/cli/checkOptions.js"
import { BARE_WAIT } from "../../src/cli/commands/pickup.js"
import { commands as commandModules, HELP_PATHS, renderHelp, subcommands } from "../../src/cli/main.js"
import { stripAnsi } from "../../src/cli/style.js"

const help = (path: string) => stripAnsi(renderHelp(path))
const commands = HELP_PATHS.filter((path) => path !== "")

/** The rows of one section (`Handoff:` ... up to the blank line). */
const section = (text: string, name: string): Array<string> => {
  const lines = text.split("\n")
  const start = lines.indexOf(`${name}:`)
  if (start === -1) return []
  const end = lines.indexOf("", start)
  return lines.slice(start + 1, end === -1 ? undefined : end)
}

/** The option names of the rows in the option sections: `-y, --yes` gives both. */
const optionsListed = (text: string, sections: ReadonlyArray<string>): Array<string> =>
  sections.flatMap((name) => section(text, name)).flatMap((row) => {
    const left = row.trim().split(/ {2,}/)[0]!
    return left.split(", ").map((name) => name.split(" ")[0]!)
  })

const OPTION_SECTIONS = ["Handoff", "Key", "Secrets", "Network", "General"]

const descriptorOf = (path: string) => Option.getOrThrow(HashMap.get(subcommands, path))

/** The positional arguments a command's parser takes, as the help names them. */
const argumentsOf = (path: string): Array<string> => {
  const names: Array<string> = []
  const walk = (usage: ReturnType<typeof CommandDescriptor.getUsage>): void => {
    switch (usage._tag) {
      case "Named":
        for (const name of usage.names) if (name.startsWith("<")) names.push(name.slice(1, -1))
        return
      case "Optional":
      case "Repeated":
        return walk(usage.usage)
      case "Alternation":
      case "Concat":
        walk(usage.left)
        return walk(usage.right)
      default:
        return
    }
  }
  walk(CommandDescriptor.getUsage(descriptorOf(path)))
  return names.filter((name) => name !== path)
}

describe("each command's help", () => {
  it.each(commands)("cclink %s: lists exactly the options its parser takes, and no more", (path) => {
    const parser = [...knownOptions(descriptorOf(path)).keys()].filter((name) => !BUILT_IN.has(name))
    const listed = optionsListed(help(path), OPTION_SECTIONS)
    expect(new Set(listed).size).toBe(listed.length)
    expect([...listed].sort()).toEqual([...parser].sort())
  })

  it.each(commands)("cclink %s: lists exactly its arguments", (path) => {
    const listed = section(help(path), "Arguments").map((row) => row.trim().split(/ {2,}/)[0]!)
    expect(listed).toEqual(argumentsOf(path))
  })

  it.each(commands)("cclink %s: every option and argument in brackets on the usage line", (path) => {
    const text = help(path)
    const usage = text.slice(0, text.indexOf("\n\n")).replace(/\s+/g, " ")
    for (const name of optionsListed(text, OPTION_SECTIONS).filter((name) => name.startsWith("--"))) {
      expect(usage).toContain(`[${name}`)
    }
    for (const name of argumentsOf(path)) expect(usage).toContain(`[${name}]`)
    // Nothing outside brackets but the command itself.
    expect(usage.replace(/\[[^[\]]*(\[[^[\]]*\][^[\]]*)*\](\.\.\.)?/g, "").trim()).toMatch(
      /^Usage: cclink( \w+)?$/
    )
  })

  it.each(commands)("cclink %s: one line per option, values in capitals, no filler, at most 70 lines", (path) => {
    const text = help(path)
    const lines = text.split("\n")
    expect(lines.length).toBeLessThanOrEqual(70)
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(90)
    for (const filler of ["A user-defined piece of text", "This setting is optional", "A true or false value"]) {
      expect(text).not.toContain(filler)
    }
    for (const row of OPTION_SECTIONS.flatMap((name) => section(text, name))) {
      // `--name VALUE   help`: a value named in capitals, then the help, on the same line.
      expect(row, row).toMatch(/^ {2}(-\w, )?--[a-z-]+( \[?[A-Z][A-Z:[\],.]*\]?)? {2,}\S/)
    }
    expect(text).toContain("Examples:\n  cclink")
  })
})

/** What each option's parser takes from an empty command line, by spec key (`noDht`). */
const parsedFromNothing = (path: string) => {
  const { spec } = commandModules[path as keyof typeof commandModules]
  const options = Object.fromEntries(
    Object.entries(spec).flatMap(([key, described]) =>
      described.group === undefined ? [] : [[key, described.parser as Options.Options<unknown>]]
    )
  )
  return Effect.runPromise(
    Options.parse(Options.all(options), HashMap.empty(), CliConfig.defaultConfig).pipe(
      Effect.provide(NodeContext.layer)
    )
  ) as Promise<Record<string, unknown>>
}

/** `--no-dht` -> `noDht`: how the specs name their options. */
const keyOf = (option: string) =>
  option.replace(/^--/, "").replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())

describe("the defaults each command's help shows", () => {
  it.each(commands)(
    "cclink %s: each is what the parser takes from an empty command line, and none is missing",
    async (path) => {
      const parsed = await parsedFromNothing(path)
      const rows = OPTION_SECTIONS.flatMap((name) => section(help(path), name))
      const shown = new Map(rows.flatMap((row) => {
        const match = /^ {2}(?:-\w, )?(--[a-z-]+).*\(default ([^):]+)\)$/.exec(row)
        return match === null ? [] : [[keyOf(match[1]!), match[2]!] as const]
      }))
      for (const [key, value] of shown) expect(String(parsed[key]), key).toBe(value)
      // A value the parser takes unasked (a string or a number; not false, none or an empty list) is shown.
      for (const [key, value] of Object.entries(parsed)) {
        if (typeof value === "string" || typeof value === "number") expect(shown.get(key), key).toBe(String(value))
      }
    }
  )

  it("pickup: --wait alone waits as long as the help says", () => {
    expect(help("pickup")).toContain(`(--wait alone: ${BARE_WAIT})`)
    expect(withOptionalValues(["pickup", "--wait"])).toEqual(["pickup", `--wait=${BARE_WAIT}`])
  })
})

describe("cclink --help", () => {
  const text = help("")

  it("lists every command once, one line each, with its summary", () => {
    const rows = section(text, "Commands")
    expect(rows.map((row) => row.trim().split(/ {2,}/)[0])).toEqual(
      expect.arrayContaining(commands)
    )
    expect(rows).toHaveLength(commands.length)
  })

  it("lists only options the parser takes, and every option @effect/cli adds", () => {
    const listed = optionsListed(text, ["Common options"])
    const taken = new Set(commands.flatMap((path) => [...knownOptions(descriptorOf(path)).keys()]))
    // `-v` is the loader's alone (src/cli/bin.ts).
    for (const name of listed.filter((name) => name !== "-v")) expect(taken.has(name), name).toBe(true)
    for (const name of BUILT_IN.keys()) expect(listed).toContain(name)
  })

  it("has examples and the exit codes, in at most 50 lines of at most 90 columns", () => {
    const lines = text.split("\n")
    expect(lines.length).toBeLessThanOrEqual(50)
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(90)
    expect(text).toContain("Examples:\n  cclink")
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7]) {
      expect(section(text, "Exit codes").join(" ")).toMatch(new RegExp(`\\b${code} \\w`))
    }
  })
})
