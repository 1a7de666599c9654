/**
 * The help texts against the parser they describe: every option a command's
 * parser takes is in its help and every option its help lists is taken;
 * arguments likewise; all of them in brackets on the usage line; one line
 * per option (an option too long for the column stands on its own, its text
 * on the next), no filler, and short enough to read (the root help at most
 * 50 lines, a command's at most 70, no line past a terminal's 80 columns).
 * The defaults it shows are the parser's, and it names every variable cclink
 * reads. The built binary's texts are compared with these in basics.test.ts.
 */
import { CliConfig, CommandDescriptor, Options } from "@effect/cli"
import { NodeContext } from "@effect/platform-node"
import { Effect, HashMap, Option } from "effect"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"
import { withOptionalValues } from "../../src/cli/argv.js"
import { BUILT_IN, knownOptions } from "../../src/cli/checkOptions.js"
import { BARE_WAIT } from "../../src/cli/commands/pickup.js"
import { ENVIRONMENT, OPTION_COLUMN, WIDTH } from "../../src/cli/help.js"
import { commands as commandModules, HELP_PATHS, renderHelp, subcommands } from "../../src/cli/main.js"
import { stripAnsi } from "../../src/cli/style.js"
import { argumentNames } from "../../src/cli/usage.js"

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

/** An entry of a two-column section: its left cell and its text, however many lines they take. */
interface Row {
  readonly left: string
  readonly text: string
  readonly lines: ReadonlyArray<string>
}

/** The entries of one section: a line indented by two starts one, a line indented further goes on with it. */
const rows = (text: string, name: string): Array<Row> =>
  section(text, name).reduce<Array<Row>>((found, line) => {
    if (/^ {2}\S/.test(line)) {
      const [left, ...texts] = line.trim().split(/ {2,}/)
      return [...found, { left: left!, text: texts.join("  "), lines: [line] }]
    }
    const last = found.at(-1)!
    return [...found.slice(0, -1), {
      ...last,
      text: `${last.text} ${line.trim()}`.trim(),
      lines: [...last.lines, line]
    }]
  }, [])

/** The option names of the rows in the option sections: `-y, --yes` gives both. */
const optionsListed = (text: string, sections: ReadonlyArray<string>): Array<string> =>
  sections.flatMap((name) => rows(text, name)).flatMap((row) => row.left.split(", ").map((name) => name.split(" ")[0]!))

const OPTION_SECTIONS = ["Handoff", "Key", "Secrets", "Network", "General"]

const descriptorOf = (path: string) => Option.getOrThrow(HashMap.get(subcommands, path))

/** The positional arguments a command's parser takes, as the help names them. */
const argumentsOf = (path: string): Array<string> => argumentNames(CommandDescriptor.getUsage(descriptorOf(path)))

describe("each command's help", () => {
  it.each(commands)("cclink %s: lists exactly the options its parser takes, and no more", (path) => {
    const parser = [...knownOptions(descriptorOf(path)).keys()].filter((name) => !BUILT_IN.has(name))
    const listed = optionsListed(help(path), OPTION_SECTIONS)
    expect(new Set(listed).size).toBe(listed.length)
    expect([...listed].sort()).toEqual([...parser].sort())
  })

  it.each(commands)("cclink %s: lists exactly its arguments", (path) => {
    const listed = rows(help(path), "Arguments").map((row) => row.left)
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

  it.each(commands)("cclink %s: values in capitals, no filler, at most 70 lines of at most 80 columns", (path) => {
    const text = help(path)
    const lines = text.split("\n")
    expect(lines.length).toBeLessThanOrEqual(70)
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(WIDTH)
    for (const filler of ["A user-defined piece of text", "This setting is optional", "A true or false value"]) {
      expect(text).not.toContain(filler)
    }
    for (const row of OPTION_SECTIONS.flatMap((name) => rows(text, name))) {
      // `--name VALUE`: a value named in capitals; then its help.
      expect(row.left, row.left).toMatch(/^(-\w, )?--[a-z-]+( \[?[A-Z][A-Z:[\],.]*\]?)?$/)
      expect(row.text, row.left).not.toBe("")
    }
    expect(text).toContain("Examples:\n  cclink")
  })

  it.each(commands)(
    "cclink %s: one line per option; one too long for the column alone, its text under the others'",
    (path) => {
      const text = help(path)
      const all = ["Arguments", ...OPTION_SECTIONS].flatMap((name) => rows(text, name))
      // Where every text starts: the others' column, however long the longest option.
      const column = 2 + Math.min(OPTION_COLUMN, Math.max(...all.map((row) => row.left.length))) + 2
      for (const row of all) {
        if (row.left.length > OPTION_COLUMN) {
          expect(row.lines[0], row.left).toBe(`  ${row.left}`)
          expect(row.lines[1]!.search(/\S/), row.left).toBe(column)
        } else {
          expect(row.lines, row.left).toHaveLength(1)
          expect(row.lines[0]!.indexOf(row.text), row.left).toBe(column)
        }
      }
    }
  )
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
      const shown = new Map(
        OPTION_SECTIONS.flatMap((name) => rows(help(path), name)).flatMap((row) => {
          const option = /(--[a-z-]+)/.exec(row.left)![1]!
          const value = /\(default ([^):]+)\)$/.exec(row.text)?.[1]
          return value === undefined ? [] : [[keyOf(option), value] as const]
        })
      )
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

  it("names every CCLINK_ variable cclink reads, and the README explains each variable it names", () => {
    const src = fileURLToPath(new URL("../../src", import.meta.url))
    const read = new Set(
      readdirSync(src, { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(".ts") && file !== join("cli", "help.ts"))
        .flatMap((file) => [...readFileSync(join(src, file), "utf8").matchAll(/CCLINK_[A-Z_]+/g)].map(([name]) => name))
    )
    // Variables src/ reads that are not for users, which the help leaves out: none today.
    const internal: ReadonlyArray<string> = []
    expect(read.size).toBeGreaterThan(5)
    const environment = text.slice(text.indexOf("Environment:")).replace(/\s+/g, " ")
    for (const name of read) if (!internal.includes(name)) expect(environment).toContain(` ${name}`)
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8")
    const explained = readme.slice(
      readme.indexOf("\n## Environment\n"),
      readme.indexOf("\n## ", readme.indexOf("\n## Environment\n") + 1)
    )
    for (const name of ENVIRONMENT) expect(explained).toContain(`| \`${name}`)
  })

  it("has examples and the exit codes, in at most 50 lines of at most 80 columns", () => {
    const lines = text.split("\n")
    expect(lines.length).toBeLessThanOrEqual(50)
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(WIDTH)
    expect(text).toContain("Examples:\n  cclink")
    // Carrying the conversation is what a colleague without a copy needs: shown before any command's help.
    expect(section(text, "Examples").map((line) => line.trim().split(/ {2,}/)[0])).toContain("cclink --carry")
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7]) {
      expect(section(text, "Exit codes").join(" ")).toMatch(new RegExp(`\\b${code} \\w`))
    }
  })
})
