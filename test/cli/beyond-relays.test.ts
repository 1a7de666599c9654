/**
 * pkarr relays from the command line: `--relay URL` (repeatable, over
 * `CCLINK_RELAYS`) with `--no-dht` works with no UDP at all; with the DHT
 * kept, both are used and the newest packet wins; `--no-dht` without a relay
 * is a clear usage error. The relay is test/support/relayServer.ts on
 * 127.0.0.1, and pkarr's own relay in front of the local DHT as a second peer.
 */
import { Effect, Exit, Scope } from "effect"
import { randomUUID } from "node:crypto"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { closedPort as closedHttpPort } from "../support/httpServer.js"
import { startPkarrRelay } from "../support/pkarrRelay.js"
import { udpSink } from "../support/udp.js"
import { type LocalRelay, startLocalRelay } from "./support/beyond-network.js"
import { errorText, jsonOf } from "./support/cli.js"
import { makePair, standInLines, useRoot } from "./support/machines.js"
import { useDht } from "./support/network.js"

const root = useRoot()
const dht = useDht(30)
let relay: LocalRelay
/** A URL where no HTTP server listens. */
let deadRelay: string

beforeAll(async () => {
  relay = await startLocalRelay()
  deadRelay = await Effect.runPromise(closedHttpPort)
})

afterAll(async () => {
  await relay?.close()
})

describe("relays alone (--no-dht)", () => {
  it("publish, list, pickup and revoke through --relay with not one UDP datagram sent", async () => {
    // The bootstrap "node" only counts datagrams: a single one would show the DHT was used.
    const sink = await udpSink()
    try {
      const { key, project, sessionId, a, b } = makePair(root, [sink.address])
      const viaRelay = ["--relay", relay.url, "--no-dht"]

      expect((await a.run(viaRelay, { cwd: project })).code).toBe(0)
      expect(relay.stored(key.keypair.publicKey)).toBeDefined()
      const listed = jsonOf(await b.run(["list", "--json", ...viaRelay]))
      expect(listed).toMatchObject({ publisher: key.z32, handoffs: [{ project }] })
      const picked = await b.run(["pickup", "-y", ...viaRelay])
      expect(picked.code).toBe(0)
      expect(picked.stdout.trimEnd().split("\n")).toEqual(standInLines(project, ["--resume", sessionId]))

      expect((await b.run(["revoke", "-y", ...viaRelay])).code).toBe(0)
      expect((await b.run(["pickup", "-y", ...viaRelay])).code).toBe(5)
      expect(sink.received()).toBe(0)
    } finally {
      sink.close()
    }
  })

  it("CCLINK_RELAYS names the relays; --relay (repeatable) overrides it", async () => {
    const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
    const fromEnv = { env: { CCLINK_RELAYS: relay.url } }
    expect((await a.run(["--no-dht"], { cwd: project, ...fromEnv })).code).toBe(0)
    expect(jsonOf(await b.run(["pickup", "--no-launch", "--json", "--no-dht"], fromEnv)).sessionId).toBe(sessionId)

    // Only the dead relay from the environment: the network error names it.
    const deadOnly = await b.run(["pickup", "--no-dht", "--timeout", "3s"], { env: { CCLINK_RELAYS: deadRelay } })
    expect(deadOnly.code).toBe(6)
    expect(deadOnly.stderr).toContain(`relay ${deadRelay}`)

    // --relay replaces the environment's list; given twice, the live relay of the two answers.
    const overridden = await b.run(
      ["pickup", "--no-launch", "--json", "--no-dht", "--relay", deadRelay, "--relay", relay.url, "--timeout", "4s"],
      { env: { CCLINK_RELAYS: deadRelay } }
    )
    expect(jsonOf(overridden).sessionId).toBe(sessionId)
  })

  it("--no-dht without any relay is a usage error (exit 1) for every network command, before the network", async () => {
    const { project, a } = makePair(root, dht.bootstrap)
    for (
      const [args, cwd] of [
        [[], project],
        [["pickup"], a.home],
        [["list"], a.home],
        [["revoke", "-y"], a.home]
      ] as const
    ) {
      const refused = await a.run([...args, "--no-dht"], { cwd })
      expect(refused.code, args.join(" ")).toBe(1)
      expect(refused.stdout, args.join(" ")).toBe("")
      expect(errorText(refused), args.join(" ")).toBe(
        "--no-dht needs at least one relay: give --relay URL or set CCLINK_RELAYS."
      )
    }
    const malformed = await a.run(["--relay", "ftp://relay.example", "--no-dht"], { cwd: project })
    expect(malformed.code).toBe(1)
    expect(errorText(malformed)).toBe("Relay URL #1 is not valid: expected http(s)://host[:port][/path].")
    // A URL with credentials is refused too, without printing them (the relay layer would refuse it later).
    const withCredentials = await a.run(["--relay", "https://user:s3cret@relay.example", "--no-dht"], { cwd: project })
    expect(withCredentials.code).toBe(1)
    expect(errorText(withCredentials)).toBe("Relay URL #1 is not valid: expected http(s)://host[:port][/path].")
    expect(withCredentials.stderr).not.toContain("s3cret")
  })
})

