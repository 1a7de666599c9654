/**
 * The lookup and the `put` round on a wide-area testnet, observed from the
 * client's socket: every query sent, every timeout k-rpc-socket fires, every
 * answer. What these tests assert is the order of events (a lookup returns
 * before the queries to dead nodes time out), never a duration.
 */
import { describe, expect, it } from "@effect/vitest"
import DHT from "bittorrent-dht"
import type { KrpcQuery, Peer, QueryError } from "bittorrent-dht"
import { Effect, Either, Option } from "effect"
import { createHash } from "node:crypto"
import { lookup, targetOf } from "../../src/dht/bep44.js"
import { store } from "../../src/dht/putRound.js"
import { sign } from "../../src/dht/signedPacket.js"
import * as Testnet from "../../src/dht/testnet.js"
import { K } from "../../src/dht/traversal.js"
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { verify } from "../../src/domain/ed25519.js"
import { Keypair } from "../../src/domain/keys.js"
import { withClient } from "./network.js"

interface Query {
  readonly port: number
  readonly q: string
  /** The target of a `find_node` or `get`, in hex. */
  readonly target: string
  /** Queries that had ended when this one was sent. */
  readonly endedBefore: number
  ended?: "answer" | "error" | "timeout"
}

interface Traced {
  readonly node: DHT
  /** Queries in the order sent: where to, what, and how each ended (undefined while in flight). */
  readonly queries: Array<Query>
  /** Queries that had timed out when `mark` was called. */
  readonly timedOutBy: () => number
}

/** A client node whose every query is recorded. */
const traced = (network: Testnet.Testnet) =>
  Effect.acquireRelease(
    Effect.sync((): Traced => {
      const node = new DHT({ bootstrap: false, verify })
      node._rpc.bootstrap = network.bootstrap.map((address) => ({
        host: "127.0.0.1",
        port: Number(address.split(":")[1])
      }))
      const socket = node._rpc.socket
      const send = socket.query.bind(socket)
      const queries: Array<Query> = []
      let ended = 0
      socket.query = (peer, message: KrpcQuery, callback) => {
        const target = message.a.target instanceof Uint8Array ? Buffer.from(message.a.target).toString("hex") : ""
        const entry: Query = { port: peer.port, q: message.q, target, endedBefore: ended }
        queries.push(entry)
        return send(peer, message, (error: QueryError | null, reply: unknown, from: Peer) => {
          ended++
          entry.ended = error === null ? "answer" : error.code === "ETIMEDOUT" ? "timeout" : "error"
          callback(error, reply, from)
        })
      }
      return { node, queries, timedOutBy: () => queries.filter(({ ended }) => ended === "timeout").length }
    }),
    ({ node }) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))
  )

/** Every node the client can hear of is a testnet node: a port no live node holds is a dead node's. */
const livePorts = (network: Testnet.Testnet) =>
  new Set(network.nodes.filter((node) => !node.destroyed).map((node) => node.address().port))

/** The same keys every run, as the networks are the same for their seeds. */
const keyOf = (label: string) => Either.getOrThrow(Keypair.fromSeed(createHash("sha256").update(label).digest()))

/** 200 nodes answering after 20 ms or so, a third of them dead: a lookup meets dead nodes every time. */
const halfDeadNetwork = Testnet.make(200, { seed: 1111, wideArea: { medianDelayMs: 20, dead: 0.3 } })

/** 300 nodes answering at once, a third of them dead and 40% of the others without BEP 44. */
const crowdedNetwork = Testnet.make(300, { seed: 3333, wideArea: { dead: 0.3, withoutBep44: 0.4 } })

const nearestFirst = (target: Buffer) => (a: DHT, b: DHT) =>
  Buffer.compare(
    Buffer.from(a.nodeId.map((byte, i) => byte ^ target[i]!)),
    Buffer.from(b.nodeId.map((byte, i) => byte ^ target[i]!))
  )

/** The ports of the K live nodes with BEP 44 nearest `target`: where a lookup should find its answers. */
const nearestStoring = (network: Testnet.Testnet, target: Buffer) =>
  network.nodes
    .filter((node, i) => !node.destroyed && network.wideArea!.conditions[i]!.bep44)
    .sort(nearestFirst(target))
    .slice(0, K)
    .map((node) => node.address().port)

