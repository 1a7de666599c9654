/**
 * Crash safety of KeyStore.save on real files: a child process saves a new key
 * over an old one and is killed with SIGKILL before each file-system call in
 * turn, fails at each call in turn, and is killed at random moments during
 * back-to-back saves. The key file must always hold the old key or the new
 * one, whole, at 0600; temporary files left by a kill must not matter.
 */
import { it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer } from "effect"
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect } from "vitest"
import { KeyStore } from "../../src/services/KeyStore.js"
import { Passphrase } from "../../src/services/Passphrase.js"
import { type Bundle, bundle, start } from "./childScript.js"

const OLD = "0f".repeat(32)
const NEW = "a1".repeat(32)
const OTHER = "5c".repeat(32)

const root = mkdtempSync(join(tmpdir(), "cclink-crash-"))
let writer: Bundle
beforeAll(async () => {
  writer = await bundle(join(import.meta.dirname, "keyStoreWriter.ts"))
})
afterAll(() => {
  writer.remove()
  rmSync(root, { recursive: true, force: true })
})

/** A folder holding the old key at 0600, as `cclink init` would have left it. */
const oldKey = (contents: string | null = OLD) => {
  const folder = mkdtempSync(join(root, "key-"))
  const path = join(folder, "secret_key")
  if (contents !== null) writeFileSync(path, contents, { mode: 0o600 })
  return { folder, path }
}

/** Runs the writer; with `killOn`, SIGKILLs it as soon as its output contains that text. */
const runWriter = (path: string, args: ReadonlyArray<string>, killOn?: string) => {
  const { child, finished } = start(writer.path, args, {
    env: { ...process.env, CCLINK_KEY_FILE: path },
    onStdout: (stdout) => {
      if (killOn !== undefined && stdout.includes(killOn)) child.kill("SIGKILL")
    }
  })
  return finished
}

/** The key file holds one of `keys` exactly, at 0600, and the live store loads it. */
const expectWholeKey = async (path: string, keys: ReadonlyArray<string>) => {
  const contents = readFileSync(path, "latin1")
  expect(keys).toContain(contents)
  expect(statSync(path).mode & 0o777).toBe(0o600)
  const loaded = await Effect.runPromise(
    KeyStore.pipe(
      Effect.flatMap((store) => store.load()),
      Effect.provide(
        KeyStore.layer.pipe(
          Layer.provide(Passphrase.layerTest({})),
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["CCLINK_KEY_FILE", path]]))))
        )
      )
    )
  )
  expect(Buffer.from(loaded.seed()).toString("hex")).toBe(contents)
  return contents
}

/** Runs `trial` for 1..count, two at a time (two cores). */
const eachStep = async (count: number, trial: (n: number) => Promise<void>) => {
  for (let n = 1; n <= count; n += 2) {
    await Promise.all([trial(n), ...(n + 1 <= count ? [trial(n + 1)] : [])])
  }
}

describe("KeyStore.save crash safety", () => {
  let calls: ReadonlyArray<string> = []
  /** 1-based index of the call that installs the new file. */
  let install = 0

  beforeAll(async () => {
    const { path } = oldKey()
    const result = await runWriter(path, ["count", NEW])
    expect(result.stdout.startsWith("SAVED\n")).toBe(true)
    calls = result.stdout.trim().split("\n").slice(1)
    install = calls.indexOf("renameSync") + 1
    expect(readFileSync(path, "latin1")).toBe(NEW)
  }, 120_000)

  it("makes the calls of an atomic write: temp file, write, fsync, rename, fsync of the folder", () => {
    expect(calls.slice(0, install)).toEqual([
      "mkdirSync",
      "openSync",
      "fchmodSync",
      "writeSync",
      "fsyncSync",
      "renameSync"
    ])
    expect(calls.slice(install, install + 3)).toEqual(["openSync", "fsyncSync", "closeSync"])
  })

  it("a kill -9 before any call leaves the old key or the new one, whole", async () => {
    await eachStep(calls.length, async (n) => {
      const { folder, path } = oldKey()
      const result = await runWriter(path, ["pause", String(n), NEW], "PAUSED")
      expect(result.signal, `call ${n}`).toBe("SIGKILL")
      expect(result.stdout).toBe(`PAUSED ${calls[n - 1]}\n`)
      expect(await expectWholeKey(path, [OLD, NEW]), `killed before call ${n} (${calls[n - 1]})`).toBe(
        n <= install ? OLD : NEW
      )
      // Whatever temporary file the kill left behind, the next save works and the key loads.
      const again = await runWriter(path, ["count", OTHER])
      expect(again.stdout.startsWith("SAVED\n")).toBe(true)
      await expectWholeKey(path, [OTHER])
      expect(readdirSync(folder).filter((name) => !name.endsWith(".tmp"))).toEqual(["secret_key"])
    })
  }, 300_000)

  it("a failure at any call keeps the old key (or the new one once installed) and removes the temp file", async () => {
    await eachStep(calls.length, async (n) => {
      const { folder, path } = oldKey()
      const result = await runWriter(path, ["fail", String(n), NEW])
      const key = await expectWholeKey(path, [OLD, NEW])
      if (n <= install) {
        expect(result.stdout, `failing call ${n} (${calls[n - 1]})`).toBe("FAILED FileError EIO\n")
        expect(key).toBe(OLD)
      } else {
        expect(key).toBe(NEW)
      }
      expect(readdirSync(folder), `failing call ${n} (${calls[n - 1]})`).toEqual(["secret_key"])
    })
  }, 300_000)

  it("random kills during back-to-back saves never leave a partial key", async () => {
    const TRIALS = 24
    const seen = new Set<string>()
    await eachStep(TRIALS, async (trial) => {
      const { path } = oldKey()
      const delay = Math.floor(Math.random() * 150)
      const { child, finished } = start(writer.path, ["loop", NEW, OTHER], {
        env: { ...process.env, CCLINK_KEY_FILE: path },
        onStdout: (stdout) => {
          if (stdout.includes("READY")) setTimeout(() => child.kill("SIGKILL"), delay)
        }
      })
      expect((await finished).signal, `trial ${trial}`).toBe("SIGKILL")
      seen.add(await expectWholeKey(path, [OLD, NEW, OTHER]))
    })
    // The kills landed inside the save loop, not all before it started.
    expect([...seen].some((key) => key !== OLD)).toBe(true)
  }, 300_000)

  it("without overwrite, a key that appears after the existence check is kept, not replaced", async () => {
    const { folder, path } = oldKey(null)
    const result = await runWriter(path, ["race", NEW, OTHER])
    expect(result.stdout).toBe("FAILED InvalidInput \n")
    expect(readFileSync(path, "latin1")).toBe(OTHER)
    expect(readdirSync(folder)).toEqual(["secret_key"])
  }, 60_000)
})
