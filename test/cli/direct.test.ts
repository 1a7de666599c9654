/**
 * `whoami` and `whoami --json` run without the parser (src/cli/direct.ts).
 * Whatever path a command line takes, users must see the same thing: the
 * same output, errors and exit codes as the full command tree gives.
 */
import { spawnSync } from "node:child_process"
import { randomUUID } from "node:crypto"
import { chmodSync } from "node:fs"
import { dirname, join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { builtCli } from "./support/build.js"
import { makeMachine, makeRoot } from "./support/machines.js"

const root = makeRoot()
afterAll(root.cleanup)

/** The same command through the command tree of dist/cclink.cjs, bypassing the loader's direct path. */
const throughParser = async (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv) => {
  const bundle = join(dirname(await builtCli()), "cclink.cjs")
  const script = `require(${JSON.stringify(bundle)}).main(["node", "cclink", ...${JSON.stringify(args)}])` +
    ".then((code) => { process.exitCode = code })"
  const result = spawnSync(process.execPath, ["-e", script], { env, encoding: "utf8" })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe("whoami without the parser", () => {
  for (const args of [["whoami"], ["whoami", "--json"]]) {
    it(`\`cclink ${args.join(" ")}\` prints what the command tree prints`, async () => {
      const m = makeMachine(root, `direct-${randomUUID().slice(0, 8)}`)
      expect((await m.run(["init", "--no-passphrase"])).code).toBe(0)
      const direct = await m.run(args)
      const parsed = await throughParser(args, { ...process.env, ...m.env, NO_COLOR: "1" })
      expect(direct.code).toBe(0)
      expect(direct.stdout).not.toBe("")
      expect(direct).toMatchObject({ code: parsed.code, stdout: parsed.stdout, stderr: parsed.stderr })
    })
  }

  it("fails as the command tree fails: no key (exit 5), a key others can read (exit 1)", async () => {
    const m = makeMachine(root, `direct-${randomUUID().slice(0, 8)}`)
    const env = { ...process.env, ...m.env, NO_COLOR: "1" }
    const missing = await m.run(["whoami"])
    expect(missing.code).toBe(5)
    expect(missing).toMatchObject(await throughParser(["whoami"], env))

    expect((await m.run(["init", "--no-passphrase"])).code).toBe(0)
    chmodSync(m.keyFile, 0o644)
    const open = await m.run(["whoami"])
    expect(open.code).toBe(1)
    expect(open.stderr).toContain(`chmod 600 ${m.keyFile}`)
    expect(open).toMatchObject(await throughParser(["whoami"], env))
  })
})
