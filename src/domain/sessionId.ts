/**
 * A Claude Code session id: the UUID that names the session file
 * (`<id>.jsonl`) and that `claude --resume` takes.
 */
import { Either, Schema } from "effect"
import { InvalidInput } from "./errors.js"

/**
 * Lowercased because Claude Code writes ids in lowercase and file names are
 * case-sensitive. A UUID has no `/` or `.`, so an id from a decrypted payload
 * can be joined into a path safely.
 */
export const SessionId = Schema.Trim.pipe(
  Schema.compose(Schema.Lowercase),
  Schema.compose(Schema.UUID),
  Schema.brand("SessionId")
)

export type SessionId = typeof SessionId.Type

const decode = Schema.decodeUnknownEither(SessionId)

/** The reason never repeats the input: a mistyped secret must not end up in a log. */
export const parseSessionId = (input: string): Either.Either<SessionId, InvalidInput> =>
  Either.mapLeft(
    decode(input),
    () =>
      new InvalidInput({
        reason: "Not a Claude Code session id: expected a UUID such as 0f3c1a2b-4d5e-4f60-8a7b-9c0d1e2f3a4b."
      })
  )

/** The first 8 characters, as shown to users (`Session: 0f3c1a2b in ~/project`). */
export const shortSessionId = (id: SessionId): string => id.slice(0, 8)
