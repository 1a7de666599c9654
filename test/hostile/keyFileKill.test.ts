/**
 * The key file under `kill -9`: the built CLI runs `cclink init` and
 * `cclink init --import`, with a plaintext key (--no-passphrase) or sealed
 * under a passphrase (CCLINK_PASSPHRASE, real Argon2id costs), over an old key
 * or none, and is killed with SIGKILL at a random point. Half of the kills
 * land at a random time of the whole run; the other half are aimed at the
 * write itself: fired when the temporary file appears in the key's folder,
 * after a random 0-2 ms. Across 200 trials, every key file left must be a
 * complete valid key (the old one, or the new one whole: it loads through the
 * real KeyStore, and an imported key is the one imported) at mode 0600.
 *
 * test/services/KeyStore.crash.test.ts kills the store before each of its
 * file-system calls in turn; this is the same property on the shipped
 * program, at random points, as a user's machine would lose power.
 */
import { ConfigProvider, Effect, Either, Layer } from "effect"
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  watch,
  writeFileSync
} from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { KeyStore } from "../../src/services/KeyStore.js"
import { Passphrase } from "../../src/services/Passphrase.js"
import { builtCli } from "../cli/support/build.js"
import { recordFigures } from "./support/figures.js"

const PLAINTEXT_TRIALS = 176
/** Fewer: each costs an Argon2id derivation in the CLI and, when a new key is left, another to load it. */
const PASSPHRASE_TRIALS = 24
/** Trials at once: the CLI's start-up is mostly waiting on module loading and fsync, so three fit two cores. */
const CONCURRENCY = 3
const PASSPHRASE = "correct horse battery staple"
const TEMP_FILE = /^\.secret_key\..+\.tmp$/

interface Variant {
  readonly imported: boolean
  readonly passphrase: boolean
}

interface Trial extends Variant {
  readonly oldKey: boolean
  /** When the kill comes: at a random time of the run, aimed at the write, or never (calibration). */
  readonly kill: "random" | "aimed" | "none"
}

type KeyState = "absent" | "old key" | "new key" | "corrupted"

interface Result {
  readonly state: KeyState
  readonly killed: boolean
  readonly tempFiles: number
  readonly tempFilesNot0600: number
  readonly detail?: string
}

let cli: string
const root = mkdtempSync(join(tmpdir(), "cclink-kill-"))
/** Uninterrupted run time per variant, to spread the random kills over a whole run. */
const runMs = new Map<string, number>()
const variantKey = ({ imported, passphrase }: Variant) =>
  `${imported ? "import" : "init"}/${passphrase ? "passphrase" : "plaintext"}`

afterAll(() => rmSync(root, { recursive: true, force: true }))

/** Loads the key file as cclink would (mode check included); the seed in hex, or why it is not a key. */
const load = (path: string, passphrase: boolean) =>
  Effect.runPromise(
    Effect.flatMap(KeyStore, (store) => store.load()).pipe(
      Effect.map((keypair) => Buffer.from(keypair.seed()).toString("hex")),
      Effect.either,
      Effect.provide(KeyStore.layer.pipe(
        Layer.provide(Passphrase.layerTest(passphrase ? { passphrase: PASSPHRASE } : {})),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["CCLINK_KEY_FILE", path]]))))
      ))
    )
  )

const start = (home: string, trial: Variant, importFile: string) =>
  spawn(process.execPath, [
    cli,
    "init",
    "-y",
    ...(trial.imported ? ["--import", importFile] : []),
    ...(trial.passphrase ? [] : ["--no-passphrase"])
  ], {
    cwd: home,
    env: {
      HOME: home,
      // One code cache for every trial, warm as on a user's machine: a cold start in each would double the suite's time.
      XDG_CACHE_HOME: join(root, "cache"),
      PATH: "/usr/bin:/bin",
      LANG: "C.UTF-8",
      ...(trial.passphrase ? { CCLINK_PASSPHRASE: PASSPHRASE } : {})
    },
    stdio: ["ignore", "ignore", "pipe"]
  })

