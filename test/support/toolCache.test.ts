/**
 * The tests' cache of large peers: fetched once however many test processes
 * ask at once, never seen half written, and a lock whose owner died is taken
 * over.
 */
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"
import { cached } from "./toolCache.js"

const root = mkdtempSync(join(tmpdir(), "cclink-tool-cache-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const MODULE = fileURLToPath(new URL("toolCache.ts", import.meta.url))

/** A process that asks for `name`, whose fetch takes a second and counts itself in `<root>/fetches`. */
const asker = (name: string) =>
  new Promise<string>((resolve, reject) => {
    const script = `
      import { appendFileSync, writeFileSync } from "node:fs"
      import { join } from "node:path"
      import { cached } from ${JSON.stringify(MODULE)}
      const dir = cached(${JSON.stringify(name)}, (staging) => {
        appendFileSync(${JSON.stringify(join(root, "fetches"))}, process.pid + "\\n")
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000)
        writeFileSync(join(staging, "tool"), "complete")
      }, { root: ${JSON.stringify(root)} })
      process.stdout.write(dir)
    `
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.once("error", reject)
    child.once("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`asker exited ${code}`))))
  })

describe("cached", () => {
  it("fetches once when two processes ask at the same time; both get the complete folder", async () => {
    const [first, second] = await Promise.all([asker("peer"), asker("peer")])
    expect(first).toBe(join(root, "peer"))
    expect(second).toBe(first)
    expect(readFileSync(join(root, "fetches"), "utf8").trim().split("\n")).toHaveLength(1)
    expect(readFileSync(join(first, "tool"), "utf8")).toBe("complete")
    // Neither the lock nor a staging folder is left.
    expect(readdirSync(root).sort()).toEqual(["fetches", "peer"])
  })

  it("takes over the lock of a process that died, and fetches", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" })
    mkdirSync(join(root, "orphaned.lock"))
    writeFileSync(join(root, "orphaned.lock", "pid"), dead.stdout)
    const dir = cached("orphaned", (staging) => writeFileSync(join(staging, "tool"), "ok"), { root })
    expect(readFileSync(join(dir, "tool"), "utf8")).toBe("ok")
    expect(existsSync(join(root, "orphaned.lock"))).toBe(false)
  })

  it("fails at once when the lock cannot be made, rather than waiting for a lock that is not there", () => {
    // The lock's folder is missing (ENOENT); as root, a read-only folder would not stop it.
    const fetch = () =>
      cached("missing/peer", (staging) => writeFileSync(join(staging, "tool"), "ok"), {
        root,
        timeoutMs: 5_000
      })
    expect(fetch).toThrow(/ENOENT/)
  })

  it("leaves nothing behind when the fetch fails, and fetches again next time", () => {
    const failing = () =>
      cached("flaky", () => {
        throw new Error("registry unreachable")
      }, { root })
    expect(failing).toThrow("registry unreachable")
    expect(readdirSync(root).filter((name) => name.includes("flaky"))).toEqual([])
    const dir = cached("flaky", (staging) => writeFileSync(join(staging, "tool"), "ok"), { root })
    expect(readFileSync(join(dir, "tool"), "utf8")).toBe("ok")
  })
})
