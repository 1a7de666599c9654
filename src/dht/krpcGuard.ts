/**
 * bittorrent-dht and k-rpc trust the type of every field they receive, so one
 * datagram crashes the process: a reply whose `id` is not a byte string
 * (k-rpc-socket compares it with Buffer#equals), or a `find_node`, `get`,
 * `get_peers` or `put` query whose target, info hash or token is a number.
 * Any node on a lookup's path can send either, to a testnet node or to the
 * short-lived client of a cclink command.
 *
 * The guard wraps the socket's message handler. A reply with a malformed id
 * is dropped before k-rpc sees it, so the query times out like an unanswered
 * one and the lookup goes on (k-rpc throws only after removing the query, so a
 * caught throw there would leave the lookup waiting for a callback that never
 * comes). Any other throw stops at the socket and loses only the datagram that
 * caused it: query handlers keep no state that a throw could leave half-done.
 */
import bencode from "bencode"
import type DHT from "bittorrent-dht"
import type { RemoteInfo } from "node:dgram"

type Listener = (datagram: Buffer, from: RemoteInfo) => void

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null

const REPLY = 0x72 // "r"

/** A reply whose `r.id` is there but is not a byte string. */
const hasMalformedReplyId = (datagram: Buffer): boolean => {
  let message: unknown
  try {
    message = bencode.decode(datagram)
  } catch {
    // k-rpc-socket reports undecodable datagrams itself.
    return false
  }
  if (!isRecord(message) || !isRecord(message.r)) return false
  const { y } = message
  const isReply = y instanceof Uint8Array && y.length === 1 && y[0] === REPLY
  return isReply && message.r.id !== undefined && !(message.r.id instanceof Uint8Array)
}

/** Guards `node`'s socket; what it stops is reported as the node's `warning` event. */
export const guardSocket = (node: DHT): void => {
  const socket = node._rpc.socket.socket
  for (const listener of socket.listeners("message") as Array<Listener>) {
    socket.off("message", listener)
    socket.on("message", (datagram: Buffer, from: RemoteInfo) => {
      if (hasMalformedReplyId(datagram)) {
        node.emit("warning", new Error(`dropped a reply with a malformed id from ${from.address}:${from.port}`))
        return
      }
      try {
        listener(datagram, from)
      } catch (error) {
        node.emit("warning", error instanceof Error ? error : new Error(String(error)))
      }
    })
  }
}
