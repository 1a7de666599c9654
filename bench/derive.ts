/**
 * Child of bench/argon2.ts: one PIN derivation as cclink makes it (Argon2id
 * at the default costs, then HKDF-SHA256) in a fresh process, so the 64 MiB
 * are allocated and touched anew as in a command. Writes the milliseconds
 * from the call to the key on file descriptor 3.
 *
 *   node --import tsx bench/derive.ts PIN SALT 3>&1
 */
import { Effect } from "effect"
import { writeSync } from "node:fs"
import { defaultCosts } from "../src/crypto/argon2Costs.js"
import { deriveKey } from "../src/crypto/kdf.js"

const [pin = "", salt = ""] = process.argv.slice(2)
const encode = (text: string) => new TextEncoder().encode(text)

const start = performance.now()
const key = await Effect.runPromise(deriveKey(encode(pin), encode(salt), defaultCosts, "cclink-pin-v1"))
const ms = performance.now() - start
process.stdout.write(`${Buffer.from(key).toString("hex")}\n`)
key.fill(0)
writeSync(3, `${ms}\n`)
