/**
 * A real Mainline DHT on one machine: N bittorrent-dht nodes, one UDP socket
 * each, in this process. Every DHT test runs on one, and `cclink testnet`
 * serves one for demos and private networks. The nodes close with the scope.
 * With `wideArea`, the formed network is made to behave like the Internet's
 * (delay, loss, dead nodes, nodes without BEP 44: see wideArea.ts).
 *
 * Nodes join in waves, each wave four times the size of the network so far,
 * bootstrapping from the first node and two random earlier ones. Starting
 * them all at once from the first node alone is faster but leaves routing
 * tables so thin that lookups miss about half of the true closest nodes;
 * waves find all of them.
 */
import DHT, { type KrpcMessage, type Peer } from "bittorrent-dht"
import { Array as Arr, Effect, type Scope } from "effect"
import { PCGRandom } from "effect/Utils"
import { randomInt } from "node:crypto"
import { verify } from "../domain/ed25519.js"
import { InvalidInput, NetworkError } from "../domain/errors.js"
import { guardSocket } from "./krpcGuard.js"
import { checkSize } from "./testnetSize.js"
import * as WideArea from "./wideArea.js"

/**
 * A node of the testnet, as the library's types show it. It is a
 * bittorrent-dht node, but the library bundles bittorrent-dht, so its type
 * cannot appear in the published declarations; the repository's own code
 * sees the whole node (src/types/testnetNode.d.ts).
 */
export interface TestnetNode {
  /** Its 20-byte id. */
  readonly nodeId: Buffer
  /** True once it stopped: with the scope, or killed as a dead node of the wide area. */
  readonly destroyed: boolean
  /** The UDP address it listens on. */
  address(): { readonly address: string; readonly port: number }
}

export interface Testnet {
  /** `host:port` of the first nodes, for `CCLINK_BOOTSTRAP` / `DhtConfig.bootstrap`. */
  readonly bootstrap: ReadonlyArray<string>
  /** The nodes, first node first, dead ones included (tests stop some of them). */
  readonly nodes: ReadonlyArray<TestnetNode>
  /** What seeded the node ids, the bootstrap choices and the wide area: the same seed builds the same network. */
  readonly seed: number
  /** The wide-area conditions, when asked for. */
  readonly wideArea: WideArea.WideArea | undefined
}

export interface TestnetOptions {
  /** The IPv4 address the nodes bind to and are known by: 127.0.0.1 unless serving a LAN. */
  readonly host?: string
  /** The first node's port; 0 (default) takes a free one. */
  readonly port?: number
  /** A 32-bit seed; a random one when absent. */
  readonly seed?: number
  /** Delay, loss, dead nodes and nodes without BEP 44, applied once the network has formed. */
  readonly wideArea?: WideArea.WideAreaOptions
}

const GROWTH = 4
const BOOTSTRAP_NODES = 3

/**
 * BEP 43, as libtorrent and the Rust `mainline` crate do it: a query flagged
 * read-only (`ro: 1`, as cclink's short-lived clients send) does not put its
 * sender in the routing table. bittorrent-dht adds every querier, so the
 * k-rpc query handler is wrapped to skip that step for read-only queries.
 */
const honourReadOnly = (node: DHT) => {
  const rpc = node._rpc
  const [addAndForward] = rpc.socket.listeners("query") as Array<(query: KrpcMessage, peer: Peer) => void>
  if (addAndForward === undefined) return
  rpc.socket.off("query", addAndForward)
  rpc.socket.on("query", (query: KrpcMessage, peer: Peer) => {
    if (query.a?.ro === 1) rpc.emit("query", query, peer)
    else addAndForward(query, peer)
  })
}

/** Mainline nodes (libtorrent, the Rust `mainline` crate, uTorrent) answer with their 8 closest nodes. */
const ANSWERED_NODES = 8

/**
 * BEP 5's bucket size, kept by libtorrent, uTorrent and Transmission, where
 * bittorrent-dht keeps 20. It matters once answers hold 8 nodes: with buckets
 * of 20, the nodes near a key all know the same few nodes nearest it and all
 * answer with those, so lookups can never learn of the others; buckets of 8
 * give each node a partial view of its neighbourhood, as on the Internet.
 */
