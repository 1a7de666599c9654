/**
 * Starts `claude --resume <id>` in the project directory and hands it the
 * terminal until it exits.
 */
import { Config, Context, Effect, Layer, Option, Ref } from "effect"
import { spawn } from "node:child_process"
import { constants as fsConstants } from "node:fs"
import { access, stat } from "node:fs/promises"
import { constants as osConstants } from "node:os"
import { NotFound } from "../domain/errors.js"
import type { SessionId } from "../domain/sessionId.js"
import { shellQuote } from "../domain/shellQuote.js"
import { claudeCandidates, launchCommand, needsExecuteBit } from "./claudeExecutable.js"

/** One `resume` as the test layer records it. */
export interface ResumeCall {
  readonly sessionId: SessionId
  readonly dir: string
}

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const

/**
 * The variables that carry cclink's secrets stay with cclink: claude, and
 * every command and tool it runs, would otherwise inherit the key's
 * passphrase and the PIN.
 */
const SECRET_VARIABLES = new Set(["CCLINK_PASSPHRASE", "CCLINK_PIN"])

const claudeEnvironment = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !SECRET_VARIABLES.has(name)))

const notInstalled = new NotFound({
  what: "Claude Code (`claude`) is not on PATH.",
  hint: "Install it with: npm install -g @anthropic-ai/claude-code"
})

const isExecutableFile = (platform: NodeJS.Platform, file: string) =>
  Effect.promise(() =>
    stat(file)
      .then((info) =>
        !info.isFile() ? false : needsExecuteBit(platform) ? access(file, fsConstants.X_OK).then(() => true) : true
      )
      .catch(() => false)
  )

/** The command `--no-launch` prints: run it on this machine to resume by hand. */
export const resumeCommand = (id: SessionId, dir: string): string =>
  `cd ${shellQuote(dir)} && claude --resume ${shellQuote(id)}`

export class ClaudeLauncher extends Context.Tag("cclink/ClaudeLauncher")<ClaudeLauncher, {
  /** The absolute path of the `claude` that `resume` would start. */
  readonly locate: Effect.Effect<string, NotFound>
  /**
   * Runs `claude --resume <id>` in `dir` with cclink's terminal, and succeeds
   * with its exit code (128 + n when signal n ended it). SIGINT, SIGTERM and
   * SIGHUP sent to cclink are passed on to claude, which decides when to end;
   * so the wait is not interruptible: cclink never abandons a running claude.
   */
  readonly resume: (id: SessionId, dir: string) => Effect.Effect<number, NotFound>
}>() {
  static readonly layer = Layer.effect(
    ClaudeLauncher,
    Effect.gen(function*() {
      const { platform } = process
      const variable = (name: string) => Effect.map(Config.option(Config.string(name)), Option.getOrUndefined)
      const candidates = claudeCandidates(platform, {
        PATH: yield* variable("PATH"),
        PATHEXT: yield* variable("PATHEXT")
      })
      const comSpec = yield* variable("ComSpec")

      const locate = Effect.gen(function*() {
        for (const candidate of candidates) {
          if (yield* isExecutableFile(platform, candidate)) return candidate
        }
        return yield* notInstalled
      }).pipe(Effect.withSpan("ClaudeLauncher.locate"))

      const run = (claude: string, id: SessionId, dir: string) =>
        Effect.async<number, NotFound>((resume) => {
          const launch = launchCommand(platform, claude, ["--resume", id], comSpec)
          const child = spawn(launch.command, launch.args, {
            cwd: dir,
            stdio: "inherit",
            env: claudeEnvironment(),
            windowsVerbatimArguments: launch.verbatim
          })
          // Claude Code reads the terminal in raw mode, where Ctrl-C is a key
          // press, not a signal; a signal sent to cclink alone (`kill`, a
          // supervisor) is passed on, so claude decides how to end.
          const forward = (signal: NodeJS.Signals) => {
            child.kill(signal)
          }
          for (const signal of FORWARDED) process.on(signal, forward)
          const stopForwarding = () => {
            for (const signal of FORWARDED) process.off(signal, forward)
          }
          child.once("error", (error) => {
            stopForwarding()
            resume(Effect.fail(
              new NotFound({ what: `Could not start ${claude} in ${dir}: ${error.message}` })
            ))
          })
          child.once("exit", (code, signal) => {
            stopForwarding()
            resume(Effect.succeed(code ?? 128 + (signal === null ? 0 : osConstants.signals[signal])))
          })
        })

      const resume = Effect.fn("ClaudeLauncher.resume")(function*(id: SessionId, dir: string) {
        const claude = yield* locate
        return yield* Effect.uninterruptible(run(claude, id, dir))
      })

      return { locate, resume }
    })
  )

  /** Records each `resume` in `calls` and answers `exitCode` without starting anything. */
  static readonly layerTest = (calls: Ref.Ref<ReadonlyArray<ResumeCall>>, exitCode = 0) =>
    Layer.succeed(ClaudeLauncher, {
      locate: Effect.succeed("claude"),
      resume: (sessionId, dir) => Effect.as(Ref.update(calls, (all) => [...all, { sessionId, dir }]), exitCode)
    })
}
