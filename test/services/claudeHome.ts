/**
 * Claude Code homes in temporary folders for the session tests: real files
 * with real modification times, and the environment as a ConfigProvider so
 * the process's own HOME or CLAUDE_CODE_SESSION_ID never leak in.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { ConfigProvider, Effect, Either, Layer } from "effect"
import { mkdirSync, mkdtempSync, realpathSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { encodeProjectDir } from "../../src/domain/projectDir.js"
import { parseSessionId, type SessionId } from "../../src/domain/sessionId.js"
import { Sessions } from "../../src/services/Sessions.js"

/** The moment the tests pretend it is (TestClock). */
export const NOW = Date.parse("2025-06-01T12:00:00Z")
export const hoursAgo = (hours: number) => new Date(NOW - hours * 3_600_000)

export const sessionId = (text: string): SessionId => Either.getOrThrow(parseSessionId(text))

/** A temporary root, canonical so realpath comparisons hold; removed by `cleanup`. */
export const tempRoot = (): { readonly root: string; readonly cleanup: () => void } => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "cclink-sessions-")))
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

export interface ClaudeHome {
  readonly home: string
  readonly configDir: string
  readonly projectsDir: string
}

export const makeHome = (home: string): ClaudeHome => {
  const configDir = join(home, ".claude")
  const projectsDir = join(configDir, "projects")
  mkdirSync(projectsDir, { recursive: true })
  return { home, configDir, projectsDir }
}

export const makeDir = (dir: string): string => {
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A line as Claude Code writes it, the cwd near the start. */
export const userLine = (cwd: string, id: string) =>
  JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    userType: "external",
    cwd,
    sessionId: id,
    type: "user",
    message: { role: "user", content: "hello" }
  })

export const summaryLine = (text = "A summary") => JSON.stringify({ type: "summary", summary: text, leafUuid: "x" })

/** Writes `<projects>/<encoded project>/<id>.jsonl` with the given body and mtime. */
export const writeSessionFile = (
  projectsDir: string,
  project: string,
  id: string,
  body: string | Uint8Array,
  mtime: Date
): string => {
  const file = join(projectsDir, encodeProjectDir(project), `${id}.jsonl`)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, body)
  utimesSync(file, mtime, mtime)
  return file
}

/** A session whose lines record `project` as its cwd. */
export const writeSession = (projectsDir: string, project: string, id: string, mtime: Date): string =>
  writeSessionFile(projectsDir, project, id, `${summaryLine()}\n${userLine(project, id)}\n`, mtime)

/** The live Sessions layer on the real filesystem, reading only `env`. */
export const withSessions = (env: Record<string, string>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  effect.pipe(
    Effect.provide(Sessions.layer),
    Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer)),
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))
  )
