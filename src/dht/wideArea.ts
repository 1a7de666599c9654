/**
 * The wide area, simulated on one machine: what a testnet's nodes go through
 * once the network has formed, so lookups can be judged on something like the
 * real Mainline DHT instead of a loopback where every node answers at once.
 *
 * - Reply delay: each node draws its own from a log-normal distribution
 *   around a median, once, and holds every datagram it sends that long. Its
 *   delay is then exactly the round trip a client sees to it, which is what
 *   lets the benchmark compute the round-trip floor of a lookup.
 * - Loss: each datagram between a node and anything outside the network is
 *   dropped with the given probability, the query and the reply each. (A
 *   datagram from one node to another is dropped on its way out only.)
 * - Dead nodes: killed after the network formed, so they stay in the routing
 *   tables of the others, as nodes that went offline do on the Internet. The
 *   bootstrap nodes never die, as the Internet's routers do not.
 * - Nodes without BEP 44: they answer `get` and `put` with KRPC error 204, as
 *   Transmission's do, and route (`find_node`, `get_peers`) like any other.
 *
 * `tc netem` is missing from the kernels this runs on, so the delay and loss
 * are injected above the socket: the node's `send` and its message handler
 * are wrapped. Every draw comes from one seeded generator.
 */
import type DHT from "bittorrent-dht"
import type { KrpcMessage, Peer } from "bittorrent-dht"
import { Effect } from "effect"
import type { PCGRandom } from "effect/Utils"
import { Socket } from "node:dgram"
import type { RemoteInfo } from "node:dgram"

export interface WideAreaOptions {
  /** Median reply delay in milliseconds (0, the default, for none). */
  readonly medianDelayMs?: number
  /** The log-normal's sigma (of ln delay): 0.6 puts 90% of the nodes within about 0.37 and 2.7 times the median. */
  readonly delaySpread?: number
  /** Share of datagrams lost, 0 to 1. */
  readonly loss?: number
  /** Share of all nodes killed once the network formed, 0 to 1. */
  readonly dead?: number
  /** Share of the nodes answering `get` and `put` with KRPC error 204, 0 to 1. */
  readonly withoutBep44?: number
}

/** What one node of the network is like. */
export interface NodeConditions {
  /** The delay of every datagram it sends, in milliseconds: its round trip, seen from outside. */
  readonly delayMs: number
  /** False when it answers `get` and `put` with error 204. */
  readonly bep44: boolean
}

export interface WideArea {
  /** One entry per node, in the network's order. */
  readonly conditions: ReadonlyArray<NodeConditions>
  /** Changes the share of datagrams lost from now on. */
  readonly setLoss: (rate: number) => void
  /** Kills more nodes (chosen by the seed, never the bootstrap ones) until `share` of all nodes are dead. */
  readonly killUntil: (share: number) => Effect.Effect<void>
}

const DEFAULT_SPREAD = 0.6
/** Below k-rpc's 2-second query timeout, so a slow node is slow and not dead. */
const MAX_DELAY_MS = 1500

/** A standard normal draw (Box-Muller). */
const normal = (random: PCGRandom) =>
  Math.sqrt(-2 * Math.log(1 - random.number())) * Math.cos(2 * Math.PI * random.number())

/** @internal */
export const kill = (node: DHT) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))

/** Answers `get` and `put` as a DHT node without BEP 44 does. */
const withoutBep44 = (node: DHT) => {
  const refuse = (query: KrpcMessage, peer: Peer) => node._rpc.error(peer, query, [204, "Method Unknown"])
  node._onget = refuse
  node._onput = refuse
}

type Send = (this: Socket, ...args: Array<unknown>) => void
type Listener = (datagram: Buffer, from: RemoteInfo) => void

/** Delays and drops what the node sends, and drops what it receives from outside the network. */
const degrade = (node: DHT, delayMs: number, lost: () => boolean, inside: ReadonlySet<number>) => {
  const socket = node._rpc.socket.socket
  socket.send = function(this: Socket, ...args: Array<unknown>) {
    if (lost()) return
    // The prototype's send is looked up when sending, so taps on it (the benchmark's counter, the hostile suite's loss) still apply.
    const send = () => {
      if (!node.destroyed) Reflect.apply(Socket.prototype.send as unknown as Send, socket, args)
    }
    if (delayMs > 0) setTimeout(send, delayMs)
    else send()
  } as typeof socket.send
  for (const listener of socket.listeners("message") as Array<Listener>) {
    socket.off("message", listener)
    socket.on("message", (datagram: Buffer, from: RemoteInfo) => {
      if (inside.has(from.port) || !lost()) listener(datagram, from)
    })
  }
}

/**
 * Applies `options` to a formed network whose first `spared` nodes are its bootstrap nodes.
 *
 * @internal
 */
export const apply = (
  nodes: ReadonlyArray<DHT>,
  spared: number,
  options: WideAreaOptions,
  random: PCGRandom
): Effect.Effect<WideArea> =>
  Effect.gen(function*() {
    const median = options.medianDelayMs ?? 0
    const spread = options.delaySpread ?? DEFAULT_SPREAD
    let loss = options.loss ?? 0
    const lost = () => loss > 0 && random.number() < loss
    const inside = new Set(nodes.map((node) => node.address().port))
    const conditions = nodes.map((node): NodeConditions => {
      const delayMs = median > 0 ? Math.min(MAX_DELAY_MS, median * Math.exp(spread * normal(random))) : 0
      const bep44 = random.number() >= (options.withoutBep44 ?? 0)
      if (!bep44) withoutBep44(node)
      degrade(node, delayMs, lost, inside)
      return { delayMs, bep44 }
    })
    // The order in which nodes die, drawn once: killing up to a larger share kills the same ones and more.
    const mortal = nodes.slice(spared)
      .map((node) => ({ node, rank: random.number() }))
      .sort((a, b) => a.rank - b.rank)
      .map(({ node }) => node)
    const killUntil = (share: number) =>
      Effect.forEach(
        mortal.slice(0, Math.max(0, Math.round(share * nodes.length))).filter((node) => !node.destroyed),
        kill,
        { concurrency: "unbounded", discard: true }
      )
    yield* killUntil(options.dead ?? 0)
    return {
      conditions,
      setLoss: (rate: number) => {
        loss = rate
      },
      killUntil
    }
  })
