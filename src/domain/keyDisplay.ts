/**
 * How a public key is written: bare z-base-32 (52 characters, the DHT's and
 * the records' form), `pk:<z32>` for people, and an 8-character fingerprint.
 */
import z32 from "z32"

export const toZ32 = (publicKey: Uint8Array): string => z32.encode(publicKey)

export const toDisplay = (publicKey: Uint8Array): string => `pk:${toZ32(publicKey)}`

/** The first 8 characters of the z32 key. */
export const fingerprint = (publicKey: Uint8Array): string => toZ32(publicKey).slice(0, 8)
