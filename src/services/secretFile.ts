/**
 * Secret files on disk. Reads check the permission bits before touching the
 * content and never load more than a small bound (secretFileRead.ts). Writes
 * are atomic at mode 0600: whatever step a crash interrupts, the destination
 * holds either the old file or the new one.
 *
 * Writes use the synchronous calls on purpose: each step is one system call,
 * in order, on a file of a few hundred bytes.
 */
import { Effect } from "effect"
import { randomBytes } from "node:crypto"
import * as fs from "node:fs"
import { basename, dirname, join } from "node:path"
import { FileError, PermissionError } from "../domain/errors.js"
import { fileError } from "../domain/fileError.js"
import { shellQuote } from "../domain/shellQuote.js"
import { type ReadOptions, readSecretFileSync } from "./secretFileRead.js"

const { O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_WRONLY } = fs.constants

/** Whether anything is at `path`, a dangling symbolic link included (a write would replace it). */
export const exists = (path: string, what: string): Effect.Effect<boolean, FileError> =>
  Effect.async((resume) =>
    fs.lstat(path, (error) =>
      resume(
        error === null
          ? Effect.succeed(true)
          : error.code === "ENOENT" || error.code === "ENOTDIR"
          ? Effect.succeed(false)
          : Effect.fail(fileError(path, `Cannot look for the ${what}`, error))
      ))
  )

/** Reads a secret file whole (see secretFileRead.ts). The caller wipes the returned bytes. */
export const readSecretFile = (
  path: string,
  options: ReadOptions,
  platform: NodeJS.Platform
): Effect.Effect<Uint8Array, FileError | PermissionError> =>
  Effect.suspend(() => readSecretFileSync(path, options, platform)).pipe(
    Effect.mapError((refusal) => {
      switch (refusal._tag) {
        case "SystemError":
          return fileError(path, `Cannot read the ${options.what}`, refusal.error)
        case "WrongMode":
          return new PermissionError({
            path,
            reason: `The ${options.what} is mode ${octal(refusal.mode)}, not ${options.modes.map(octal).join(" or ")}`,
            fix: `chmod 600 ${shellQuote(path)}`
          })
        case "TooLarge":
          return tooLarge(path, options)
      }
    })
  )

/**
 * Reads from `fd` until end of file, refusing more than `maxBytes`. `label`
 * names the source in errors. The caller wipes the returned bytes.
 */
export const readDescriptor = (
  fd: number,
  label: string,
  options: Pick<ReadOptions, "what" | "maxBytes">
): Effect.Effect<Uint8Array, FileError> => {
  const buffer = new Uint8Array(options.maxBytes + 1)
  const readInto = (offset: number) =>
    Effect.async<number, FileError>((resume) =>
      fs.read(
        fd,
        buffer,
        offset,
        buffer.length - offset,
        null,
        (error, bytesRead) =>
          resume(
            error ? Effect.fail(fileError(label, `Cannot read the ${options.what}`, error)) : Effect.succeed(bytesRead)
          )
      )
    )
  return Effect.gen(function*() {
    let length = 0
    for (let n = yield* readInto(0); n > 0; n = yield* readInto(length)) {
      length += n
      if (length > options.maxBytes) {
        return yield* tooLarge(label, options)
      }
    }
    return buffer.slice(0, length)
  }).pipe(Effect.ensuring(Effect.sync(() => buffer.fill(0))))
}

export interface WriteOptions {
  /** What the file is, for messages. */
  readonly what: string
  /** Replace an existing file; without it an existing file fails the write with code `EEXIST`. */
  readonly overwrite: boolean
  /** Windows cannot open a folder to sync it (NTFS journals the rename itself): the last step is skipped there. */
  readonly platform: NodeJS.Platform
}

/**
 * Writes `contents` to `path` at mode 0600 through a temporary file in the same
 * folder (created 0700 when missing): write, fsync, then rename over the
 * destination (or hard-link, which never replaces, when not overwriting), then
 * fsync the folder so the new name survives a power loss. The temporary file
 * is removed whatever happens.
 */
export const writeSecretFile = (
  path: string,
  contents: Uint8Array,
  options: WriteOptions
): Effect.Effect<void, FileError> => {
  const folder = dirname(path)
  const temp = join(folder, `.${basename(path)}.${randomBytes(8).toString("hex")}.tmp`)
  const step = <A>(target: string, action: string, run: () => A) =>
    Effect.try({ try: run, catch: (error) => fileError(target, `Cannot ${action} for the ${options.what}`, error) })

  return Effect.gen(function*() {
    yield* step(folder, "create the folder", () => {
      // The mode given to mkdir passes through the umask; chmod makes it exact.
      if (fs.mkdirSync(folder, { recursive: true, mode: 0o700 }) !== undefined) fs.chmodSync(folder, 0o700)
    })
    yield* Effect.sync(() => removeStaleTemporaries(folder, basename(path)))
    const fd = yield* Effect.acquireRelease(
      step(temp, "create a temporary file", () => fs.openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)),
      (fd) =>
        Effect.try(() => {
          try {
            fs.closeSync(fd)
          } finally {
            // Gone already after a rename; otherwise it holds a copy of the secret.
            fs.rmSync(temp, { force: true })
          }
        }).pipe(Effect.ignore)
    )
    yield* step(temp, "write a temporary file", () => {
      fs.fchmodSync(fd, 0o600)
      for (let written = 0; written < contents.length;) {
        written += fs.writeSync(fd, contents, written)
      }
      fs.fsyncSync(fd)
    })
    yield* step(path, "install the new file", () => {
      if (options.overwrite) {
        fs.renameSync(temp, path)
      } else {
        fs.linkSync(temp, path)
        fs.unlinkSync(temp)
      }
    })
    if (options.platform === "win32") return
    yield* step(folder, "sync the folder", () => {
      const folderFd = fs.openSync(folder, O_RDONLY | O_DIRECTORY)
      try {
        fs.fsyncSync(folderFd)
      } finally {
        fs.closeSync(folderFd)
      }
    })
  }).pipe(Effect.scoped)
}

/** A writer killed between creating and renaming its temporary file leaves it behind. */
const STALE_AFTER_MS = 60_000

/**
 * Removes temporary files of earlier writes to `name` that were killed midway
 * (`kill -9`, power loss): each may hold a copy of the secret. Recent ones
 * may belong to a write still under way and are left alone. Best effort.
 */
const removeStaleTemporaries = (folder: string, name: string) => {
  const pattern = new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.[0-9a-f]{16}\\.tmp$`)
  try {
    for (const entry of fs.readdirSync(folder)) {
      if (!pattern.test(entry)) continue
      const file = join(folder, entry)
      if (Date.now() - fs.lstatSync(file).mtimeMs > STALE_AFTER_MS) fs.rmSync(file, { force: true })
    }
  } catch {
    // Cleaning up is a courtesy; the write itself does not depend on it.
  }
}

const tooLarge = (label: string, options: Pick<ReadOptions, "what" | "maxBytes">) =>
  new FileError({ path: label, reason: `The ${options.what} is larger than ${options.maxBytes} bytes`, code: "EFBIG" })

const octal = (mode: number): string => `0${mode.toString(8).padStart(3, "0")}`
