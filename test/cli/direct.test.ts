/**
 * `whoami` and `whoami --json` on a plaintext key answer from the loader's
 * quick path (src/cli/direct.ts), without the Effect runtime. Whatever path a
 * command line takes, users must see the same thing: the same output, errors
 * and exit codes as the full command tree gives; and every case the quick
 * path does not answer must reach the command tree untouched.
 */
import { spawnSync } from "node:child_process"
import { randomUUID } from "node:crypto"
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { builtCli } from "./support/build.js"
import { registerSecret } from "./support/cli.js"
import { type Machine, makeMachine, useRoot } from "./support/machines.js"

const root = useRoot()

type Env = Readonly<Record<string, string | undefined>>

/** The same command through the command tree of dist/cclink.cjs, bypassing the loader. */
const throughParser = async (m: Machine, args: ReadonlyArray<string>, env: Env = {}) => {
  const bundle = join(dirname(await builtCli()), "cclink.cjs")
  const script = `require(${JSON.stringify(bundle)}).main(["node", "cclink", ...${JSON.stringify(args)}])` +
    ".then((code) => { process.exitCode = code })"
  const result = spawnSync(process.execPath, ["-e", script], {
    env: { ...m.env, NO_COLOR: "1", ...env },
    encoding: "utf8"
  })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** `cclink args` through the loader and through the parser give the same result, which is returned. */
const samePaths = async (m: Machine, args: ReadonlyArray<string>, env: Env = {}) => {
  const loader = await m.run(args, { env: { NO_COLOR: "1", ...env } })
  expect(loader).toMatchObject(await throughParser(m, args, env))
  return loader
}

const machine = () => makeMachine(root, `direct-${randomUUID().slice(0, 8)}`)

describe("whoami on the quick path", () => {
  for (const args of [["whoami"], ["whoami", "--json"]]) {
    it(`\`cclink ${args.join(" ")}\` prints what the command tree prints`, async () => {
      const m = machine()
      expect((await m.run(["init", "--no-passphrase"])).code).toBe(0)
      const result = await samePaths(m, args)
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/pk:[a-z0-9]{52}/)
    })
  }

  it("answers without the command line's bundle, so it never starts Effect", async () => {
    const m = machine()
    expect((await m.run(["init", "--no-passphrase"])).code).toBe(0)
    const expected = await m.run(["whoami"])
    // A dist/ with the loader and the quick path only: the command tree is missing.
    const bare = join(root.dir, `dist-${randomUUID().slice(0, 8)}`)
    mkdirSync(bare)
    for (const file of ["cli.cjs", "direct.cjs"]) copyFileSync(join(dirname(await builtCli()), file), join(bare, file))
    const run = (args: ReadonlyArray<string>) =>
      spawnSync(process.execPath, [join(bare, "cli.cjs"), ...args], { env: { ...m.env }, encoding: "utf8" })
    expect(run(["whoami"])).toMatchObject({ status: 0, stdout: expected.stdout, stderr: "" })
    // Anything else needs the bundle, the proof that this copy really lacks it.
    expect(run(["list"]).status).not.toBe(0)
  })

  it("uses CCLINK_KEY_FILE as KeyStore does, and the default when it is empty", async () => {
    const m = machine()
    const keyFile = join(m.home, "keys", "work.key")
    expect((await m.run(["init", "--no-passphrase"], { env: { CCLINK_KEY_FILE: keyFile } })).code).toBe(0)
    const named = await samePaths(m, ["whoami"], { CCLINK_KEY_FILE: keyFile })
    expect(named.stdout).toContain(`Key file:    ${keyFile}`)
    expect((await m.run(["init", "--no-passphrase"])).code).toBe(0)
    expect((await samePaths(m, ["whoami"], { CCLINK_KEY_FILE: "" })).stdout).toContain(m.keyFile)
  })
})

describe("what the quick path leaves to the command tree", () => {
  it("no key (exit 5), a key others can read (exit 1)", async () => {
    const m = machine()
    expect((await samePaths(m, ["whoami"])).code).toBe(5)

    expect((await m.run(["init", "--no-passphrase"])).code).toBe(0)
    chmodSync(m.keyFile, 0o644)
    const open = await samePaths(m, ["whoami"])
    expect(open.code).toBe(1)
    expect(open.stderr).toContain(`chmod 600 ${m.keyFile}`)
  })

  it("a passphrase-protected key: opened with CCLINK_PASSPHRASE, refused without one", async () => {
    const m = machine()
    const passphrase = registerSecret("copper-window-7731")
    expect((await m.run(["init"], { env: { CCLINK_PASSPHRASE: passphrase } })).code).toBe(0)
    const opened = await samePaths(m, ["whoami", "--json"], { CCLINK_PASSPHRASE: passphrase })
    expect(opened.code).toBe(0)
    expect(opened.stdout).toContain("\"display\":\"pk:")
    expect((await samePaths(m, ["whoami"])).code).not.toBe(0)
  })

  it("damaged keys: not hex, too short, a public key, too large, a folder", async () => {
    const m = machine()
    mkdirSync(dirname(m.keyFile), { recursive: true, mode: 0o700 })
    const damaged = ["z".repeat(64), "ab".repeat(31), "pk:" + "y".repeat(52), "a".repeat(5000)]
    for (const text of damaged) {
      writeFileSync(m.keyFile, text, { mode: 0o600 })
      const result = await samePaths(m, ["whoami"])
      expect(result.code, text.slice(0, 8)).toBe(1)
      expect(result.stdout).toBe("")
    }
    const folder = machine()
    mkdirSync(folder.keyFile, { recursive: true, mode: 0o700 })
    expect((await samePaths(folder, ["whoami"])).code).not.toBe(0)
  })
})
