import { describe, expect, it } from "@effect/vitest"
import DHT from "bittorrent-dht"
import type { QueryError } from "bittorrent-dht"
import { Effect } from "effect"
import { randomBytes } from "node:crypto"
import * as Testnet from "../../src/dht/testnet.js"
import { verify } from "../../src/domain/ed25519.js"

const client = Effect.acquireRelease(
  Effect.sync(() => new DHT({ bootstrap: false, verify })),
  (node) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))
)

/** One query from `from` to a testnet node: its error code, or the number of nodes it listed. */
const ask = (from: DHT, to: DHT, q: string, a: Record<string, unknown>) =>
  Effect.async<{ readonly error: number | string | undefined; readonly nodes: number }>((resume) => {
    from._rpc.socket.query(
      { host: "127.0.0.1", port: to.address().port },
      { q, a: { id: from._rpc.id, ...a } },
      (error: QueryError | null, reply: unknown) => {
        const nodes = (reply as { r?: { nodes?: Uint8Array } } | null)?.r?.nodes
        resume(Effect.succeed({ error: error?.code, nodes: nodes === undefined ? 0 : nodes.length / 26 }))
      }
    )
  })

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

describe("testnet answers", () => {
  it.scopedLive("list the 8 nodes nearest the target, as Mainline nodes do, for find_node, get_peers and get", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(60)
      const node = yield* client
      const target = randomBytes(20)
      for (
        const [q, a] of [["find_node", { target }], ["get_peers", { info_hash: target }], ["get", { target }]] as const
      ) {
        const answer = yield* ask(node, network.nodes[5]!, q, a)
        expect({ q, ...answer }).toEqual({ q, error: undefined, nodes: 8 })
      }
    }))
})

describe("wide-area testnet", () => {
  it.scopedLive("delays, kills and refuses BEP 44 as asked, the same way for the same seed", () =>
    Effect.gen(function*() {
      const options = { seed: 4242, wideArea: { medianDelayMs: 40, dead: 0.3, withoutBep44: 0.4 } }
      const network = yield* Testnet.make(100, options)
      const again = yield* Testnet.make(100, options)
      const conditions = network.wideArea!.conditions
      expect(again.nodes.map((node) => node.nodeId.toString("hex"))).toEqual(
        network.nodes.map((node) => node.nodeId.toString("hex"))
      )
      expect(again.wideArea!.conditions).toEqual(conditions)

      // A distribution, not a constant: log-normal around the median.
      const delays = conditions.map(({ delayMs }) => delayMs)
      expect(median(delays)).toBeGreaterThan(30)
      expect(median(delays)).toBeLessThan(55)
      expect(Math.max(...delays) / Math.min(...delays)).toBeGreaterThan(3)

      const dead = network.nodes.filter((node) => node.destroyed)
      expect(dead).toHaveLength(30)
      expect(network.nodes.slice(0, 3).every((node) => !node.destroyed)).toBe(true)
      // Killed after the network formed: the live nodes still list dead ones.
      const deadIds = new Set(dead.map((node) => node.nodeId.toString("hex")))
      const listed = network.nodes.filter((node) => !node.destroyed)
        .flatMap((node) => node.nodes.toArray().map((contact) => contact.id?.toString("hex") ?? ""))
      expect(listed.filter((id) => deadIds.has(id)).length).toBeGreaterThan(0)

      const withoutBep44 = conditions.filter(({ bep44 }) => !bep44).length
      expect(withoutBep44).toBeGreaterThan(25)
      expect(withoutBep44).toBeLessThan(55)
      const live = (bep44: boolean) =>
        network.nodes.find((node, i) => !node.destroyed && conditions[i]!.bep44 === bep44)!
      const asker = yield* client
      const target = randomBytes(20)
      expect(yield* ask(asker, live(false), "get", { target })).toMatchObject({ error: 204 })
      expect(yield* ask(asker, live(false), "put", { token: randomBytes(20), v: "x" })).toMatchObject({ error: 204 })
      expect(yield* ask(asker, live(false), "find_node", { target })).toEqual({ error: undefined, nodes: 8 })
      expect(yield* ask(asker, live(true), "get", { target })).toEqual({ error: undefined, nodes: 8 })
    }))

  it.scopedLive("loses datagrams at the rate asked, and can change it", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(20, { wideArea: { loss: 0.5 } })
      const asker = yield* client
      const target = randomBytes(20)
      const answered = (n: number) =>
        Effect.map(
          Effect.forEach(Array.from({ length: n }), (_, i) =>
            ask(asker, network.nodes[i % 20]!, "find_node", { target }), {
            concurrency: "unbounded"
          }),
          (answers) =>
            answers.filter(({ error }) =>
              error === undefined
            ).length
        )
      // Query and answer each lost half the time: a quarter of the round trips complete.
      const lossy = yield* answered(80)
      expect(lossy).toBeGreaterThan(5)
      expect(lossy).toBeLessThan(40)
      network.wideArea!.setLoss(0)
      expect(yield* answered(40)).toBe(40)
    }))
})
