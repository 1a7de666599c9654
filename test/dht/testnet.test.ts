import { describe, expect, it } from "@effect/vitest"
import DHT from "bittorrent-dht"
import { Effect, Exit, Scope } from "effect"
import { createSocket } from "node:dgram"
import { lookup, targetOf } from "../../src/dht/bep44.js"
import * as Testnet from "../../src/dht/testnet.js"
import { MAX_NODES } from "../../src/dht/testnetSize.js"
import { verify } from "../../src/domain/ed25519.js"
import { Keypair } from "../../src/domain/keys.js"

const client = Effect.acquireRelease(
  Effect.sync(() => new DHT({ bootstrap: false, verify })),
  (node) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))
)

/** A KRPC ping from a fresh socket: true if the node answers within a second. */
const ping = (address: string) =>
  Effect.scoped(
    Effect.flatMap(client, (node) =>
      Effect.async<boolean>((resume) => {
        const [host, port] = address.split(":")
        node._rpc.query(
          { host: host!, port: Number(port) },
          { q: "ping", a: { id: node._rpc.id } },
          (error) => resume(Effect.succeed(error === null))
        )
      }))
  )

const distance = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.map((byte, i) => byte ^ b[i]!)).toString("hex")

describe("testnet", () => {
  it.scopedLive("starts nodes on 127.0.0.1 whose first ones answer as bootstrap nodes", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(120)
      expect(network.nodes).toHaveLength(120)
      expect(new Set(network.nodes.map((node) => node.address().port)).size).toBe(120)
      expect(network.nodes.every((node) => node.address().address === "127.0.0.1")).toBe(true)
      expect(network.bootstrap).toEqual(network.nodes.slice(0, 3).map((node) => `127.0.0.1:${node.address().port}`))
      for (const address of network.bootstrap) expect(yield* ping(address)).toBe(true)
    }))

  // Starting every node at once from one bootstrap node finds only 10 to 12 of them.
  it.scopedLive("routes well enough that a lookup finds (nearly) the 20 nodes truly closest to a key", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(150)
      const node = yield* client
      node._rpc.bootstrap = network.bootstrap.map((address) => ({
        host: "127.0.0.1",
        port: Number(address.split(":")[1])
      }))
      for (let round = 0; round < 3; round++) {
        const publicKey = Keypair.generate().publicKey
        const target = targetOf(publicKey)
        const found = yield* lookup(node, publicKey, () => {})
        const truth = network.nodes
          .map((n) => n.nodeId)
          .sort((a, b) => distance(a, target).localeCompare(distance(b, target)))
          .slice(0, 20)
          .map((id) => id.toString("hex"))
        const seen = new Set(found.closest.map((contact) => contact.id!.toString("hex")))
        expect(truth.slice(0, 10).filter((id) => !seen.has(id))).toEqual([])
        expect(truth.filter((id) => seen.has(id)).length).toBeGreaterThanOrEqual(18)
      }
    }))

  it.live("closes every node with its scope", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const network = yield* Testnet.make(30).pipe(Scope.extend(scope))
      expect(yield* ping(network.bootstrap[0]!)).toBe(true)
      yield* Scope.close(scope, Exit.void)
      expect(network.nodes.every((node) => node.destroyed)).toBe(true)
      expect(yield* ping(network.bootstrap[0]!)).toBe(false)
    }))

  it.scopedLive("refuses an empty network", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Testnet.make(0))
      expect(error._tag).toBe("InvalidInput")
    }))

  it.scopedLive("refuses more nodes than its bound", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Testnet.make(MAX_NODES + 1))
      expect(error._tag).toBe("InvalidInput")
      expect(error.message).toContain(`at most ${MAX_NODES} nodes`)
    }))

  it.scopedLive("reports a taken port as a network error", () =>
    Effect.gen(function*() {
      const taken = yield* Effect.acquireRelease(
        Effect.async<ReturnType<typeof createSocket>>((resume) => {
          const socket = createSocket("udp4")
          socket.bind(0, "127.0.0.1", () => resume(Effect.succeed(socket)))
        }),
        (socket) => Effect.sync(() => socket.close())
      )
      const error = yield* Effect.flip(Testnet.make(5, { port: taken.address().port }))
      expect(error._tag).toBe("NetworkError")
      expect(error.message).toMatch(/EADDRINUSE/)
    }))
})
