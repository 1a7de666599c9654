/**
 * The CCLINKEK envelope's fixed header fields, and how a key file is told to
 * be one: enough to choose the decoder without loading any cipher code.
 */
export const MAGIC = new TextEncoder().encode("CCLINKEK")
export const VERSION = 0x01
/** Magic (8), version (1), three u32 costs (12), salt (32). */
export const HEADER_LENGTH = 53

/** Tells the envelope from the plaintext hex encoding by its first 8 bytes. */
export const isEnvelope = (bytes: Uint8Array): boolean =>
  bytes.length >= MAGIC.length && MAGIC.every((byte, i) => bytes[i] === byte)
