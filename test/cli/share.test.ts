/**
 * Handoffs between different keys, end to end: `--share` encrypts to a
 * colleague's key, who picks up with their own; the publisher and anyone else
 * are told who published, when, and to whom it is sealed, with exit 4.
 */
import { randomUUID } from "node:crypto"
import { describe, expect, it } from "vitest"
import { udpSink } from "../support/udp.js"
import { errorText, jsonOf } from "./support/cli.js"
import { makeKey, makeMachine, makePair, standInLines, useRoot } from "./support/machines.js"
import { useDht } from "./support/network.js"

const root = useRoot()
const dht = useDht(40)

/** Machine A (the publisher), a colleague holding the session file, and a stranger. */
const makeTrio = () => {
  const { key, project, sessionId, a } = makePair(root, dht.bootstrap)
  const colleagueKey = makeKey()
  const colleague = makeMachine(root, `colleague-${colleagueKey.z32.slice(0, 8)}`, { bootstrap: dht.bootstrap })
  colleague.installKey(colleagueKey)
  colleague.writeSession(project, sessionId)
  const strangerKey = makeKey()
  const stranger = makeMachine(root, `stranger-${strangerKey.z32.slice(0, 8)}`, { bootstrap: dht.bootstrap })
  stranger.installKey(strangerKey)
  return { key, project, sessionId, a, colleagueKey, colleague, strangerKey, stranger }
}

describe("--share", () => {
  it("the recipient picks up with their own key; the publisher and a stranger cannot decrypt (exit 4)", async () => {
    const { key, project, sessionId, a, colleagueKey, colleague, stranger } = makeTrio()

    const published = await a.run(["--share", colleagueKey.display], { cwd: project })
    expect(published.code).toBe(0)
    expect(published.stdout).toContain(`Shared with ${colleagueKey.display}. They run:`)
    expect(published.stdout).toContain(`cclink pickup ${key.display}`)

    // The bare z32 form is accepted as well as pk:.
    const picked = await colleague.run(["pickup", key.z32])
    expect(picked.code).toBe(0)
    expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", sessionId]))

    const own = await a.run(["pickup", "-y"])
    expect(own.code).toBe(4)
    expect(errorText(own)).toMatch(
      /^Decryption failed: this handoff \(published \d+s ago\) is shared with pk:\S+; only that key can decrypt it\.$/
    )
    expect(own.stderr).toContain(colleagueKey.display)
    expect(own.stdout).toBe("")

    const foreign = await stranger.run(["pickup", key.display, "-y"])
    expect(foreign.code).toBe(4)
    expect(errorText(foreign)).toContain(`this handoff by ${key.display}`)
    expect(errorText(foreign)).toContain("is shared with someone else")
    expect(foreign.stdout).toBe("")

    // The publisher's list names the recipient, without the project it cannot read.
    const listed = jsonOf(await a.run(["list", "--json"]))
    expect(listed.handoffs).toEqual([
      expect.objectContaining({ project: null, recipient: colleagueKey.z32, burn: false })
    ])
    const table = await a.run(["list"])
    expect(table.stdout).toContain(`(encrypted)`)
    expect(table.stdout).toContain(colleagueKey.display)
  })

  it("only the publisher may burn: the recipient's pickup --burn is refused and the handoff stays", async () => {
    const { key, project, a, colleagueKey, colleague } = makeTrio()
    expect((await a.run(["--share", colleagueKey.display], { cwd: project })).code).toBe(0)

    const refused = await colleague.run(["pickup", key.display, "--burn", "-y"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("--burn removes your own handoff")
    expect(refused.stdout).not.toContain("stand-in claude")
    expect(jsonOf(await colleague.run(["pickup", key.display, "--no-launch", "--json"]))).toMatchObject({
      publisher: key.z32,
      recipient: colleagueKey.z32
    })
  })

  it("a stranger picking up a self-encrypted handoff is told it is self-encrypted", async () => {
    const { key, project, a, stranger } = makeTrio()
    expect((await a.run([], { cwd: project })).code).toBe(0)

    const foreign = await stranger.run(["pickup", key.display])
    expect(foreign.code).toBe(4)
    expect(errorText(foreign)).toMatch(
      new RegExp(`^Decryption failed: this handoff by ${key.display} \\(published \\d+s ago\\) is self-encrypted`)
    )
  })

  it("--burn and --pin with --share are refused before the key, the session or the network are touched", async () => {
    const sink = await udpSink()
    try {
      // No key, no session: the refusal must come first.
      const nobody = makeMachine(root, `nobody-${randomUUID().slice(0, 8)}`, { bootstrap: [sink.address] })
      const recipient = makeKey().display
      for (
        const [flags, env] of [
          [["--burn"], {}],
          [["--pin"], {}],
          [["--pin-file", "/nonexistent"], {}],
          [[], { CCLINK_PIN: "a-valid-pin-4821" }]
        ] as const
      ) {
        const refused = await nobody.run(["--share", recipient, ...flags], { env })
        expect(refused.code, flags.join(" ")).toBe(1)
        expect(refused.stderr).toMatch(/cannot be used with '--share <PUBKEY>'/)
        expect(refused.stderr.trim().split("\n")).toHaveLength(1)
      }
      expect(sink.received()).toBe(0)
    } finally {
      sink.close()
    }
  })

  it("a malformed --share key is refused with a clear message", async () => {
    const { project, a } = makePair(root, dht.bootstrap)
    const refused = await a.run(["--share", "pk:not-a-key"], { cwd: project })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/public key/i)
  })
})
