/**
 * The folder cclink computes for a directory (Sessions.folderOf, which
 * placement copies into) is the one the real Claude Code files a new session
 * and its project memory under when started there: for plain paths,
 * symbolic links, decomposed and composed non-ASCII names, paths past 200
 * characters, CLAUDE_CODE_PROJECT_DIR_NAME (honoured or not) and a config
 * folder named in decomposed Unicode.
 */
import { Effect } from "effect"
import { existsSync, mkdirSync, symlinkSync } from "node:fs"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { Sessions } from "../../src/services/Sessions.js"
import { foldersClaudeCreates, useRealClaude } from "../support/claude.js"
import { makeDir, tempRoot, withSessions } from "./claudeHome.js"

useRealClaude()
const { root, cleanup } = tempRoot()
afterAll(cleanup)

let homes = 0
/** A fresh home (or config folder) per case, so the only new folder is the one claude makes. */
const freshEnv = (variables: Record<string, string> = {}): Record<string, string> => {
  const home = makeDir(join(root, `home-${++homes}`))
  return { HOME: home, ...variables }
}

const cclinkFolder = (env: Record<string, string>, dir: string) =>
  Effect.runPromise(Effect.flatMap(Sessions, (sessions) => sessions.folderOf(dir)).pipe(withSessions(env)))

const projectsDirOf = (env: Record<string, string>) =>
  Effect.runPromise(Effect.map(Sessions, (sessions) => sessions.projectsDir).pipe(withSessions(env)))

/** Claude started in `cwd` makes one folder, the one cclink names, and puts the project's memory there. */
const expectSameFolder = async (cwd: string, env: Record<string, string>) => {
  const projectsDir = await projectsDirOf(env)
  const created = foldersClaudeCreates(projectsDir, { cwd, env })
  const ours = await cclinkFolder(env, cwd)
  expect(created.map((name) => join(projectsDir, name))).toEqual([ours])
  expect(existsSync(join(ours, "memory"))).toBe(true)
  return ours
}

describe("the folder Claude Code uses for a directory", () => {
  it("a path with dots, spaces and underscores", async () => {
    const dir = makeDir(join(root, "my.repo x_y"))
    expect(await expectSameFolder(dir, freshEnv())).toMatch(/-my-repo-x-y$/)
  })

  it("a symbolic link: the folder of the directory it points to", async () => {
    const real = makeDir(join(root, "real-project"))
    const link = join(root, "linked-project")
    symlinkSync(real, link)
    const env = freshEnv()
    expect(await expectSameFolder(link, env)).toBe(await cclinkFolder(env, real))
  })

  it("non-ASCII names, composed and decomposed, each as it is on disk", async () => {
    const composed = makeDir(join(root, "caf\u00e9"))
    const decomposed = makeDir(join(root, "cafe\u0301"))
    const env = freshEnv()
    const one = await expectSameFolder(composed, env)
    const other = await expectSameFolder(decomposed, env)
    expect(one).toMatch(/-caf-$/)
    expect(other).toMatch(/-cafe-$/)
  })

  it("a path longer than 200 characters: cut, with the hash of the whole path", async () => {
    const dir = makeDir(join(root, "a".repeat(120), "b.".repeat(50), "\u00fcn\u00efcode"))
    const folder = await expectSameFolder(dir, freshEnv())
    expect(folder.slice(folder.lastIndexOf("/") + 1)).toMatch(/^[a-zA-Z0-9-]{200}-[0-9a-z]+$/)
  })

  it("CLAUDE_CODE_PROJECT_DIR_NAME with CLAUDE_CONFIG_DIR: that folder, for every directory", async () => {
    const dir = makeDir(join(root, "named"))
    const config = join(root, "config-named")
    const env = freshEnv({ CLAUDE_CONFIG_DIR: config, CLAUDE_CODE_PROJECT_DIR_NAME: "Shared_1" })
    expect(await expectSameFolder(dir, env)).toBe(join(config, "projects", "Shared_1"))
  })

  it("CLAUDE_CODE_PROJECT_DIR_NAME ignored: without CLAUDE_CONFIG_DIR, a device name, or not a plain name", async () => {
    const dir = makeDir(join(root, "unnamed"))
    const cases = [
      freshEnv({ CLAUDE_CODE_PROJECT_DIR_NAME: "Shared" }),
      freshEnv({ CLAUDE_CONFIG_DIR: join(root, `config-${homes}`), CLAUDE_CODE_PROJECT_DIR_NAME: "lpt1" }),
      freshEnv({ CLAUDE_CONFIG_DIR: join(root, `config-${homes}`), CLAUDE_CODE_PROJECT_DIR_NAME: "a.b" }),
      freshEnv({ CLAUDE_CONFIG_DIR: join(root, `config-${homes}`), CLAUDE_CODE_PROJECT_DIR_NAME: "x".repeat(65) })
    ]
    for (const env of cases) expect(await expectSameFolder(dir, env)).toMatch(/-unnamed$/)
  })

  it("a config folder named in decomposed Unicode: its projects go to the composed name", async () => {
    const dir = makeDir(join(root, "nfc-config"))
    const decomposed = join(root, "Configure\u0301")
    mkdirSync(decomposed)
    const env = freshEnv({ CLAUDE_CONFIG_DIR: decomposed })
    expect(await projectsDirOf(env)).toBe(join(decomposed.normalize("NFC"), "projects"))
    await expectSameFolder(dir, env)
  })
})
