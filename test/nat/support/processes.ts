/**
 * Processes of the NAT tests, started inside a host's namespace and stopped
 * with the scope: SIGTERM first, SIGKILL when it does not exit in time. Their
 * stdout is read as JSON lines (see ../children/lines.ts).
 */
import { Data, Duration, Effect, Option } from "effect"
import { spawn } from "node:child_process"
import { constants } from "node:os"
import { fileURLToPath } from "node:url"
import type { Host } from "./topology.js"

export class ProcessError extends Data.TaggedError("ProcessError")<{ readonly message: string }> {}

export const REPO = fileURLToPath(new URL("../../..", import.meta.url))

/** How long a stopped process may take to exit before it is killed. */
const STOP_GRACE = Duration.seconds(5)

export interface Running {
  readonly pid: number
  /** Complete stdout lines so far. */
  readonly lines: () => ReadonlyArray<string>
  readonly stderr: () => string
  /** The first line at index `from` or later, parsed, that `match` accepts; fails if the process exits first or `within` passes. */
  readonly waitForLine: (
    match: (line: Record<string, unknown>) => boolean,
    options?: { readonly from?: number; readonly within?: Duration.DurationInput }
  ) => Effect.Effect<Record<string, unknown>, ProcessError>
  /** Resolves with the exit code (128 + signal number for a signal) once it exits. */
  readonly exited: Effect.Effect<number>
}

const parse = (line: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(line)
    return typeof value === "object" && value !== null ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/** `argv` (already wrapped by `host.exec` or not), stopped when the scope closes. */
export const spawnScoped = (
  argv: ReadonlyArray<string>,
  options: { readonly env?: Readonly<Record<string, string>>; readonly cwd?: string; readonly label?: string } = {}
) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: options.cwd ?? REPO,
        env: options.env ?? process.env,
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stdout = ""
      let stderr = ""
      let code: number | undefined
      const listeners = new Set<() => void>()
      const notify = () => listeners.forEach((listener) => listener())
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString()
        notify()
      })
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
      child.once("close", (exitCode, signal) => {
        code = exitCode ?? 128 + (signal === null ? 0 : constants.signals[signal])
        notify()
      })
      child.once("error", (error) => {
        stderr += `${error.message}\n`
        code ??= 127
        notify()
      })
      const label = options.label ?? argv.join(" ")
      const lines = () => stdout.split("\n").slice(0, -1)
      /** Resumes once `check` returns a value, re-checked on every output or exit. */
      const when = <A>(check: () => A | undefined) =>
        Effect.async<A>((resume) => {
          const listener = () => {
            const value = check()
            if (value === undefined) return
            listeners.delete(listener)
            resume(Effect.succeed(value))
          }
          listeners.add(listener)
          listener()
          return Effect.sync(() => listeners.delete(listener))
        })
      const running: Running = {
        pid: child.pid ?? -1,
        lines,
        stderr: () => stderr,
        waitForLine: (match, { from = 0, within = Duration.seconds(60) } = {}) =>
          when(() => {
            const found = lines().slice(from).map(parse).find((line) => line !== undefined && match(line))
            if (found !== undefined) return Option.some(found)
            return code === undefined ? undefined : Option.none()
          }).pipe(
            Effect.timeoutFail({
              duration: within,
              onTimeout: () => new ProcessError({ message: `${label}: no such line within ${Duration.format(within)}` })
            }),
            Effect.flatMap(Option.match({
              onSome: Effect.succeed,
              onNone: () =>
                Effect.fail(new ProcessError({ message: `${label} exited ${code} first:\n${stdout}\n${stderr}` }))
            }))
          ),
        exited: when(() => code)
      }
      return { child, running }
    }),
    ({ child, running }) =>
      Effect.gen(function*() {
        if (child.exitCode !== null || child.signalCode !== null) return
        child.kill("SIGTERM")
        const exited = yield* running.exited.pipe(Effect.timeout(STOP_GRACE), Effect.option)
        if (Option.isNone(exited)) {
          child.kill("SIGKILL")
          yield* running.exited
        }
      })
  ).pipe(Effect.map(({ running }) => running))

/** `node --import tsx test/nat/children/<script>.ts ...args` inside `host`'s namespace. */
export const child = (host: Host, script: string, args: ReadonlyArray<string>) =>
  spawnScoped(
    host.exec([process.execPath, "--import", "tsx", `test/nat/children/${script}.ts`, ...args]),
    { label: `${script} on ${host.label}` }
  )
