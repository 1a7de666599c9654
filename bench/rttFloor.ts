/**
 * The round-trip floor of a lookup on a wide-area testnet: what an idealised
 * lookup would take on the very same network, computed from the nodes' known
 * reply delays and their routing tables (read in this process), without
 * sending anything.
 *
 * The idealised lookup loses no datagram and knows in advance which nodes are
 * dead and which lack BEP 44. It asks the live seeds first (the bootstrap
 * nodes, or the cached ones). Then, round after round, it asks all at once
 * every live node it has learned of and not asked yet that is nearer the
 * target than the K-th (20th) nearest live BEP 44 node it has learned of
 * (that one included), those without BEP 44 with `find_node`, the others with
 * `get`; it ends when there is none left. Every answer lists the 8 nodes
 * nearest the target in the answering node's routing table, as the
 * testnet's nodes answer. A round lasts as long as its slowest answer (the
 * answering node's delay, which is its round trip); the floor is the sum of
 * the rounds.
 *
 * A real lookup cannot know who is dead, loses datagrams, and pays two round
 * trips for a node without BEP 44 (the `get`, its refusal, then `find_node`);
 * it also does not wait for a round's slowest answer before asking more, so
 * it can come in under the floor.
 */
import type DHT from "bittorrent-dht"
import type { Testnet } from "../src/dht/testnet.js"
import { K } from "../src/dht/traversal.js"

const ANSWERED_NODES = 8

const xor = (a: Uint8Array, b: Uint8Array): Buffer => Buffer.from(a.map((byte, i) => byte ^ b[i]!))

/** Milliseconds; `seeds` are indexes into `network.nodes`. */
export const rttFloor = (network: Testnet, target: Buffer, seeds: ReadonlyArray<number>): number => {
  const conditions = network.wideArea?.conditions
  if (conditions === undefined) throw new Error("the RTT floor needs a wide-area testnet")
  const index = new Map(network.nodes.map((node, i) => [node.nodeId.toString("hex"), i]))
  const live = (i: number) => !network.nodes[i]!.destroyed
  const known = new Set<number>()
  const asked = new Set<number>()
  const learnFrom = (node: DHT) => {
    for (const contact of node._rpc.nodes.closest(target, ANSWERED_NODES)) {
      const i = contact.id === undefined ? undefined : index.get(contact.id.toString("hex"))
      if (i !== undefined) known.add(i)
    }
  }
  const round = (nodes: ReadonlyArray<number>) => {
    for (const i of nodes) {
      asked.add(i)
      learnFrom(network.nodes[i]!)
    }
    return Math.max(0, ...nodes.map((i) => conditions[i]!.delayMs))
  }
  const distance = (i: number) => xor(network.nodes[i]!.nodeId, target)
  let floor = round(seeds.filter(live))
  for (;;) {
    const window: Array<number> = []
    let bep44 = 0
    for (const i of [...known].filter(live).sort((a, b) => Buffer.compare(distance(a), distance(b)))) {
      if (bep44 === K) break
      window.push(i)
      if (conditions[i]!.bep44) bep44++
    }
    const next = window.filter((i) => !asked.has(i))
    if (next.length === 0) return floor
    floor += round(next)
  }
}
