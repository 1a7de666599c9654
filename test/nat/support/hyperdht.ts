/**
 * HyperDHT for the NAT tests' child processes, typed as far as they use it.
 * Loaded with `require` so no ambient `declare module "hyperdht"` is needed
 * here (the carry feature brings its own declarations).
 */
import { createRequire } from "node:module"
import type { Duplex } from "node:stream"
import type { Connection, Node as KindNode } from "../../../src/carry/connectionKind.js"

const require = createRequire(import.meta.url)

export interface KeyPair {
  readonly publicKey: Buffer
  readonly secretKey: Buffer
}

/** A NoiseSecretStream: a Duplex with the keys and the raw UDX stream under it. */
export interface SecretStream extends Duplex, Connection {
  readonly remotePublicKey: Buffer
}

export interface Server {
  listen(keyPair: KeyPair): Promise<void>
  close(): Promise<void>
}

export interface NodeOptions {
  readonly bootstrap?: ReadonlyArray<string>
  readonly port?: number
  readonly host?: string
  /** A node that serves the network (not a short-lived client): the public host's relay. */
  readonly ephemeral?: boolean
  /** Told rather than found out: the relay on the public host is reachable. */
  readonly firewalled?: boolean
}

export interface ConnectOptions {
  /** Public key of a blind relay to use when punching fails. */
  readonly relayThrough?: Buffer
}

export interface HyperDhtNode extends KindNode {
  readonly firewalled: boolean
  readonly stats: { readonly punches: Readonly<Record<string, number>> }
  remoteAddress(): { host: string; port: number } | null
  fullyBootstrapped(): Promise<void>
  createServer(
    options: { readonly relayThrough?: Buffer },
    onConnection: (connection: SecretStream) => void
  ): Server
  connect(publicKey: Buffer, options?: ConnectOptions): SecretStream
  /** A bare UDX stream the node routes (what a blind relay pairs). */
  createRawStream(options: object): unknown
  destroy(): Promise<void>
}

interface HyperDhtClass {
  new(options?: NodeOptions): HyperDhtNode
  keyPair(seed?: Buffer): KeyPair
}

export interface Testnet {
  readonly bootstrap: ReadonlyArray<{ host: string; port: number }>
  readonly nodes: ReadonlyArray<HyperDhtNode>
  destroy(): Promise<void>
}

export const HyperDHT = require("hyperdht") as HyperDhtClass

export const createTestnet = require("hyperdht/testnet") as (
  size: number,
  options: { readonly host: string; readonly port?: number }
) => Promise<Testnet>
