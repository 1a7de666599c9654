/**
 * What a carried conversation may hold, and how each file meets what is
 * already on the picking-up machine. The archive's names are relative to
 * the session's project folder (`<config dir>/projects/<encoded cwd>/`):
 *
 * - `<id>.jsonl`: the conversation itself;
 * - `<id>/...`: the session's own folder (subagent transcripts, tool results);
 * - `memory/...`: the project's memory, which Claude Code keeps beside its sessions.
 *
 * Anything else, and any name that could leave that folder, is refused: a
 * publisher is someone else, and their archive is input like any other.
 */
import { Either } from "effect"
import type { SessionId } from "./sessionId.js"

export type CarriedKind = "session" | "sessionFolder" | "memory"

/** Bounds on an archive's shape, beyond its signed size. */
export const MAX_ENTRIES = 100_000
const MAX_NAME_BYTES = 1024
const MAX_SEGMENT_BYTES = 255
const MAX_DEPTH = 16

const utf8Length = (text: string) => new TextEncoder().encode(text).length

// Control characters and backslashes have no business in these names, and a
// backslash would be a separator on the publisher's side if it ran Windows.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/

/**
 * The kind of file an archive entry name stands for, or why it is refused.
 * Names use `/` and are relative: no leading `/`, no empty, `.` or `..`
 * segment, so a name joined under the staging folder stays inside it.
 */
export const carriedKind = (name: string, sessionId: SessionId): Either.Either<CarriedKind, string> => {
  if (name === "" || utf8Length(name) > MAX_NAME_BYTES) return Either.left("a name that is empty or too long")
  if (FORBIDDEN.test(name)) return Either.left("a name with a control character or a backslash")
  const segments = name.split("/")
  if (segments.length > MAX_DEPTH) return Either.left("a name nested too deep")
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") return Either.left("a name that leaves its folder")
    if (utf8Length(segment) > MAX_SEGMENT_BYTES) return Either.left("a name with a segment over 255 bytes")
  }
  const [first] = segments
  if (segments.length === 1 && first === `${sessionId}.jsonl`) return Either.right("session")
  if (segments.length > 1 && first === sessionId) return Either.right("sessionFolder")
  if (segments.length > 1 && first === "memory") return Either.right("memory")
  return Either.left("a file that is not this session's nor the project's memory")
}

/** A local file of the same name as a carried one, compared with it. */
export type LocalCopy =
  | "absent"
  | "identical"
  /** The local file is a strict prefix of the carried one: the same conversation, older. */
  | "olderPrefix"
  /** The carried file is a strict prefix of the local one: the same conversation, newer here. */
  | "newerPrefix"
  | "different"

/**
 * How a local file compares with the carried one, from its size and whether
 * its bytes equal the carried file's first bytes (up to the shorter length).
 */
export const compareLocal = (
  carriedSize: number,
  local: { readonly size: number; readonly agrees: boolean } | undefined
): LocalCopy => {
  if (local === undefined) return "absent"
  if (!local.agrees) return "different"
  if (local.size === carriedSize) return "identical"
  return local.size < carriedSize ? "olderPrefix" : "newerPrefix"
}

export type CarriedAction =
  /** Nothing there: the carried file is put in place. */
  | "place"
  /** The same bytes are there already. */
  | "leave"
  /** An older copy of the same conversation: replaced, atomically, by the carried one. */
  | "update"
  /** A memory file that differs: the local one stays (notes may have been edited here). */
  | "keepLocal"
  /** The same conversation, newer here (it went on on this machine): never cut back, and the session is not placed. */
  | "newerHere"
  /** Another conversation under the same name: never overwritten, and the session is not placed. */
  | "conflict"

export const actionFor = (kind: CarriedKind, local: LocalCopy): CarriedAction => {
  switch (local) {
    case "absent":
      return "place"
    case "identical":
      return "leave"
    case "olderPrefix":
      return kind === "memory" ? "keepLocal" : "update"
    case "newerPrefix":
      return kind === "memory" ? "keepLocal" : "newerHere"
    case "different":
      return kind === "memory" ? "keepLocal" : "conflict"
  }
}

/**
 * Placing a carried session is all or nothing for the conversation: one
 * session file (the transcript or a file of its folder) that holds another
 * conversation, or a newer copy of this one, and no file at all is placed,
 * so the local conversation is never mixed with the carried one.
 */
export const placeable = (actions: ReadonlyArray<CarriedAction>): boolean =>
  !actions.includes("conflict") && !actions.includes("newerHere")
