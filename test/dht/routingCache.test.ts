import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as RoutingCache from "../../src/dht/routingCache.js"
import * as Testnet from "../../src/dht/testnet.js"
import { K } from "../../src/dht/traversal.js"
import { Keypair } from "../../src/domain/keys.js"
import { withClient } from "./network.js"

const stateDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "cclink-dht-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

const bootstrap = ["127.0.0.1:6881"]
const idOf = (i: number) => Buffer.alloc(20, i)
const nodes = Array.from({ length: 45 }, (_, i) => ({ host: "10.0.0.1", port: 7000 + i, id: idOf(i) }))

describe("routing-table cache", () => {
  it.scopedLive("keeps up to 40 nodes with their ids in a private file, replaced atomically", () =>
    Effect.gen(function*() {
      const dir = join(yield* stateDir, "state")
      yield* RoutingCache.save(dir, bootstrap, nodes)
      expect(yield* RoutingCache.load(dir, bootstrap)).toEqual(nodes.slice(0, RoutingCache.MAX_CACHED_NODES))
      expect((yield* Effect.promise(() => stat(join(dir, "routing-table.json")))).mode & 0o777).toBe(0o600)
      expect((yield* Effect.promise(() => stat(dir))).mode & 0o777).toBe(0o700)
      yield* RoutingCache.save(dir, bootstrap, nodes.slice(3))
      expect(yield* RoutingCache.load(dir, bootstrap)).toEqual(nodes.slice(3, 3 + RoutingCache.MAX_CACHED_NODES))
      expect(yield* Effect.promise(() => readdir(dir))).toEqual(["routing-table.json"])
    }))

  it.scopedLive("keeps each node once, the first named first: the nodes of the last lookup before older ones", () =>
    Effect.gen(function*() {
      const dir = yield* stateDir
      yield* RoutingCache.save(dir, bootstrap, [nodes[5]!, nodes[1]!, nodes[5]!, nodes[2]!, nodes[1]!])
      expect(yield* RoutingCache.load(dir, bootstrap)).toEqual([nodes[5], nodes[1], nodes[2]])
    }))

  it.scopedLive("is not used for another bootstrap list: a test network's nodes never leak into Mainline", () =>
    Effect.gen(function*() {
      const dir = yield* stateDir
      yield* RoutingCache.save(dir, bootstrap, nodes)
      expect(yield* RoutingCache.load(dir, ["127.0.0.1:6882"])).toEqual([])
    }))

  it.scopedLive.each([
    ["missing", undefined],
    ["not JSON", "{\"bootstrap\": [\"127.0"],
    ["of another shape", "{\"bootstrap\": \"127.0.0.1:6881\", \"nodes\": 3}"],
    ["binary", "\u0000\u0001\u00ff"]
  ])("ignores a cache file that is %s", ([, text]) =>
    Effect.gen(function*() {
      const dir = yield* stateDir
      if (text !== undefined) yield* Effect.promise(() => writeFile(join(dir, "routing-table.json"), text))
      expect(yield* RoutingCache.load(dir, bootstrap)).toEqual([])
    }))

  it.scopedLive("skips malformed entries and keeps the good ones", () =>
    Effect.gen(function*() {
      const dir = yield* stateDir
      const id = (i: number) => idOf(i).toString("hex")
      const file = {
        bootstrap,
        nodes: [
          { id: id(1), address: "10.0.0.1:7000" },
          "10.0.0.9:7009", // an entry of the cache before it kept ids
          { id: id(2), address: "nonsense" },
          { id: id(3), address: "10.0.0.2:0" },
          { id: "abcd", address: "10.0.0.4:7004" },
          { address: "10.0.0.5:7005" },
          { id: id(6), address: "10.0.0.3:7001" }
        ]
      }
      yield* Effect.promise(() => writeFile(join(dir, "routing-table.json"), JSON.stringify(file)))
      expect(yield* RoutingCache.load(dir, bootstrap)).toEqual([
        { host: "10.0.0.1", port: 7000, id: idOf(1) },
        { host: "10.0.0.3", port: 7001, id: idOf(6) }
      ])
    }))

  it.scopedLive("does not fail when the state folder cannot be written", () =>
    Effect.gen(function*() {
      const blocker = join(yield* stateDir, "not-a-folder")
      yield* Effect.promise(() => writeFile(blocker, ""))
      yield* RoutingCache.save(blocker, bootstrap, nodes)
      expect(yield* RoutingCache.load(blocker, bootstrap)).toEqual([])
    }))
})

describe("routing-table cache with the Mainline layer", () => {
  it.scopedLive("bootstrap nodes cached under other ids (restarted since) are still asked as bootstrap nodes", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(30)
      const dir = yield* stateDir
      const file = {
        bootstrap: network.bootstrap,
        nodes: network.bootstrap.map((address, i) => ({ id: `${i}`.repeat(40), address }))
      }
      yield* Effect.promise(() => writeFile(join(dir, "routing-table.json"), JSON.stringify(file)))
      // k-rpc-socket refuses an answer from another id than the one asked for: were the cached entry
      // taken for the node, the lookup would reach nobody and retry until the deadline.
      const error = yield* withClient(
        network.bootstrap,
        (dht) => Effect.flip(dht.resolve(Keypair.generate().publicKey)),
        {
          stateDir: dir,
          timeout: Duration.seconds(5)
        }
      )
      expect(error._tag).toBe("NotFound")
    }))

  it.scopedLive("lets the next run in when every bootstrap node is gone, and replaces a damaged file", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(60)
      const dir = yield* stateDir
      const file = join(dir, "routing-table.json")
      yield* Effect.promise(() => writeFile(file, "damaged"))
      const keypair = Keypair.generate()
      yield* withClient(network.bootstrap, (dht) => dht.publish(keypair, "{\"cached\":true}"), { stateDir: dir })
      const saved = JSON.parse(yield* Effect.promise(() => readFile(file, "utf8")))
      expect(saved.bootstrap).toEqual(network.bootstrap)
      // The K nodes nearest the key that answered the publish's lookup, each with its id.
      expect(saved.nodes.length).toBe(K)
      for (const node of saved.nodes) expect(node.id).toMatch(/^[0-9a-f]{40}$/)

      yield* Effect.forEach(
        network.nodes.slice(0, network.bootstrap.length),
        (node) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))
      )
      const found = yield* withClient(network.bootstrap, (dht) => dht.resolve(keypair.publicKey), { stateDir: dir })
      expect(found.record).toBe("{\"cached\":true}")
      const error = yield* withClient(network.bootstrap, (dht) => Effect.flip(dht.resolve(keypair.publicKey)), {
        timeout: Duration.seconds(3)
      })
      expect(error._tag).toBe("NetworkError")
    }))
})
