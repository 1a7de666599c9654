/**
 * Concurrent pickups with the built CLI over a real local DHT: 20 pickups of
 * one record at once, by its owner, all succeed; and two pickups of a burn
 * record at once, whose outcome is recorded for docs/security.md. No process
 * may crash: `run` refuses any output with a stack trace or an uncaught
 * error, and every exit code must be a documented one.
 */
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { type RunResult } from "../cli/support/cli.js"
import { makeMachine, makePair, useRoot } from "../cli/support/machines.js"
import { useDht } from "../cli/support/network.js"
import { recordFigures } from "./support/figures.js"
import { DOCUMENTED_EXIT_CODE } from "./support/outcome.js"

const PICKUPS = 20
const BURN_TRIALS = 5

const root = useRoot()
const dht = useDht(40)
const figures: Record<string, unknown> = {}

afterAll(async () => {
  recordFigures("concurrentPickups", figures)
})

const countsOf = (values: ReadonlyArray<string>) =>
  Object.fromEntries([...new Set(values)].map((value) => [value, values.filter((v) => v === value).length]))

const DOCUMENTED = new Set([0, ...Object.values(DOCUMENTED_EXIT_CODE)])

/** The machines share one code cache, as one user's terminals do: twenty cold starts would only measure V8. */
const warm = () => ({ XDG_CACHE_HOME: join(root.dir, "cache") })

describe("concurrent pickups", () => {
  it("20 pickups of one record at once, own key: all succeed", async () => {
    const { key, project, sessionId, a, b } = makePair(root, dht.bootstrap)
    expect((await a.run(["publish", sessionId], { cwd: project, env: warm() })).code).toBe(0)
    // Twenty machines holding the key, as twenty terminals of one user would.
    const machines = Array.from({ length: PICKUPS }, (_, i) => {
      const machine = i === 0 ? b : makeMachine(root, `m${i}-${key.z32.slice(0, 8)}`, { bootstrap: dht.bootstrap })
      if (i > 0) {
        machine.installKey(key)
        machine.writeSession(project, sessionId)
      }
      return machine
    })
    const started = Date.now()
    const results = await Promise.all(
      machines.map((machine) => machine.run(["pickup", "--no-launch"], { deadlineMs: 120_000, env: warm() }))
    )
    figures.sameRecord = {
      pickups: PICKUPS,
      succeeded: results.filter((result) => result.code === 0 && result.stdout.includes(sessionId)).length,
      exitCodes: countsOf(results.map((result) => String(result.code))),
      wallMs: Date.now() - started,
      slowestMs: Math.max(...results.map((result) => result.ms))
    }
    for (const result of results) {
      expect(result.code, result.stderr).toBe(0)
      expect(result.stdout).toContain(`claude --resume ${sessionId}`)
    }
  }, 180_000)

  it("two pickups of a burn record at once: documented outcome, no crash, the record is gone after", async () => {
    const outcomes: Array<string> = []
    for (let trial = 0; trial < BURN_TRIALS; trial++) {
      const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
      expect((await a.run(["publish", sessionId, "--burn"], { cwd: project })).code).toBe(0)
      const both: ReadonlyArray<RunResult> = await Promise.all(
        [a, b].map((machine) => machine.run(["pickup", "--no-launch"], { deadlineMs: 120_000, env: warm() }))
      )
      for (const result of both) expect(DOCUMENTED).toContain(result.code)
      const got = both.filter((result) => result.code === 0 && result.stdout.includes(sessionId)).length
      // The first to resolve always gets it; whether the second does depends on who burns first.
      expect(got).toBeGreaterThanOrEqual(1)
      outcomes.push(both.map((result) => result.code).sort().join("+"))
      const after = await b.run(["pickup", "--no-launch"])
      expect(after.code).toBe(DOCUMENTED_EXIT_CODE.NotFound)
    }
    figures.burnRace = {
      trials: BURN_TRIALS,
      outcomes: countsOf(outcomes),
      legend:
        "exit codes of the two pickups: 0 got the session, 5 found it already burned, 6 its burn lost a race to the other's",
      crashes: 0,
      recordGoneAfterEveryTrial: true
    }
  }, 300_000)
})