describe("lookup", () => {
  it.scopedLive("lists the key's neighbourhood: finds the K nearest nodes with BEP 44, though the nodes near the key name the same few", () =>
    Effect.gen(function*() {
      const network = yield* crowdedNetwork
      for (let round = 0; round < 4; round++) {
        const keypair = keyOf(`crowded ${round}`)
        const target = targetOf(keypair.publicKey)
        const truth = nearestStoring(network, target)
        // Asked for the key, the live nodes nearest it name fewer than K of those between them.
        const named = new Set(
          network.nodes.filter((node) => !node.destroyed).sort(nearestFirst(target)).slice(0, K)
            .flatMap((node) => node._rpc.nodes.closest(target, 8).map((contact) => contact.port))
        )
        expect(truth.filter((port) => named.has(port)).length).toBeLessThan(K)
        const found = yield* Effect.scoped(
          Effect.flatMap(traced(network), (client) => lookup(client.node, keypair.publicKey, () => {}))
        )
        const ports = new Set(found.closest.map((responder) => responder.port))
        // Without the listing, 10 to 17 of them (the 20 lie as far as rank 50 of this small network).
        expect(truth.filter((port) => ports.has(port)).length).toBeGreaterThanOrEqual(K - 2)
      }
    }))

  it.scopedLive("ends once the nearest nodes answered, while its queries to dead nodes still wait for k-rpc's timeout", () =>
    Effect.gen(function*() {
      const network = yield* halfDeadNetwork
      const live = livePorts(network)
      for (let round = 0; round < 4; round++) {
        const client = yield* Effect.scoped(Effect.gen(function*() {
          const client = yield* traced(network)
          const found = yield* lookup(client.node, keyOf(`dead ${round}`).publicKey, () => {})
          const timedOut = client.timedOutBy()
          const toDead = client.queries.filter(({ port }) => !live.has(port))
          return { found, timedOut, toDead: toDead.length, pending: toDead.filter(({ ended }) => !ended).length }
        }))
        expect(client.found.closest.length).toBeGreaterThanOrEqual(10)
        expect(client.toDead).toBeGreaterThan(0)
        // Not one query had timed out when the lookup returned: it waited for none of the dead.
        expect(client.timedOut).toBe(0)
        expect(client.pending).toBe(client.toDead)
      }
    }))

  it.scopedLive("ending early, still returns the newest seq when stale copies sit everywhere but on the nearest nodes", () =>
    Effect.gen(function*() {
      const network = yield* halfDeadNetwork
      for (let round = 0; round < 3; round++) {
        const keypair = keyOf(`stale ${round}`)
        const hex = targetOf(keypair.publicKey).toString("hex")
        const old = yield* withClient(network.bootstrap, (dht) => dht.publish(keypair, "{\"version\":1}"))
        const stale = Either.getOrThrow(sign(keypair, old.seq, encodeDnsMessage(keypair.publicKey, "{\"version\":1}")))
        const newest = yield* withClient(network.bootstrap, (dht) => dht.publish(keypair, "{\"version\":2}"))
        // Every live node that did not take the newest packet now serves the old one.
        const planted = network.nodes.filter((node) => !node.destroyed && node.toJSON().values[hex]?.seq !== newest.seq)
        for (const node of planted) {
          ;(node as unknown as { _values: { set: (key: string, value: unknown) => void } })._values.set(hex, {
            v: Buffer.from(stale.v),
            k: Buffer.from(keypair.publicKey),
            sig: Buffer.from(stale.sig),
            seq: stale.seq,
            id: node.nodeId
          })
        }
        const outcome = yield* Effect.scoped(Effect.gen(function*() {
          const client = yield* traced(network)
          const found = yield* lookup(client.node, keypair.publicKey, () => {})
          return { found, timedOut: client.timedOutBy(), unanswered: found.unanswered }
        }))
        expect(planted.length).toBeGreaterThan(100)
        expect(Option.map(outcome.found.newest, (packet) => packet.seq)).toEqual(Option.some(newest.seq))
        // It ended early: queries left in flight, none timed out.
        expect(outcome.unanswered).toBeGreaterThan(0)
        expect(outcome.timedOut).toBe(0)
      }
    }))
})

describe("put round", () => {
  it.scopedLive("sends the put again to nodes whose put or acknowledgement was lost, and counts those that stored it", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(60, { seed: 2222 })
      // Each node loses the first put it gets: one in two drops the query, the others store it and lose the answer.
      const puts = new Map<DHT, number>()
      for (const [i, node] of network.nodes.entries()) {
        const handle = node._onput.bind(node)
        node._onput = (query, peer) => {
          const seen = (puts.get(node) ?? 0) + 1
          puts.set(node, seen)
          if (seen > 1) return handle(query, peer)
          if (i % 2 === 0) return
          const respond = node._rpc.response
          node._rpc.response = () => {}
          handle(query, peer)
          node._rpc.response = respond
        }
      }
      const keypair = keyOf("resend")
      const result = yield* Effect.scoped(Effect.gen(function*() {
        const client = yield* traced(network)
        const found = yield* lookup(client.node, keypair.publicKey, () => {})
        const packet = Either.getOrThrow(sign(keypair, Date.now() * 1000, encodeDnsMessage(keypair.publicKey, "{}")))
        const stored = yield* store(client.node, found.closest, packet, Option.none(), found.patience)
        return { found, stored, timedOut: client.timedOutBy(), puts: client.queries.filter(({ q }) => q === "put") }
      }))
      const targets = result.found.closest.length
      expect(targets).toBeGreaterThanOrEqual(10)
      // The round may end before the last three acknowledgements of the resends (putRound.ts).
      expect(result.stored).toMatchObject({ asked: targets, superseded: 0, resent: targets })
      expect(result.stored.stored).toBeGreaterThanOrEqual(targets - 3)
      expect(result.puts).toHaveLength(2 * targets)
      // Resent on the node's own patience, not after k-rpc's 2-second timeout.
      expect(result.timedOut).toBe(0)
      const hex = targetOf(keypair.publicKey).toString("hex")
      const holding = () => network.nodes.filter((node) => node.toJSON().values[hex] !== undefined).length
      yield* Effect.sleep("200 millis")
      expect(holding()).toBe(targets)
    }))
})
