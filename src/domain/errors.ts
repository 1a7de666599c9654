/**
 * Every failure cclink can report, as tagged data. The CLI maps each tag to
 * one exit code (see `src/cli/exitCode.ts`); messages are written for users and
 * never carry secret material.
 */
import { Data } from "effect"
import { formatDuration } from "./duration.js"

/** The record's `created_at + ttl` lies in the past. */
export class Expired extends Data.TaggedError("Expired")<{
  /** Seconds since the record expired. */
  readonly agoSeconds: number
}> {
  override get message() {
    return `This handoff expired ${formatDuration(this.agoSeconds)} ago. Publish a new one with cclink.`
  }
}

/**
 * Any signature failure, outer (BEP 44) or inner (record): one message for
 * every layer, so that no check is singled out. Or carried bytes that do not
 * match the digest the record signed (`transcript`): the record itself was
 * verified by then, so that one says what it is.
 */
export class SignatureInvalid extends Data.TaggedError("SignatureInvalid")<{
  /** For logs and tests; the record's layers are never told apart to users. */
  readonly layer: "packet" | "record" | "pubkey" | "transcript"
}> {
  override get message() {
    return this.layer === "transcript"
      ? "The conversation received does not match what the handoff signed; nothing was placed."
      : "Signature verification failed: this handoff was not published by that key or was tampered with."
  }
}

/** Wrong key, wrong PIN, tampered ciphertext: one message for all of them. */
export class DecryptionFailed extends Data.TaggedError("DecryptionFailed")<{
  readonly hint?: string
}> {
  override get message() {
    return this.hint === undefined
      ? "Decryption failed: wrong key, wrong PIN, or damaged data."
      : `Decryption failed: ${this.hint}`
  }
}

/** No handoff, no session, no key: what was looked for is not there. */
export class NotFound extends Data.TaggedError("NotFound")<{
  readonly what: string
  readonly hint?: string
  /**
   * When a handoff is gone because the key's newest packet holds none (revoked):
   * that packet's seq, so a caller merging transports can tell that the
   * revocation is newer than a record another transport still serves.
   */
  readonly revokedSeq?: number
}> {
  override get message() {
    return this.hint === undefined ? this.what : `${this.what}\n${this.hint}`
  }
}

/** The DHT or the relays could not be reached in time. */
export class NetworkError extends Data.TaggedError("NetworkError")<{
  readonly reason: string
}> {
  override get message() {
    return `Network error: ${this.reason}`
  }
}

/**
 * A carried conversation could not be fetched, and nothing of it was kept:
 * nobody serves it any more (its publisher stopped), the publisher could not
 * be reached, or the transfer broke and did not resume in time.
 */
export class TransferFailed extends Data.TaggedError("TransferFailed")<{
  readonly why: "notServing" | "unreachable" | "broke"
  /** What the last attempt ran into, in plain words. */
  readonly detail: string
  /** Bytes received before it failed, of `size`. */
  readonly received: number
  readonly size: number
}> {
  override get message() {
    switch (this.why) {
      case "notServing":
        return "Nobody serves the conversation on the carry network: its publisher stopped."
      case "unreachable":
        return `Cannot reach the publisher on the carry network (${this.detail}).`
      case "broke":
        return `The transfer broke after ${this.received} of ${this.size} bytes (${this.detail}).`
    }
  }
}

/**
 * The two machines cannot reach each other at all: both sit behind NATs that
 * give every destination a new public port (randomizing NATs), which hole
 * punching cannot cross, and cclink uses no relay. Waiting longer does not
 * help, so a fetch ends with this at once instead of at its deadline.
 */
export class NoDirectPath extends Data.TaggedError("NoDirectPath") {
  override get message() {
    return "There is no direct path between the two networks: both NATs give every destination a new port " +
      "(randomizing NATs), which hole punching cannot cross. Pick up on another network (a phone hotspot, " +
      "a VPN) or publish from a machine with a public address."
  }
}

/** A passphrase or PIN could not be obtained, or was refused by policy. */
export class PassphraseError extends Data.TaggedError("PassphraseError")<{
  readonly reason: string
}> {
  override get message() {
    return this.reason
  }
}

/** A file holding a secret has the wrong mode or owner. */
export class PermissionError extends Data.TaggedError("PermissionError")<{
  readonly path: string
  readonly reason: string
  readonly fix?: string
}> {
  override get message() {
    return this.fix === undefined ? `${this.reason}: ${this.path}` : `${this.reason}: ${this.path}\nFix: ${this.fix}`
  }
}

/** A file could not be read or written for a reason other than its mode: missing, a directory, disk full... */
export class FileError extends Data.TaggedError("FileError")<{
  readonly path: string
  /** What failed, in plain words ("Cannot write the key file (no space left on device)"). */
  readonly reason: string
  /** The system error code (`ENOENT`, `ENOSPC`...), so callers can tell a missing file apart. */
  readonly code?: string
}> {
  override get message() {
    return `${this.reason}: ${this.path}`
  }
}

/** Bad input from the user or from the wire that is not a signature matter. */
export class InvalidInput extends Data.TaggedError("InvalidInput")<{
  readonly reason: string
}> {
  override get message() {
    return this.reason
  }
}

/** The user answered no at a confirmation prompt. */
export class Declined extends Data.TaggedError("Declined")<{
  readonly what: string
}> {
  override get message() {
    return `Cancelled: ${this.what}`
  }
}

export type CclinkError =
  | Expired
  | SignatureInvalid
  | DecryptionFailed
  | NotFound
  | NetworkError
  | TransferFailed
  | NoDirectPath
  | PassphraseError
  | PermissionError
  | FileError
  | InvalidInput
  | Declined
