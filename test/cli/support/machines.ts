/**
 * "Machines" for the end-to-end tests: separate homes in one temporary root,
 * each with its own `~/.pubky/secret_key` and `~/.claude/projects`, sharing a
 * project directory at the same absolute path (as a user with the same layout
 * on both machines has), and a stand-in `claude` first on PATH that prints the
 * arguments and directory it was started in.
 */
import { Either } from "effect"
import { randomBytes, randomUUID } from "node:crypto"
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { afterAll } from "vitest"
import { toDisplay, toZ32 } from "../../../src/domain/keyDisplay.js"
import { Keypair } from "../../../src/domain/keys.js"
import { encodeProjectDir } from "../../../src/domain/projectDir.js"
import { registerSecret, run, type RunOptions, type RunResult } from "./cli.js"

/** What the stand-in prints, one line per fact, so tests can pin its exact argv and cwd. */
export const standInLines = (dir: string, args: ReadonlyArray<string>) => [
  `stand-in claude cwd=${dir}`,
  ...args.map((arg) => `stand-in claude arg=${arg}`)
]

const STAND_IN = `#!/bin/sh
printf 'stand-in claude cwd=%s\\n' "$(pwd)"
printf 'stand-in claude arg=%s\\n' "$@"
exit "\${CLAUDE_STAND_IN_EXIT:-0}"
`

export interface Root {
  readonly dir: string
  /** Folder holding the stand-in `claude`, first on every machine's PATH. */
  readonly bin: string
  readonly cleanup: () => void
}

export const makeRoot = (): Root => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "cclink-e2e-")))
  const bin = join(dir, "bin")
  mkdirSync(bin)
  writeFileSync(join(bin, "claude"), STAND_IN, { mode: 0o755 })
  return { dir, bin, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A root for the homes of one file's tests, removed after them. */
export const useRoot = (): Root => {
  const root = makeRoot()
  afterAll(root.cleanup)
  return root
}

/** A key as the tests know it: the seed is registered as a secret no output may show. */
export interface Key {
  readonly hex: string
  readonly keypair: Keypair
  readonly z32: string
  readonly display: string
}

export const makeKey = (): Key => {
  const seed = randomBytes(32)
  const hex = registerSecret(seed.toString("hex"))
  const keypair = Either.getOrThrow(Keypair.fromSeed(seed))
  return { hex, keypair, z32: toZ32(keypair.publicKey), display: toDisplay(keypair.publicKey) }
}

export interface Machine {
  readonly home: string
  readonly keyFile: string
  readonly projectsDir: string
  /** The environment every command on this machine starts with. */
  readonly env: Readonly<Record<string, string>>
  /** Writes the key file as plaintext hex at `mode` (0600 unless a test wants it wrong). */
  readonly installKey: (key: Key, mode?: number) => void
  /** Writes `<projects>/<encoded project>/<id>.jsonl` recording `project` as its cwd. */
  readonly writeSession: (project: string, sessionId: string) => string
  /** Runs `cclink args` here; `env` entries are added to (or, when undefined, removed from) the machine's. */
  readonly run: (
    args: ReadonlyArray<string>,
    options?: Omit<RunOptions, "env"> & { readonly env?: Readonly<Record<string, string | undefined>> }
  ) => Promise<RunResult>
}

export interface MachineSettings {
  readonly bootstrap?: ReadonlyArray<string>
  /** `CCLINK_CARRY_BOOTSTRAP`: the carry network's bootstrap nodes. */
  readonly carryBootstrap?: ReadonlyArray<string>
  /** What every command on this machine runs under (the NAT tests' `ip netns exec <ns>`). */
  readonly launcher?: ReadonlyArray<string>
}

export const makeMachine = (root: Root, name: string, settings: MachineSettings = {}): Machine => {
  const home = join(root.dir, name)
  const keyFile = join(home, ".pubky", "secret_key")
  const projectsDir = join(home, ".claude", "projects")
  mkdirSync(projectsDir, { recursive: true })
  const env: Record<string, string> = {
    HOME: home,
    PATH: `${root.bin}:/usr/local/bin:/usr/bin:/bin`,
    LANG: "C.UTF-8",
    TZ: "UTC",
    // A colour-capable terminal type: only the missing TTY may keep colour off.
    TERM: "xterm-256color",
    // V8's code cache of the CLI bundle, shared by the machines of a root: each new home would
    // otherwise compile the bundle cold and write its own cache. Only start-up time depends on it.
    XDG_CACHE_HOME: join(root.dir, "cache"),
    ...(settings.bootstrap === undefined ? {} : { CCLINK_BOOTSTRAP: settings.bootstrap.join(",") }),
    ...(settings.carryBootstrap === undefined ? {} : { CCLINK_CARRY_BOOTSTRAP: settings.carryBootstrap.join(",") })
  }
  return {
    home,
    keyFile,
    projectsDir,
    env,
    installKey: (key, mode = 0o600) => {
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 })
      rmSync(keyFile, { force: true })
      writeFileSync(keyFile, `${key.hex}\n`, { mode })
      chmodSync(keyFile, mode)
    },
    writeSession: (project, sessionId) => {
      const file = join(projectsDir, encodeProjectDir(project), `${sessionId}.jsonl`)
      mkdirSync(dirname(file), { recursive: true })
      writeFileSync(
        file,
        [
          JSON.stringify({ type: "summary", summary: "Refactor the parser", leafUuid: randomUUID() }),
          JSON.stringify({ type: "user", cwd: project, sessionId, message: { role: "user", content: "hello" } }),
          ""
        ].join("\n")
      )
      return file
    },
    run: (args, options = {}) => {
      const merged: Record<string, string> = { ...env }
      for (const [name, value] of Object.entries(options.env ?? {})) {
        if (value === undefined) delete merged[name]
        else merged[name] = value
      }
      return run(args, { ...options, env: merged, launcher: settings.launcher })
    }
  }
}

/** A project folder at one absolute path that every machine of `root` shares. */
export const makeProject = (root: Root, name: string): string => {
  const dir = join(root.dir, "work", name)
  mkdirSync(dir, { recursive: true })
  return dir
}

/**
 * The usual pair: machines A and B holding the same key, a project on both,
 * and one session, recorded on A and synced to B unless `synced` is false.
 */
export const makePair = (
  root: Root,
  bootstrap: ReadonlyArray<string>,
  options: { readonly synced?: boolean; readonly carryBootstrap?: ReadonlyArray<string> } = {}
) => {
  const key = makeKey()
  const project = makeProject(root, `proj-${randomUUID().slice(0, 8)}`)
  const sessionId = randomUUID()
  const network = {
    bootstrap,
    ...(options.carryBootstrap === undefined ? {} : { carryBootstrap: options.carryBootstrap })
  }
  const a = makeMachine(root, `a-${key.z32.slice(0, 8)}`, network)
  const b = makeMachine(root, `b-${key.z32.slice(0, 8)}`, network)
  a.installKey(key)
  b.installKey(key)
  a.writeSession(project, sessionId)
  if (options.synced !== false) b.writeSession(project, sessionId)
  return { key, project, sessionId, a, b }
}
