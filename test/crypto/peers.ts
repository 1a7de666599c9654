/**
 * The reference tools as interop peers: the Go `age`/`age-keygen` and the C
 * `argon2` binaries, run as real subprocesses, and OpenSSL's HKDF through
 * node:crypto, so no expected value is computed by the code under test.
 */
import { spawnSync } from "node:child_process"
import { hkdfSync } from "node:crypto"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Argon2Costs } from "../../src/crypto/argon2Costs.js"

const run = (command: string, args: ReadonlyArray<string>, input: Uint8Array | string = ""): Buffer => {
  const result = spawnSync(command, args, { input, env: { ...process.env, LC_ALL: "C" } })
  if (result.error !== undefined) throw result.error
  if (result.status !== 0) throw new Error(`${command} exited ${result.status}: ${result.stderr.toString()}`)
  return result.stdout
}

/** Runs `body` with an identity file at mode 0600, removed afterwards. */
const withIdentityFile = <A>(identity: string, body: (path: string) => A): A => {
  const dir = mkdtempSync(join(tmpdir(), "cclink-crypto-"))
  try {
    const path = join(dir, "identity.txt")
    writeFileSync(path, `${identity}\n`, { mode: 0o600 })
    return body(path)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** `age-keygen -y`: the recipient the reference tool computes for an identity. */
export const keygenRecipient = (identity: string): string =>
  withIdentityFile(identity, (path) => run("age-keygen", ["-y", path]).toString().trim())

/** `age -d -i <identity file>`. */
export const ageDecrypt = (ciphertext: Uint8Array, identity: string): Uint8Array =>
  withIdentityFile(identity, (path) => new Uint8Array(run("age", ["-d", "-i", path], ciphertext)))

/** `age -r <recipient>`, binary output. */
export const ageEncrypt = (plaintext: Uint8Array, recipient: string): Uint8Array =>
  new Uint8Array(run("age", ["-r", recipient], plaintext))

/**
 * The `argon2` binary's raw Argon2id output. The tool takes the salt as an
 * argument, so bash's printf turns `\xHH` escapes into the exact bytes (a
 * trailing `x` keeps command substitution from eating trailing newlines).
 * argv cannot carry NUL: salts containing 0x00 are refused here.
 */
export const argon2Raw = (secret: Uint8Array, salt: Uint8Array, costs: Argon2Costs): Uint8Array => {
  if (salt.includes(0)) throw new Error("argv cannot carry a NUL salt byte")
  const escaped = Array.from(salt, (byte) => `\\x${byte.toString(16).padStart(2, "0")}`).join("")
  const script =
    "salt=\"$(printf \"$1\"; printf x)\"; exec argon2 \"${salt%x}\" -id -k \"$2\" -t \"$3\" -p \"$4\" -l 32 -r"
  const args = [escaped, costs.memoryKiB, costs.iterations, costs.parallelism].map(String)
  const hex = run("bash", ["-c", script, "argon2", ...args], secret).toString().trim()
  return Uint8Array.from(Buffer.from(hex, "hex"))
}

/**
 * The spec's key derivation from the reference parts alone: the argon2
 * binary's raw output through OpenSSL's HKDF-SHA256 (an empty salt is the
 * RFC 5869 "salt = none").
 */
export const referenceKey = (secret: string, salt: Uint8Array, costs: Argon2Costs, info: string): Uint8Array => {
  const ikm = argon2Raw(new TextEncoder().encode(secret), salt, costs)
  return new Uint8Array(hkdfSync("sha256", ikm, new Uint8Array(0), info, 32))
}
