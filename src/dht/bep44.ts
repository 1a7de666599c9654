/**
 * The BEP 44 lookup of a mutable item: an iterative `get` towards the key's
 * target (traversal.ts) that hears every answer on the way and keeps the
 * newest validly signed packet, and learns the nodes nearest the key that
 * gave a write token, for a `put` round (putRound.ts) to store on.
 *
 * bittorrent-dht's own `get` keeps a single value, answers from its local
 * store without asking the network, reports no progress, and waits, through
 * k-rpc's `closest`, for every query to be answered or to time out; its `put`
 * gives no per-node outcome. Only its socket (k-rpc-socket) is used.
 */
import type DHT from "bittorrent-dht"
import { Effect, Either, Option } from "effect"
import { createHash } from "node:crypto"
import type { PublicKey } from "../domain/keys.js"
import type { Contact } from "./krpcQuery.js"
import { type SignedPacket, verify } from "./signedPacket.js"
import { READ_ONLY, type Walk, walk } from "./traversal.js"

export interface Progress {
  /** Nodes that replied so far. */
  readonly contacted: number
  /** Replies that carried an item, valid or not. */
  readonly answers: number
}

export interface Lookup extends Progress, Omit<Walk, "contacted"> {
  /** The validly signed packet with the highest seq, if any node had one. */
  readonly newest: Option.Option<SignedPacket>
}

/** BEP 44: the target of a mutable item without salt is SHA-1 of the public key. */
export const targetOf = (publicKey: PublicKey): Buffer => createHash("sha1").update(publicKey).digest()

const isBytes = (value: unknown): value is Uint8Array => value instanceof Uint8Array

/** The item fields of a `get` reply when they have the right types; the signature is checked later. */
const itemOf = (reply: Record<string, unknown>) => {
  const { k, seq, sig, v } = reply
  return isBytes(k) && isBytes(sig) && isBytes(v) && typeof seq === "number"
    ? Option.some({ k, seq, sig, v })
    : Option.none()
}

/**
 * Walks towards `publicKey`'s target, asking every node on the way for the
 * item, starting with `seeds` (nodes known near it) and the bootstrap nodes.
 * Each answer is verified on its own; only the highest valid seq is kept, so
 * a node serving an older, forged or foreign item never wins.
 */
export const lookup = (
  node: DHT,
  publicKey: PublicKey,
  onProgress: (progress: Progress) => void,
  seeds: ReadonlyArray<Contact> = []
): Effect.Effect<Lookup> =>
  Effect.suspend(() => {
    const target = targetOf(publicKey)
    let newest = Option.none<SignedPacket>()
    let contacted = 0
    let answers = 0
    const visit = (reply: Record<string, unknown>) => {
      contacted++
      if (reply.v !== undefined) {
        answers++
        const valid = Option.flatMap(itemOf(reply), (item) => Either.getRight(verify(publicKey, item)))
        if (Option.isSome(valid) && (Option.isNone(newest) || valid.value.seq > newest.value.seq)) newest = valid
      }
      onProgress({ contacted, answers })
    }
    return walk(node, target, { q: "get", a: { id: node._rpc.id, target, ro: READ_ONLY } }, visit, seeds).pipe(
      Effect.map((found) => ({ ...found, newest, contacted: found.contacted, answers }))
    )
  })
