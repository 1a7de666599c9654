// The part of bittorrent-dht 11 (and of the k-rpc instance it wraps) that cclink uses.
declare module "bittorrent-dht" {
  import { EventEmitter } from "node:events"

  export interface Peer {
    readonly address: string
    readonly port: number
  }

  export interface NodeContact {
    readonly id?: Buffer
    readonly host: string
    readonly port: number
    readonly token?: Buffer | null
    readonly seen?: number
  }

  /** A decoded KRPC message: every field is whatever the sender put there. */
  export interface KrpcMessage {
    readonly t?: unknown
    readonly y?: unknown
    readonly q?: unknown
    readonly a?: Record<string, unknown>
    readonly r?: Record<string, unknown>
    readonly e?: unknown
  }

  export interface KrpcQuery {
    readonly q: string
    readonly a: Record<string, unknown>
  }

  export type QueryError = Error & { readonly code?: number | string }

  export interface Krpc extends EventEmitter {
    readonly id: Buffer
    readonly k: number
    /** Contacted when the routing table is nearly empty; replaceable after construction. */
    bootstrap: ReadonlyArray<{ readonly host: string; readonly port: number }>
    readonly socket: EventEmitter & {
      readonly inflight: number
      readonly socket: import("node:dgram").Socket
      /** One query; the callback gets the reply message, a KRPC error (numeric `code`), or ETIMEDOUT after 2 s. */
      query(
        peer: { readonly id?: Buffer; readonly host: string; readonly port: number },
        message: KrpcQuery,
        callback: (error: QueryError | null, reply: unknown, peer: Peer) => void
      ): number
    }
    query(
      node: NodeContact,
      message: KrpcQuery,
      callback: (error: QueryError | null, reply: KrpcMessage | null, peer: Peer) => void
    ): void
    response: (
      peer: Peer,
      query: KrpcMessage,
      reply: Record<string, unknown>,
      nodes?: ReadonlyArray<NodeContact>
    ) => void
    /** The routing table. */
    readonly nodes: { closest(target: Buffer, count?: number): Array<NodeContact>; remove(id: Buffer): void }
    error(peer: Peer, query: KrpcMessage, error: [number, string]): void
  }

  export interface DhtOptions {
    readonly bootstrap?: false | ReadonlyArray<string | { readonly host: string; readonly port: number }>
    readonly verify?: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean
    readonly nodeId?: Buffer
    readonly host?: string
    /** Per-query timeout in milliseconds (k-rpc-socket, default 2000). */
    readonly timeout?: number
    readonly concurrency?: number
    /** Bucket size of the routing table, and the nodes a lookup of its own keeps (k-rpc, default 20). */
    readonly k?: number
  }

  export default class DHT extends EventEmitter {
    constructor(options?: DhtOptions)
    readonly nodeId: Buffer
    readonly nodes: { toArray(): Array<NodeContact>; count(): number; remove(id: Buffer): void }
    readonly destroyed: boolean
    /** Set once the bootstrap lookup has finished (the "ready" event). */
    readonly ready?: boolean
    readonly _rpc: Krpc
    _onget(query: KrpcMessage, peer: Peer): void
    _onput(query: KrpcMessage, peer: Peer): void
    listen(port: number, address: string, onListening?: () => void): void
    address(): { readonly address: string; readonly port: number }
    addNode(node: NodeContact): void
    toJSON(): {
      readonly nodes: ReadonlyArray<NodeContact>
      readonly values: Readonly<Record<string, { readonly v: string; readonly seq?: number; readonly k?: string }>>
    }
    destroy(callback?: () => void): void
  }
}
