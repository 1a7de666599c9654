/**
 * The real Claude Code, a native binary of about 400 MB that runs here
 * offline: not a dependency (a clone's `npm install` would fetch it for
 * everyone), but fetched on first use by a test that needs it, at a pinned
 * version, from the npm registry into the tests' cache outside the
 * repository (./toolCache.ts). It is npm's per-platform package of
 * `@anthropic-ai/claude-code`, which holds the binary alone and has no
 * install script; the tarball must have the integrity pinned here.
 *
 * `claude --resume <id> -p hi` says "Not logged in" when it found the session
 * (what follows needs an account) and "No conversation found" when it did
 * not: the peer that shows a session was put where claude looks for it. And
 * `claude -p hi` alone files a new session (and `memory/`) under the folder
 * it names after its working directory, which shows which folder that is.
 */
import { spawnSync } from "node:child_process"
import { readdirSync, rmSync } from "node:fs"
import { join } from "node:path"
import { beforeAll } from "vitest"
import { cached } from "./toolCache.js"

export const CLAUDE_VERSION = "2.1.332"

/** `npm view @anthropic-ai/claude-code-<platform>@2.1.332 dist.integrity`, read once and pinned. */
const INTEGRITY: Readonly<Record<string, string>> = {
  "linux-x64": "sha512-f4JWhzwYutJIHScC7/dYOPX6s28tt7ZADhsOi8zwOHq5fFPEuUeChh2NMfinSg0GrUckYxaeebC4h0DqiKzLcw==",
  "linux-arm64": "sha512-BlHNEtK38KBPWU31F4lUSS9sHclCyfWbThT1CErvxxH8+XcljYLZlQwdyXBkTD62rw1TgfE1u1a+quMWS0NSJg==",
  "linux-x64-musl": "sha512-QoQzwipnqRAdBKDAJNJ2Qvl37G6x8nCugfOQa+nuMcGIRgGEOLeWoq3pTLMQRScL37estAQBGH9ygR3WFVbIfw==",
  "linux-arm64-musl": "sha512-jdjkkJLfAQ9M1HbT05tZHQpGNZUEPUebYwW/xpiMypZddB0lNlHlB9mXfOVV/UUPO0JCghj1NSQjxhhJc4L4CA==",
  "darwin-x64": "sha512-i0GV2ejBOeHMXs+XPCd1IaJj1GV3VdZl8hiQD6hLMR/N7f4Nt8q4Edj1GYJCKXPLJa/zsE9Uv6r9rZ/ldVFQPQ==",
  "darwin-arm64": "sha512-L/F5mypyB7SK59cesiAqGv1bVNd+8xTn0LF5kV6EGL6UMhofVJMFlokhDRoxNzANNC5i/5JdzfJyDOKUbZObiA==",
  "win32-x64": "sha512-BqPm3Fqw8LqRooC8QZUVAfaepl+jNb7JV1yp1atCyoU6kpm1CZ7z/6+IUHsrD8ljq/K2yb13obMw0mo3BA5dzw==",
  "win32-arm64": "sha512-rd2vER0bvylh1FHmXH/xC0SjoSF6RCsP+ezmDPR6qJLn+Mm4qfmBNC2JYfAH6KmrYq6u0O8m8YL/R95yAMgNvA=="
}

/** npm's name for this machine's build, as the package's own installer detects it (musl when no glibc). */
const platformKey = (): string => {
  if (process.platform !== "linux") return `${process.platform}-${process.arch}`
  const { header } = process.report.getReport() as { readonly header?: { readonly glibcVersionRuntime?: string } }
  return `linux-${process.arch}${header?.glibcVersionRuntime === undefined ? "-musl" : ""}`
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string) => {
  const done = spawnSync(command, args, { cwd, encoding: "utf8", timeout: 20 * 60_000 })
  if (done.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${done.status ?? done.signal}): ${done.stderr.slice(-800)}`)
  }
  return done.stdout
}

/** `npm pack` of the platform package (through npm's own cache), checked, unpacked and tried once. */
const fetchClaude = (key: string) => (staging: string) => {
  const integrity = INTEGRITY[key]
  if (integrity === undefined) throw new Error(`No Claude Code ${CLAUDE_VERSION} build is pinned for ${key}.`)
  const spec = `@anthropic-ai/claude-code-${key}@${CLAUDE_VERSION}`
  const [packed] = JSON.parse(run("npm", ["pack", spec, "--json", "--prefer-offline", "--silent"], staging)) as [
    { readonly filename: string; readonly integrity: string }
  ]
  if (packed.integrity !== integrity) throw new Error(`${spec} has integrity ${packed.integrity}, not ${integrity}.`)
  run("tar", ["-xzf", packed.filename, "--strip-components=1"], staging)
  // Checked and unpacked, the 186 MB tarball has done its work: the cache keeps the binary alone.
  rmSync(join(staging, packed.filename))
  const version = run(join(staging, binaryName()), ["--version"], staging)
  if (!version.startsWith(CLAUDE_VERSION)) throw new Error(`${spec} says it is version ${version}`)
}

const binaryName = () => process.platform === "win32" ? "claude.exe" : "claude"

let binary: string | undefined

/** The path of the real claude, fetched into the tests' cache when it is not there yet. */
export const realClaude = (): string => {
  const key = platformKey()
  binary ??= join(cached(`claude-code-${key}-${CLAUDE_VERSION}`, fetchClaude(key)), binaryName())
  return binary
}

/**
 * Fetches the real claude before the tests of the calling file, once per
 * machine (a first fetch downloads about 100 MB, so it gets its own deadline).
 */
export const useRealClaude = (): void => {
  beforeAll(() => {
    realClaude()
  }, 30 * 60_000)
}

export type Resumed = "found" | "missing"

interface ClaudeRun {
  readonly cwd: string
  /** The whole environment besides PATH: a temporary HOME or CLAUDE_CONFIG_DIR. */
  readonly env: Readonly<Record<string, string | undefined>>
}

const claudeOutput = (args: ReadonlyArray<string>, options: ClaudeRun) => {
  const done = spawnSync(realClaude(), args, {
    cwd: options.cwd,
    env: { PATH: "/usr/bin:/bin", ...options.env },
    encoding: "utf8",
    timeout: 60_000
  })
  return { status: done.status, output: `${done.stdout}${done.stderr}` }
}

/** Runs the real `claude --resume id` in `cwd` with only `env`. */
export const resumeWithRealClaude = (id: string, options: ClaudeRun): Resumed => {
  const { output, status } = claudeOutput(["--resume", id, "-p", "hi"], options)
  if (output.includes(`No conversation found with session ID: ${id}`)) return "missing"
  if (output.includes("Not logged in")) return "found"
  throw new Error(`Unexpected answer from the real claude (exit ${status}): ${output.slice(0, 500)}`)
}

/**
 * Starts the real claude in `cwd` with only `env` and returns the folders it
 * created under `projectsDir`, where it filed its new session.
 */
export const foldersClaudeCreates = (projectsDir: string, options: ClaudeRun): ReadonlyArray<string> => {
  const before = new Set(listDir(projectsDir))
  const { output, status } = claudeOutput(["-p", "hi"], options)
  if (!output.includes("Not logged in")) {
    throw new Error(`Unexpected answer from the real claude (exit ${status}): ${output.slice(0, 500)}`)
  }
  return listDir(projectsDir).filter((name) => !before.has(name))
}

const listDir = (dir: string): ReadonlyArray<string> => {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
