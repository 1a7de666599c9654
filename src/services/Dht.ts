/**
 * The rendezvous: publishes, resolves and revokes a key's handoff record as a
 * PKARR signed packet (BEP 44 mutable item) on the Mainline DHT or on pkarr
 * relays. The transport moves the record's JSON text; it checks the outer
 * (packet) signature, never the inner one, which is the domain's job.
 */
import { Context, type Duration, type Effect } from "effect"
import type { InvalidInput, NetworkError, NotFound, SignatureInvalid } from "../domain/errors.js"
import type { Keypair, PublicKey } from "../domain/keys.js"

/** What a publish or revoke achieved. */
export interface PublishReport {
  /** The BEP 44 sequence number used (microseconds since the epoch, or higher). */
  readonly seq: number
  /** How many nodes (or relays) acknowledged storing the packet; a few more may hold it unacknowledged. */
  readonly storedOn: number
  /** How many nodes were asked. */
  readonly contacted: number
  /** The packet stored, signed, in relay form: what keepalive stores again, unchanged. */
  readonly bytes: Uint8Array
}

/** The newest valid packet found for a key. */
export interface ResolvedPacket {
  readonly seq: number
  /** The `_cclink` TXT record's text: the handoff record JSON, not yet verified. */
  readonly record: string
  /** The relay form `sig (64) || seq (8, BE) || v`, to republish the same signed bytes. */
  readonly bytes: Uint8Array
}

/** Progress for a spinner: nodes contacted and answers seen so far. */
export interface DhtProgress {
  readonly contacted: number
  readonly answers: number
}

export interface DhtOptions {
  readonly onProgress?: (progress: DhtProgress) => void
}

export class Dht extends Context.Tag("cclink/Dht")<Dht, {
  /** Publishes `record` (handoff record JSON) under the keypair's key, replacing what is there. */
  readonly publish: (
    keypair: Keypair,
    record: string,
    options?: DhtOptions
  ) => Effect.Effect<PublishReport, NetworkError | InvalidInput>
  /** Publishes an empty packet: the key has no handoff any more. */
  readonly revoke: (keypair: Keypair, options?: DhtOptions) => Effect.Effect<PublishReport, NetworkError>
  /**
   * Re-stores already signed bytes (relay form) unchanged: for keepalive.
   * Bytes that do not verify for `publicKey` are refused before any traffic;
   * so is a packet older than the newest one published for the key.
   */
  readonly republish: (
    publicKey: PublicKey,
    bytes: Uint8Array,
    options?: DhtOptions
  ) => Effect.Effect<PublishReport, NetworkError | InvalidInput | SignatureInvalid>
  /**
   * The valid packet with the highest seq among every answer. An empty packet
   * (revoked) or no answer at all is `NotFound`.
   */
  readonly resolve: (
    publicKey: PublicKey,
    options?: DhtOptions
  ) => Effect.Effect<ResolvedPacket, NotFound | NetworkError>
}>() {}

/** Where and how the transport reaches the network. */
export interface DhtSettings {
  /** `host:port` bootstrap nodes; empty means the Mainline defaults. */
  readonly bootstrap: ReadonlyArray<string>
  /** pkarr relay base URLs; empty means none. */
  readonly relays: ReadonlyArray<string>
  /** False for relay-only use behind a UDP-blocking firewall. */
  readonly useDht: boolean
  /** Deadline for one whole operation, retries included. */
  readonly timeout: Duration.Duration
  /** Folder for the routing-table cache; undefined disables the cache. */
  readonly stateDir: string | undefined
}

export class DhtConfig extends Context.Tag("cclink/DhtConfig")<DhtConfig, DhtSettings>() {}
