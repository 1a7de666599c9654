/**
 * `cclink publish --keepalive`: the same signed packet stored again on a
 * short schedule (`--every 2s`), one log line per round with the node count,
 * until the owner replaces, revokes or burns the handoff (exit 0 with the
 * reason, and the record is never brought back). The item-dropping of real
 * Mainline nodes is reproduced by restarting every node of the local DHT: the
 * handoff kept alive is back on the new nodes, one published once is gone.
 */
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type RestartableDht, startRestartableDht } from "./support/beyond-network.js"
import { launch, type Running } from "./support/beyond-process.js"
import { jsonOf } from "./support/cli.js"
import { makePair, standInLines, useRoot } from "./support/machines.js"

const root = useRoot()
let dht: RestartableDht

beforeAll(async () => {
  dht = await startRestartableDht(40)
})

afterAll(() => dht?.close())

const ROUND = /^\d\d:\d\d republished: stored on (\d+) of (\d+) nodes$/

interface KeepaliveEvent {
  readonly event: string
  readonly time: string
  readonly storedOn?: number
  readonly contacted?: number
  readonly reason?: string
}

/** The events of `publish --keepalive --json`: every stdout line after the publish's own object is one. */
const eventsOf = (lines: ReadonlyArray<string>): ReadonlyArray<KeepaliveEvent> =>
  lines.slice(1).map((line) => JSON.parse(line) as KeepaliveEvent)

/** Resolves once `count` more rounds have been logged, none of them before stdout line `from`. */
const rounds = async (keepalive: Running, count: number, from = 0) => {
  for (let seen = 0; seen < count; seen++) {
    const at = keepalive.lines().length
    await keepalive.waitForLine(
      (line) => line.includes("\"event\":\"republished\"") || ROUND.test(line),
      Math.max(at, from)
    )
  }
}

describe("publish --keepalive", () => {
  it("logs one line per republish with the node count; `cclink revoke -y` stops it with exit 0 and the reason", async () => {
    const { project, a, b } = makePair(root, dht.bootstrap)
    const keepalive = await launch(["--keepalive", "--every", "2s"], { env: a.env, cwd: project })
    try {
      await keepalive.waitForLine((line) => line.includes("Keeping the handoff alive: republishing every 2s until"))
      await rounds(keepalive, 3)
      expect((await b.run(["revoke", "-y"])).code).toBe(0)

      const ended = await keepalive.done
      expect(ended.code).toBe(0)
      expect(ended.stderr).toBe("")
      const lines = ended.stdout.trimEnd().split("\n")
      expect(lines[1]).toMatch(/^Published! \(stored on \d+ of \d+ nodes\)$/)
      const start = lines.findIndex((line) => line.includes("Keeping the handoff alive"))
      expect(lines[start]).toMatch(
        /^\d\d:\d\d Keeping the handoff alive: republishing every 2s until .*\. Ctrl-C to stop\.$/
      )
      expect(lines.at(-1)).toMatch(/^\d\d:\d\d Stopped: the handoff was revoked or burned\.$/)
      const roundLines = lines.slice(start + 1, -1)
      expect(roundLines.length).toBeGreaterThanOrEqual(3)
      for (const line of roundLines) {
        const [, stored, contacted] = ROUND.exec(line) ?? []
        expect(line, "one line per round, each a republish").toMatch(ROUND)
        expect(Number(stored)).toBeGreaterThan(0)
        expect(Number(stored)).toBeLessThanOrEqual(Number(contacted))
      }
      // Revoked stays revoked: keepalive did not store the old packet again.
      expect((await b.run(["pickup", "--no-launch"])).code).toBe(5)
    } finally {
      keepalive.signal("SIGKILL")
    }
  })

  it("a newer publish replaces it: exit 0, the reason as JSON, and pickup resumes the newer session", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
    const newer = randomUUID()
    a.writeSession(project, newer)
    b.writeSession(project, newer)
    const keepalive = await launch(["publish", sessionId, "--keepalive", "--every", "2s", "--json"], {
      env: a.env,
      cwd: project
    })
    try {
      await rounds(keepalive, 1)
      expect(jsonOf(await a.run(["publish", newer, "--json"], { cwd: project })).sessionId).toBe(newer)

      const ended = await keepalive.done
      expect(ended.code).toBe(0)
      expect(ended.stderr).toBe("")
      const lines = ended.stdout.trimEnd().split("\n")
      expect(JSON.parse(lines[0]!)).toMatchObject({ sessionId, project })
      const events = eventsOf(lines)
      expect(events[0]).toMatchObject({ event: "keepalive", every: 2 })
      expect(events.at(-1)).toMatchObject({ event: "stopped", reason: "replaced" })
      for (const event of events.slice(1, -1)) {
        expect(event.event).toBe("republished")
        expect(event.storedOn).toBeGreaterThan(0)
      }
      for (const event of events) expect(Number.isNaN(Date.parse(event.time))).toBe(false)

      const picked = await b.run(["pickup", "-y"])
      expect(picked.code).toBe(0)
      expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", newer]))
    } finally {
      keepalive.signal("SIGKILL")
    }
  })

  it("a burn handoff picked up: keepalive stops with exit 0 and does not bring it back", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
    const keepalive = await launch(["--burn", "--keepalive", "--every", "2s"], { env: a.env, cwd: project })
    try {
      await rounds(keepalive, 1)
      const picked = await b.run(["pickup", "-y"])
      expect(picked.code).toBe(0)
      expect(picked.stdout).toContain(`stand-in claude arg=${sessionId}`)
      expect(picked.stderr).toContain("Burned")

      const ended = await keepalive.done
      expect(ended.code).toBe(0)
      expect(ended.stdout.trimEnd().split("\n").at(-1)).toMatch(/ Stopped: the handoff was revoked or burned\.$/)
      expect((await b.run(["pickup", "-y"])).code).toBe(5)
    } finally {
      keepalive.signal("SIGKILL")
    }
  })
})

describe("nodes dropping stored items", () => {
  it("after every node restarts, the handoff kept alive is back and picks up; one published once is gone", async () => {
    const kept = makePair(root, dht.bootstrap)
    const once = makePair(root, dht.bootstrap)
    const keepalive = await launch(["--keepalive", "--every", "2s", "--json"], { env: kept.a.env, cwd: kept.project })
    try {
      await rounds(keepalive, 1)
      expect((await once.a.run([], { cwd: once.project })).code).toBe(0)
      expect((await once.b.run(["pickup", "--no-launch"])).code).toBe(0)

      await dht.restart()
      const restarted = keepalive.lines().length
      // Without keepalive: the nodes that stored the packet are gone, and so is the handoff.
      const lost = await once.b.run(["pickup", "--no-launch"])
      expect(lost.code).toBe(5)
      expect(lost.stderr).toContain(`No handoff found for ${once.key.display}`)

      // With it: two rounds after the restart (the first may have started before it), the record is back.
      await rounds(keepalive, 2, restarted)
      const picked = await kept.b.run(["pickup", "-y"])
      expect(picked.code).toBe(0)
      expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(kept.project, ["--resume", kept.sessionId]))
      expect(keepalive.running()).toBe(true)
    } finally {
      keepalive.signal("SIGINT")
    }
    const stopped = await keepalive.done
    expect(stopped.code).toBe(130)
    const events = eventsOf(stopped.stdout.trimEnd().split("\n"))
    // A round that met the restart may have failed and said so; nothing else but rounds is logged.
    for (const event of events.slice(1)) expect(["republished", "failed"]).toContain(event.event)
  })
})
