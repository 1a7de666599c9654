/**
 * How a HyperDHT connection reaches its peer, read off the connection and
 * the node that made it (either side: the connecting node or the server's).
 * HyperDHT has no public field for it; this follows its source (hyperdht
 * 6.34, lib/connect.js and lib/server.js) and is pinned by the NAT tests
 * (test/nat/hyperdht.test.ts), which fail if a new version changes it:
 *
 * - direct: one side was reachable, so no punching ran. The stream sits on
 *   one of the node's own RPC sockets (`dht.socket`, which is `io.serverSocket`
 *   or `io.clientSocket`).
 * - holepunch: both sides punched. The `Holepuncher` takes a socket of its
 *   own from the node's socket pool, and the stream is moved onto it.
 * - relay: the bytes go through a blind relay (`relayThrough`). The stream is
 *   connected to the relay's address on the socket of the node's connection
 *   to that relay, so a second stream on that socket shares its remote address.
 *
 * The kind can change while the connection lives: HyperDHT keeps punching
 * behind a relayed connection and moves it to the punched socket when that
 * works. Ask when it matters (at the end of a transfer, say). A node holding
 * two live connections to one peer address (the same socket and remote)
 * would read both as relayed; the carry holds one connection per node.
 */
import type { CarryVia } from "../services/Carry.js"

/** A `udx-native` socket: the streams it carries. */
export interface UdxSocket {
  readonly streams: ReadonlySet<UdxStream>
}

/** A `udx-native` stream: the socket it runs on and the address it sends to. */
export interface UdxStream {
  readonly socket: UdxSocket | null
  readonly remoteHost: string | null
  readonly remotePort: number
}

/** The part of a HyperDHT connection (a NoiseSecretStream) read here. */
export interface Connection {
  readonly rawStream: UdxStream | null
}

/** The part of a HyperDHT node (dht-rpc's `io`) read here. */
export interface Node {
  readonly io: {
    readonly serverSocket: UdxSocket | null
    readonly clientSocket: UdxSocket | null
  }
}

/** The kind of an open connection; undefined before it has a stream (not yet connected) or after it closed. */
export const connectionKind = (node: Node, connection: Connection): CarryVia | undefined => {
  const stream = connection.rawStream
  const socket = stream?.socket
  if (stream === null || socket === null || socket === undefined) return undefined
  for (const other of socket.streams) {
    if (other !== stream && other.remoteHost === stream.remoteHost && other.remotePort === stream.remotePort) {
      return "relay"
    }
  }
  return socket === node.io.serverSocket || socket === node.io.clientSocket ? "direct" : "holepunch"
}
