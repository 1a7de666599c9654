/**
 * Damage to a handoff record's JSON text, as a fast-check arbitrary: fields
 * swapped, re-typed, truncated, oversized, removed, nudged, duplicated or
 * added, and the text re-spaced, re-ordered, re-escaped, prefixed or
 * extended. The record's signature is left as it was: whoever changes a
 * record cannot sign it as its publisher.
 */
import fc from "fast-check"

export const FIELDS = [
  "blob",
  "burn",
  "created_at",
  "hostname",
  "pin_salt",
  "project",
  "pubkey",
  "recipient",
  "signature",
  "ttl"
] as const

type Field = (typeof FIELDS)[number]

export type RecordMutation =
  | { readonly kind: "swap"; readonly a: Field; readonly b: Field }
  | { readonly kind: "retype"; readonly field: Field; readonly value: unknown }
  | { readonly kind: "truncate"; readonly field: Field; readonly keep: number }
  | { readonly kind: "oversize"; readonly field: Field; readonly times: number }
  | { readonly kind: "remove"; readonly field: Field }
  | { readonly kind: "nudge"; readonly field: "created_at" | "ttl"; readonly delta: number }
  | { readonly kind: "replaceChar"; readonly field: Field; readonly at: number; readonly char: string }
  | { readonly kind: "duplicateKey"; readonly field: Field; readonly value: unknown; readonly first: boolean }
  | { readonly kind: "unknownField"; readonly key: string; readonly value: unknown }
  | { readonly kind: "whitespace"; readonly indent: number }
  | { readonly kind: "reorder"; readonly order: ReadonlyArray<number> }
  | { readonly kind: "escape"; readonly at: number }
  | { readonly kind: "wrap"; readonly before: string; readonly after: string }

const field = fc.constantFrom(...FIELDS)
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64")

/** Values of the wrong type, size or encoding for some field (and of the right one for others). */
export const wireValue = (keys: ReadonlyArray<string>): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(null, true, false, 0, -1, -0, 0.5, 2 ** 53, 2 ** 64, 1e308, -1e308, "", "null", "true", "0"),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 300, maxLength: 900 }),
    fc.uint8Array({ maxLength: 96 }).map(base64),
    fc.uint8Array({ minLength: 1, maxLength: 96 }).map((bytes) => base64(bytes).replace(/=+$/, "")),
    fc.uint8Array({ minLength: 3, maxLength: 96 }).map((bytes) => Buffer.from(bytes).toString("base64url")),
    fc.uint8Array({ minLength: 60, maxLength: 96 }).map((bytes) => base64(bytes).replace(/^(.{40})/, "$1\n")),
    fc.constantFrom(
      ...keys,
      ...keys.map((key) => key.toUpperCase()),
      ...keys.map((key) => `pk:${key}`),
      ...keys.map((key) => key.slice(1))
    ),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 })
  )

export const recordMutation = (keys: ReadonlyArray<string>): fc.Arbitrary<RecordMutation> => {
  const value = wireValue(keys)
  return fc.oneof(
    fc.record({ kind: fc.constant("swap" as const), a: field, b: field }),
    fc.record({ kind: fc.constant("retype" as const), field, value }),
    fc.record({ kind: fc.constant("truncate" as const), field, keep: fc.nat({ max: 120 }) }),
    fc.record({ kind: fc.constant("oversize" as const), field, times: fc.integer({ min: 2, max: 8 }) }),
    fc.record({ kind: fc.constant("remove" as const), field }),
    fc.record({
      kind: fc.constant("nudge" as const),
      field: fc.constantFrom("created_at" as const, "ttl" as const),
      delta: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.integer({ min: -1e9, max: 1e9 })).filter((n) => n !== 0)
    }),
    fc.record({
      kind: fc.constant("replaceChar" as const),
      field,
      at: fc.nat(),
      char: fc.string({ minLength: 1, maxLength: 1 })
    }),
    fc.record({ kind: fc.constant("duplicateKey" as const), field, value, first: fc.boolean() }),
    fc.record({
      kind: fc.constant("unknownField" as const),
      key: fc.oneof(
        fc.constantFrom("kdf", "version", "__proto__", "constructor", "Blob", "blob "),
        fc.string({ maxLength: 8 })
      ),
      value
    }),
    fc.record({ kind: fc.constant("whitespace" as const), indent: fc.integer({ min: 0, max: 2 }) }),
    fc.record({ kind: fc.constant("reorder" as const), order: fc.array(fc.nat(), { minLength: 10, maxLength: 10 }) }),
    fc.record({ kind: fc.constant("escape" as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant("wrap" as const),
      before: fc.constantFrom("", "\uFEFF", " ", "[", "\u0000"),
      after: fc.constantFrom("", " ", "\n", "]", "}", ",", "\u0000")
    })
  )
}

