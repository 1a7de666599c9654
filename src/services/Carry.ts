/**
 * Carrying the conversation itself, peer to peer: the publisher serves its
 * encrypted archive on a fresh key for each handoff, the picker fetches it
 * with the ticket sealed in the payload. Beside `Dht` (the rendezvous), this
 * is the transfer; the live layer runs on HyperDHT (src/carry/hyperdht.ts:
 * Noise-encrypted streams between Ed25519 keys, UDP hole punching through
 * NATs), the in-memory one (src/carry/memory.ts) in one process.
 */
import { Context, type Duration, type Effect, type Queue, type Scope } from "effect"
import type { CarryTicket } from "../domain/carryTicket.js"
import type { FileError, NetworkError, NoDirectPath, SignatureInvalid, TransferFailed } from "../domain/errors.js"

/**
 * How the two machines reached each other (src/carry/connectionKind.ts).
 * `direct`: one side is reachable as it is and the connection uses the DHT
 * node's own socket. `holepunch`: both sides sit behind NATs or firewalls
 * (or on one LAN) and the hole puncher opened the path. `relay`: the bytes
 * go through a third peer; cclink asks no HyperDHT node to relay its
 * connections, so it reports one only if hyperdht chose to on its own.
 */
export type CarryVia = "direct" | "holepunch" | "relay"

/** What a publisher serves: the packed and encrypted archive, a private file. */
export interface Offer {
  readonly file: string
  readonly size: number
  /** SHA-256 of the file, as the ticket gives it. */
  readonly digest: Uint8Array
}

/** A connection that passed the firewall, reported once it ends. */
export type ServeEvent =
  /** The picker checked the size and digest and acknowledged: a complete transfer. */
  | {
    readonly _tag: "Transferred"
    readonly remote: string
    readonly via: CarryVia
    /** Bytes sent on this connection (the picker may have resumed from `offset`). */
    readonly bytes: number
    readonly offset: number
    readonly millis: number
  }
  /** Anything else: the connection broke, the picker refused the bytes, or spoke another version. */
  | {
    readonly _tag: "Interrupted"
    readonly remote: string
    readonly via: CarryVia
    readonly bytes: number
    readonly millis: number
    readonly reason: string
  }

export interface Serving {
  /** The server's public key, for the ticket. */
  readonly serverKey: Uint8Array
  /**
   * The ticket's client secret: the server admits only the key pair derived
   * from it, and keeps only that public key. Wiped when serving ends; the
   * caller wipes it as soon as the ticket is published.
   */
  readonly clientSecret: Uint8Array
  readonly events: Queue.Dequeue<ServeEvent>
}

export interface FetchOptions {
  /**
   * How long to go on after the last byte arrived (after the start, before
   * the first): connecting, reconnecting after a break, waiting for the next
   * bytes. A transfer that keeps moving is not cut short, up to a deadline of
   * the patience plus the size at 32 KiB/s, so a trickle ends too.
   */
  readonly patience: Duration.Duration
  /** Bytes of the archive in the destination so far. */
  readonly onProgress?: (received: number) => void
}

export interface Fetched {
  readonly via: CarryVia
  /** Connections it took (more than one when a transfer broke and resumed). */
  readonly attempts: number
}

export class Carry extends Context.Tag("cclink/Carry")<Carry, {
  /**
   * Listens (announced on the network) on a fresh key pair until the scope
   * closes, serving `offer` to the one client key the returned secret
   * derives, as many times as it is asked.
   */
  readonly serve: (offer: Offer) => Effect.Effect<Serving, NetworkError, Scope.Scope>
  /**
   * Fetches the archive `ticket` names into `destination` (a new file, 0600),
   * resuming after breaks, and checks its size and SHA-256 before answering.
   * Leaves no file behind when it fails. Bytes that do not match the ticket
   * are `SignatureInvalid`: the ticket is signed with the record. A
   * publisher that cannot be reached, or a transfer that broke for good, is
   * `TransferFailed`; two randomizing NATs, `NoDirectPath`.
   */
  readonly fetch: (
    ticket: CarryTicket,
    destination: string,
    options: FetchOptions
  ) => Effect.Effect<Fetched, TransferFailed | NoDirectPath | SignatureInvalid | FileError>
}>() {}

export interface CarrySettings {
  /** `host:port` bootstrap nodes of the carry network; empty means HyperDHT's public ones. */
  readonly bootstrap: ReadonlyArray<string>
}

export class CarryConfig extends Context.Tag("cclink/CarryConfig")<CarryConfig, CarrySettings>() {}
