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
import { encodeDnsMessage } from "../../src/domain/dnsRecord.js"
import { verify } from "../../src/domain/ed25519.js"
import { Keypair } from "../../src/domain/keys.js"
import { withClient } from "./network.js"

interface Traced {
  readonly node: DHT
  /** Queries in the order sent: where to, what, and how each ended (undefined while in flight). */
  readonly queries: Array<{ readonly port: number; readonly q: string; ended?: "answer" | "error" | "timeout" }>
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
      const queries: Traced["queries"] = []
      socket.query = (peer, message: KrpcQuery, callback) => {
        const entry: Traced["queries"][number] = { port: peer.port, q: message.q }
        queries.push(entry)
        return send(peer, message, (error: QueryError | null, reply: unknown, from: Peer) => {
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

describe("lookup", () => {
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
      expect(result.stored).toEqual({ asked: targets, stored: targets, superseded: 0, resent: targets })
      expect(result.puts).toHaveLength(2 * targets)
      // Resent on the node's own patience, not after k-rpc's 2-second timeout.
      expect(result.timedOut).toBe(0)
      const hex = targetOf(keypair.publicKey).toString("hex")
      expect(network.nodes.filter((node) => node.toJSON().values[hex] !== undefined)).toHaveLength(targets)
    }))
})
