/**
 * PIN-protected handoffs end to end: the PIN from a file, a real extra file
 * descriptor, the environment, and a hidden prompt on a real terminal; the PIN
 * policy refusing weak PINs before any packet leaves; burn with PIN; and
 * secrets typed on the command line refused outright.
 */
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { writeWithMode } from "../support/files.js"
import { udpSink } from "../support/udp.js"
import { errorText, jsonOf, registerSecret } from "./support/cli.js"
import { makeMachine, makePair, standInLines, useRoot } from "./support/machines.js"
import { useDht } from "./support/network.js"
import { onTerminal } from "./support/terminal.js"

const root = useRoot()
const dht = useDht(40)

const PIN = registerSecret("tangerine-7391")
const DECRYPTION_FAILED = "Decryption failed: wrong key, wrong PIN, or damaged data."

const pinFile = (name: string, text: string, mode = 0o600) => writeWithMode(join(root.dir, name), text, mode)

describe("--pin", () => {
  it("PIN from --pin-file; picked up with --pin-fd on a machine without any key; a wrong PIN is exit 4", async () => {
    const { key, project, sessionId, a } = makePair(root, dht.bootstrap)
    const published = await a.run(["--pin-file", pinFile("pin-a", `${PIN}\n`)], { cwd: project })
    expect(published.code).toBe(0)
    expect(published.stdout).toContain("PIN-protected")
    // The other side needs the publisher's key: the command says it.
    expect(published.stdout).toContain(`cclink pickup ${key.display}`)

    const keyless = makeMachine(root, `keyless-${key.z32.slice(0, 8)}`, { bootstrap: dht.bootstrap })
    keyless.writeSession(project, sessionId)
    const picked = await keyless.run(["pickup", key.display, "--pin-fd", "3"], { fds: [`${PIN}\n`] })
    expect(picked.code).toBe(0)
    expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", sessionId]))

    const wrong = await keyless.run(["pickup", key.display], { env: { CCLINK_PIN: "tangerine-7392" } })
    expect(wrong.code).toBe(4)
    expect(errorText(wrong)).toBe(DECRYPTION_FAILED)
    expect(wrong.stdout).toBe("")
  })

  it("a PIN file readable by others is refused with the chmod fix", async () => {
    const { project, a } = makePair(root, dht.bootstrap)
    const file = pinFile("pin-open", `${PIN}\n`, 0o644)
    const refused = await a.run(["--pin-file", file], { cwd: project })
    expect(refused.code).not.toBe(0)
    expect(refused.stderr).toContain(`chmod 600 ${file}`)
  })

  it("PIN from CCLINK_PIN on A; typed at a hidden prompt on B's terminal", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
    expect((await a.run([], { cwd: project, env: { CCLINK_PIN: PIN } })).code).toBe(0)

    const terminal = await onTerminal(["pickup", "-y"], { env: b.env, cwd: b.home })
    try {
      await terminal.waitFor("PIN:")
      terminal.type(PIN)
      terminal.press("Enter")
      expect(await terminal.exitCode()).toBe(0)
      const screen = terminal.screen()
      for (const line of standInLines(project, ["--resume", sessionId])) expect(screen).toContain(line)
      expect(screen).not.toContain(PIN)
    } finally {
      terminal.close()
    }
  })

  it("--pin on a terminal asks twice, hidden; B picks up with CCLINK_PIN; a mistyped repeat publishes nothing", async () => {
    const { key, project, sessionId, a, b } = makePair(root, dht.bootstrap)

    const mistyped = await onTerminal(["--pin"], { env: a.env, cwd: project })
    try {
      await mistyped.waitFor("New PIN:")
      mistyped.type(PIN)
      mistyped.press("Enter")
      await mistyped.waitFor("Repeat PIN:")
      mistyped.type("tangerine-0000")
      mistyped.press("Enter")
      expect(await mistyped.exitCode()).toBe(4)
      expect(mistyped.screen()).toContain("do not match")
    } finally {
      mistyped.close()
    }
    expect((await b.run(["pickup", "--no-launch"])).code).toBe(5)

    const terminal = await onTerminal(["--pin"], { env: a.env, cwd: project })
    try {
      await terminal.waitFor("New PIN:")
      terminal.type(PIN)
      terminal.press("Enter")
      await terminal.waitFor("Repeat PIN:")
      terminal.type(PIN)
      terminal.press("Enter")
      expect(await terminal.exitCode()).toBe(0)
      expect(terminal.screen()).toContain("Published!")
    } finally {
      terminal.close()
    }

    const picked = jsonOf(await b.run(["pickup", "--no-launch", "--json"], { env: { CCLINK_PIN: PIN } }))
    expect(picked).toMatchObject({ sessionId, project, publisher: key.z32, pin: true, burn: false })
  })

  it("--pin on a terminal refuses a weak PIN as soon as it is typed, without asking to repeat it", async () => {
    const { project, a } = makePair(root, dht.bootstrap)
    const terminal = await onTerminal(["--pin"], { env: a.env, cwd: project })
    try {
      await terminal.waitFor("New PIN:")
      terminal.type("12345678")
      terminal.press("Enter")
      expect(await terminal.exitCode()).toBe(4)
      expect(terminal.screen()).toContain("sequential")
      expect(terminal.screen()).not.toContain("Repeat PIN:")
    } finally {
      terminal.close()
    }
  })

  it("--burn --pin: the first pickup with the PIN launches and burns; the second finds nothing", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
    const published = await a.run(["--burn", "--pin-file", pinFile("pin-burn", PIN)], { cwd: project })
    expect(published.code).toBe(0)
    expect(published.stdout).toContain("Burn after reading")
    expect(published.stdout).toContain("PIN-protected")

    const first = await b.run(["pickup"], { env: { CCLINK_PIN: PIN } })
    expect(first.code).toBe(0)
    expect(first.stdout).toContain(`stand-in claude arg=${sessionId}`)
    expect(first.stderr).toContain("Burned")

    const second = await b.run(["pickup"], { env: { CCLINK_PIN: PIN } })
    expect(second.code).toBe(5)
  })
})

