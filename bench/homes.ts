/**
 * Throwaway machines for the subprocess measurements: a temporary HOME with
 * a key made by `cclink init`, and Claude Code session files in it. Removed
 * with the scope.
 */
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { encodeProjectDir } from "../src/domain/projectDir.js"
import { cclink, environment } from "./cli.js"

export type KeyKind = "plaintext" | "passphrase"

/** Benchmark secrets, passed through the environment as scripts do; they protect nothing. */
export const PASSPHRASE = "bench passphrase, not secret"
export const PIN = "bench-pin-4821"

export interface Home {
  readonly dir: string
  /** HOME, and the passphrase when the key has one. */
  readonly env: Readonly<Record<string, string>>
}

/** A temporary folder, canonical so the project paths Claude Code records match `process.cwd()`. */
export const tempDir = (prefix: string) =>
  Effect.acquireRelease(
    Effect.sync(() => realpathSync(mkdtempSync(join(tmpdir(), prefix)))),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )

const homeEnv = (dir: string, kind: KeyKind): Record<string, string> =>
  kind === "passphrase" ? { HOME: dir, CCLINK_PASSPHRASE: PASSPHRASE } : { HOME: dir }

/** A HOME whose key `cclink init` created, sealed under `PASSPHRASE` or plaintext. */
export const withKey = (kind: KeyKind) =>
  Effect.gen(function*() {
    const dir = yield* tempDir("cclink-bench-home-")
    const env = homeEnv(dir, kind)
    yield* cclink(kind === "passphrase" ? ["init"] : ["init", "--no-passphrase"], { env: environment(env) })
    return { dir, env } satisfies Home
  })

/** Another machine of the same user: the key file copied over, as users do. */
export const withSameKey = (from: Home, kind: KeyKind) =>
  Effect.gen(function*() {
    const dir = yield* tempDir("cclink-bench-home-")
    yield* Effect.sync(() => cpSync(join(from.dir, ".pubky"), join(dir, ".pubky"), { recursive: true }))
    return { dir, env: homeEnv(dir, kind) } satisfies Home
  })

/**
 * A fresh Claude Code session of `project` in each home (synced, as the
 * handoff assumes), modified now so it is the newest active one.
 */
export const writeSession = (homes: ReadonlyArray<Home>, project: string) =>
  Effect.sync(() => {
    const id = randomUUID()
    const line = JSON.stringify({ type: "user", cwd: project, sessionId: id, message: { role: "user", content: "hi" } })
    for (const home of homes) {
      const file = join(home.dir, ".claude", "projects", encodeProjectDir(project), `${id}.jsonl`)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(file, `${line}\n`)
    }
    return id
  })
