/**
 * Leaks of secrets through the command line: every failure that involves a
 * PIN, a passphrase or a seed (wrong ones, weak ones, ones typed inline,
 * malformed key files and imports, a key file others can read), run with
 * CCLINK_DEBUG=1, must print none of them, in any form (as typed, any case,
 * hex, base64); and while commands that hold secrets run, neither
 * /proc/<pid>/cmdline nor `ps -eo args` may ever show one.
 */
import { execFile, spawn } from "node:child_process"
import { randomBytes, randomUUID } from "node:crypto"
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, it } from "vitest"
import { builtCli } from "../cli/support/build.js"
import { registerSecret, type RunResult } from "../cli/support/cli.js"
import { type Machine, makeMachine, makePair, useRoot } from "../cli/support/machines.js"
import { useDht } from "../cli/support/network.js"
import { writeWithMode } from "../support/files.js"
import { recordFigures } from "./support/figures.js"
import { leaksIn } from "./support/leakForms.js"
import { DOCUMENTED_EXIT_CODE } from "./support/outcome.js"

const root = useRoot()
const dht = useDht(20)
const figures: Record<string, unknown> = {}

afterAll(async () => {
  recordFigures("leaksOutput", figures)
})

const PIN = registerSecret("orchid-5529-lantern")
const WRONG_PIN = registerSecret("orchid-5529-lanterm")
const PASSPHRASE = registerSecret("quiet meadow 7714 falcon")
const WRONG_PASSPHRASE = registerSecret("quiet meadow 7714 falcom")
const secrets = [PIN, WRONG_PIN, PASSPHRASE, WRONG_PASSPHRASE]

const secretFile = (name: string, text: string, mode = 0o600) =>
  writeWithMode(join(root.dir, `${name}-${randomUUID().slice(0, 8)}`), text, mode)

/** Every form of every secret this case involves, in everything the command printed. */
const leaked = (result: RunResult, extra: ReadonlyArray<string>) =>
  [...secrets, ...extra].flatMap((secret) =>
    leaksIn(Buffer.from(result.stdout + result.stderr), secret).map((form) => `${form} of a secret`)
  )