describe("relays and the DHT together", () => {
  it("publish goes to both; lookups ask both and the newest packet wins, whichever side has it", async () => {
    const { key, project, sessionId: first, a, b } = makePair(root, dht.bootstrap)
    const both = ["--relay", relay.url]
    const dhtOnly: ReadonlyArray<string> = []
    const relayOnly = ["--relay", relay.url, "--no-dht"]
    const session = (id: string) => {
      a.writeSession(project, id)
      b.writeSession(project, id)
      return id
    }
    const pickedFrom = async (transport: ReadonlyArray<string>) =>
      jsonOf(await b.run(["pickup", "--no-launch", "--json", ...transport])).sessionId

    expect((await a.run(both, { cwd: project })).code).toBe(0)
    expect(relay.stored(key.keypair.publicKey)).toBeDefined()
    expect(await pickedFrom(dhtOnly)).toBe(first)
    expect(await pickedFrom(relayOnly)).toBe(first)

    // A newer handoff on the relay alone: the DHT still serves the first, the newer wins.
    const second = session(randomUUID())
    expect((await a.run(["publish", second, ...relayOnly], { cwd: project })).code).toBe(0)
    expect(await pickedFrom(dhtOnly)).toBe(first)
    expect(await pickedFrom(both)).toBe(second)

    // And the other way round.
    const third = session(randomUUID())
    expect((await a.run(["publish", third], { cwd: project })).code).toBe(0)
    expect(await pickedFrom(relayOnly)).toBe(second)
    expect(await pickedFrom(both)).toBe(third)

    // A revocation through both leaves nothing on either side.
    expect((await b.run(["revoke", "-y", ...both])).code).toBe(0)
    for (const transport of [dhtOnly, relayOnly, both]) {
      expect((await b.run(["pickup", "--no-launch", ...transport])).code, transport.join(" ") || "DHT").toBe(5)
    }
  })

  it("pkarr's own relay as the only transport: the handoff lands on the DHT behind it", async () => {
    const scope = Effect.runSync(Scope.make())
    try {
      const pkarr = await Effect.runPromise(Scope.extend(startPkarrRelay(dht.bootstrap), scope))
      const { project, sessionId, a, b } = makePair(root, dht.bootstrap)
      expect((await a.run(["--relay", pkarr, "--no-dht"], { cwd: project })).code).toBe(0)
      expect(jsonOf(await b.run(["pickup", "--no-launch", "--json"])).sessionId).toBe(sessionId)
      expect(jsonOf(await b.run(["pickup", "--no-launch", "--json", "--relay", pkarr, "--no-dht"])).sessionId)
        .toBe(sessionId)
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  })
})
