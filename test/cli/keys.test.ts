/**
 * The key on disk through the built CLI: `init` in every form, `whoami`, the
 * passphrase from each source, and the refusals a user meets (no key, a key
 * file others can read, a wrong passphrase). No network is needed here.
 */
import { Either } from "effect"
import { randomBytes, randomUUID } from "node:crypto"
import { chmodSync, existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { beforeAll, describe, expect, it } from "vitest"
import { toDisplay, toZ32 } from "../../src/domain/keyDisplay.js"
import { Keypair } from "../../src/domain/keys.js"
import { modeOf, writeWithMode } from "../support/files.js"
import { errorText, jsonOf, registerSecret, type RunResult } from "./support/cli.js"
import { makeKey, makeMachine, makeProject, useRoot } from "./support/machines.js"
import { onTerminal } from "./support/terminal.js"

const root = useRoot()

const machine = (name: string) => makeMachine(root, `${name}-${randomUUID().slice(0, 8)}`)

/** The public key a plaintext key file holds, registering its seed as a secret no output may show. */
const publicKeyOfFile = (path: string) => {
  const hex = readFileSync(path, "utf8").trim()
  expect(hex).toMatch(/^[0-9a-f]{64}$/)
  registerSecret(hex)
  return toDisplay(Either.getOrThrow(Keypair.fromSeed(Buffer.from(hex, "hex"))).publicKey)
}

const secretFile = (name: string, text: string, mode: number) => writeWithMode(join(root.dir, name), text, mode)

describe("init", () => {
  it("--no-passphrase creates a 0600 hex key in a 0700 folder and prints its public key; whoami shows the same", async () => {
    const m = machine("fresh")
    const created = await m.run(["init", "--no-passphrase"])
    expect(created.code).toBe(0)
    expect(modeOf(m.keyFile)).toBe(0o600)
    expect(modeOf(dirname(m.keyFile))).toBe(0o700)
    const display = publicKeyOfFile(m.keyFile)
    expect(created.stdout).toContain(`Created key: ${m.keyFile} (unencrypted)`)
    expect(created.stdout).toContain(`Public key: ${display}`)
    expect(created.stdout).toMatch(/Next: /)

    const who = await m.run(["whoami"])
    expect(who.code).toBe(0)
    expect(who.stdout.trimEnd().split("\n")).toEqual([
      `Public key:  ${display}`,
      `Fingerprint: ${display.slice(3, 11)}`,
      `Key file:    ${m.keyFile}`
    ])
    expect(jsonOf(await m.run(["whoami", "--json"]))).toEqual({
      publicKey: display.slice(3),
      display,
      fingerprint: display.slice(3, 11),
      keyFile: m.keyFile
    })
  })

  it("refuses to replace a key without -y or a terminal (exit 7, as any confirmation; key kept); -y replaces it", async () => {
    const m = machine("replace")
    expect((await m.run(["init", "--no-passphrase"])).code).toBe(0)
    const before = publicKeyOfFile(m.keyFile)

    const refused = await m.run(["init", "--no-passphrase"])
    expect(refused.code).toBe(7)
    expect(refused.stderr).toContain(`a key already exists at ${m.keyFile}`)
    expect(refused.stderr).toContain("cclink init -y")
    expect(publicKeyOfFile(m.keyFile)).toBe(before)

    const replaced = await m.run(["init", "--no-passphrase", "-y"])
    expect(replaced.code).toBe(0)
    const after = publicKeyOfFile(m.keyFile)
    expect(after).not.toBe(before)
    expect(replaced.stdout).toContain(`Public key: ${after}`)
  })

  it("on a terminal, asks before replacing a key; n keeps it (exit 7)", async () => {
    const m = machine("replace-tty")
    const key = makeKey()
    m.installKey(key)
    const terminal = await onTerminal(["init", "--no-passphrase"], { env: m.env, cwd: m.home })
    try {
      await terminal.waitFor("Replace it?")
      terminal.type("n")
      terminal.press("Enter")
      expect(await terminal.exitCode()).toBe(7)
    } finally {
      terminal.close()
    }
    expect(publicKeyOfFile(m.keyFile)).toBe(key.display)
  })

  it("--import PATH and --import - (stdin) store the given key, lower-cased", async () => {
    const seed = randomBytes(32)
    const hex = registerSecret(seed.toString("hex"))
    const expected = toDisplay(Either.getOrThrow(Keypair.fromSeed(seed)).publicKey)

    const fromFile = machine("import-file")
    const source = secretFile(`import-${randomUUID()}`, `  ${hex.toUpperCase()}\n`, 0o600)
    const imported = await fromFile.run(["init", "--import", source, "--no-passphrase"])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toContain(`Imported key: ${fromFile.keyFile}`)
    expect(imported.stdout).toContain(`Public key: ${expected}`)
    expect(readFileSync(fromFile.keyFile, "utf8").trim()).toBe(hex)

    const fromStdin = machine("import-stdin")
    const piped = await fromStdin.run(["init", "--import", "-", "--no-passphrase"], { input: `${hex}\n` })
    expect(piped.code).toBe(0)
    expect(publicKeyOfFile(fromStdin.keyFile)).toBe(expected)

    const garbage = machine("import-garbage")
    const refused = await garbage.run(["init", "--import", "-", "--no-passphrase"], { input: "not a key\n" })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("Cannot import the key")
    expect(existsSync(garbage.keyFile)).toBe(false)
  })
})

describe("a passphrase-protected key", () => {
  const PASSPHRASE = registerSecret("orbit-lantern-5521")
  const m = machine("sealed")
  let created: RunResult

  beforeAll(async () => {
    created = await m.run(["init"], { env: { CCLINK_PASSPHRASE: PASSPHRASE } })
  })

  const displayOf = (output: string) => /Public key: (pk:\S+)/.exec(output)![1]!

  it("init with CCLINK_PASSPHRASE writes a CCLINKEK envelope at 0600", () => {
    expect(created.code).toBe(0)
    expect(created.stdout).toContain(`Created key: ${m.keyFile} (passphrase-protected)`)
    expect(readFileSync(m.keyFile).subarray(0, 8).toString("latin1")).toBe("CCLINKEK")
    expect(modeOf(m.keyFile)).toBe(0o600)
  })

  it("init on a terminal asks for the passphrase twice, hidden; that passphrase opens the key", async () => {
    const prompted = machine("sealed-tty")
    const terminal = await onTerminal(["init"], { env: prompted.env, cwd: prompted.home })
    let display: string
    try {
      await terminal.waitFor("New passphrase:")
      terminal.type(PASSPHRASE)
      terminal.press("Enter")
      await terminal.waitFor("Repeat passphrase:")
      terminal.type(PASSPHRASE)
      terminal.press("Enter")
      expect(await terminal.exitCode()).toBe(0)
      const screen = terminal.screen()
      expect(screen).toContain("(passphrase-protected)")
      display = displayOf(screen)
    } finally {
      terminal.close()
    }
    expect(readFileSync(prompted.keyFile).subarray(0, 8).toString("latin1")).toBe("CCLINKEK")
    const opened = await prompted.run(["whoami", "--json"], { env: { CCLINK_PASSPHRASE: PASSPHRASE } })
    expect(jsonOf(opened).display).toBe(display)
  })

  it("opens with CCLINK_PASSPHRASE, --passphrase-file at 0600, and --passphrase-fd", async () => {
    const fromEnv = await m.run(["whoami"], { env: { CCLINK_PASSPHRASE: PASSPHRASE } })
    expect(fromEnv.code).toBe(0)
    const display = displayOf(created.stdout)
    expect(fromEnv.stdout).toContain(`Public key:  ${display}`)

    const file = secretFile("passphrase-0600", `${PASSPHRASE}\n`, 0o600)
    const fromFile = await m.run(["whoami", "--json", "--passphrase-file", file])
    expect(jsonOf(fromFile).display).toBe(display)

    const fromFd = await m.run(["whoami", "--json", "--passphrase-fd", "3"], { fds: [`${PASSPHRASE}\n`] })
    expect(jsonOf(fromFd).display).toBe(display)
  })

  it("refuses a passphrase file others can read (0644) with the chmod fix", async () => {
    const file = secretFile("passphrase-0644", `${PASSPHRASE}\n`, 0o644)
    const refused = await m.run(["whoami", "--passphrase-file", file])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("0644")
    expect(refused.stderr).toContain(`chmod 600 ${file}`)
  })

  it("a wrong passphrase is exit 4; no passphrase and no terminal says where to give one", async () => {
    const wrong = await m.run(["whoami"], { env: { CCLINK_PASSPHRASE: "orbit-lantern-5520" } })
    expect(wrong.code).toBe(4)
    expect(wrong.stdout).toBe("")
    expect(errorText(wrong)).toBe("Decryption failed: wrong passphrase or damaged key file.")

    const none = await m.run(["whoami"])
    expect(none.code).toBe(4)
    expect(errorText(none)).toContain("CCLINK_PASSPHRASE")
    expect(errorText(none)).toContain("--passphrase-file")
  })

  it("a mistyped option or a weak PIN is refused before the key is opened: no passphrase asked, exit 1 or 4", async () => {
    // Without a passphrase source the key cannot open (exit 4 "No passphrase"): each refusal below comes first.
    const cases: ReadonlyArray<readonly [ReadonlyArray<string>, Record<string, string>, number, string]> = [
      [["pickup", "--wait", "0s"], {}, 1, "--wait needs at least 1 second."],
      [["--keepalive", "--every", "soon"], {}, 1, "--every"],
      [["doctor", "--timeout", "soon"], {}, 1, "--timeout"],
      [[randomUUID(), "--pin"], { CCLINK_PIN: "12345678" }, 4, "sequential"]
    ]
    for (const [args, env, code, message] of cases) {
      const refused = await m.run(args, { env })
      expect({ args, code: refused.code }).toEqual({ args, code })
      expect(errorText(refused)).toContain(message)
      expect(errorText(refused)).not.toContain("CCLINK_PASSPHRASE")
    }
  })

  it("init refuses a new passphrase shorter than 8 characters", async () => {
    const short = machine("short-passphrase")
    const refused = await short.run(["init"], { env: { CCLINK_PASSPHRASE: "short" } })
    expect(refused.code).toBe(4)
    expect(refused.stderr).toContain("at least 8 characters")
    expect(existsSync(short.keyFile)).toBe(false)
  })
})

describe("key file problems", () => {
  it("no key: exit 5 with the `cclink init` hint, from whoami, publish and pickup", async () => {
    const m = machine("keyless")
    const project = makeProject(root, `keyless-${randomUUID().slice(0, 8)}`)
    m.writeSession(project, randomUUID())
    const commands = [[["whoami"], m.home], [[], project], [["pickup"], m.home], [["list"], m.home]] as const
    for (const [args, cwd] of commands) {
      const result = await m.run(args, { cwd, env: { CCLINK_BOOTSTRAP: "127.0.0.1:9" } })
      expect(result.code, args.join(" ")).toBe(5)
      expect(errorText(result)).toBe(`No key at ${m.keyFile}.\nRun \`cclink init\` to create a key.`)
    }
  })

  it("a key file readable by others (0644) is refused with `chmod 600 <path>`", async () => {
    const m = machine("open-key")
    const key = makeKey()
    m.installKey(key, 0o644)
    for (const args of [["whoami"], ["pickup"]]) {
      const refused = await m.run(args, { env: { CCLINK_BOOTSTRAP: "127.0.0.1:9" } })
      expect(refused.code, args.join(" ")).toBe(1)
      expect(refused.stderr).toContain("0644")
      expect(refused.stderr).toContain(`chmod 600 ${m.keyFile}`)
    }
    chmodSync(m.keyFile, 0o600)
    expect(jsonOf(await m.run(["whoami", "--json"])).publicKey).toBe(key.z32)
  })

  it("CCLINK_KEY_FILE names another key file", async () => {
    const m = machine("key-file-env")
    const key = makeKey()
    const elsewhere = secretFile(`key-${randomUUID()}`, key.hex, 0o600)
    const who = jsonOf(await m.run(["whoami", "--json"], { env: { CCLINK_KEY_FILE: elsewhere } }))
    expect(who).toMatchObject({ publicKey: toZ32(key.keypair.publicKey), keyFile: elsewhere })
  })
})
