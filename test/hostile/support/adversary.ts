/**
 * Adversaries written as real DHT nodes: a bittorrent-dht node on its own UDP
 * socket that joins the network, routes like any node (it answers `ping` and
 * `find_node`, and every `get` with the closest nodes it knows and a write
 * token), claims to store every `put`, and lies in its `get` answers for every
 * key, in one of these ways:
 *
 * - stale: keeps the first packet it was given for a key and serves it forever;
 * - forged: serves the key's newest packet it saw with a far higher seq, a
 *   changed record and a random signature;
 * - foreign: serves a validly signed packet of another key;
 * - garbage: random bytes, fields of the wrong types, or a datagram that is
 *   not bencode at all;
 * - oversize: a value above BEP 44's 1000 bytes in a 16 KB answer;
 * - silent: once the network is built, never answers anything again.
 *
 * Unlike test/dht/network.ts's `hostileNode`, which lies about one key, these
 * lie about every key they hear of, so a fifth of a network can be made of
 * them while many keys are published.
 */
import DHT, { type KrpcMessage, type Peer } from "bittorrent-dht"
import { Effect } from "effect"
import { createHash, randomBytes } from "node:crypto"
import { signable } from "../../../src/dht/signedPacket.js"
import { encodeDnsMessage } from "../../../src/domain/dnsRecord.js"
import { verify } from "../../../src/domain/ed25519.js"
import { Keypair } from "../../../src/domain/keys.js"

export const BEHAVIOURS = ["stale", "forged", "foreign", "garbage", "oversize", "silent"] as const
export type Behaviour = (typeof BEHAVIOURS)[number]

interface Item {
  readonly k: Uint8Array
  readonly seq: number
  readonly sig: Uint8Array
  readonly v: Uint8Array
}

export interface Adversary {
  readonly behaviour: Behaviour
  readonly node: DHT
  /** `get` answers that carried a lie (for silent: queries ignored). */
  readonly lies: () => number
  /** For stale: answers that served a packet older than the newest one it was offered. */
  readonly staleServed: () => number
  /** Starts lying; until then it behaves, so the network forms around it. */
  readonly arm: () => void
}

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array

const targetHex = (k: Uint8Array) => createHash("sha1").update(k).digest("hex")

const itemOf = (a: Record<string, unknown> | undefined): Item | undefined =>
  a !== undefined && isBytes(a.k) && isBytes(a.sig) && isBytes(a.v) && typeof a.seq === "number"
    ? { k: a.k, seq: a.seq, sig: a.sig, v: a.v }
    : undefined

const fields = (item: Item) => ({
  k: Buffer.from(item.k),
  seq: item.seq,
  sig: Buffer.from(item.sig),
  v: Buffer.from(item.v)
})

/** A packet of the adversary's own key, validly signed: "another key's packet" when nothing else is at hand. */
const ownPacket = (keypair: Keypair): Item => {
  const v = encodeDnsMessage(keypair.publicKey, JSON.stringify({ blob: "", note: "not yours" }))
  const seq = Date.now() * 1000
  return { k: keypair.publicKey, seq, sig: keypair.sign(signable(seq, v)), v }
}

export const startAdversary = (bootstrap: ReadonlyArray<string>, behaviour: Behaviour, nodeId: Buffer) =>
  Effect.acquireRelease(
    Effect.async<Adversary>((resume) => {
      const node = new DHT({ bootstrap, verify, nodeId })
      const keypair = Keypair.generate()
      /** target hex -> the first packet offered (stale) or the newest (the others). */
      const held = new Map<string, Item>()
      const newest = new Map<string, number>()
      let armed = false
      let lies = 0
      let staleServed = 0
      let garbageTurn = 0

      const respond = (query: KrpcMessage, peer: Peer, target: Buffer, lie: Record<string, unknown>) =>
        node._rpc.response(
          peer,
          query,
          { id: node._rpc.id, token: Buffer.alloc(8, 7), ...lie },
          node._rpc.nodes.closest(target)
        )

      const garbage = (query: KrpcMessage, peer: Peer, target: Buffer) => {
        switch (garbageTurn++ % 4) {
          case 0:
            return respond(query, peer, target, {
              k: randomBytes(32),
              seq: Date.now() * 1000,
              sig: randomBytes(64),
              v: randomBytes(500)
            })
          case 1:
            return respond(query, peer, target, { k: 12345, seq: Buffer.from("99999999999"), sig: "short", v: 42 })
          case 2:
            return respond(query, peer, target, {
              k: randomBytes(31),
              seq: -1,
              sig: randomBytes(63),
              v: Buffer.alloc(0)
            })
          default: {
            const t = isBytes(query.t) ? Buffer.from(query.t) : Buffer.alloc(2)
            const junk = Buffer.concat([
              Buffer.from(`d1:t${t.length}:`),
              t,
              Buffer.from("1:y1:r1:rd2:id20:"),
              randomBytes(40)
            ])
            node._rpc.socket.socket.send(junk, peer.port, peer.address)
          }
        }
      }

      node._onput = (query, peer) => {
        const item = itemOf(query.a)
        if (item === undefined) return
        const target = targetHex(item.k)
        newest.set(target, Math.max(newest.get(target) ?? 0, item.seq))
        if (behaviour !== "stale" || !held.has(target)) held.set(target, item)
        node._rpc.response(peer, query, { id: node._rpc.id })
      }

      node._onget = (query, peer) => {
        const asked = query.a?.target
        if (!isBytes(asked)) return
        const target = Buffer.from(asked)
        if (!armed) return respond(query, peer, target, {})
        const mine = held.get(target.toString("hex"))
        lies++
        switch (behaviour) {
          case "stale":
            if (mine !== undefined && mine.seq < (newest.get(target.toString("hex")) ?? 0)) staleServed++
            return respond(query, peer, target, mine === undefined ? {} : fields(mine))
          case "forged": {
            if (mine === undefined) return respond(query, peer, target, {})
            const v = Buffer.from(mine.v)
            v[v.length - 20] = v[v.length - 20]! ^ 0x20
            return respond(query, peer, target, {
              ...fields(mine),
              seq: mine.seq + 1_000_000_000,
              sig: randomBytes(64),
              v
            })
          }
          case "foreign": {
            const other = [...held.entries()].find(([key]) => key !== target.toString("hex"))?.[1] ?? ownPacket(keypair)
            return respond(query, peer, target, fields(other))
          }
          case "garbage":
            return garbage(query, peer, target)
          case "oversize": {
            const v = randomBytes(1400)
            const k = mine?.k ?? randomBytes(32)
            return respond(query, peer, target, {
              k: Buffer.from(k),
              seq: (mine?.seq ?? 0) + 1,
              sig: Buffer.from(keypair.sign(v)),
              v,
              pad: randomBytes(16_000)
            })
          }
          case "silent":
            return
        }
      }

      node.on("error", () => {})
      node.on("warning", () => {})
      node.once("ready", () =>
        resume(Effect.succeed({
          behaviour,
          node,
          lies: () => lies,
          staleServed: () => staleServed,
          arm: () => {
            armed = true
            if (behaviour !== "silent") return
            // From now on every datagram goes unanswered, whatever it asks.
            const socket = node._rpc.socket.socket
            socket.removeAllListeners("message")
            socket.on("message", () => lies++)
          }
        })))
      node.listen(0, "127.0.0.1")
    }),
    ({ node }) => Effect.async<void>((resume) => node.destroy(() => resume(Effect.void)))
  )
