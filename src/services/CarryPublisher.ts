/**
 * `publish --carry`, the publisher's side: the conversation is packed once
 * into a private file and served on a fresh key that listens before the
 * record naming it is published (`start`), then served until the handoff
 * ends (`serve`): burned after its first complete transfer, expired,
 * replaced or revoked, or stopped. Every way out closes the server and
 * removes the file. The live layer is src/carry/publisher.ts; the command
 * line only prints what this reports (src/cli/carry/serve.ts).
 */
import { Context, type Duration, type Effect, type Scope } from "effect"
import type { CarryTicket } from "../domain/carryTicket.js"
import type { FileError, NetworkError, NotFound } from "../domain/errors.js"
import type { PublicKey } from "../domain/keys.js"
import type { SessionId } from "../domain/sessionId.js"
import type { ServeEvent, Serving } from "./Carry.js"
import type { Published } from "./Handoffs.js"
import type { KeepaliveEvent } from "./Keepalive.js"

/** The conversation packed for carrying (src/carry/archive.ts). */
export interface Packed {
  /** The encrypted archive, as it travels. */
  readonly file: string
  readonly size: number
  readonly digest: Uint8Array
  /** The tar stream's size: what the archive is once decrypted and decompressed. */
  readonly unpackedSize: number
  readonly files: number
  /** What was left out (links, names the picker would refuse), and why. */
  readonly skipped: ReadonlyArray<{ readonly name: string; readonly reason: string }>
}

/** A conversation packed and served, and the ticket the record carries to it. */
export interface Carrying {
  readonly packed: Packed
  readonly serving: Serving
  readonly ticket: CarryTicket
}

export interface StartOptions {
  readonly sessionId: SessionId
  /** The session's `.jsonl` file: its folder holds what travels. */
  readonly file: string
  /** `age1...`: the handoff's recipient. */
  readonly recipient: string
  /** cclink's state folder: the archive is packed under its `carry/`. */
  readonly stateDir: string
  /** How long announcing on the carry network may take. */
  readonly timeout: Duration.Duration
}

/** Why serving ended. */
export type ServingEnd = "burned" | "expired" | "replaced" | "revoked" | "interrupted"

/** What happens while serving, in order: transfers and keepalive rounds. */
export type PublisherEvent = ServeEvent | KeepaliveEvent

/** How often, at most, serving looks at the key's newest packet: a revoke or a newer publish ends it within that. */
export const CHECK_EVERY_MAX: Duration.DurationInput = "60 seconds"

export interface ServeOptions {
  readonly publisher: PublicKey
  readonly published: Published
  readonly carrying: Carrying
  /**
   * For a burn handoff, the revocation signed when it was published (so the
   * key itself is not kept while serving): stored once the first transfer is
   * acknowledged, and then stored to the end, whatever stops serving
   * meanwhile.
   */
  readonly burn: Uint8Array | undefined
  /** How often the record is stored again (`--every`), as `--keepalive` does. */
  readonly every: Duration.Duration
  /** Ends serving with `interrupted` when it succeeds (Ctrl-C on the command line). */
  readonly stop: Effect.Effect<unknown>
  readonly onEvent: (event: PublisherEvent) => Effect.Effect<void>
}

export class CarryPublisher extends Context.Tag("cclink/CarryPublisher")<CarryPublisher, {
  /**
   * Packs the session's files to `recipient` in a private folder and starts
   * serving them, announced within `timeout`; both last as long as the scope.
   */
  readonly start: (options: StartOptions) => Effect.Effect<Carrying, FileError | NotFound | NetworkError, Scope.Scope>
  /**
   * Serves until the handoff ends, keeping the record alive every `every`
   * and looking at the key's newest packet at least every minute (a revoke
   * or a newer publish ends serving within it). Fails only when a burn
   * handoff was transferred but its revocation could not be stored.
   */
  readonly serve: (options: ServeOptions) => Effect.Effect<ServingEnd, NetworkError>
}>() {}
