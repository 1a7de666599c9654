/**
 * A system error on a file, as a `FileError` a person can read: what was
 * being done, the error in plain words, and the code kept for callers.
 */
import { FileError } from "./errors.js"

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EBADF: "not an open file descriptor",
  EEXIST: "it already exists",
  EISDIR: "it is a directory",
  ELOOP: "too many symbolic links",
  ENOENT: "no such file or directory",
  ENOSPC: "no space left on device",
  ENOTDIR: "a parent is not a directory",
  EPERM: "operation not permitted",
  EROFS: "read-only file system"
}

/** A system error on `path` while doing `action`, in plain words (the code kept for callers). */
export const fileError = (path: string, action: string, error: unknown): FileError => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return new FileError({
    path,
    reason: `${action} (${(code !== undefined && REASONS[code]) || code || "unknown error"})`,
    ...(code === undefined ? {} : { code })
  })
}
