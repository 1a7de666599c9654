// The part of hyperdht 6 (and of the dht-rpc, udx-native and secret-stream objects it hands out) that cclink uses.
declare module "hyperdht" {
  import { EventEmitter } from "node:events"

  export interface KeyPair {
    readonly publicKey: Buffer
    readonly secretKey: Buffer
  }

  export interface Address {
    readonly host: string
    readonly port: number
  }

  /** A udx-native socket: compared by identity to tell which path a stream took. */
  export interface UdxSocket {
    address(): Address & { readonly family: number }
    /** The streams it carries. */
    readonly streams: ReadonlySet<RawStream>
  }

  /** The UDX stream under a secret stream, once connected. */
  export interface RawStream {
    readonly socket: UdxSocket | null
    readonly remoteHost: string | null
    readonly remotePort: number
  }

  /** A Noise-encrypted duplex stream (@hyperswarm/secret-stream, on streamx). */
  export interface SecretStream extends EventEmitter {
    readonly rawStream: RawStream | null
    readonly remotePublicKey: Buffer | null
    readonly destroyed: boolean
    write(data: Uint8Array): boolean
    end(): void
    destroy(error?: Error): void
  }

  /** An error from connect, with a code such as `PEER_NOT_FOUND` or `HOLEPUNCH_ABORTED`. */
  export interface HyperDHTError extends Error {
    readonly code?: string
  }

  export interface Server extends EventEmitter {
    listen(keyPair: KeyPair): Promise<void>
    close(): Promise<void>
  }

  export interface ServerOptions {
    /** True refuses the connection, before any byte of the application's. */
    firewall?: (remotePublicKey: Buffer, remotePayload: unknown, clientAddress: Address) => boolean
  }

  export interface HyperDHTOptions {
    /** `host:port` strings or addresses; hyperdht's public nodes when absent. */
    bootstrap?: ReadonlyArray<string | Address>
    /** `true`: never join others' routing tables (a short-lived client). */
    ephemeral?: boolean
    /** A port, or a range `[start, end)` tried in order before any free port; hyperdht reads 0 as its default 49737. */
    port?: number | readonly [number, number]
    host?: string
  }

  export default class HyperDHT extends EventEmitter {
    constructor(options?: HyperDHTOptions)
    static keyPair(seed?: Uint8Array): KeyPair
    readonly io: { readonly serverSocket: UdxSocket; readonly clientSocket: UdxSocket }
    ready(): Promise<void>
    address(): Address
    createServer(options: ServerOptions, onConnection: (socket: SecretStream) => void): Server
    connect(remotePublicKey: Uint8Array, options?: { readonly keyPair?: KeyPair }): SecretStream
    destroy(options?: { readonly force?: boolean }): Promise<void>
  }
}

declare module "hyperdht/testnet.js" {
  import type HyperDHT from "hyperdht"
  import type { Address } from "hyperdht"

  export interface Testnet {
    readonly nodes: ReadonlyArray<HyperDHT>
    readonly bootstrap: ReadonlyArray<Address>
    destroy(): Promise<void>
  }

  export default function createTestnet(
    size: number,
    options?: { readonly host?: string; readonly port?: number }
  ): Promise<Testnet>
}
