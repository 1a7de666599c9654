/**
 * A long-running `cclink` command (`pickup --wait`, `publish --keepalive`)
 * followed while it runs: the test reads its output line by line, acts on the
 * network meanwhile, and signals it. `run` in ./cli.ts only answers once the
 * command has ended. The output passes the same checks as every other run:
 * no stack trace, no registered secret, no ANSI escape in a pipe.
 */
import { spawn } from "node:child_process"
import { setTimeout as sleep } from "node:timers/promises"
import { builtCli } from "./build.js"
import { finished, type RunResult } from "./cli.js"

export interface Running {
  /** Complete stdout lines so far. */
  readonly lines: () => ReadonlyArray<string>
  readonly stderr: () => string
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
  options: { readonly env: Readonly<Record<string, string>>; readonly cwd?: string; readonly deadlineMs?: number }
): Promise<Running> => {
  const started = Date.now()
  const child = spawn(process.execPath, [await builtCli(), ...args], {
    cwd: options.cwd ?? options.env.HOME,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"]
  })
  const stdout: Array<Buffer> = []
  const stderr: Array<Buffer> = []
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk))
  child.stdin.on("error", () => {})
  child.stdin.end()
  let exited = false
  const label = `cclink ${args.join(" ")}`
  const text = (chunks: ReadonlyArray<Buffer>) => Buffer.concat(chunks).toString("utf8")
  const lines = () => text(stdout).split("\n").slice(0, -1)

  const done = new Promise<RunResult>((resolve, reject) => {
    const deadlineMs = options.deadlineMs ?? 120_000
    const deadline = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${label} still running after ${deadlineMs} ms`))
    }, deadlineMs)
    child.once("error", reject)
    child.once("close", (code, signal) => {
      exited = true
      clearTimeout(deadline)
      try {
        resolve(finished(label, code, signal, Buffer.concat(stdout), Buffer.concat(stderr), started))
      } catch (error) {
        reject(error)
      }
    })
  })
  // Surfaces through `done` when the test awaits it; a test that failed earlier must not add an unhandled rejection.
  done.catch(() => {})

  const waitForLine = async (match: (line: string) => boolean, from = 0) => {
    for (const since = Date.now(); Date.now() - since < LINE_DEADLINE_MS; await sleep(50)) {
      const ended = exited
      const found = lines().slice(from).find(match)
      if (found !== undefined) return found
      if (ended) break
    }
    throw new Error(`${label}: no such line on stdout:\n${text(stdout)}\nstderr:\n${text(stderr)}`)
  }

  return {
    lines,
    stderr: () => text(stderr),
    waitForLine,
    running: () => !exited,
    signal: (signal) => {
      if (!exited) child.kill(signal)
    },
    done
  }
}
