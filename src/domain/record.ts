/**
 * The handoff record: the JSON text published in the `_cclink` TXT record.
 *
 * On the wire (spec section 6) keys are alphabetical and compact, `burn`,
 * `hostname`, `project`, `pin_salt` and `recipient` are left out when they
 * hold their defaults, and bytes are standard padded base64. The signature
 * covers the canonical signable JSON, where every field is present.
 *
 * Decoding is strict, so a record has exactly one text: unknown fields are
 * refused (an unsigned field could carry meaning this version would silently
 * ignore, such as a different KDF), base64 must be canonical, and the text
 * must be byte-for-byte what `encodeRecord` writes for the values it holds.
 * The reference writer (serde_json, which escapes strings as JSON.stringify
 * does) always produces that form.
 */
import { Either, Encoding, ParseResult, Schema } from "effect"
import { InvalidInput } from "./errors.js"
import { toZ32 } from "./keyDisplay.js"
import { parsePublicKey } from "./publicKey.js"

export interface HandoffRecord {
  /** The binary age ciphertext of the payload. */
  readonly blob: Uint8Array
  /** Revoke after the owner's first successful pickup. */
  readonly burn: boolean
  /** Unix seconds. */
  readonly createdAt: number
  /** Empty in new records: the hostname lives in the blob. */
  readonly hostname: string
  /** 32 bytes, present only in PIN mode. */
  readonly pinSalt?: Uint8Array
  /** Empty in new records: the project lives in the blob. */
  readonly project: string
  /** The publisher's bare z32 key. */
  readonly pubkey: string
  /** The recipient's bare z32 key, present only in shared mode. */
  readonly recipient?: string
  /** 64-byte Ed25519 signature over `signableJson`. */
  readonly signature: Uint8Array
  /** Seconds the record stays valid after `createdAt`. */
  readonly ttl: number
}

/** Everything the publisher chooses; `signRecord` adds `pubkey` and `signature`. */
export type UnsignedRecord = Omit<HandoffRecord, "pubkey" | "signature">

/** Standard padded base64, as the reference writes it. */
const toBase64 = (bytes: Uint8Array): string => Encoding.encodeBase64(bytes)

/** The record's wire text, in the exact key order and omissions of the spec. */
export const encodeRecord = (record: HandoffRecord): string =>
  JSON.stringify({
    blob: toBase64(record.blob),
    ...(record.burn ? { burn: true } : {}),
    created_at: record.createdAt,
    ...(record.hostname === "" ? {} : { hostname: record.hostname }),
    ...(record.pinSalt === undefined ? {} : { pin_salt: toBase64(record.pinSalt) }),
    ...(record.project === "" ? {} : { project: record.project }),
    pubkey: record.pubkey,
    ...(record.recipient === undefined ? {} : { recipient: record.recipient }),
    signature: toBase64(record.signature),
    ttl: record.ttl
  })

/**
 * The text the inner signature covers: all fields but `signature`, always
 * present, alphabetical, compact, `null` for an absent salt or recipient.
 */
export const signableJson = (record: Omit<HandoffRecord, "signature">): string =>
  JSON.stringify({
    blob: toBase64(record.blob),
    burn: record.burn,
    created_at: record.createdAt,
    hostname: record.hostname,
    pin_salt: record.pinSalt === undefined ? null : toBase64(record.pinSalt),
    project: record.project,
    pubkey: record.pubkey,
    recipient: record.recipient ?? null,
    ttl: record.ttl
  })

/** Decodes untrusted record text; every refusal names the field and the rule it broke. */
export const decodeRecord = (text: string): Either.Either<HandoffRecord, InvalidInput> =>
  parseObject(text).pipe(
    Either.flatMap((json) => Either.mapLeft(decodeWire(json), (error) => invalid(firstIssue(error)))),
    Either.filterOrLeft(
      (record) => encodeRecord(record) === text,
      () => invalid("not in canonical form (alphabetical keys, no whitespace, default fields left out)")
    )
  )

