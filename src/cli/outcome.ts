/**
 * How a command ends: its exit code, after one or two plain lines on stderr
 * for a failure, never a stack trace; Ctrl-C and `kill` interrupt it so its
 * scopes close (sockets, temporary files, terminal modes) before it exits.
 */
import { Cause, Effect, Exit, Fiber, Option } from "effect"
import type { CclinkError } from "../domain/errors.js"
import { ExitCode, exitCodeOf } from "./exitCode.js"
import { red } from "./style.js"

const isCclinkError = (error: unknown): error is CclinkError =>
  typeof error === "object" && error !== null && "_tag" in error && "message" in error

export const report = (message: string) => {
  process.stderr.write(`${red(process.stderr)("cclink:")} ${message.split("\n").join("\n  ")}\n`)
}

/** What an exit means for the process: the exit code, after printing any error. */
const conclude = (exit: Exit.Exit<unknown, unknown>, alreadyReported: (error: unknown) => boolean): number => {
  if (Exit.isSuccess(exit)) return typeof process.exitCode === "number" ? process.exitCode : ExitCode.Ok
  if (Cause.isInterruptedOnly(exit.cause)) return 130
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (alreadyReported(error)) return ExitCode.Error
    if (isCclinkError(error)) {
      report(error.message)
      return exitCodeOf(error)
    }
  }
  const defect = Cause.squash(exit.cause)
  report(`unexpected error: ${defect instanceof Error ? defect.message : String(defect)}`)
  if (process.env.CCLINK_DEBUG === "1") process.stderr.write(`${Cause.pretty(exit.cause)}\n`)
  return ExitCode.Error
}

/** Who is waiting on `stopRequested`: while anyone is, a signal is theirs to handle. */
const stopWaiters = new Set<(signal: NodeJS.Signals) => void>()

/**
 * Succeeds with the signal when the user asks the command to stop (Ctrl-C,
 * SIGTERM) while this waits, instead of interrupting the command: a server
 * in the foreground (`publish --carry`) then ends as it would for any other
 * reason, saying why, with exit 0. A second signal interrupts as usual.
 */
export const stopRequested: Effect.Effect<NodeJS.Signals> = Effect.async((resume) => {
  const waiter = (signal: NodeJS.Signals) => resume(Effect.succeed(signal))
  stopWaiters.add(waiter)
  return Effect.sync(() => stopWaiters.delete(waiter))
})

/** Runs `program` as the process's command and resolves to its exit code. */
export const runCommand = (
  program: Effect.Effect<unknown, unknown>,
  alreadyReported: (error: unknown) => boolean = () => false
): Promise<number> => {
  const fiber = Effect.runFork(program)
  const interrupt = (signal: NodeJS.Signals) => {
    if (stopWaiters.size === 0) return Effect.runFork(Fiber.interrupt(fiber))
    const waiters = [...stopWaiters]
    stopWaiters.clear()
    for (const waiter of waiters) waiter(signal)
    process.once(signal, interrupt)
  }
  process.once("SIGINT", interrupt)
  process.once("SIGTERM", interrupt)
  return Effect.runPromise(Fiber.await(fiber)).then((exit) => {
    process.off("SIGINT", interrupt)
    process.off("SIGTERM", interrupt)
    return conclude(exit, alreadyReported)
  })
}
