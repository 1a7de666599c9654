/**
 * Regression, found by this suite: bittorrent-dht and k-rpc trust the types
 * of what they receive, so one datagram from any node on a lookup's path
 * crashed the whole process (a reply whose `id` is a number; a `find_node`,
 * `get`, `get_peers` or `put` whose target, info hash or token is a number).
 * src/dht/krpcGuard.ts now guards the sockets of the command-line client and
 * of the testnet nodes. Here a real node next to the key's target answers
 * every query that way and fires every malformed query back at whoever asked
 * and at every node of the network: the client must still resolve the record,
 * and the process (the client and 40 nodes) must live on.
 */
import { describe, expect, it } from "@effect/vitest"
import bencode from "bencode"
import DHT, { type KrpcMessage, type Peer } from "bittorrent-dht"
import { Effect } from "effect"
import { targetOf } from "../../src/dht/bep44.js"
import * as Testnet from "../../src/dht/testnet.js"
import { verify } from "../../src/domain/ed25519.js"
import { Keypair } from "../../src/domain/keys.js"
import { withClient } from "../dht/network.js"
import { recordFigures } from "./support/figures.js"

/** The queries that threw inside bittorrent-dht before the guard. */
const MALFORMED_QUERIES: ReadonlyArray<Record<string, unknown>> = [
  { q: "find_node", a: { id: Buffer.alloc(20, 1), target: 5 } },
  { q: "get", a: { id: Buffer.alloc(20, 1), target: 5 } },
  { q: "get_peers", a: { id: Buffer.alloc(20, 1), info_hash: 5 } },
  { q: "put", a: { id: Buffer.alloc(20, 1), token: 5, v: Buffer.from("x"), k: 5, sig: 5 } }
]

/** A real node joined to the network, its id one bit from `target`, that answers nothing well. */
const malformedNode = (bootstrap: ReadonlyArray<string>, target: Buffer) =>
  Effect.acquireRelease(
    Effect.async<{ readonly node: DHT; readonly sent: () => number; readonly fire: (peer: Peer) => void }>((resume) => {
      const nodeId = Buffer.from(target)
      nodeId[19] = nodeId[19]! ^ 1
      const node = new DHT({ bootstrap, verify, nodeId })
      let sent = 0
      const send = (message: Record<string, unknown>, peer: Peer) => {
        sent++
        node._rpc.socket.socket.send(bencode.encode(message), peer.port, peer.address)
      }
      const fire = (peer: Peer) =>
        MALFORMED_QUERIES.forEach((query, i) => send({ t: Buffer.from([0x7f, i]), y: "q", ...query }, peer))
      node.on("error", () => {})
      node.once("ready", () => {
        // From now on every query gets a reply with a numeric id, and its sender every malformed query.
        node._rpc.socket.removeAllListeners("query")
        node._rpc.socket.on("query", (query: KrpcMessage, peer: Peer) => {
          send({ t: query.t, y: "r", r: { id: 5, token: Buffer.alloc(8) } }, peer)
          fire(peer)
        })
        resume(Effect.succeed({ node, sent: () => sent, fire }))
      })
      node.listen(0, "127.0.0.1")
    }),
    ({ node }) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))
  )

describe("malformed KRPC datagrams", () => {
  it.scopedLive("crash neither the client nor the nodes, and the lookup still finds the record", () =>
    Effect.gen(function*() {
      const network = yield* Testnet.make(40)
      const keypair = Keypair.generate()
      const record = JSON.stringify({ label: "survives", padding: "p".repeat(300) })
      yield* withClient(network.bootstrap, (dht) => dht.publish(keypair, record))
      const hostile = yield* malformedNode(network.bootstrap, targetOf(keypair.publicKey))
      for (const node of network.nodes) hostile.fire(node.address())
      const fired = hostile.sent()

      const found = yield* withClient(network.bootstrap, (dht) => dht.resolve(keypair.publicKey))
      expect(found.record).toBe(record)
      // The client asked the hostile node (its id is the closest to the target) and got the treatment.
      expect(hostile.sent()).toBeGreaterThan(fired)
      // Every node still answers: a fresh lookup through all of them succeeds again.
      expect((yield* withClient(network.bootstrap, (dht) => dht.resolve(keypair.publicKey))).record).toBe(record)
      recordFigures("malformedKrpc", {
        malformedDatagramsSent: hostile.sent(),
        nodesHit: network.nodes.length,
        processCrashes: 0,
        recordResolved: true
      })
    }))
})
