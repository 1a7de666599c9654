/**
 * Real Mainline clients and misbehaving nodes for the DHT tests: every piece
 * here binds a real UDP socket on 127.0.0.1 and speaks KRPC.
 */
import DHT, { type KrpcMessage, type Peer } from "bittorrent-dht"
import { Context, Duration, Effect, Layer } from "effect"
import { targetOf } from "../../src/dht/bep44.js"
import * as Mainline from "../../src/dht/mainline.js"
import * as Testnet from "../../src/dht/testnet.js"
import { verify } from "../../src/domain/ed25519.js"
import type { PublicKey } from "../../src/domain/keys.js"
import { Dht, DhtConfig, type DhtSettings } from "../../src/services/Dht.js"
import { settings } from "../support/dhtClients.js"
import { udpSink } from "../support/udp.js"

export class Network extends Context.Tag("test/Network")<Network, Testnet.Testnet>() {}

export const network = (size: number) => Layer.scoped(Network, Testnet.make(size))

/** A fresh client node (its own socket and routing table), closed when `use` ends. */
export const withClient = <A, E>(
  bootstrap: ReadonlyArray<string>,
  use: (dht: Dht["Type"]) => Effect.Effect<A, E>,
  overrides: Partial<DhtSettings> = {}
) =>
  Effect.flatMap(Dht, use).pipe(
    Effect.provide(
      Mainline.layer.pipe(
        Layer.provide(Layer.succeed(DhtConfig, settings({ bootstrap, timeout: Duration.seconds(20), ...overrides })))
      )
    )
  )

/** What a hostile node saw: how many `get` queries for its key it answered. */
export interface Hostile {
  readonly node: DHT
  readonly answered: () => number
}

/**
 * A real bittorrent-dht node joined to the network whose `get` handler
 * answers queries for `publicKey` with `reply()` (the `r` dictionary, minus
 * `id`). Its id is the key's target with one low byte changed, so it is among
 * the very closest nodes and every lookup for the key asks it.
 */
export const hostileNode = (
  bootstrap: ReadonlyArray<string>,
  publicKey: PublicKey,
  rank: number,
  reply: (query: KrpcMessage, peer: Peer, node: DHT) => Record<string, unknown> | undefined
) =>
  Effect.acquireRelease(
    Effect.async<Hostile>((resume) => {
      const target = targetOf(publicKey)
      const nodeId = Buffer.from(target)
      nodeId[19] = nodeId[19]! ^ (rank + 1)
      const node = new DHT({ bootstrap, verify, nodeId })
      let answered = 0
      const honest = node._onget.bind(node)
      node._onget = (query, peer) => {
        const asked = query.a?.target
        if (!(asked instanceof Uint8Array) || !target.equals(asked)) return honest(query, peer)
        const r = reply(query, peer, node)
        answered++
        if (r === undefined) return
        // With the nodes nearest the key it knows, 16 where Mainline nodes give 8: it advertises its
        // accomplices, the other hostile nodes, so that lookups find and ask every one of them.
        const nearest = node._rpc.nodes.closest(target, 16)
        node._rpc.response(peer, query, { id: node._rpc.id, token: Buffer.alloc(20, 7), ...r }, nearest)
      }
      node.on("error", () => {})
      node.once("ready", () =>
        resume(Effect.succeed({
          node,
          answered: () => answered
        })))
      node.listen(0, "127.0.0.1")
    }),
    ({ node }) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))
  )

/** A UDP socket that counts datagrams and never answers (a bootstrap node that shows whether anything was sent), closed with the scope. */
export const listeningHole = Effect.acquireRelease(Effect.promise(udpSink), (sink) => Effect.sync(sink.close))