type Json = Record<string, unknown>

const cut = (value: unknown, keep: number): unknown =>
  typeof value === "string"
    ? value.slice(0, keep % Math.max(1, value.length))
    : typeof value === "number"
    ? Math.trunc(value / 10)
    : value

const grow = (value: unknown, times: number): unknown =>
  typeof value === "string"
    ? value.repeat(times)
    : typeof value === "number"
    ? value * 10 ** (3 * times)
    : [value, value]

/** `object` with its keys in a new order: `order` ranks them, ties keep their place. */
const reordered = (object: Json, order: ReadonlyArray<number>): Json =>
  Object.fromEntries(
    Object.entries(object)
      .map((entry, i) => [entry, order[i] ?? 0] as const)
      .sort((a, b) => a[1] - b[1])
      .map(([entry]) => entry)
  )

/** Replaces one character of the text by its `\uXXXX` escape: the same JSON value inside a string, a different text. */
const escapeAt = (text: string, at: number): string => {
  const i = at % text.length
  return `${text.slice(0, i)}\\u${text.charCodeAt(i).toString(16).padStart(4, "0")}${text.slice(i + 1)}`
}

export const applyMutation = (text: string, mutation: RecordMutation): string => {
  const object = JSON.parse(text) as Json
  const set = (key: string, value: unknown) => {
    if (value === undefined) delete object[key]
    else object[key] = value
  }
  switch (mutation.kind) {
    case "swap": {
      const [a, b] = [object[mutation.a], object[mutation.b]]
      set(mutation.a, b)
      set(mutation.b, a)
      return JSON.stringify(object)
    }
    case "retype":
      set(mutation.field, mutation.value)
      return JSON.stringify(object)
    case "truncate":
      set(mutation.field, cut(object[mutation.field], mutation.keep))
      return JSON.stringify(object)
    case "oversize":
      set(mutation.field, grow(object[mutation.field] ?? "x", mutation.times))
      return JSON.stringify(object)
    case "remove":
      delete object[mutation.field]
      return JSON.stringify(object)
    case "nudge":
      set(mutation.field, (object[mutation.field] as number) + mutation.delta)
      return JSON.stringify(object)
    case "replaceChar": {
      const value = object[mutation.field]
      if (typeof value !== "string" || value.length === 0) set(mutation.field, mutation.char)
      else {
        const i = mutation.at % value.length
        set(mutation.field, value.slice(0, i) + mutation.char + value.slice(i + 1))
      }
      return JSON.stringify(object)
    }
    case "duplicateKey": {
      const extra = `${JSON.stringify(mutation.field)}:${JSON.stringify(mutation.value) ?? "null"}`
      return mutation.first ? `{${extra},${text.slice(1)}` : `${text.slice(0, -1)},${extra}}`
    }
    case "unknownField":
      return `${text.slice(0, -1)},${JSON.stringify(mutation.key)}:${JSON.stringify(mutation.value) ?? "null"}}`
    case "whitespace":
      return mutation.indent === 0 ? text.replace(/,"/g, ", \"") : JSON.stringify(object, null, mutation.indent)
    case "reorder":
      return JSON.stringify(reordered(object, mutation.order))
    case "escape":
      return escapeAt(text, mutation.at)
    case "wrap":
      return `${mutation.before}${text}${mutation.after}`
  }
}