const parseObject = (text: string): Either.Either<object, InvalidInput> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return Either.left(invalid("not valid JSON"))
  }
  return typeof json === "object" && json !== null && !Array.isArray(json)
    ? Either.right(json)
    : Either.left(invalid("not a JSON object"))
}

const invalid = (problem: string) => new InvalidInput({ reason: `Invalid handoff record: ${problem}.` })

const firstIssue = (error: ParseResult.ParseError): string => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (issue === undefined) return "malformed"
  const field = `"${issue.path.join(".")}"`
  switch (issue._tag) {
    case "Missing":
      return `${field} is missing`
    case "Unexpected":
      return `${field} is not a handoff record field`
    default:
      return `${field} ${issue.message}`
  }
}

/**
 * A lone UTF-16 surrogate would reach the signed bytes as U+FFFD, so two
 * different strings would share one signature; serde_json refuses them too.
 */
const Text = Schema.String.annotations({ message: () => "must be a string" }).pipe(
  Schema.filter((text) => !/[\uD800-\uDFFF]/u.test(text), { message: () => "must be well-formed Unicode text" })
)

const Flag = Schema.Boolean.annotations({ message: () => "must be true or false" })

/** Integer seconds a JavaScript number holds exactly; larger u64 values are refused, not rounded. */
const Seconds = Schema.Number.pipe(
  Schema.filter((n) => Number.isSafeInteger(n) && n >= 0),
  // override: one message whether the value is not a number at all or a number out of range
  Schema.annotations({
    message: () => ({
      message: `must be a whole number of seconds from 0 to ${Number.MAX_SAFE_INTEGER}`,
      override: true
    })
  })
)

/**
 * Standard padded base64 decoded strictly: the text must be exactly what
 * encoding the bytes gives back, so no padding games, stray bits or line
 * breaks. The signature covers the base64 text, so this keeps one text per
 * value.
 */
const Base64Bytes = (length?: number) =>
  Schema.transformOrFail(Text, Schema.Uint8ArrayFromSelf, {
    strict: true,
    decode: (text, _, ast) => {
      const bytes = Encoding.decodeBase64(text)
      if (Either.isLeft(bytes) || toBase64(bytes.right) !== text) {
        return ParseResult.fail(new ParseResult.Type(ast, text, "must be standard padded base64"))
      }
      if (length !== undefined && bytes.right.length !== length) {
        return ParseResult.fail(
          new ParseResult.Type(ast, text, `must hold ${length} bytes, got ${bytes.right.length}`)
        )
      }
      return ParseResult.succeed(bytes.right)
    },
    encode: (bytes) => ParseResult.succeed(toBase64(bytes))
  })

/** Bare z32 only (no `pk:`, no spaces), canonical, and a point on Ed25519. */
const Z32Key = Text.pipe(
  Schema.filter(
    (text) => Either.match(parsePublicKey(text), { onLeft: () => false, onRight: (key) => toZ32(key) === text }),
    { message: () => "must be a bare z-base-32 Ed25519 public key (52 characters)" }
  )
)

const defaultTo = <S extends Schema.Schema.Any>(schema: S, value: () => Schema.Schema.Type<S>) =>
  Schema.optionalWith(schema, { exact: true, default: value })

const WireRecord = Schema.Struct({
  blob: Base64Bytes(),
  burn: defaultTo(Flag, () => false),
  createdAt: Schema.propertySignature(Seconds).pipe(Schema.fromKey("created_at")),
  hostname: defaultTo(Text, () => ""),
  pinSalt: Schema.optionalWith(Base64Bytes(32), { exact: true }).pipe(Schema.fromKey("pin_salt")),
  project: defaultTo(Text, () => ""),
  pubkey: Z32Key,
  recipient: Schema.optionalWith(Z32Key, { exact: true }),
  signature: Base64Bytes(64),
  ttl: Seconds
})

const decodeWire: (json: object) => Either.Either<HandoffRecord, ParseResult.ParseError> = Schema.decodeUnknownEither(
  WireRecord,
  { onExcessProperty: "error" }
)
