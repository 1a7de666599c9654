/**
 * The picker's half of a transfer, whatever carries the bytes: the archive
 * written to a new private file as it arrives, hashed on the way (so a
 * 200 MB archive is never held in memory, nor read twice), and checked
 * against the signed ticket before anything reads it. It survives a broken
 * connection: the next one resumes at `received`, and the hash goes on.
 */
import { Data, Effect } from "effect"
import { createHash, type Hash } from "node:crypto"
import { type FileHandle, open, rm } from "node:fs/promises"
import type { CarryTicket } from "../domain/carryTicket.js"
import { type FileError, SignatureInvalid } from "../domain/errors.js"
import { fileError } from "../domain/fileError.js"

/** Writes are gathered up to this size: fewer system calls than one per network chunk. */
const FLUSH_BYTES = 1024 * 1024

export class Download {
  #received = 0
  #pending: Array<Uint8Array> = []
  #pendingBytes = 0
  /** Bytes handed to a flush, written or being written. */
  #flushed = 0
  #flushing: Promise<void> = Promise.resolve()
  readonly #hash: Hash = createHash("sha256")

  private constructor(
    readonly file: string,
    readonly ticket: CarryTicket,
    private readonly handle: FileHandle
  ) {}

  /** Creates `file` (it must not exist: `wx`, mode 0600). */
  static open(file: string, ticket: CarryTicket): Promise<Download> {
    return open(file, "wx", 0o600).then((handle) => new Download(file, ticket, handle))
  }

  /** Bytes received so far, written or about to be. */
  get received(): number {
    return this.#received
  }

  get complete(): boolean {
    return this.#received === this.ticket.size
  }

  /**
   * Takes the next bytes. More than the ticket's size is the sender's lie,
   * refused at once (`Overflow`) instead of filling the disk.
   */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.#received + chunk.length > this.ticket.size) throw new Overflow()
    // Kept as it is until flushed: the network layers hand out fresh buffers (udx never reuses one).
    const bytes = chunk
    this.#hash.update(bytes)
    this.#received += bytes.length
    this.#pending.push(bytes)
    this.#pendingBytes += bytes.length
    if (this.#pendingBytes >= FLUSH_BYTES) await this.flush()
  }

  /**
   * Writes what is gathered: before a resume, and before the check. Flushes
   * run one after another, each at its own offset, so one still under way
   * when the next is asked for (an abandoned connection's) never lands out
   * of order.
   */
  flush(): Promise<void> {
    const pending = this.#pending
    const at = this.#flushed
    this.#pending = []
    this.#flushed += this.#pendingBytes
    this.#pendingBytes = 0
    this.#flushing = this.#flushing.then(() => pending.length > 0 ? this.handle.writev(pending, at) : undefined)
      .then(() => undefined)
    return this.#flushing
  }

  /** Whether every byte arrived and their SHA-256 is the ticket's; the file is on disk (fsync) when it is. */
  async verify(): Promise<boolean> {
    await this.flush()
    if (!this.complete) return false
    const digest = this.#hash.copy().digest()
    if (!digest.equals(this.ticket.digest)) return false
    await this.handle.sync()
    return true
  }

  async close(): Promise<void> {
    await this.#flushing.catch(() => undefined)
    await this.handle.close().catch(() => undefined)
  }

  /** Closes and removes the file: a failed transfer leaves nothing behind. */
  async discard(): Promise<void> {
    await this.close()
    await rm(this.file, { force: true })
  }
}

/** The sender sent more than the ticket's size. */
export class Overflow extends Data.TaggedError("Overflow") {}

/** The transcript refusal every layer gives: the bytes are not the ones the record signed. */
export const mismatch = () => new SignatureInvalid({ layer: "transcript" })

/**
 * A download in a scope: removed when the scope closes after a failure (or
 * an interruption), closed and kept after a success.
 */
export const scopedDownload = (file: string, ticket: CarryTicket) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => Download.open(file, ticket),
      catch: (error): FileError => fileError(file, "Cannot create the download", error)
    }),
    (download, exit) => Effect.promise(() => exit._tag === "Success" ? download.close() : download.discard())
  )
