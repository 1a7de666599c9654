/**
 * Where the key file is and how it is read: what `KeyStore` and the loader's
 * quick `whoami` (src/cli/direct.ts) must agree on.
 */
import { homedir } from "node:os"
import { join, resolve } from "node:path"
import type { ReadOptions } from "./secretFileRead.js"

/**
 * `CCLINK_KEY_FILE` when set, else `~/.pubky/secret_key` (shared with the
 * Pubky ecosystem). Empty variables count as unset.
 */
export const keyFilePath = (
  variables: { readonly keyFile?: string | undefined; readonly home?: string | undefined }
): string => variables.keyFile ? resolve(variables.keyFile) : join(variables.home || homedir(), ".pubky", "secret_key")

/** Mode 0600 and nothing else; a plaintext key is 64 bytes and an envelope about 300, so far larger is not a key. */
export const KEY_FILE_READ: ReadOptions = { what: "key file", modes: [0o600], maxBytes: 4096 }
