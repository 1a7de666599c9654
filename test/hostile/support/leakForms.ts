/**
 * The forms in which a value could leak into bytes on the wire: its UTF-8
 * text, its hex, and its base64 (standard and URL-safe) at each of the three
 * alignments it could have inside a longer base64 text, keeping only the
 * characters that depend on the value alone. A UUID also in binary and as
 * bare hex.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface LeakForm {
  readonly form: string
  readonly bytes: Buffer
}

export const leakForms = (value: string): ReadonlyArray<LeakForm> => {
  const raw = Buffer.from(value, "utf8")
  const forms: Array<LeakForm> = [
    { form: "raw", bytes: raw },
    { form: "hex", bytes: Buffer.from(raw.toString("hex")) }
  ]
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), raw]).toString("base64")
    const middle = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + raw.length) * 8) / 6))
    forms.push(
      { form: `base64 at offset ${offset}`, bytes: Buffer.from(middle) },
      { form: `base64url at offset ${offset}`, bytes: Buffer.from(middle.replaceAll("+", "-").replaceAll("/", "_")) }
    )
  }
  if (UUID.test(value)) {
    const hex = value.replaceAll("-", "").toLowerCase()
    forms.push(
      { form: "binary UUID", bytes: Buffer.from(hex, "hex") },
      { form: "UUID without dashes", bytes: Buffer.from(hex) }
    )
  }
  return forms
}

/** The forms of `value` found in `data`. */
export const leaksIn = (data: Buffer, value: string): ReadonlyArray<string> =>
  leakForms(value).filter(({ bytes }) => data.includes(bytes)).map(({ form }) => form)