const BUCKET_SIZE = 8

/** The node id a lookup query is looking for, by the query's name. */
const lookupTarget = (query: KrpcMessage): Buffer | undefined => {
  const target = query.q?.toString() === "get_peers" ? query.a?.info_hash : query.a?.target
  const asks = ["find_node", "get_peers", "get"].includes(String(query.q))
  return asks && target instanceof Uint8Array ? Buffer.from(target) : undefined
}

/**
 * Answers lookups as Mainline nodes do. bittorrent-dht sends its whole
 * routing table (often 100 nodes and more in one datagram, where Mainline
 * implementations send 8), so a lookup on a testnet converged in one hop.
 * And BEP 44 (like libtorrent and the Rust `mainline` crate) answers a `get`
 * with the closest nodes even when it holds the item, where bittorrent-dht
 * leaves them out, so a lookup that starts at nodes holding the item would
 * stop there, before reaching the ones holding a newer copy.
 */
const answerLikeMainline = (node: DHT) => {
  const rpc = node._rpc
  const respond = rpc.response.bind(rpc)
  rpc.response = (peer, query, reply, nodes) => {
    const target = lookupTarget(query)
    respond(peer, query, reply, target === undefined ? nodes : rpc.nodes.closest(target, ANSWERED_NODES))
  }
}

const addressOf = (node: DHT) => `${node.address().address}:${node.address().port}`

const startNode = (host: string, port: number, bootstrap: false | ReadonlyArray<string>, nodeId: Buffer) =>
  Effect.acquireRelease(
    Effect.async<DHT, NetworkError>((resume) => {
      const node = new DHT({ bootstrap, verify, nodeId, k: BUCKET_SIZE })
      guardSocket(node)
      honourReadOnly(node)
      answerLikeMainline(node)
      const fail = (error: Error) =>
        node.destroy(() =>
          resume(
            Effect.fail(new NetworkError({ reason: `cannot start a DHT node on ${host}:${port}: ${error.message}` }))
          )
        )
      node.once("error", fail)
      node.listen(port, host, () => {
        node.off("error", fail)
        // Once listening, socket errors only lose datagrams, which the DHT survives.
        node.on("error", () => {})
        resume(Effect.succeed(node))
      })
    }),
    (node) => (node.destroyed ? Effect.void : WideArea.kill(node))
  )

/** Resolves when the node's own bootstrap lookup has finished. */
const ready = (node: DHT) =>
  Effect.async<void>((resume) => {
    if (node.ready === true) return resume(Effect.void)
    node.once("ready", () => resume(Effect.void))
  })

export const make = (
  size: number,
  options: TestnetOptions = {}
): Effect.Effect<Testnet, InvalidInput | NetworkError, Scope.Scope> =>
  Effect.gen(function*() {
    yield* checkSize(size)
    const host = options.host ?? "127.0.0.1"
    const seed = options.seed ?? randomInt(2 ** 32)
    const random = new PCGRandom(seed)
    const nodeId = () => Buffer.from(Arr.makeBy(20, () => random.integer(256)))
    const nodes = [yield* startNode(host, options.port ?? 0, false, nodeId())]
    while (nodes.length < size) {
      const known = nodes.map(addressOf)
      const pick = () => known[random.integer(known.length)]!
      const wave = yield* Effect.forEach(
        Arr.makeBy(Math.min(nodes.length * GROWTH, size - nodes.length), () => ({
          id: nodeId(),
          seeds: Arr.dedupe([known[0]!, pick(), pick()])
        })),
        ({ id, seeds }) => startNode(host, 0, seeds, id),
        { concurrency: "unbounded" }
      )
      yield* Effect.forEach(wave, ready, { concurrency: "unbounded", discard: true })
      nodes.push(...wave)
    }
    const wideArea = options.wideArea === undefined
      ? undefined
      : yield* WideArea.apply(nodes, BOOTSTRAP_NODES, options.wideArea, random)
    return { bootstrap: nodes.slice(0, BOOTSTRAP_NODES).map(addressOf), nodes, seed, wideArea }
  })
