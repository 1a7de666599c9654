/**
 * The real Claude Code (npm `@anthropic-ai/claude-code`, a devDependency): a
 * native binary that runs here offline. `claude --resume <id> -p hi` says
 * "Not logged in" when it found the session (what follows needs an account)
 * and "No conversation found" when it did not: the peer that shows a session
 * was put where claude looks for it.
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const BINARY = fileURLToPath(new URL("../../node_modules/.bin/claude", import.meta.url))

export type Resumed = "found" | "missing"

/** Runs the real `claude --resume id` in `cwd` with only `env` (a temporary HOME or CLAUDE_CONFIG_DIR). */
export const resumeWithRealClaude = (
  id: string,
  options: { readonly cwd: string; readonly env: Readonly<Record<string, string | undefined>> }
): Resumed => {
  if (!existsSync(BINARY)) throw new Error(`The real claude is missing at ${BINARY}: run npm ci.`)
  const run = spawnSync(BINARY, ["--resume", id, "-p", "hi"], {
    cwd: options.cwd,
    env: { PATH: "/usr/bin:/bin", ...options.env },
    encoding: "utf8",
    timeout: 60_000
  })
  const output = `${run.stdout}${run.stderr}`
  if (output.includes(`No conversation found with session ID: ${id}`)) return "missing"
  if (output.includes("Not logged in")) return "found"
  throw new Error(`Unexpected answer from the real claude (exit ${run.status}): ${output.slice(0, 500)}`)
}
