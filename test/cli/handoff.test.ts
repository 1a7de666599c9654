/**
 * The main journey, end to end: the built CLI publishes on machine A and
 * picks up on machine B (two homes, one key) over a real local DHT, and B
 * starts the stand-in `claude`. Also burn, list, revoke, the JSON forms, and
 * the confirmation on a real terminal.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs"
import { hostname } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { jsonOf } from "./support/cli.js"
import { makePair, standInLines, useRoot } from "./support/machines.js"
import { useDht } from "./support/network.js"
import { onTerminal } from "./support/terminal.js"

const root = useRoot()
const dht = useDht(40)

const DAY = 86400

describe("self handoff", () => {
  it("publishes on A; pickup on B starts claude --resume <id> in the project and exits with claude's code", async () => {
    const { key, project, sessionId, a, b } = makePair(root, dht.bootstrap)

    const published = await a.run([], { cwd: project })
    expect(published.code).toBe(0)
    expect(published.stdout).toContain(`Session: ${sessionId.slice(0, 8)} in ${project}`)
    expect(published.stdout).toContain("Published!")
    // Your own key: the other machine runs the bare command.
    expect(published.stdout).toMatch(/^ {2}cclink pickup$/m)
    expect(published.stdout).toMatch(/Expires in 1d \(/)

    const picked = await b.run(["pickup"], { env: { CLAUDE_STAND_IN_EXIT: "42" } })
    expect(picked.code).toBe(42)
    expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", sessionId]))
    expect(picked.stderr).toContain(`Handoff from ${key.display}`)
    expect(picked.stderr).toContain(`claude --resume ${sessionId}`)

    // The record stays for another pickup, and a successful claude is a successful cclink.
    const again = await b.run(["pickup", "-y"])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain(`stand-in claude arg=${sessionId}`)
  })

  it("`cclink publish <id>` names the session explicitly; an id that is not a UUID is refused", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap)

    const refused = await a.run(["publish", "not-a-session-id"], { cwd: project })
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim().split("\n").length).toBeLessThanOrEqual(2)
    expect((await b.run(["pickup", "--no-launch"])).code).toBe(5)

    // From any directory: the id finds the session file and its project.
    const published = await a.run(["publish", sessionId, "--json"], { cwd: a.home })
    expect(jsonOf(published)).toMatchObject({ sessionId, project, burn: false, pin: false, recipient: null })
  })

  it("pickup --no-launch --json prints one JSON object with the handoff's fields and starts nothing", async () => {
    const { key, project, sessionId, a, b } = makePair(root, dht.bootstrap)
    const published = jsonOf(await a.run(["--json", "--ttl", "2h"], { cwd: project }))
    expect(published).toMatchObject({ sessionId, project, publisher: key.z32, pickup: "cclink pickup" })

    const picked = jsonOf(await b.run(["pickup", "--no-launch", "--json"]))
    expect(picked).toMatchObject({
      sessionId,
      project,
      hostname: hostname(),
      publisher: key.z32,
      createdAt: published.createdAt,
      expiresAt: (published.createdAt as number) + 7200,
      burn: false
    })
    expect(Math.abs((picked.createdAt as number) - Date.now() / 1000)).toBeLessThan(600)

    const text = await b.run(["pickup", "--no-launch"])
    expect(text.code).toBe(0)
    expect(text.stdout.trim()).toBe(`cd ${project} && claude --resume ${sessionId}`)
  })

  it("keeps its routing cache under ~/.local/state when CCLINK_STATE_DIR and XDG_STATE_HOME are set but empty", async () => {
    const { project, a, b } = makePair(root, dht.bootstrap)
    expect((await a.run([], { cwd: project })).code).toBe(0)
    const cwd = join(b.home, "work")
    mkdirSync(cwd)
    const picked = await b.run(["pickup", "--no-launch"], { cwd, env: { CCLINK_STATE_DIR: "", XDG_STATE_HOME: "" } })
    expect(picked.code).toBe(0)
    expect(readdirSync(cwd)).toEqual([])
    expect(existsSync(join(b.home, ".local", "state", "cclink", "routing-table.json"))).toBe(true)
  })

  it("a session file missing on B: exit 5 with the ways to sync it, and claude is not started", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap, { synced: false })
    expect((await a.run([], { cwd: project })).code).toBe(0)

    const picked = await b.run(["pickup", "-y"])
    expect(picked.code).toBe(5)
    expect(picked.stdout).not.toContain("stand-in claude")
    expect(picked.stderr).toContain(`${sessionId}.jsonl`)
    for (const option of ["Syncthing", "rsync", "NFS", "Tailscale"]) expect(picked.stderr).toContain(option)
  })
})

describe("burn after reading", () => {
  it("--burn: the first pickup launches and removes the handoff; the second finds nothing (exit 5)", async () => {
    const { key, project, sessionId, a, b } = makePair(root, dht.bootstrap)
    const published = await a.run(["--burn"], { cwd: project })
    expect(published.code).toBe(0)
    expect(published.stdout).toContain("Burn after reading")

    const first = await b.run(["pickup", "-y"])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`stand-in claude arg=${sessionId}`)
    expect(first.stderr).toContain("Burned")

    const second = await b.run(["pickup", "-y"])
    expect(second.code).toBe(5)
    expect(second.stderr).toContain(`No handoff found for ${key.display}`)
    expect(second.stdout).toBe("")
  })

  it("pickup --burn burns a record published without --burn", async () => {
    const { project, a, b } = makePair(root, dht.bootstrap)
    expect((await a.run([], { cwd: project })).code).toBe(0)

    const first = jsonOf(await b.run(["pickup", "--burn", "--no-launch", "--json"]))
    expect(first).toMatchObject({ burn: false, burned: true })
    expect((await a.run(["pickup", "--no-launch"])).code).toBe(5)
  })
})

describe("list and revoke", () => {
  it("list shows the handoff as a table and as JSON; revoke needs -y without a terminal, then list is empty", async () => {
    const { key, project, a, b } = makePair(root, dht.bootstrap)
    expect((await a.run(["--burn"], { cwd: project })).code).toBe(0)

    const table = await b.run(["list"])
    expect(table.code).toBe(0)
    const [header, row, ...rest] = table.stdout.trimEnd().split("\n")
    expect(header!.split(/\s+/)).toEqual(["PROJECT", "AGE", "LEFT", "BURN", "RECIPIENT"])
    const age = expect.stringMatching(/^\d+s$/)
    const left = expect.stringMatching(/^(1d|23h 59m)$/)
    expect(row!.split(/\s{2,}/)).toEqual([project, age, left, "yes", "self"])
    expect(rest).toEqual([])

    const json = jsonOf(await b.run(["list", "--json"]))
    expect(json).toMatchObject({ publisher: key.z32, handoffs: [{ project, burn: true, pin: false, recipient: null }] })
    const [entry] = json.handoffs as Array<{ createdAt: number; expiresAt: number }>
    expect(entry!.expiresAt - entry!.createdAt).toBe(DAY)

    const unconfirmed = await b.run(["revoke"])
    expect(unconfirmed.code).toBe(7)
    expect(unconfirmed.stderr).toContain("cclink revoke -y")
    expect(jsonOf(await b.run(["list", "--json"])).handoffs).toHaveLength(1)

    const revoked = jsonOf(await b.run(["revoke", "-y", "--json"]))
    expect(revoked).toMatchObject({ revoked: true })

    const empty = await a.run(["list"])
    expect(empty.code).toBe(0)
    expect(empty.stdout.trim()).toBe("No active handoffs.")
    expect(jsonOf(await a.run(["list", "--json"])).handoffs).toEqual([])
    expect((await a.run(["pickup", "--no-launch"])).code).toBe(5)
  })
})

describe("on a terminal", () => {
  it("asks before resuming: n declines with exit 7 and starts nothing; y starts claude", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
    expect((await a.run([], { cwd: project })).code).toBe(0)

    const declined = await onTerminal(["pickup"], { env: b.env, cwd: b.home })
    try {
      await declined.waitFor("[y/N]")
      declined.type("n")
      declined.press("Enter")
      expect(await declined.exitCode()).toBe(7)
      expect(declined.screen()).not.toContain("stand-in claude")
    } finally {
      declined.close()
    }

    const accepted = await onTerminal(["pickup"], { env: b.env, cwd: b.home })
    try {
      expect(await accepted.waitFor("[y/N]")).toContain(`Resume session ${sessionId.slice(0, 8)} in ${project}?`)
      accepted.type("y")
      accepted.press("Enter")
      expect(await accepted.exitCode()).toBe(0)
      const screen = accepted.screen()
      for (const line of standInLines(project, ["--resume", sessionId])) expect(screen).toContain(line)
    } finally {
      accepted.close()
    }
  })

  it("revoke asks first; y replaces the handoff with an empty record", async () => {
    const { project, a, b } = makePair(root, dht.bootstrap)
    expect((await a.run([], { cwd: project })).code).toBe(0)

    const terminal = await onTerminal(["revoke"], { env: b.env, cwd: b.home })
    try {
      await terminal.waitFor("Revoke your active handoff? [y/N]")
      terminal.type("y")
      terminal.press("Enter")
      expect(await terminal.exitCode()).toBe(0)
      expect(terminal.screen()).toContain("Revoked: an empty record replaces your handoff")
    } finally {
      terminal.close()
    }
    expect((await a.run(["pickup", "--no-launch"])).code).toBe(5)
  })
})
