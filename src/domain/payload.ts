/**
 * The plaintext sealed inside a handoff's blob: hostname, project path and
 * session id, so none of them shows on the DHT. Written as compact JSON with
 * the keys in the order `h`, `p`, `s`, exactly as the reference writes it;
 * a carried handoff appends its ticket as `c`, which the reference's reader
 * ignores (it then picks the handoff up as a plain one).
 */
import { Either, Option, Schema } from "effect"
import { type CarryTicket, decodeTicket, encodeTicket } from "./carryTicket.js"
import { InvalidInput } from "./errors.js"

export interface Payload {
  readonly hostname: string
  readonly project: string
  readonly sessionId: string
  /** Present when the publisher serves the conversation itself (`cclink publish --carry`). */
  readonly carry?: CarryTicket | undefined
}

/**
 * What a blob's plaintext turned out to hold. Records written before the
 * payload existed sealed the bare session id; their hostname and project,
 * if any, live in the outer record.
 */
export type DecodedPayload =
  | { readonly _tag: "Payload"; readonly payload: Payload }
  | { readonly _tag: "Legacy"; readonly sessionId: string }

/** Compact JSON `{"h":…,"p":…,"s":…}` (then `"c":…` when carried) as UTF-8 bytes. */
export const encodePayload = (payload: Payload): Uint8Array =>
  new TextEncoder().encode(
    JSON.stringify({
      h: payload.hostname,
      p: payload.project,
      s: payload.sessionId,
      ...(payload.carry === undefined ? {} : { c: encodeTicket(payload.carry) })
    })
  )

const decodePayloadJson = Schema.decodeUnknownOption(
  Schema.parseJson(
    Schema.Struct({ h: Schema.String, p: Schema.String, s: Schema.String, c: Schema.optional(Schema.Unknown) })
  )
)

// fatal: a legacy id that is not UTF-8 is refused rather than mangled;
// ignoreBOM: a leading U+FEFF stays part of the text instead of vanishing.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

/**
 * A JSON object whose `h`, `p` and `s` are strings is a payload (other keys
 * are ignored, as the reference's reader ignores them), carried when it has a
 * `c`, which must then be a well-formed ticket; any other plaintext is a
 * legacy record whose whole text is the session id.
 */
export const decodePayload = (plaintext: Uint8Array): Either.Either<DecodedPayload, InvalidInput> => {
  let text: string
  try {
    text = utf8.decode(plaintext)
  } catch {
    return Either.left(new InvalidInput({ reason: "The handoff's session id is not valid UTF-8 text." }))
  }
  return Option.match(decodePayloadJson(text), {
    onNone: () => Either.right({ _tag: "Legacy", sessionId: text }),
    onSome: ({ c, h, p, s }) => {
      const payload = { hostname: h, project: p, sessionId: s }
      return c === undefined
        ? Either.right({ _tag: "Payload", payload })
        : Either.map(decodeTicket(c), (carry): DecodedPayload => ({ _tag: "Payload", payload: { ...payload, carry } }))
    }
  })
}