describe("PIN policy", () => {
  it("weak PINs are refused (exit 4) before anything is sent; a good one is sent", async () => {
    const sink = await udpSink()
    try {
      const { project, a } = makePair(root, [sink.address])
      const weak: ReadonlyArray<readonly [string, RegExp]> = [
        ["short12", /at least 8 characters/],
        ["zzzzzzzz", /all characters are the same/],
        ["abcdefgh", /sequential/],
        ["98765432", /sequential/],
        ["Password", /common/],
        ["qwertyui", /common/]
      ]
      const refusals = await Promise.all(weak.map(([pin]) => a.run([], { cwd: project, env: { CCLINK_PIN: pin } })))
      for (const [i, refused] of refusals.entries()) {
        const [pin, reason] = weak[i]!
        expect(refused.code, pin).toBe(4)
        expect(refused.stderr).toMatch(reason)
        expect(refused.stderr).not.toContain(pin)
      }
      expect(sink.received()).toBe(0)

      // The control: the same command with a good PIN does reach the (silent) network.
      const sent = await a.run(["--timeout", "2s"], { cwd: project, env: { CCLINK_PIN: PIN } })
      expect(sent.code).toBe(6)
      expect(sink.received()).toBeGreaterThan(0)
    } finally {
      sink.close()
    }
  })
})

describe("secrets on the command line", () => {
  const PASSPHRASE = registerSecret("hunter2-passphrase")
  registerSecret("1234abcd")
  registerSecret("secretvalue")

  it("are refused with exit 4 and one line, and nothing is published", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
    const attempts: ReadonlyArray<ReadonlyArray<string>> = [
      ["--passphrase", PASSPHRASE],
      [`--passphrase=${PASSPHRASE}`],
      ["--pin=1234abcd"],
      ["--pin", "secretvalue"],
      ["publish", "--pin", "secretvalue", sessionId],
      ["pickup", "--pin", "secretvalue"],
      ["init", "--passphrase", PASSPHRASE],
      ["whoami", "--password", PASSPHRASE]
    ]
    const refusals = await Promise.all(attempts.map((args) => a.run(args, { cwd: project, env: { CCLINK_PIN: PIN } })))
    for (const [i, refused] of refusals.entries()) {
      const args = attempts[i]!
      expect(refused.code, args.join(" ")).toBe(4)
      expect(refused.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1)
      expect(refused.stderr).toContain("command line")
      expect(refused.stdout).toBe("")
    }
    expect((await b.run(["pickup", "--no-launch"])).code).toBe(5)

    // `--pin` followed by the session id is the flag, not an inline PIN.
    const published = await a.run(["--pin", sessionId], { cwd: project, env: { CCLINK_PIN: PIN } })
    expect(published.code).toBe(0)
    expect(published.stdout).toContain("PIN-protected")
  })
})
