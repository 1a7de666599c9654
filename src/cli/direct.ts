/**
 * `cclink whoami` (and `whoami --json`) on a plaintext key, without the
 * Effect runtime. Starting Effect and its command-line parser costs more than
 * Node itself does; this path reads the key with the same code and the same
 * checks as `KeyStore` (keyFile.ts, secretFileRead.ts, hexSeed.ts) and prints
 * what the handler prints (identity.ts). It only ever answers when all is
 * well: anything else (no key, wrong mode, a passphrase-protected or damaged
 * key, an unreadable folder) is left to the full command, which explains it.
 */
import { Either } from "effect"
import { isEnvelope } from "../crypto/envelopeHeader.js"
import { publicKeyOf } from "../domain/ed25519.js"
import { decodeSeedHex } from "../services/hexSeed.js"
import { KEY_FILE_READ, keyFilePath } from "../services/keyFile.js"
import { readSecretFileSync } from "../services/secretFileRead.js"
import { describeIdentity } from "./identity.js"

/** Prints the identity and returns true, or returns false having printed nothing. */
export const quickWhoami = (args: ReadonlyArray<string>, env: NodeJS.ProcessEnv): boolean => {
  const json = args.length === 2 && args[1] === "--json"
  if (args[0] !== "whoami" || !(args.length === 1 || json)) return false
  const path = keyFilePath({ keyFile: env.CCLINK_KEY_FILE, home: env.HOME })
  const read = readSecretFileSync(path, KEY_FILE_READ, process.platform)
  if (Either.isLeft(read)) return false
  const bytes = read.right
  try {
    if (isEnvelope(bytes)) return false
    const seed = decodeSeedHex(bytes)
    if (Either.isLeft(seed)) return false
    try {
      process.stdout.write(`${describeIdentity(publicKeyOf(seed.right), path, json)}\n`)
    } finally {
      seed.right.fill(0)
    }
    return true
  } finally {
    bytes.fill(0)
  }
}
