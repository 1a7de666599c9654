/**
 * `cclink pickup --wait`: started on B before anything is published, it
 * resumes the handoff A publishes a few seconds later; a handoff that was
 * already there when the wait began does not end it; the time running out is
 * exit 5; Ctrl-C stops it at once, cleanly; on a terminal it says it waits.
 */
import { randomUUID } from "node:crypto"
import { setTimeout as sleep } from "node:timers/promises"
import { describe, expect, it } from "vitest"
import { launch } from "./support/beyond-process.js"
import { errorText } from "./support/cli.js"
import { makePair, standInLines, useRoot } from "./support/machines.js"
import { useDht } from "./support/network.js"
import { onTerminal } from "./support/terminal.js"

const root = useRoot()
const dht = useDht(40)

/** Long enough for B's first lookups to be over: what A publishes after this was published during the wait. */
const LOOKUPS_DONE_MS = 4000

describe("pickup --wait", () => {
  it("started before anything is published, resumes the handoff A publishes a few seconds later", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
    const waiting = await launch(["pickup", "--wait", "2m", "-y"], { env: b.env })
    try {
      await sleep(LOOKUPS_DONE_MS)
      // Nothing to pick up yet: a pickup without --wait would have ended with exit 5 by now.
      expect(waiting.running()).toBe(true)
      expect((await a.run([], { cwd: project })).code).toBe(0)

      const picked = await waiting.done
      expect(picked.code).toBe(0)
      expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", sessionId]))
      expect(picked.stderr).toContain(`claude --resume ${sessionId}`)
    } finally {
      waiting.signal("SIGKILL")
    }
  })

  it("a handoff published before the wait began does not end it: the next publish does", async () => {
    const { project, sessionId: older, a, b } = makePair(root, dht.bootstrap)
    expect((await a.run([], { cwd: project })).code).toBe(0)
    const newer = randomUUID()
    a.writeSession(project, newer)
    b.writeSession(project, newer)

    const waiting = await launch(["pickup", "--wait", "2m", "-y"], { env: b.env })
    try {
      await sleep(LOOKUPS_DONE_MS)
      expect(waiting.running()).toBe(true)
      expect((await a.run(["publish", newer], { cwd: project })).code).toBe(0)

      const picked = await waiting.done
      expect(picked.code).toBe(0)
      expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", newer]))
      expect(picked.stdout).not.toContain(older)
    } finally {
      waiting.signal("SIGKILL")
    }
  })

  it("when the time is up with only an older handoff there: exit 5 saying so, and claude is not started", async () => {
    const { key, project, a, b } = makePair(root, dht.bootstrap)
    expect((await a.run([], { cwd: project })).code).toBe(0)

    const picked = await b.run(["pickup", "--wait", "5s", "-y"])
    expect(picked.code).toBe(5)
    expect(picked.stdout).toBe("")
    expect(errorText(picked)).toBe(
      `No new handoff from ${key.display} within 5s.\nPublish on the other machine with \`cclink\`, then run pickup again.`
    )
    // The handoff is still there for a pickup that does not wait for a newer one.
    expect((await b.run(["pickup", "-y"])).code).toBe(0)
  })

  it("Ctrl-C (SIGINT) stops the wait promptly: exit 130, nothing printed, no stack trace", async () => {
    const { b } = makePair(root, dht.bootstrap)
    // A bare --wait before another option: that option is not taken for its duration.
    const waiting = await launch(["pickup", "--wait", "-y"], { env: b.env })
    await sleep(LOOKUPS_DONE_MS)
    expect(waiting.running()).toBe(true)

    const interrupted = Date.now()
    waiting.signal("SIGINT")
    const stopped = await waiting.done
    expect(stopped.code).toBe(130)
    expect(stopped.stdout).toBe("")
    expect(stopped.stderr).toBe("")
    // Generous: the point is that it does not wait for the next lookup or the DHT's timeouts.
    expect(Date.now() - interrupted).toBeLessThan(5000)
  })

  it("an invalid --wait duration is refused before any lookup (exit 1)", async () => {
    const { b } = makePair(root, dht.bootstrap)
    const refused = await b.run(["pickup", "--wait", "0s"])
    expect(refused.code).toBe(1)
    expect(errorText(refused)).toBe("--wait needs at least 1 second.")
  })
})

describe("pickup --wait on a terminal", () => {
  it("shows that it is waiting, then asks about the handoff that arrives; y resumes it", async () => {
    const { key, project, sessionId, a, b } = makePair(root, dht.bootstrap)
    const terminal = await onTerminal(["pickup", "--wait", "2m"], { env: b.env, cwd: b.home })
    try {
      await terminal.waitFor(`Waiting for a new handoff from ${key.display} (up to 2m; Ctrl-C to stop)`)
      expect((await a.run([], { cwd: project })).code).toBe(0)

      await terminal.waitFor(`Resume session ${sessionId.slice(0, 8)} in`)
      terminal.type("y")
      terminal.press("Enter")
      expect(await terminal.exitCode()).toBe(0)
      expect(terminal.screen()).toContain(`stand-in claude cwd=${project}`)
    } finally {
      terminal.close()
    }
  })

  it("a bare --wait waits 10 minutes; Ctrl-C on the terminal stops it: exit 130, no stack trace", async () => {
    const { key, b } = makePair(root, dht.bootstrap)
    const terminal = await onTerminal(["pickup", "--wait"], { env: b.env, cwd: b.home })
    try {
      await terminal.waitFor(`Waiting for a new handoff from ${key.display} (up to 10m; Ctrl-C to stop)`)
      terminal.press("C-c")
      expect(await terminal.exitCode()).toBe(130)
    } finally {
      terminal.close()
    }
  })
})
