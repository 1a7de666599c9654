import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Testnet from "../../src/dht/testnet.js"
import { listeningHole } from "./network.js"

const fixture = fileURLToPath(new URL("./fixtures/oneShot.ts", import.meta.url))

/** Runs the one-shot command; fails if the process has not exited on its own within 30 s. */
const oneShot = (bootstrap: ReadonlyArray<string>, timeoutMs: number) =>
  Effect.async<{ readonly code: number | null; readonly output: unknown }, Error>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", fixture, bootstrap.join(","), String(timeoutMs)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let stdout = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    const hang = setTimeout(() => {
      child.kill("SIGKILL")
      resume(Effect.fail(new Error(`the process did not exit by itself; it printed ${stdout}`)))
    }, 30_000)
    child.on("exit", (code) => {
      clearTimeout(hang)
      resume(Effect.succeed({ code, output: stdout === "" ? undefined : JSON.parse(stdout) }))
    })
  })

describe("a command on the Mainline layer", () => {
  it.scopedLive("exits by itself after publishing and resolving", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(30)
      const result = yield* oneShot(network.bootstrap, 20_000)
      expect(result).toEqual({ code: 0, output: { record: "{\"one\":\"shot\"}" } })
    }))

  it.scopedLive("exits by itself after the deadline when no node answers", () =>
    Effect.gen(function*() {
      const hole = yield* listeningHole
      const result = yield* oneShot([hole.address], 2_000)
      expect(result).toEqual({ code: 0, output: { error: "NetworkError" } })
      expect(hole.received()).toBeGreaterThan(0)
    }))
})
