/**
 * `cclink pickup` of a carried handoff, the picker's side up to placement:
 * the archive is fetched into a private staging file under cclink's state
 * folder (never under ~/.claude), its size and SHA-256 checked against the
 * signed ticket, and only then decrypted and unpacked, strictly, beside it;
 * SessionPlacement puts the files in place from there. What could not be
 * placed, someone else's project memory, and the older copies placement
 * replaced are kept aside for the user. The command line decides from the
 * outcome (resume, fall back to a local copy, say why not) and burns; the
 * live layer is src/carry/pickup.ts.
 */
import { Context, Data, type Duration, type Effect } from "effect"
import type { CarriedKind } from "../domain/carriedFiles.js"
import type { CarryTicket } from "../domain/carryTicket.js"
import type {
  DecryptionFailed,
  FileError,
  InvalidInput,
  NoDirectPath,
  PermissionError,
  SignatureInvalid,
  TransferFailed
} from "../domain/errors.js"
import type { SessionId } from "../domain/sessionId.js"
import type { CarryVia } from "./Carry.js"
import type { CarriedPlaced } from "./SessionPlacement.js"

export interface PickupRequest {
  readonly ticket: CarryTicket
  readonly sessionId: SessionId
  /** `AGE-SECRET-KEY-1...`, asked for only once the bytes are verified, and not kept. */
  readonly identity: () => string
  /** cclink's state folder: the staging folder is under its `carry/`, what is kept aside under `carried/`. */
  readonly stateDir: string
  /** The directory the project lives in here: the conversation goes into its folder under `~/.claude/projects`. */
  readonly dir: string
  /** Whether the carried `memory/` is installed (a handoff of the picker's own key, or asked for); else kept aside. */
  readonly installMemory: boolean
  /** How long the transfer may go without a byte (`FetchOptions.patience`). */
  readonly patience: Duration.Duration
  /** Bytes of the archive received so far. */
  readonly onProgress?: (received: number) => void
}

/** What arrived, verified and unpacked. */
export interface Received {
  /** The archive's size, as it travelled (encrypted). */
  readonly bytes: number
  readonly via: CarryVia
  /** Connections it took (more than one when the transfer broke and resumed). */
  readonly attempts: number
  readonly files: ReadonlyArray<{ readonly name: string; readonly kind: CarriedKind }>
}

/** Someone else's project memory, not installed. */
export interface MemoryAside {
  readonly files: number
  readonly folder: string
}

export type CarriedOutcome = Data.TaggedEnum<{
  /** Every carried file is in place, or was already (the memory perhaps kept aside): resume in `placement.dir`. */
  Placed: {
    readonly received: Received
    readonly placement: CarriedPlaced
    /** Where the older copies replaced, or the memory, were kept, if anything was. */
    readonly aside: string | undefined
    readonly memory: MemoryAside | undefined
  }
  /**
   * Nothing placed: a session file here holds another conversation, or a
   * newer copy of this one (`placement.conflicts`, `placement.newerHere`).
   * Everything carried is kept at `aside`.
   */
  NotPlaced: {
    readonly received: Received
    readonly placement: CarriedPlaced
    readonly aside: string
    readonly memory: MemoryAside | undefined
  }
  /** Nothing arrived: the publisher is not serving, cannot be reached, or the transfer broke for good. */
  Unreachable: { readonly error: TransferFailed | NoDirectPath }
}>

export const CarriedOutcome = Data.taggedEnum<CarriedOutcome>()

export class CarriedPickup extends Context.Tag("cclink/CarriedPickup")<CarriedPickup, {
  /**
   * Fetches, verifies, unpacks and places a carried conversation; leaves no
   * staging file behind whatever happens. Checks first that the disks have
   * room for the signed sizes. The ticket's client secret is wiped once the
   * fetch ends.
   */
  readonly pickUp: (
    request: PickupRequest
  ) => Effect.Effect<
    CarriedOutcome,
    SignatureInvalid | DecryptionFailed | InvalidInput | FileError | PermissionError
  >
}>() {}
