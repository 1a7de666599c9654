/**
 * `cclink publish --keepalive` until the handoff expires, with the shortest
 * TTL publish accepts (1m): about a minute of real time, so in a file of its
 * own that runs beside the others. test/services/Keepalive.test.ts covers
 * the same ending on the TestClock with a 24-hour handoff.
 */
import { describe, expect, it } from "vitest"
import { launch } from "./support/beyond-process.js"
import { makePair, useRoot } from "./support/machines.js"
import { useDht } from "./support/network.js"

const root = useRoot()
const dht = useDht(30)

describe("publish --keepalive until expiry", () => {
  it(
    "republishes on schedule, stops with exit 0 when the handoff expires, and pickup then says it expired",
    async () => {
      const { project, a, b } = makePair(root, dht.bootstrap)
      const keepalive = await launch(["--ttl", "1m", "--keepalive", "--every", "15s"], {
        env: a.env,
        cwd: project,
        deadlineMs: 110_000
      })
      const ended = await keepalive.done
      expect(ended.code).toBe(0)
      expect(ended.stderr).toBe("")
      const lines = ended.stdout.trimEnd().split("\n")
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}Expires in 1m \(/))
      const start = lines.findIndex((line) => / Keeping the handoff alive: republishing every 15s until /.test(line))
      expect(start).toBeGreaterThan(0)
      expect(lines.at(-1)).toMatch(/^\d\d:\d\d Stopped: the handoff expired\.$/)
      // Rounds at 15, 30 and 45 s; the last wait is cut short at expiry (a slow machine may fit one round less).
      const rounds = lines.slice(start + 1, -1)
      expect(rounds.length).toBeGreaterThanOrEqual(2)
      expect(rounds.length).toBeLessThanOrEqual(3)
      for (const line of rounds) expect(line).toMatch(/^\d\d:\d\d republished: stored on [1-9]\d* of \d+ nodes$/)

      const picked = await b.run(["pickup", "-y"])
      expect(picked.code).toBe(2)
      expect(picked.stdout).toBe("")
    },
    120_000
  )
})
