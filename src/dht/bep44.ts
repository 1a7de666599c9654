/**
 * The two BEP 44 rounds over one bittorrent-dht node: the iterative `get`
 * that hears every answer on the way to the key, and the `put` of a signed
 * packet to the closest nodes that handed out a write token.
 *
 * bittorrent-dht's own `get` keeps a single value, answers from its local
 * store without asking the network, and reports no progress; its `put` gives
 * no per-node outcome. So both rounds drive the node's k-rpc instance through
 * k-rpc's public `closest` and `query`, as pkarr's DHT wrapper also does.
 */
import type DHT from "bittorrent-dht"
import type { KrpcMessage, NodeContact, Peer, QueryError } from "bittorrent-dht"
import { Effect, Either, Option } from "effect"
import { createHash } from "node:crypto"
import type { PublicKey } from "../domain/keys.js"
import { type SignedPacket, verify } from "./signedPacket.js"

export interface Progress {
  /** Nodes that replied so far. */
  readonly contacted: number
  /** Replies that carried an item, valid or not. */
  readonly answers: number
}

export interface Lookup extends Progress {
  /** The validly signed packet with the highest seq, if any node had one. */
  readonly newest: Option.Option<SignedPacket>
  /** The nodes nearest the key that gave a write token, nearest first. */
  readonly closest: ReadonlyArray<NodeContact>
}

export interface Store {
  /** Put queries sent. */
  readonly asked: number
  /** Nodes that stored the packet. */
  readonly stored: number
  /** Nodes that refused it because they hold something newer (BEP 44 errors 301 CAS and 302 seq). */
  readonly superseded: number
}

/** BEP 44: the target of a mutable item without salt is SHA-1 of the public key. */
export const targetOf = (publicKey: PublicKey): Buffer => createHash("sha1").update(publicKey).digest()

const NODE_ID_BYTES = 20

/**
 * BEP 43 read-only flag: a client that lives for one command asks nodes not
 * to add it to their routing tables, where it would be a dead entry a moment
 * later that every other lookup waits on.
 */
const READ_ONLY = 1

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array

/** The item fields of a `get` reply when they have the right types; the signature is checked later. */
const itemOf = (reply: Record<string, unknown>) => {
  const { k, seq, sig, v } = reply
  return isBytes(k) && isBytes(sig) && isBytes(v) && typeof seq === "number"
    ? Option.some({ k, seq, sig, v })
    : Option.none()
}

const distance = (a: Uint8Array, b: Uint8Array): bigint =>
  a.reduce((acc, byte, i) => (acc << 8n) | BigInt(byte ^ (b[i] ?? 0)), 0n)

/**
 * Walks towards `publicKey`'s target, asking every node on the way for the
 * item. Each answer is verified on its own; only the highest valid seq is
 * kept, so a node serving an older, forged or foreign item never wins.
 */
export const lookup = (
  node: DHT,
  publicKey: PublicKey,
  onProgress: (progress: Progress) => void
): Effect.Effect<Lookup> =>
  Effect.async<Lookup>((resume) => {
    const rpc = node._rpc
    const target = targetOf(publicKey)
    const tokens = new Map<string, { readonly contact: NodeContact; readonly distance: bigint }>()
    let newest = Option.none<SignedPacket>()
    let contacted = 0
    let answers = 0
    let stopped = false

    const visit = (message: KrpcMessage, peer: Peer): boolean => {
      if (stopped) return false
      const reply = message.r
      if (reply === undefined || typeof reply !== "object" || reply === null) return true
      contacted++
      if (isBytes(reply.id) && reply.id.length === NODE_ID_BYTES && isBytes(reply.token)) {
        const id = Buffer.from(reply.id)
        const contact = { id, host: peer.address, port: peer.port, token: Buffer.from(reply.token) }
        tokens.set(`${peer.address}:${peer.port}`, { contact, distance: distance(id, target) })
      }
      if (reply.v !== undefined) {
        answers++
        const valid = Option.flatMap(itemOf(reply), (item) => Either.getRight(verify(publicKey, item)))
        if (Option.isSome(valid) && (Option.isNone(newest) || valid.value.seq > newest.value.seq)) newest = valid
      }
      onProgress({ contacted, answers })
      return true
    }

    rpc.closest(target, { q: "get", a: { id: rpc.id, target, ro: READ_ONLY } }, visit, () => {
      if (stopped) return
      const closest = [...tokens.values()]
        .sort((a, b) => (a.distance < b.distance ? -1 : a.distance > b.distance ? 1 : 0))
        .slice(0, rpc.k)
        .map(({ contact }) => contact)
      resume(Effect.succeed({ newest, closest, contacted, answers }))
    })
    // k-rpc cannot cancel a lookup: stop visiting and let its queries time out in the node.
    return Effect.sync(() => {
      stopped = true
    })
  })

const SUPERSEDED = new Set([301, 302])

/** Sends the packet to each node with its write token; `cas` makes a node refuse if it holds another seq. */
export const store = (
  node: DHT,
  nodes: ReadonlyArray<NodeContact>,
  packet: SignedPacket,
  cas: Option.Option<number>
): Effect.Effect<Store> =>
  Effect.async<Store>((resume) => {
    const rpc = node._rpc
    let pending = nodes.length
    let stored = 0
    let superseded = 0
    let stopped = false
    const settle = () => {
      if (--pending === 0 && !stopped) resume(Effect.succeed({ asked: nodes.length, stored, superseded }))
    }
    if (pending === 0) return resume(Effect.succeed({ asked: 0, stored: 0, superseded: 0 }))
    for (const contact of nodes) {
      const a: Record<string, unknown> = {
        id: rpc.id,
        ro: READ_ONLY,
        token: contact.token,
        k: Buffer.from(packet.publicKey),
        seq: packet.seq,
        sig: Buffer.from(packet.sig),
        v: Buffer.from(packet.v)
      }
      if (Option.isSome(cas)) a.cas = cas.value
      rpc.query(contact, { q: "put", a }, (error: QueryError | null) => {
        if (error === null) stored++
        else if (typeof error.code === "number" && SUPERSEDED.has(error.code)) superseded++
        settle()
      })
    }
    return Effect.sync(() => {
      stopped = true
    })
  })
