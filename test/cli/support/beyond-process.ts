/**
 * A long-running `cclink` command (`pickup --wait`, `publish --keepalive`)
 * followed while it runs: the test reads its output line by line, acts on the
 * network meanwhile, and signals it. `run` in ./cli.ts only answers once the
 * command has ended. The output passes the same checks as every other run:
 * no stack trace, no registered secret, no ANSI escape in a pipe.
 */
import { setTimeout as sleep } from "node:timers/promises"
import { type RunOptions, type RunResult, spawnCli } from "./cli.js"

export interface Running {
  /** Complete stdout lines so far. */
  readonly lines: () => ReadonlyArray<string>
  /** The first complete stdout line at index `from` or later that `match` accepts. */
  readonly waitForLine: (match: (line: string) => boolean, from?: number) => Promise<string>
  readonly running: () => boolean
  readonly signal: (signal: NodeJS.Signals) => void
  /** Settles once the command has exited and its output passed the checks. */
  readonly done: Promise<RunResult>
}

/** How long `waitForLine` waits: only so a command that never prints fails its test instead of hanging it. */
const LINE_DEADLINE_MS = 45_000

export const launch = async (
  args: ReadonlyArray<string>,
  options: Pick<RunOptions, "env" | "cwd" | "deadlineMs" | "launcher">
): Promise<Running> => {
  const { child, done, stderr, stdout } = await spawnCli(args, {
    ...options,
    deadlineMs: options.deadlineMs ?? 120_000
  })
  let exited = false
  child.once("close", () => {
    exited = true
  })
  // Surfaces through `done` when the test awaits it; a test that failed earlier must not add an unhandled rejection.
  done.catch(() => {})
  const lines = () => stdout().split("\n").slice(0, -1)

  const waitForLine = async (match: (line: string) => boolean, from = 0) => {
    for (const since = Date.now(); Date.now() - since < LINE_DEADLINE_MS; await sleep(50)) {
      const ended = exited
      const found = lines().slice(from).find(match)
      if (found !== undefined) return found
      if (ended) break
    }
    throw new Error(`cclink ${args.join(" ")}: no such line on stdout:\n${stdout()}\nstderr:\n${stderr()}`)
  }

  return {
    lines,
    waitForLine,
    running: () => !exited,
    signal: (signal) => {
      if (!exited) child.kill(signal)
    },
    done
  }
}
