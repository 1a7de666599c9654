/**
 * Reading a secret file: the permission bits are checked on the open
 * descriptor, so the file checked is the file read, and never more than a
 * small bound is loaded. Synchronous and free of the Effect runtime, so the
 * loader's quick `whoami` (src/cli/direct.ts) reads the key exactly as
 * `KeyStore` does; secretFile.ts turns a refusal into a tagged error.
 */
import { Either } from "effect"
import * as fs from "node:fs"

export interface ReadOptions {
  /** What the file is, for messages: "key file", "passphrase file". */
  readonly what: string
  /** Accepted permission bits, e.g. `[0o600]`. */
  readonly modes: ReadonlyArray<number>
  readonly maxBytes: number
}

/**
 * Whether a secret file's permission bits are acceptable. Where POSIX modes
 * exist (Linux, macOS) they must be one of `modes`: nobody but the owner may
 * read the file. Windows has none: Node reports 0666, or 0444 for a read-only
 * file, whatever the file's access control list says, so no mode can be
 * required there; the ACL of the user's profile folder, where the key lives,
 * is what keeps other users out.
 */
export const modeAccepted = (platform: NodeJS.Platform, mode: number, modes: ReadonlyArray<number>): boolean =>
  platform === "win32" || modes.includes(mode & 0o777)

/** Why a secret file was not read. */
export type ReadRefusal =
  | { readonly _tag: "SystemError"; readonly error: unknown }
  | { readonly _tag: "WrongMode"; readonly mode: number }
  | { readonly _tag: "TooLarge" }

/**
 * The whole file (the caller wipes it), or why not. A file of a few hundred
 * bytes is one read; a pipe (`--passphrase-file <(pass show cclink)`) blocks
 * until its writer closes it, as the asynchronous read would.
 */
export const readSecretFileSync = (
  path: string,
  options: ReadOptions,
  platform: NodeJS.Platform
): Either.Either<Uint8Array, ReadRefusal> => {
  let fd: number
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NOCTTY)
  } catch (error) {
    return Either.left({ _tag: "SystemError", error })
  }
  const buffer = new Uint8Array(options.maxBytes + 1)
  try {
    const mode = fs.fstatSync(fd).mode & 0o777
    if (!modeAccepted(platform, mode, options.modes)) return Either.left({ _tag: "WrongMode", mode })
    let length = 0
    let n: number
    while ((n = fs.readSync(fd, buffer, length, buffer.length - length, null)) > 0) {
      length += n
      if (length > options.maxBytes) return Either.left({ _tag: "TooLarge" })
    }
    return Either.right(buffer.slice(0, length))
  } catch (error) {
    return Either.left({ _tag: "SystemError", error })
  } finally {
    buffer.fill(0)
    fs.close(fd, () => {})
  }
}
