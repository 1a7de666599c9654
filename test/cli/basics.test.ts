/**
 * What every command owes its user whatever it does: help with examples, the
 * version, usage errors without stack traces, colour only on a terminal and
 * never with NO_COLOR, and a network failure that ends in time with exit 6.
 */
import { randomUUID } from "node:crypto"
import { existsSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { HELP_PATHS, renderHelp } from "../../src/cli/main.js"
import { stripAnsi } from "../../src/cli/style.js"
import { MAX_NODES } from "../../src/dht/testnetSize.js"
import { closedPort } from "../support/udp.js"
import { jsonOf, run, start } from "./support/cli.js"
import { makeMachine, makePair, useRoot } from "./support/machines.js"
import { onTerminal } from "./support/terminal.js"

const root = useRoot()

const plain = () => makeMachine(root, `plain-${randomUUID().slice(0, 8)}`)
const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  readonly version: string
}

describe("help and version", () => {
  it("--version prints the package version alone", async () => {
    const m = plain()
    for (const flag of ["--version", "-v"]) {
      const result = await m.run([flag])
      expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" })
    }
  })

  // Every command the build renders help for, so a new command is covered as soon as it exists.
  const commands = HELP_PATHS.map((path) => (path === "" ? "cclink" : `cclink ${path}`))

  it.each(commands)("%s --help: the help made from the command definitions, on stdout", async (command) => {
    const path = command.split(" ").slice(1)
    const result = await run([...path, "--help"], { env: plain().env })
    expect(result).toMatchObject({ code: 0, stderr: "", stdout: `${stripAnsi(renderHelp(path[0] ?? ""))}\n` })
    expect(result.stdout).toMatch(/^(Usage: cclink|cclink \d)/)
    expect(result.stdout).toMatch(/Examples:\n {2}(\S+=\S+ )?cclink/)
  })

  // `--help` alone prints the text rendered at build time; with other words around it, the
  // command line parses them first. Both must read the same.
  it.each(commands)("%s --help stored at build time is what the command line prints", async (command) => {
    const env = plain().env
    const args = command.split(" ").slice(1)
    const stored = await run([...args, "--help"], { env })
    const live = await run([...args, "-h", "--help"], { env })
    expect(live.code).toBe(0)
    expect(stored.stdout).toBe(live.stdout)
  })

  it("@effect/cli's --wizard and --log-level are refused, --completions kept", async () => {
    const m = plain()
    for (const args of [["--wizard"], ["pickup", "--log-level", "info"]]) {
      const refused = await m.run(args)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain(`Unknown option ${args.at(-1) === "info" ? "--log-level" : "--wizard"}`)
    }
    const completions = await m.run(["--completions", "bash"])
    expect(completions.code).toBe(0)
    expect(completions.stdout).toContain("_cclink_bash_completions")
  })

  it.each(["bash", "sh", "fish", "zsh"])("--completions %s offers every option but the refused ones", async (shell) => {
    const { code, stdout } = await plain().run(["pickup", `--completions=${shell}`])
    expect(code).toBe(0)
    for (const offered of ["carry-bootstrap", "no-launch", "passphrase-fd", "completions", "version"]) {
      expect(stdout).toContain(offered)
    }
    expect(stdout).not.toMatch(/wizard|log-level/)
  })

  it("--completions of a shell it has no script for is a usage error in one line", async () => {
    const { code, stderr, stdout } = await plain().run(["--completions", "tcsh"])
    expect({ code, stdout }).toEqual({ code: 1, stdout: "" })
    expect(stderr).toBe("cclink: --completions: no script for \"tcsh\"; use bash, fish, sh, zsh.\n")
  })

  it("a usage error is exit 1 with a message and no stack trace", async () => {
    const m = plain()
    const unknown = await m.run(["publish", "--no-such-option"])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(
      "cclink: Unknown option --no-such-option for `cclink publish`. See `cclink publish --help`.\n"
    )

    // What the parser finds reads as every other error: one line after "cclink:".
    const notANumber = await m.run(["whoami", "--passphrase-fd", "three"])
    expect(notANumber).toMatchObject({ code: 1, stdout: "", stderr: "cclink: 'three' is not a integer\n" })
    const folder = await m.run(["whoami", "--passphrase-file", m.home])
    expect(folder.stderr).toBe(`cclink: Expected path '${m.home}' to be a regular file\n`)
    const extra = await m.run(["list", "pk:" + "y".repeat(52), "extra"])
    expect(extra.stderr).toBe("cclink: Unexpected argument \"extra\". See `cclink list --help`.\n")
    const noValue = await m.run(["--ttl"])
    expect(noValue.stderr).toBe("cclink: The option --ttl needs a value. See `cclink --help`.\n")

    const badTtl = await m.run(["--ttl", "45s"])
    expect(badTtl.code).toBe(1)
    expect(badTtl.stderr).toContain("--ttl must be between 1m and 30d")

    const { a } = makePair(root, ["127.0.0.1:9"])
    const badTimeout = await a.run(["pickup", "--timeout", "soon"])
    expect(badTimeout.code).toBe(1)
    expect(badTimeout.stderr).toContain("--timeout")
  })
})

