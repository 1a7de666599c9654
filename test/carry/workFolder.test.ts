/**
 * The carry's working folders: each holds its owner's pid, and a new one
 * first sweeps those whose owner is gone (killed with `kill -9`: the picker's
 * holds the decrypted conversation).
 */
import { NodeFileSystem } from "@effect/platform-node"
import { Effect } from "effect"
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { workFolder } from "../../src/carry/workFolder.js"
import { tempFolder } from "./archives.js"

const root = tempFolder("cclink-work-")
afterAll(root.cleanup)

describe("workFolder", () => {
  it("holds its owner's pid, and first sweeps the folders whose owner is gone", async () => {
    const state = join(root.dir, "state")
    const carry = join(state, "carry")
    const folder = (name: string, pid?: number) => {
      mkdirSync(join(carry, name, "files"), { recursive: true })
      writeFileSync(join(carry, name, "files", "conversation.jsonl"), "plaintext\n")
      if (pid !== undefined) writeFileSync(join(carry, name, "pid"), `${pid}\n`)
      return join(carry, name)
    }
    // A process that has ended: its pid runs nothing now.
    const gone = spawnSync("true").pid!
    folder("pickup-killed", gone)
    folder("publish-killed", gone)
    folder("pickup-running", process.pid)
    const old = folder("pickup-old")
    const twoDaysAgo = new Date(Date.now() - 2 * 86400 * 1000)
    utimesSync(old, twoDaysAgo, twoDaysAgo)
    folder("pickup-new")
    folder("carried-elsewhere", gone)

    const made = await Effect.runPromise(
      Effect.scoped(Effect.map(workFolder(state, "pickup-"), (work) => ({
        work,
        pid: readFileSync(join(work, "pid"), "utf8"),
        mode: statSync(work).mode & 0o777
      }))).pipe(Effect.provide(NodeFileSystem.layer))
    )
    expect(made.pid).toBe(`${process.pid}\n`)
    expect(made.mode).toBe(0o700)
    expect(existsSync(made.work)).toBe(false)
    // Gone: a dead owner's, and one without a pid over a day old; kept: a running owner's, a new one, other names.
    expect(readdirSync(carry).sort()).toEqual(["carried-elsewhere", "pickup-new", "pickup-running"])
  })
})