describe("secrets in output", () => {
  it("no failure with a PIN, passphrase or seed prints it, even with CCLINK_DEBUG=1", async () => {
    const { key, project, sessionId, a } = makePair(root, dht.bootstrap)
    const debug = { CCLINK_DEBUG: "1" }
    expect((await a.run(["publish", sessionId, "--pin-file", secretFile("pin", `${PIN}\n`)], { cwd: project })).code)
      .toBe(0)
    const keyless = makeMachine(root, `keyless-${key.z32.slice(0, 8)}`, { bootstrap: dht.bootstrap })
    keyless.writeSession(project, sessionId)

    // A key sealed under a passphrase, on its own machine.
    const sealed = makeMachine(root, `sealed-${key.z32.slice(0, 8)}`, { bootstrap: dht.bootstrap })
    const importFile = secretFile("import", `${key.hex}\n`)
    expect((await sealed.run(["init", "--import", importFile], { env: { CCLINK_PASSPHRASE: PASSPHRASE } })).code)
      .toBe(0)

    const otherSeed = registerSecret(randomBytes(32).toString("hex"))
    const withKeyFile = (name: string, contents: string, mode: number) => {
      const machine = makeMachine(root, `${name}-${randomUUID().slice(0, 8)}`, { bootstrap: dht.bootstrap })
      machine.installKey(key)
      writeFileSync(machine.keyFile, contents)
      chmodSync(machine.keyFile, mode)
      return machine
    }
    const cases: ReadonlyArray<
      {
        readonly name: string
        readonly run: () => Promise<RunResult>
        readonly exit: number
        readonly extra?: ReadonlyArray<string>
      }
    > = [
      {
        name: "wrong PIN from CCLINK_PIN",
        exit: 4,
        run: () => keyless.run(["pickup", key.display, "--no-launch"], { env: { ...debug, CCLINK_PIN: WRONG_PIN } })
      },
      {
        name: "wrong PIN from --pin-file",
        exit: 4,
        run: () =>
          keyless.run(["pickup", key.display, "--no-launch", "--pin-file", secretFile("wrong", WRONG_PIN)], {
            env: debug
          })
      },
      {
        name: "right PIN (success output)",
        exit: 0,
        run: () => keyless.run(["pickup", key.display, "--no-launch"], { env: { ...debug, CCLINK_PIN: PIN } })
      },
      {
        name: "PIN inline after --pin",
        exit: 4,
        run: () => a.run(["publish", sessionId, "--pin", WRONG_PIN], { cwd: project, env: debug })
      },
      {
        name: "PIN inline as --pin=",
        exit: 4,
        run: () => a.run(["publish", sessionId, `--pin=${WRONG_PIN}`], { cwd: project, env: debug })
      },
      {
        name: "passphrase inline",
        exit: 4,
        run: () => sealed.run(["pickup", "--passphrase", WRONG_PASSPHRASE], { env: debug })
      },
      {
        name: "weak PIN refused by policy",
        exit: 4,
        run: () => a.run(["publish", sessionId], { cwd: project, env: { ...debug, CCLINK_PIN: "abcdefghij" } }),
        extra: ["abcdefghij"]
      },
      {
        name: "wrong passphrase for the key",
        exit: 4,
        run: () => sealed.run(["pickup", "--no-launch"], { env: { ...debug, CCLINK_PASSPHRASE: WRONG_PASSPHRASE } })
      },
      {
        name: "too short a new passphrase",
        exit: 4,
        run: () =>
          makeMachine(root, `short-${randomUUID().slice(0, 8)}`).run(["init"], {
            env: { ...debug, CCLINK_PASSPHRASE: "Zq7!x" }
          }),
        extra: ["Zq7!x"]
      },
      {
        name: "import of 63 hex digits",
        exit: 1,
        run: () =>
          makeMachine(root, `imp63-${randomUUID().slice(0, 8)}`).run([
            "init",
            "--no-passphrase",
            "--import",
            secretFile("short", otherSeed.slice(1))
          ], { env: debug }),
        extra: [otherSeed.slice(1)]
      },
      {
        name: "import with a non-hex digit",
        exit: 1,
        run: () =>
          makeMachine(root, `impg-${randomUUID().slice(0, 8)}`).run([
            "init",
            "--no-passphrase",
            "--import",
            secretFile("nonhex", `${otherSeed.slice(0, 63)}g`)
          ], { env: debug }),
        extra: [otherSeed.slice(0, 63)]
      },
      {
        name: "key file readable by others",
        exit: 1,
        run: () => withKeyFile("open", key.hex, 0o644).run(["pickup", "--no-launch"], { env: debug })
      },
      {
        name: "key file with a damaged digit",
        exit: 1,
        run: () =>
          withKeyFile("damaged", `${key.hex.slice(0, 40)}x${key.hex.slice(41)}`, 0o600).run(["pickup", "--no-launch"], {
            env: debug
          }),
        extra: [key.hex.slice(0, 40), key.hex.slice(41)]
      }
    ]
    const results: Record<string, { readonly exitCode: number; readonly leaks: ReadonlyArray<string> }> = {}
    for (const { exit, extra = [], name, run } of cases) {
      const result = await run()
      results[name] = { exitCode: result.code, leaks: leaked(result, [key.hex, otherSeed, ...extra]) }
      expect({ name, code: result.code }).toEqual({ name, code: exit })
    }
    figures.failureOutputs = {
      cases: cases.length,
      withLeaks: Object.values(results).filter(({ leaks }) => leaks.length > 0).length,
      exitCodes: Object.fromEntries(Object.entries(results).map(([name, { exitCode }]) => [name, exitCode]))
    }
    expect(Object.entries(results).filter(([, { leaks }]) => leaks.length > 0)).toEqual([])
    expect(Object.values(results).map(({ exitCode }) => exitCode)).toContain(DOCUMENTED_EXIT_CODE.PassphraseError)
  }, 240_000)

  it("claude, started by pickup, inherits neither CCLINK_PIN nor CCLINK_PASSPHRASE", async () => {
    const { key, project, sessionId, a } = makePair(root, dht.bootstrap)
    expect(
      (await a.run(["publish", sessionId, "--pin-file", secretFile("env-pin", `${PIN}\n`)], { cwd: project })).code
    ).toBe(0)
    // The key sealed under a passphrase, so this pickup needs both secrets from the environment.
    const b = makeMachine(root, `env-${key.z32.slice(0, 8)}`, { bootstrap: dht.bootstrap })
    expect(
      (await b.run(["init", "--import", secretFile("env-import", key.hex)], { env: { CCLINK_PASSPHRASE: PASSPHRASE } }))
        .code
    ).toBe(0)
    b.writeSession(project, sessionId)
    // A stand-in claude that prints the environment it was given.
    const bin = join(root.dir, `env-bin-${randomUUID().slice(0, 8)}`)
    mkdirSync(bin)
    writeFileSync(join(bin, "claude"), "#!/bin/sh\nenv\n", { mode: 0o755 })
    const picked = await b.run(["pickup", "-y"], {
      env: { CCLINK_PIN: PIN, CCLINK_PASSPHRASE: PASSPHRASE, PATH: `${bin}:/usr/bin:/bin` }
    })
    figures.claudeEnvironment = {
      printed: picked.stdout.includes(`HOME=${b.home}`),
      hasPin: /^CCLINK_PIN=/m.test(picked.stdout),
      hasPassphrase: /^CCLINK_PASSPHRASE=/m.test(picked.stdout)
    }
    expect(picked.code).toBe(0)
    expect(figures.claudeEnvironment).toEqual({ printed: true, hasPin: false, hasPassphrase: false })
  }, 120_000)

  it("while commands holding secrets run, /proc/<pid>/cmdline and `ps -eo args` never show one", async () => {
    const cli = await builtCli()
    const { key, project, sessionId, a } = makePair(root, dht.bootstrap)
    const sealed = makeMachine(root, `ps-sealed-${key.z32.slice(0, 8)}`, { bootstrap: dht.bootstrap })
    const pinFile = secretFile("ps-pin", `${PIN}\n`)
    const passphraseFile = secretFile("ps-passphrase", `${PASSPHRASE}\n`)

    /** Runs the command, sampling its command line from /proc and from `ps` until it exits. */
    const watch = async (
      machine: Machine,
      args: ReadonlyArray<string>,
      env: Record<string, string> = {},
      cwd = machine.home
    ) => {
      const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...machine.env, ...env }, stdio: "ignore" })
      let running = true
      const exited = new Promise<number | null>((resolve) => child.on("close", resolve)).finally(
        () => (running = false)
      )
      let samples = 0
      let shown = 0
      let inEnviron = false
      while (running) {
        const views: Array<string> = []
        try {
          views.push(readFileSync(`/proc/${child.pid}/cmdline`, "utf8").replaceAll("\0", " "))
          inEnviron ||= secrets.some((secret) => readFileSync(`/proc/${child.pid}/environ`, "utf8").includes(secret))
        } catch {
          // Exited between two samples.
        }
        views.push((await promisify(execFile)("ps", ["-eo", "args"], { maxBuffer: 16 * 1024 * 1024 })).stdout)
        if (!running) break
        samples++
        if (views.some((view) => secrets.some((secret) => view.includes(secret)))) shown++
      }
      return { samples, shown, inEnviron, exitCode: await exited }
    }

    const watched = {
      "init, passphrase from CCLINK_PASSPHRASE": await watch(
        sealed,
        ["init", "--import", secretFile("ps-import", key.hex)],
        { CCLINK_PASSPHRASE: PASSPHRASE }
      ),
      "publish, PIN from --pin-file": await watch(a, ["publish", sessionId, "--pin-file", pinFile], {}, project),
      "pickup, PIN from CCLINK_PIN": await watch(
        makeMachine(root, `ps-keyless-${key.z32.slice(0, 8)}`, { bootstrap: dht.bootstrap }),
        ["pickup", key.display, "--no-launch"],
        { CCLINK_PIN: PIN }
      ),
      "whoami, passphrase from --passphrase-file": await watch(sealed, ["whoami", "--passphrase-file", passphraseFile])
    }
    // Control: a PIN typed on the command line is refused, but shows in `ps` while the process starts.
    const inline = await watch(a, ["publish", sessionId, "--pin", WRONG_PIN], {}, project)
    figures.processListing = { ...watched, "control: PIN typed inline (refused)": inline }
    for (const [name, { exitCode, inEnviron, samples, shown }] of Object.entries(watched)) {
      expect({ name, exitCode, shown }).toEqual({ name, exitCode: 0, shown: 0 })
      // /proc/<pid>/environ holds a secret exactly when it came from the environment (docs/security.md).
      expect(inEnviron, name).toBe(name.includes("CCLINK_"))
      // It was watched while it ran, not only after.
      expect(samples, name).toBeGreaterThan(0)
    }
    expect(inline.exitCode).toBe(DOCUMENTED_EXIT_CODE.PassphraseError)
    expect(inline.shown).toBeGreaterThan(0)
  }, 240_000)
})
