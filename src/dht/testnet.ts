/**
 * A real Mainline DHT on one machine: N bittorrent-dht nodes, one UDP socket
 * each, in this process. Every DHT test runs on one, and `cclink testnet`
 * serves one for demos and private networks. The nodes close with the scope.
 *
 * Nodes join in waves, each wave four times the size of the network so far,
 * bootstrapping from the first node and two random earlier ones. Starting
 * them all at once from the first node alone is faster but leaves routing
 * tables so thin that lookups miss about half of the true closest nodes;
 * waves find all of them.
 */
import DHT, { type KrpcMessage, type Peer } from "bittorrent-dht"
import { Array as Arr, Effect, Random } from "effect"
import { verify } from "../domain/ed25519.js"
import { InvalidInput, NetworkError } from "../domain/errors.js"
import { guardSocket } from "./krpcGuard.js"

export interface Testnet {
  /** `host:port` of the first nodes, for `CCLINK_BOOTSTRAP` / `DhtConfig.bootstrap`. */
  readonly bootstrap: ReadonlyArray<string>
  /** The running nodes, first node first (tests stop some of them). */
  readonly nodes: ReadonlyArray<DHT>
}

export interface TestnetOptions {
  /** The IPv4 address the nodes bind to and are known by: 127.0.0.1 unless serving a LAN. */
  readonly host?: string
  /** The first node's port; 0 (default) takes a free one. */
  readonly port?: number
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

/**
 * BEP 44 (and libtorrent, and the Rust `mainline` crate) answer a `get` with
 * the closest nodes they know even when they hold the item. bittorrent-dht
 * leaves them out, so a lookup that starts at nodes holding the item stops
 * there, before reaching the ones holding a newer copy. The nodes are added.
 */
const answerGetWithNodes = (node: DHT) => {
  const rpc = node._rpc
  const respond = rpc.response.bind(rpc)
  rpc.response = (peer, query, reply, nodes) => {
    const target = query.a?.target
    const closest = nodes === undefined && query.q?.toString() === "get" && target instanceof Uint8Array
      ? rpc.nodes.closest(Buffer.from(target))
      : nodes
    respond(peer, query, reply, closest)
  }
}

const addressOf = (node: DHT) => `${node.address().address}:${node.address().port}`

const startNode = (host: string, port: number, bootstrap: false | ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.async<DHT, NetworkError>((resume) => {
      const node = new DHT({ bootstrap, verify })
      guardSocket(node)
      honourReadOnly(node)
      answerGetWithNodes(node)
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
    (node) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))
  )

/** Resolves when the node's own bootstrap lookup has finished. */
const ready = (node: DHT) =>
  Effect.async<void>((resume) => {
    if (node.ready === true) return resume(Effect.void)
    node.once("ready", () => resume(Effect.void))
  })

export const make = (size: number, options: TestnetOptions = {}) =>
  Effect.gen(function*() {
    if (!Number.isSafeInteger(size) || size < 1) {
      return yield* new InvalidInput({ reason: `A testnet needs at least one node, got ${size}.` })
    }
    const host = options.host ?? "127.0.0.1"
    const nodes = [yield* startNode(host, options.port ?? 0, false)]
    while (nodes.length < size) {
      const known = nodes.map(addressOf)
      const pick = Random.nextIntBetween(0, known.length).pipe(Effect.map((i) => known[i]!))
      const wave = yield* Effect.forEach(
        Arr.range(1, Math.min(nodes.length * GROWTH, size - nodes.length)),
        () =>
          Effect.all([pick, pick]).pipe(
            Effect.flatMap((seeds) => startNode(host, 0, Arr.dedupe([known[0]!, ...seeds])))
          ),
        { concurrency: "unbounded" }
      )
      yield* Effect.forEach(wave, ready, { concurrency: "unbounded", discard: true })
      nodes.push(...wave)
    }
    return { bootstrap: nodes.slice(0, BOOTSTRAP_NODES).map(addressOf), nodes } satisfies Testnet
  })
