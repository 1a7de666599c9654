/**
 * `cclink doctor`: one line per check (key, network, claude, sessions,
 * handoff), each failure with its fix on the next line; exit 0 only when all
 * pass; `--json` gives the same checks as one object for scripts.
 */
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { closedPort } from "../support/udp.js"
import { type LocalRelay, startLocalRelay } from "./support/beyond-network.js"
import { jsonOf } from "./support/cli.js"
import { makeMachine, makePair, useRoot } from "./support/machines.js"
import { useDht } from "./support/network.js"

const root = useRoot()
const dht = useDht(30)
let relay: LocalRelay

beforeAll(async () => {
  relay = await startLocalRelay()
})

afterAll(async () => {
  await relay?.close()
})

/** The checks of a text report: "ok  " or "FAIL", the name, the detail, and the fix line under a failure. */
const checksOf = (stdout: string) =>
  stdout.trimEnd().split("\n").reduce<Array<{ ok: boolean; name: string; detail: string; fix?: string }>>(
    (checks, line) => {
      const fix = /^ {15}fix: (.*)$/.exec(line)
      if (fix !== null) {
        checks.at(-1)!.fix = fix[1]!
        return checks
      }
      const check = /^(ok {2}|FAIL) (\w+) +(.*)$/.exec(line)
      expect(check, `not a check line: ${line}`).not.toBeNull()
      return [...checks, { ok: check![1] !== "FAIL", name: check![2]!, detail: check![3]! }]
    },
    []
  )

const NAMES = ["key", "network", "claude", "sessions", "handoff"]

describe("doctor", () => {
  it("everything in order: one ok line per check and exit 0; the handoff check follows a publish", async () => {
    const { key, project, a, b } = makePair(root, dht.bootstrap)
    const before = await b.run(["doctor"])
    expect(before.code).toBe(0)
    expect(before.stderr).toBe("")
    const lines = before.stdout.trimEnd().split("\n")
    expect(lines).toHaveLength(5)
    expect(lines[0]).toBe(`ok   key       ${b.keyFile} opens: ${key.display}`)
    expect(lines[1]).toMatch(
      new RegExp(`^ok   network   the DHT \\(${dht.bootstrap.join(",")}\\) answered in \\d+\\.\\d s$`)
    )
    expect(lines[2]).toBe(`ok   claude    found at ${join(root.bin, "claude")}`)
    expect(lines[3]).toBe("ok   sessions  1 session(s) active in the last 24h under ~/.claude/projects")
    expect(lines[4]).toBe("ok   handoff   no active handoff published under your key")

    expect((await a.run([], { cwd: project })).code).toBe(0)
    const after = await b.run(["doctor"])
    expect(after.code).toBe(0)
    expect(after.stdout.trimEnd().split("\n")[4]).toMatch(
      /^ok {3}handoff {3}your last handoff resolves \(published \d+s ago\)$/
    )
  })

  it("a key file others can read (0644): the key check fails with the chmod fix, exit 1, the rest still checked", async () => {
    const { key, b } = makePair(root, dht.bootstrap)
    b.installKey(key, 0o644)
    const result = await b.run(["doctor"])
    expect(result.code).toBe(1)
    const checks = checksOf(result.stdout)
    expect(checks[0]).toEqual({
      ok: false,
      name: "key",
      detail: `The key file is mode 0644, not 0600: ${b.keyFile}`,
      fix: `chmod 600 ${b.keyFile}`
    })
    expect(checks.slice(1).map(({ name, ok }) => [name, ok])).toEqual([
      ["network", true],
      ["claude", true],
      ["sessions", true]
    ])
  })

  it("an unreachable network: the network check fails within the timeout with its fix, and the handoff is not checked", async () => {
    const port = await closedPort()
    const { b } = makePair(root, [`127.0.0.1:${port}`])
    const result = await b.run(["doctor", "--timeout", "3s"], { deadlineMs: 30_000 })
    expect(result.code).toBe(1)
    const checks = checksOf(result.stdout)
    expect(checks.map(({ name }) => name)).toEqual(NAMES)
    expect(checks[1]).toEqual({
      ok: false,
      name: "network",
      detail: `the DHT (127.0.0.1:${port}) did not answer: Resolving did not complete within 3s.`,
      fix: "Check that outgoing UDP is allowed, or use relays: --relay URL (add --no-dht where UDP is blocked)."
    })
    expect(checks[4]).toEqual({
      ok: false,
      name: "handoff",
      detail: "not checked: the network did not answer",
      fix: "see the network check"
    })
    expect(checks.filter(({ ok }) => !ok).map(({ name }) => name)).toEqual(["network", "handoff"])
    // Generous: three seconds of deadline, plus start-up on a busy machine.
    expect(result.ms).toBeLessThan(20_000)
  })

  it("--json: one object with ok and the checks in order; failures carry their fix", async () => {
    const { b } = makePair(root, dht.bootstrap)
    const passing = jsonOf(await b.run(["doctor", "--json"]))
    expect(passing.ok).toBe(true)
    const checks = passing.checks as Array<Record<string, unknown>>
    expect(checks.map(({ name }) => name)).toEqual(NAMES)
    for (const check of checks) {
      expect(Object.keys(check).sort()).toEqual(["detail", "name", "ok"])
      expect(check.ok).toBe(true)
      expect(typeof check.detail).toBe("string")
    }

    // A machine with nothing: no key, no claude on PATH, no sessions.
    const bare = makeMachine(root, `bare-${Date.now()}`, { bootstrap: dht.bootstrap })
    const failing = await bare.run(["doctor", "--json"], { env: { PATH: "/usr/bin:/bin" } })
    expect(failing.code).toBe(1)
    const report = jsonOf(failing)
    expect(report.ok).toBe(false)
    expect(report.checks).toEqual([
      expect.objectContaining({ name: "key", ok: false, fix: "cclink init" }),
      expect.objectContaining({ name: "network", ok: true }),
      expect.objectContaining({
        name: "claude",
        ok: false,
        detail: "`claude` is not on PATH",
        fix: "npm install -g @anthropic-ai/claude-code"
      }),
      expect.objectContaining({ name: "sessions", ok: false, detail: expect.stringContaining("no session modified") })
    ])
  })

  it("relays: --relay URL --no-dht checks the relays; --no-dht alone fails the network check with its fix", async () => {
    const { b } = makePair(root, dht.bootstrap)
    const viaRelay = await b.run(["doctor", "--relay", relay.url, "--no-dht"])
    expect(viaRelay.code).toBe(0)
    expect(checksOf(viaRelay.stdout)[1]!.detail.startsWith(`the relays (${relay.url}) answered in `)).toBe(true)

    const none = await b.run(["doctor", "--no-dht"])
    expect(none.code).toBe(1)
    const checks = checksOf(none.stdout)
    expect(checks[1]).toEqual({
      ok: false,
      name: "network",
      detail: "--no-dht leaves no transport",
      fix: "Give --relay URL or set CCLINK_RELAYS."
    })
    expect(checks[4]).toMatchObject({ ok: false, name: "handoff", fix: "see the network check" })
  })
})
