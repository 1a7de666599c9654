/**
 * One KRPC query over a bittorrent-dht node's socket (k-rpc-socket), and the
 * compact node lists its answers carry. This is the layer the lookup and the
 * `put` round are written on: k-rpc-socket encodes, matches transaction ids
 * and times a query out after its fixed 2 seconds; everything smarter (when
 * to stop waiting, whom to ask next) is the caller's.
 *
 * k-rpc-socket calls back exactly once per query: with the reply, a KRPC
 * error, its timeout, or a cancellation when the node is destroyed. A reply
 * that comes after the timeout is dropped by it.
 *
 * At most `MAX_IN_FLIGHT` queries of one node are in flight; the others wait
 * their turn. Lookups run side by side on one node (a command's publish
 * checks, a test's batch of clients) would otherwise send hundreds at once,
 * and their answers would overflow the socket's receive buffer: lost on
 * loopback, every one of them (k-rpc limited itself to 16 for the same
 * reason; one lookup here keeps up to 16 queries going, plus slow ones).
 */
import type DHT from "bittorrent-dht"
import type { KrpcQuery, QueryError } from "bittorrent-dht"

export const NODE_ID_BYTES = 20
const COMPACT_NODE_BYTES = NODE_ID_BYTES + 6

/** A node as lookups know it: a 20-byte id at an IPv4 address. */
export interface Contact {
  readonly id: Buffer
  readonly host: string
  readonly port: number
}

/** Where a query goes: a known node, or an address alone (bootstrap and cached nodes). */
export interface Address {
  readonly id?: Buffer
  readonly host: string
  readonly port: number
}

export type Outcome =
  /** The `r` dictionary of the reply and its round trip in milliseconds. */
  | { readonly _tag: "Reply"; readonly r: Record<string, unknown>; readonly rtt: number }
  /** A KRPC error: the node is there but would not do it (204: it does not know the method). */
  | { readonly _tag: "Refused"; readonly code: number; readonly rtt: number }
  /** No usable answer: the 2-second timeout, a node answering under another id, a cancelled query. */
  | { readonly _tag: "Failed"; readonly timedOut: boolean }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

export const addressKey = (address: Address): string => `${address.host}:${address.port}`

const MAX_IN_FLIGHT = 64

interface Turns {
  inFlight: number
  readonly waiting: Array<() => void>
}

const turns = new WeakMap<DHT, Turns>()

/**
 * Sends `message` to `to` as soon as the node has a free slot, and calls
 * `sent` then; `done` is called once with what came of it. The answer frees
 * the slot, or `release`: a query its sender has stopped waiting for (most
 * often to a dead node, which never answers) need not hold a slot until
 * k-rpc-socket's timeout, 2 seconds during which other queries would wait.
 */
export const query = (
  node: DHT,
  to: Address,
  message: KrpcQuery,
  done: (outcome: Outcome) => void,
  sent: (at: number) => void = () => {}
): { readonly release: () => void } => {
  const own = turns.get(node) ?? { inFlight: 0, waiting: [] }
  turns.set(node, own)
  let holding = false
  const release = () => {
    if (!holding) return
    holding = false
    own.inFlight--
    own.waiting.shift()?.()
  }
  const send = () => {
    own.inFlight++
    holding = true
    const at = performance.now()
    sent(at)
    node._rpc.socket.query(to, message, (error: QueryError | null, reply: unknown) => {
      release()
      const rtt = performance.now() - at
      if (error === null) {
        const r = isRecord(reply) ? reply.r : undefined
        return done(isRecord(r) ? { _tag: "Reply", r, rtt } : { _tag: "Failed", timedOut: false })
      }
      if (typeof error.code === "number") return done({ _tag: "Refused", code: error.code, rtt })
      done({ _tag: "Failed", timedOut: error.code === "ETIMEDOUT" })
    })
  }
  if (own.inFlight < MAX_IN_FLIGHT) send()
  else own.waiting.push(send)
  return { release }
}

/** The contacts of a compact node list (BEP 5), without malformed entries, port 0 or `self`. */
export const decodeNodes = (nodes: unknown, self: Buffer): ReadonlyArray<Contact> => {
  if (!(nodes instanceof Uint8Array)) return []
  const bytes = Buffer.from(nodes.buffer, nodes.byteOffset, nodes.byteLength)
  const contacts: Array<Contact> = []
  for (let at = 0; at + COMPACT_NODE_BYTES <= bytes.length; at += COMPACT_NODE_BYTES) {
    const id = Buffer.from(bytes.subarray(at, at + NODE_ID_BYTES))
    const port = bytes.readUInt16BE(at + NODE_ID_BYTES + 4)
    if (port === 0 || id.equals(self)) continue
    contacts.push({ id, host: bytes.subarray(at + NODE_ID_BYTES, at + NODE_ID_BYTES + 4).join("."), port })
  }
  return contacts
}
