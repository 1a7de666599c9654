import { it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Ref } from "effect"
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it as vitestIt, onTestFinished } from "vitest"
import type { SessionId } from "../../src/domain/sessionId.js"
import { ClaudeLauncher, type ResumeCall, resumeCommand } from "../../src/services/ClaudeLauncher.js"
import { makeDir, sessionId, tempRoot } from "./claudeHome.js"

const { root, cleanup } = tempRoot()
afterAll(cleanup)

const ID = sessionId("c0ffee00-1234-4abc-9def-0123456789ab")
const repo = fileURLToPath(new URL("../..", import.meta.url))
const launcherModule = fileURLToPath(new URL("../../src/services/ClaudeLauncher.ts", import.meta.url))

interface StandIn {
  /** Exit code for a plain run, or after a caught signal. */
  readonly exitCode: number
  /** Waits for a signal instead of exiting; `catch` handles it, otherwise it is fatal. */
  readonly wait?: "catch" | "die"
  /** Ends itself with this signal. */
  readonly killSelf?: NodeJS.Signals
}

let standIns = 0
/**
 * A `claude` that logs its arguments and directory (to a file and to stdout)
 * and behaves as told. Returns the folder to put first on PATH and the log.
 */
const makeStandIn = (behaviour: StandIn) => {
  const dir = makeDir(join(root, `stand-in-${++standIns}`))
  const bin = makeDir(join(dir, "bin"))
  const log = join(dir, "log")
  const script = `#!${process.execPath}
const fs = require("node:fs")
const log = ${JSON.stringify(log)}
const behaviour = ${JSON.stringify(behaviour)}
if (behaviour.wait === "catch") {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => {
      fs.appendFileSync(log, "received " + signal + "\\n")
      process.exit(behaviour.exitCode)
    })
  }
}
const line = JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd() })
process.stdout.write("stand-in claude " + line + "\\n")
fs.writeFileSync(log, JSON.stringify({ pid: process.pid, args: process.argv.slice(2), cwd: process.cwd() }) + "\\n")
if (behaviour.wait !== undefined) setInterval(() => {}, 1000)
else if (behaviour.killSelf !== undefined) process.kill(process.pid, behaviour.killSelf)
else process.exit(behaviour.exitCode)
`
  writeFileSync(join(bin, "claude"), script, { mode: 0o755 })
  const read = () => readFileSync(log, "utf8").split("\n").filter((line) => line !== "")
  const started = () => JSON.parse(read()[0]!) as { pid: number; args: Array<string>; cwd: string }
  // A failed test can leave a waiting stand-in behind: ended here, after
  // checking that the pid still belongs to it.
  onTestFinished(() => {
    if (!existsSync(log)) return
    const { pid } = started()
    const cmdline = `/proc/${pid}/cmdline`
    if (existsSync(cmdline) && readFileSync(cmdline, "utf8").includes(bin)) process.kill(pid, "SIGKILL")
  })
  return { bin, log, read, started }
}

const withPath = (path: string) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.provide(ClaudeLauncher.layer),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["PATH", path]])))
  )
const resume = (id: SessionId, dir: string) => Effect.flatMap(ClaudeLauncher, (launcher) => launcher.resume(id, dir))
const locate = Effect.flatMap(ClaudeLauncher, (launcher) => launcher.locate)

describe("ClaudeLauncher.layer", () => {
  it.effect("starts `claude --resume <id>` in the project directory and returns its exit code", () => {
    const standIn = makeStandIn({ exitCode: 7 })
    const project = makeDir(join(root, "my project"))
    return Effect.gen(function*() {
      expect(yield* resume(ID, project)).toBe(7)
      expect(standIn.started()).toMatchObject({ args: ["--resume", ID], cwd: project })
    }).pipe(withPath(`${standIn.bin}:/usr/bin:/bin`))
  })

  it.effect("returns 128 + n when signal n ends claude", () => {
    const standIn = makeStandIn({ exitCode: 0, killSelf: "SIGTERM" })
    return Effect.gen(function*() {
      expect(yield* resume(ID, root)).toBe(143)
    }).pipe(withPath(standIn.bin))
  })

  it.effect("takes the first executable `claude` in PATH order", () => {
    const notExecutable = makeDir(join(root, "not-executable"))
    writeFileSync(join(notExecutable, "claude"), "#!/bin/sh\n", { mode: 0o644 })
    const aDirectory = makeDir(join(root, "a-directory"))
    mkdirSync(join(aDirectory, "claude"))
    const first = makeStandIn({ exitCode: 0 })
    const second = makeStandIn({ exitCode: 0 })
    return Effect.gen(function*() {
      expect(yield* locate).toBe(join(first.bin, "claude"))
    }).pipe(withPath([notExecutable, aDirectory, first.bin, second.bin].join(":")))
  })

  it.effect("never runs a `claude` found through an empty or relative PATH entry", () => {
    const here = makeDir(join(root, "cwd-with-claude"))
    writeFileSync(join(here, "claude"), "#!/bin/sh\nexit 0\n", { mode: 0o755 })
    const previous = process.cwd()
    return Effect.acquireUseRelease(
      Effect.sync(() => process.chdir(here)),
      () =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(locate)
          expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "NotFound" } } })
        }).pipe(withPath(":.:./")),
      () => Effect.sync(() => process.chdir(previous))
    )
  })

  it.effect("says how to install Claude Code when it is not on PATH", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(resume(ID, root))
      if (Exit.isSuccess(exit) || exit.cause._tag !== "Fail") return expect.fail("expected NotFound")
      expect(exit.cause.error._tag).toBe("NotFound")
      expect(exit.cause.error.message).toContain("`claude`")
      expect(exit.cause.error.message).toContain("npm install -g @anthropic-ai/claude-code")
    }).pipe(withPath(makeDir(join(root, "empty-bin")))))

  it.effect("fails plainly when the directory does not exist", () => {
    const standIn = makeStandIn({ exitCode: 0 })
    return Effect.gen(function*() {
      const exit = yield* Effect.exit(resume(ID, join(root, "missing")))
      expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "NotFound" } } })
      expect(existsSync(standIn.log)).toBe(false)
    }).pipe(withPath(standIn.bin))
  })
})