const runTrial = async (trial: Trial): Promise<Result> => {
  const home = mkdtempSync(join(root, "home-"))
  const folder = join(home, ".pubky")
  const path = join(folder, "secret_key")
  const oldSeed = randomBytes(32).toString("hex")
  const importSeed = randomBytes(32).toString("hex")
  const importFile = join(home, "backup_key")
  writeFileSync(importFile, `${importSeed}\n`, { mode: 0o600 })
  if (trial.oldKey || trial.kill === "aimed") mkdirSync(folder, { mode: 0o700 })
  if (trial.oldKey) writeFileSync(path, oldSeed, { mode: 0o600 })

  const child = start(home, trial, importFile)
  let stderr = ""
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal }))
  )
  const kill = () => child.kill("SIGKILL")
  const watcher = trial.kill === "aimed"
    ? watch(folder, (_, name) => {
      if (name !== null && TEMP_FILE.test(name)) {
        const delay = Math.floor(Math.random() * 3)
        if (delay === 0) kill()
        else setTimeout(kill, delay)
      }
    })
    : undefined
  const timer = trial.kill === "random"
    ? setTimeout(kill, Math.random() * 1.1 * runMs.get(variantKey(trial))!)
    : undefined
  const { code, signal } = await exited
  clearTimeout(timer)
  watcher?.close()

  const killed = signal === "SIGKILL"
  if (!killed) expect({ code, stderr }).toEqual({ code: 0, stderr: "" })
  const temps = existsSync(folder) ? readdirSync(folder).filter((name) => TEMP_FILE.test(name)) : []
  const tempFilesNot0600 = temps.filter((name) => (statSync(join(folder, name)).mode & 0o777) !== 0o600).length
  const result = (state: KeyState, detail?: string): Result => ({
    state,
    killed,
    tempFiles: temps.length,
    tempFilesNot0600,
    ...(detail === undefined ? {} : { detail })
  })

  if (!existsSync(path)) {
    return result(trial.oldKey ? "corrupted" : "absent", trial.oldKey ? "the old key vanished" : undefined)
  }
  if ((statSync(path).mode & 0o777) !== 0o600) {
    return result("corrupted", `mode ${(statSync(path).mode & 0o777).toString(8)}`)
  }
  if (trial.oldKey && readFileSync(path, "latin1") === oldSeed) return result("old key")
  const loaded = await load(path, trial.passphrase)
  if (Either.isLeft(loaded)) return result("corrupted", loaded.left.message)
  if (trial.imported && loaded.right !== importSeed) return result("corrupted", "not the imported key")
  // A new key must be sealed as asked: an envelope under a passphrase, plaintext hex without one.
  const envelope = readFileSync(path).subarray(0, 8).toString("latin1") === "CCLINKEK"
  if (envelope !== trial.passphrase) {
    return result("corrupted", envelope ? "sealed without a passphrase" : "plaintext despite a passphrase")
  }
  return result("new key")
}

beforeAll(async () => {
  cli = await builtCli()
  // One uninterrupted run of each variant: it writes the new key, and its time bounds the random kills.
  // The first run only warms the code cache, so that the times are those of the trials.
  await runTrial({ imported: false, passphrase: false, oldKey: false, kill: "none" })
  for (const imported of [false, true]) {
    for (const passphrase of [false, true]) {
      const started = Date.now()
      expect(await runTrial({ imported, passphrase, oldKey: true, kill: "none" })).toMatchObject({
        state: "new key",
        killed: false
      })
      runMs.set(variantKey({ imported, passphrase }), Date.now() - started)
    }
  }
}, 120_000)

/** Every combination of import or not, old key or not, random or aimed kill, in turn. */
const trialAt = (i: number, passphrase: boolean): Trial => ({
  imported: i % 2 === 1,
  passphrase,
  oldKey: i % 4 < 2,
  kill: i % 8 < 4 ? "random" : "aimed"
})

describe("kill -9 during cclink init", () => {
  it("200 random kills of init and init --import leave no corrupted or partial key file", async () => {
    const trials: Array<Trial> = [
      ...Array.from({ length: PLAINTEXT_TRIALS }, (_, i) => trialAt(i, false)),
      ...Array.from({ length: PASSPHRASE_TRIALS }, (_, i) => trialAt(i, true))
    ]
    const results: Array<Result & Trial> = []
    for (let i = 0; i < trials.length; i += CONCURRENCY) {
      const batch = trials.slice(i, i + CONCURRENCY)
      results.push(...(await Promise.all(batch.map(async (trial) => ({ ...trial, ...(await runTrial(trial)) })))))
    }
    const count = (predicate: (result: Result & Trial) => boolean) => results.filter(predicate).length
    const states = (subset: ReadonlyArray<Result & Trial>) =>
      Object.fromEntries(
        (["absent", "old key", "new key", "corrupted"] as const).map((state) => [
          state,
          subset.filter((r) => r.state === state).length
        ])
      )
    recordFigures("keyFileKill", {
      trials: results.length,
      plaintextTrials: PLAINTEXT_TRIALS,
      passphraseTrials: PASSPHRASE_TRIALS,
      killedMidRun: count((r) => r.killed),
      finishedBeforeTheKill: count((r) => !r.killed),
      killsAimedAtTheWrite: count((r) => r.kill === "aimed"),
      keyFile: states(results),
      keyFileWhenAimed: states(results.filter((r) => r.kill === "aimed")),
      corruptedOrPartial: count((r) => r.state === "corrupted"),
      temporaryFilesLeft: results.reduce((sum, r) => sum + r.tempFiles, 0),
      temporaryFilesNot0600: results.reduce((sum, r) => sum + r.tempFilesNot0600, 0),
      uninterruptedRunMs: Object.fromEntries(runMs)
    })
    expect(results.filter((r) => r.state === "corrupted")).toEqual([])
    expect(count((r) => r.tempFilesNot0600 > 0)).toBe(0)
    // The kills did land mid-run and around the write: some left the old key, some the new one, some a temp file.
    expect(count((r) => r.killed)).toBeGreaterThan(100)
    expect(count((r) => r.state === "new key")).toBeGreaterThan(0)
    expect(count((r) => r.state === "old key" && r.killed)).toBeGreaterThan(0)
  }, 600_000)
})