describe("unknown options", () => {
  // @effect/cli alone read these as the positional argument or ignored them: each hid a typo.
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [["whoami", "--jsn"], "Unknown option --jsn for `cclink whoami`. Did you mean --json? See `cclink whoami --help`."],
    [["pickup", "--bogus"], "Unknown option --bogus for `cclink pickup`. See `cclink pickup --help`."],
    [["list", "--bogus"], "Unknown option --bogus for `cclink list`. See `cclink list --help`."],
    [["init", "--no-pasphrase"], "Unknown option --no-pasphrase for `cclink init`. Did you mean --no-passphrase?"],
    [["--tll", "1h"], "Unknown option --tll for `cclink`. Did you mean --ttl?"],
    [["pickup", "-x"], "Unknown option -x for `cclink pickup`. See `cclink pickup --help`."]
  ]

  it.each(cases)("cclink %j: exit 1 with the option named, nothing done", async (args, message) => {
    const m = plain()
    const result = await m.run(args)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain(`cclink: ${message}`)
    expect(existsSync(m.keyFile)).toBe(false)
  })

  it("values that look like options are values, and nothing after -- is an option", async () => {
    const m = plain()
    // `--import -` reads stdin; the session id after `--` reaches publish as its argument.
    const imported = await m.run(["init", "--import", "-", "--no-passphrase"], { input: "" })
    expect(imported.stderr).toContain("Cannot import the key: it is empty.")
    const afterDashes = await m.run(["publish", "--", "--not-an-option"])
    expect(afterDashes.stderr).toContain("Not a Claude Code session id")
  })

  it("--name=value works for every option taking a value, the repeated --relay included", async () => {
    const { a } = makePair(root, ["127.0.0.1:9"])
    const equals = await a.run(["pickup", "--relay=http://127.0.0.1:9", "--no-dht", "--timeout=1s"])
    const spaced = await a.run(["pickup", "--relay", "http://127.0.0.1:9", "--no-dht", "--timeout", "1s"])
    expect(equals.code).toBe(6)
    expect(equals.stderr).toContain("relay http://127.0.0.1:9")
    expect(equals).toMatchObject({ code: spaced.code, stderr: spaced.stderr })
  })
})

describe("colour", () => {
  // An error's `cclink:` prefix is red on a terminal: the shortest styled output there is.
  it("on a terminal the output is styled; NO_COLOR turns it off; a pipe never has it (checked on every run)", async () => {
    const m = plain()
    const styled = await onTerminal(["whoami"], { env: m.env, cwd: m.home })
    try {
      expect(await styled.exitCode()).toBe(5)
      // eslint-disable-next-line no-control-regex -- an ANSI style sequence starts with ESC
      expect(styled.screen({ escapes: true })).toMatch(/\u001b\[[0-9;]*m/)
    } finally {
      styled.close()
    }

    const noColor = await onTerminal(["whoami"], { env: { ...m.env, NO_COLOR: "1" }, cwd: m.home })
    try {
      expect(await noColor.exitCode()).toBe(5)
      const screen = noColor.screen({ escapes: true })
      expect(screen).toContain("cclink: No key at")
      // eslint-disable-next-line no-control-regex -- an ANSI style sequence starts with ESC
      expect(screen).not.toMatch(/\u001b\[[0-9;]*m/)
    } finally {
      noColor.close()
    }
  })
})

describe("an unreachable network", () => {
  it("publish, pickup, list and revoke end with exit 6 near the --timeout, never hanging", async () => {
    const port = await closedPort()
    const { project, a } = makePair(root, [`127.0.0.1:${port}`])
    const commands: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
      [[], project],
      [["pickup"], a.home],
      [["list"], a.home],
      [["revoke", "-y"], a.home]
    ]
    const results = await Promise.all(
      commands.map(([args, cwd]) => a.run([...args, "--timeout", "3s"], { cwd, deadlineMs: 30_000 }))
    )
    for (const [i, result] of results.entries()) {
      const label = commands[i]![0].join(" ") || "publish"
      expect(result.code, label).toBe(6)
      expect(result.stderr, label).toMatch(/^cclink: Network error: /)
      expect(result.stdout, label).toBe("")
      // Generous: three seconds of deadline, plus start-up on a busy machine.
      expect(result.ms, label).toBeLessThan(20_000)
    }
  })
})

describe("cclink testnet", () => {
  it("serves a local DHT that publish and pickup use, until Ctrl-C stops it", async () => {
    const m = plain()
    const testnet = await start(["testnet", "--nodes", "30", "--json"], { env: m.env })
    let stopped = false
    try {
      const { nodes, bootstrap } = JSON.parse(testnet.firstLine) as { nodes: number; bootstrap: Array<string> }
      expect(nodes).toBe(30)
      expect(bootstrap.length).toBeGreaterThan(0)
      for (const address of bootstrap) expect(address).toMatch(/^127\.0\.0\.1:\d+$/)

      const { project, sessionId, a, b } = makePair(root, bootstrap)
      expect((await a.run([], { cwd: project })).code).toBe(0)
      expect(jsonOf(await b.run(["pickup", "--no-launch", "--json"])).sessionId).toBe(sessionId)

      const ended = await testnet.stop("SIGINT")
      stopped = true
      expect(ended.code).toBe(130)
      expect(ended.stderr).toBe("")
    } finally {
      if (!stopped) await testnet.stop("SIGKILL").catch(() => {})
    }
  })

  it("refuses a network of no nodes, or of more than its bound, before starting any", async () => {
    const none = await plain().run(["testnet", "--nodes", "0"])
    expect(none.code).toBe(1)
    expect(none.stderr).toBe("cclink: A testnet needs at least one node, got 0.\n")
    const many = await plain().run(["testnet", "--nodes", String(MAX_NODES + 1)])
    expect(many.code).toBe(1)
    expect(many.stderr).toBe(`cclink: A testnet has at most ${MAX_NODES} nodes, got ${MAX_NODES + 1}.\n`)
  })
})