describe("ClaudeLauncher.layerTest", () => {
  it.effect("records each resume and answers the chosen exit code", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make<ReadonlyArray<ResumeCall>>([])
      const code = yield* resume(ID, "/home/alice/x").pipe(Effect.provide(ClaudeLauncher.layerTest(calls, 3)))
      expect(code).toBe(3)
      expect(yield* Ref.get(calls)).toEqual([{ sessionId: ID, dir: "/home/alice/x" }])
    }))
})

describe("resumeCommand", () => {
  it.effect("quotes the directory for a POSIX shell only when needed", () =>
    Effect.sync(() => {
      expect(resumeCommand(ID, "/home/alice/x")).toBe(`cd /home/alice/x && claude --resume ${ID}`)
      expect(resumeCommand(ID, "/home/alice/my project")).toBe(`cd '/home/alice/my project' && claude --resume ${ID}`)
      expect(resumeCommand(ID, "/tmp/it's $HOME")).toBe(`cd '/tmp/it'\\''s $HOME' && claude --resume ${ID}`)
    }))
})

/**
 * Runs the live launcher in its own node process, as the CLI would, with the
 * stand-in first on PATH; the process exits with what `resume` returned.
 */
const launchInChild = (bin: string, dir: string) => {
  const program = `
import { Effect } from "effect"
const { ClaudeLauncher } = await import(${JSON.stringify(launcherModule)})
const code = await Effect.runPromise(
  Effect.flatMap(ClaudeLauncher, (launcher) => launcher.resume(${JSON.stringify(ID)}, ${JSON.stringify(dir)}))
    .pipe(Effect.provide(ClaudeLauncher.layer))
)
process.exit(code)
`
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", program], {
    cwd: repo,
    env: { ...process.env, PATH: `${bin}:${process.env["PATH"]}` },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout.on("data", (chunk) => (output += chunk))
  child.stderr.on("data", (chunk) => (output += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, output }))
  )
  return { child, exited }
}

const until = async (ready: () => boolean, what: string) => {
  const deadline = Date.now() + 30_000
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe("ClaudeLauncher.layer in a cclink process", () => {
  vitestIt("hands claude the terminal's output and exits with its code", async () => {
    const standIn = makeStandIn({ exitCode: 5 })
    const { exited } = launchInChild(standIn.bin, root)
    const result = await exited
    expect(result.code).toBe(5)
    expect(result.output).toContain(`stand-in claude {"args":["--resume","${ID}"],"cwd":"${root}"}`)
  })

  vitestIt.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)(
    "passes %s on to claude and exits with its code",
    async (signal) => {
      const standIn = makeStandIn({ exitCode: 42, wait: "catch" })
      const { child, exited } = launchInChild(standIn.bin, root)
      await until(() => existsSync(standIn.log), "the stand-in to start")
      child.kill(signal)
      const result = await exited
      expect(standIn.read()).toContain(`received ${signal}`)
      expect(result).toMatchObject({ code: 42, signal: null })
    }
  )

  vitestIt("exits with 128 + n when the forwarded signal ends claude", async () => {
    const standIn = makeStandIn({ exitCode: 0, wait: "die" })
    const { child, exited } = launchInChild(standIn.bin, root)
    await until(() => existsSync(standIn.log), "the stand-in to start")
    child.kill("SIGTERM")
    expect(await exited).toMatchObject({ code: 143, signal: null })
  })
})
