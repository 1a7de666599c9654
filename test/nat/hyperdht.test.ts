/**
 * Raw HyperDHT through real NATs, with no cclink code in the path: a testnet
 * on the public host, a server on one machine sending 1 MiB to a client on
 * another, each process in its machine's namespace. When the carried handoff
 * fails in test/nat/carry.test.ts, this file tells whether the network or
 * cclink broke. Every scenario asserts how the connection was made, as
 * src/carry/connectionKind.ts reads it on both ends, and where the bytes
 * came from as the server saw it.
 */
import { describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { expect } from "vitest"
import type { CarryVia } from "../../src/services/Carry.js"
import { child } from "./support/processes.js"
import * as Topology from "./support/topology.js"

const MIB = 1 << 20

interface Transfer {
  /** The client's last line: what it received and how, or HyperDHT's error code. */
  readonly client: Record<string, unknown>
  readonly server: {
    readonly listening: Record<string, unknown>
    readonly connection: Record<string, unknown> | undefined
  }
}

/**
 * Starts the testnet (and a blind relay when `relay`) on the public host, the
 * server on `server`, then the client on `client`, and waits for the client's line.
 */
const transfer = (
  net: Topology.Topology<string, string>,
  server: Topology.Host,
  client: Topology.Host,
  options: { readonly relay?: boolean; readonly reachableServer?: boolean } = {}
) =>
  Effect.gen(function*() {
    const testnet = yield* child(net.internet, "testnet", [net.internet.address, "8"])
    const bootstrap = ((yield* testnet.waitForLine((line) => "bootstrap" in line)).bootstrap as Array<string>).join(",")
    const relay = options.relay === true
      ? [
        "--relay",
        (yield* (yield* child(net.internet, "relay", [bootstrap])).waitForLine((line) => "publicKey" in line))
          .publicKey as string
      ]
      : []
    const serving = yield* child(server, "server", [
      ...["--bootstrap", bootstrap, "--bytes", String(MIB), ...relay],
      ...(options.reachableServer === true ? ["--reachable"] : [])
    ])
    const listening = yield* serving.waitForLine((line) => line.event === "listening")
    const connecting = yield* child(client, "client", [
      ...["--bootstrap", bootstrap, "--server", listening.publicKey as string, ...relay]
    ])
    const outcome = yield* connecting.waitForLine(() => true, { within: "150 seconds" })
    const connection = outcome.error === undefined
      ? yield* serving.waitForLine((line) => line.event === "sent").pipe(
        Effect.zipRight(serving.waitForLine((line) => line.event === "connection"))
      )
      : serving.lines().map((line) => JSON.parse(line) as Record<string, unknown>).find((line) =>
        line.event === "connection"
      )
    console.info(`${server.label} -> ${client.label}: ${JSON.stringify(outcome)}`)
    return { client: outcome, server: { listening, connection } } satisfies Transfer
  })

/**
 * The whole MiB arrived intact, over a connection both ends read as one of
 * `kinds` (the same on both), from `remoteHost` as the server saw it.
 */
const expectCarried = (result: Transfer, kinds: ReadonlyArray<CarryVia>, remoteHost: string) => {
  expect(result.client).toMatchObject({ bytes: MIB, sha256: result.server.listening.sha256 })
  expect(kinds).toContain(result.client.kind)
  expect(result.client.kindAtEnd).toBe(result.client.kind)
  expect(result.server.connection?.kind).toBe(result.client.kind)
  expect(String(result.server.connection?.remote)).toMatch(new RegExp(`^${remoteHost.replaceAll(".", "\\.")}:\\d+$`))
}

describe("HyperDHT through NATs", () => {
  it.scopedLive("both machines behind their own NAT: hole punched", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "consistent", b: "consistent" } })
      const result = yield* transfer(net, net.hosts.a, net.hosts.b)
      // The server sees the client's router, on the port B's NAT mapped for the punch.
      expectCarried(result, ["holepunch"], net.hosts.b.publicAddress)
    }))

  it.scopedLive("a server known to be reachable on the public side, the client behind a NAT: direct", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "consistent" }, public: ["c"] })
      const result = yield* transfer(net, net.hosts.c, net.hosts.a, { reachableServer: true })
      expectCarried(result, ["direct"], net.hosts.a.publicAddress)
    }))

  // A fresh node learns it is reachable from its DHT neighbours' NAT checks, which race its first handshakes
  // (dht-rpc's bootstrap): until then it says "firewalled", and the peers punch, which needs no NAT on its side.
  it.scopedLive("a server on the public side that has not found out yet, the client behind a NAT: punched or direct", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "consistent" }, public: ["c"] })
      const result = yield* transfer(net, net.hosts.c, net.hosts.a)
      expectCarried(result, ["holepunch", "direct"], net.hosts.a.publicAddress)
    }))

  it.scopedLive("a server behind a NAT, the client on the public side: punched or direct", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "consistent" }, public: ["c"] })
      const result = yield* transfer(net, net.hosts.a, net.hosts.c)
      expectCarried(result, ["holepunch", "direct"], net.hosts.c.address)
    }))

  it.scopedLive("one randomizing NAT: hole punched all the same, by HyperDHT's many-socket punch", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "random", b: "consistent" } })
      const result = yield* transfer(net, net.hosts.a, net.hosts.b)
      expectCarried(result, ["holepunch"], net.hosts.b.publicAddress)
    }))

  it.scopedLive("two randomizing NATs: HyperDHT gives up at once with HOLEPUNCH_ABORTED, no byte through", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "random", b: "random" } })
      const result = yield* transfer(net, net.hosts.a, net.hosts.b)
      // How long it took is in the line printed above: a figure, not a bound (2 shared cores).
      expect(result.client).toMatchObject({ error: "HOLEPUNCH_ABORTED" })
      expect(result.client.bytes).toBeUndefined()
      expect(result.server.connection).toBeUndefined()
    }))

  it.scopedLive("two randomizing NATs and a blind relay on the public side: relayed", () =>
    Effect.gen(function*() {
      const net = yield* Topology.make({ behindNat: { a: "random", b: "random" } })
      const result = yield* transfer(net, net.hosts.a, net.hosts.b, { relay: true })
      // Both ends send to the relay, not to each other.
      expectCarried(result, ["relay"], net.internet.address)
    }))
})
