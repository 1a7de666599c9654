/**
 * The built CLI as a subprocess: `node <build>/dist/cli.cjs ...` (see
 * build.ts), or an installed `cclink`, with an environment built from
 * nothing (so the developer's HOME, CCLINK_* or CLAUDE_* never leak in),
 * stdin and any extra descriptors as real pipes, and every result checked
 * for what must never be printed: stack traces, ANSI escapes in a pipe, and
 * the secrets the test registered.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { constants } from "node:os"
import type { Writable } from "node:stream"
import { expect } from "vitest"
import { builtCli } from "./build.js"

export interface RunOptions {
  /** The whole environment of the process: nothing else is inherited. */
  readonly env: Readonly<Record<string, string>>
  readonly cwd?: string
  /** Written to stdin, which is then closed (stdin is closed at once without it). */
  readonly input?: string
  /** Texts the CLI reads from descriptors 3, 4, ...: each one a real pipe. */
  readonly fds?: ReadonlyArray<string>
  /** Only so a hung command fails its test instead of the whole suite: generous. */
  readonly deadlineMs?: number
  /** An installed `cclink` executable to run instead of the build of the sources (build.ts). */
  readonly cli?: string
  /** A command that runs `node` for it, as `ip netns exec <ns>` runs it on a NAT test's machine (it must exec, not fork). */
  readonly launcher?: ReadonlyArray<string>
}

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** Wall time, for the benchmark note; tests do not assert on it. */
  readonly ms: number
}

const secrets = new Set<string>()

/** A value that must never appear in any output of any command (seeds, PINs, passphrases). */
export const registerSecret = (secret: string): string => {
  secrets.add(secret)
  return secret
}

/** Lines a V8 stack trace or an uncaught error prints. */
const STACK_LINE = /^ {4}at /m
const ERROR_LINE = /^(\w*Error|Uncaught|node:internal)\b/m

/** What every output of the CLI must satisfy, whatever the command did. */
export const expectClean = (text: string, where: string) => {
  expect(text, `${where}: a stack trace`).not.toMatch(STACK_LINE)
  expect(text, `${where}: an uncaught error`).not.toMatch(ERROR_LINE)
  for (const secret of secrets) {
    expect(text.toLowerCase().includes(secret.toLowerCase()), `${where}: a registered secret leaked`).toBe(false)
  }
}

/** A started command: `done` settles once it has exited and its output passed the checks. */
/** A command under way: its process, its output so far, and its result once it ends (checked by `finished`). */
export interface Started {
  readonly child: ChildProcess
  readonly stdout: () => string
  readonly stderr: () => string
  readonly done: Promise<RunResult>
}

/**
 * The result of a command that exited, checked as every CLI run must be: no
 * stack trace and no registered secret in its output, and no colour, since
 * its output is never a terminal here.
 */
const finished = (
  label: string,
  code: number | null,
  signal: NodeJS.Signals | null,
  stdout: Buffer,
  stderr: Buffer,
  started: number
): RunResult => {
  const result = {
    code: code ?? 128 + (signal === null ? 0 : constants.signals[signal]),
    stdout: stdout.toString("utf8"),
    stderr: stderr.toString("utf8"),
    ms: Date.now() - started
  }
  expectClean(result.stdout, `${label} stdout`)
  expectClean(result.stderr, `${label} stderr`)
  expect(result.stdout + result.stderr, `${label}: ANSI escapes in a pipe`).not.toContain("\u001b")
  return result
}

export const spawnCli = async (args: ReadonlyArray<string>, options: RunOptions): Promise<Started> => {
  const [command, ...before] = options.cli === undefined ? [process.execPath, await builtCli()] : [options.cli]
  const started = Date.now()
  const extra = options.fds ?? []
  const [file, ...argv] = [...(options.launcher ?? []), command!, ...before, ...args]
  const child = spawn(file!, argv, {
    cwd: options.cwd ?? options.env.HOME,
    env: options.env,
    stdio: ["pipe", "pipe", "pipe", ...extra.map(() => "pipe" as const)]
  })
  const stdout: Array<Buffer> = []
  const stderr: Array<Buffer> = []
  child.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk))
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk))
  // A command that exits without reading its input closes the pipe under us: not an error of the test.
  child.stdin!.on("error", () => {})
  child.stdin!.end(options.input ?? "")
  extra.forEach((text, i) => {
    const pipe = child.stdio[3 + i] as Writable
    pipe.on("error", () => {})
    pipe.end(text)
  })
  const label = `cclink ${args.join(" ")}`
  const done = new Promise<RunResult>((resolve, reject) => {
    const deadlineMs = options.deadlineMs ?? 60_000
    const deadline = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${label} still running after ${deadlineMs} ms`))
    }, deadlineMs)
    child.once("error", reject)
    child.once("close", (code, signal) => {
      clearTimeout(deadline)
      try {
        resolve(finished(label, code, signal, Buffer.concat(stdout), Buffer.concat(stderr), started))
      } catch (error) {
        reject(error)
      }
    })
  })
  return {
    child,
    stdout: () => Buffer.concat(stdout).toString("utf8"),
    stderr: () => Buffer.concat(stderr).toString("utf8"),
    done
  }
}

export const run = async (args: ReadonlyArray<string>, options: RunOptions): Promise<RunResult> =>
  (await spawnCli(args, options)).done

/**
 * A command that runs until stopped (`cclink testnet`): resolves with its
 * first line of stdout; `stop` sends a signal and resolves once it exited.
 */
export const start = async (args: ReadonlyArray<string>, options: RunOptions) => {
  const { child, stdout, done } = await spawnCli(args, options)
  // Surfaces only through `stop`; without this an early exit would be an unhandled rejection.
  done.catch(() => {})
  const firstLine = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const text = stdout()
      if (text.includes("\n")) resolve(text.slice(0, text.indexOf("\n")))
    }
    child.stdout!.on("data", check)
    child.once("close", () => reject(new Error(`cclink ${args.join(" ")} exited before printing a line`)))
  })
  return {
    firstLine,
    stop: (signal: NodeJS.Signals): Promise<RunResult> => {
      child.kill(signal)
      return done
    }
  }
}

/** The one JSON object a `--json` command prints: stdout holds it alone, stderr nothing. */
export const jsonOf = (result: RunResult): Record<string, unknown> => {
  expect(result.stderr).toBe("")
  const lines = result.stdout.trimEnd().split("\n")
  expect(lines).toHaveLength(1)
  const value: unknown = JSON.parse(lines[0]!)
  expect(typeof value === "object" && value !== null && !Array.isArray(value)).toBe(true)
  return value as Record<string, unknown>
}

/** One line of stderr after the `cclink:` prefix and its continuation indent, for comparing messages. */
export const errorText = (result: RunResult): string =>
  result.stderr.replace(/^cclink: /, "").replace(/\n {2}/g, "\n").trim()
