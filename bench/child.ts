/**
 * A command run as a subprocess, timed from spawn to exit as the user's shell
 * sees it. A command that fails is a defect of the benchmark: its figure
 * would time an error path, so the run stops with the command's stderr.
 */
import { Effect } from "effect"
import { spawn } from "node:child_process"

export interface ChildOptions {
  /** The whole environment: nothing of the benchmark's own leaks in. */
  readonly env: Readonly<Record<string, string>>
  readonly cwd?: string
  readonly stdin?: string
}

export interface Finished {
  /** Milliseconds from spawn to exit. */
  readonly ms: number
  readonly stdout: string
  readonly stderr: string
  /** What the child wrote to file descriptor 3 (a pipe), for measurements reported out of band. */
  readonly fd3: string
}

export const run = (file: string, args: ReadonlyArray<string>, options: ChildOptions): Effect.Effect<Finished> =>
  Effect.async<Finished>((resume) => {
    const output = { stdout: "", stderr: "", fd3: "" }
    const start = performance.now()
    const child = spawn(file, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe", "pipe"]
    })
    let ms = 0
    child.stdout!.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()))
    child.stderr!.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()))
    const fd3 = child.stdio[3] as NodeJS.ReadableStream
    fd3.on("data", (chunk: Buffer) => (output.fd3 += chunk.toString()))
    child.once("exit", () => (ms = performance.now() - start))
    child.once("error", (error) => resume(Effect.die(error)))
    child.once("close", (code, signal) =>
      resume(
        code === 0
          ? Effect.succeed({ ms, ...output })
          : Effect.dieMessage(
            `${[file, ...args].join(" ")} exited with ${code ?? signal}:\n${output.stderr.trim().slice(-2000)}`
          )
      ))
    // A child that exits without reading its stdin closes the pipe under us; its exit code tells what matters.
    child.stdin!.on("error", () => {})
    child.stdin!.end(options.stdin ?? "")
    return Effect.sync(() => child.kill("SIGKILL"))
  })
