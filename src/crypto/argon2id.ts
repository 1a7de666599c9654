/**
 * Argon2id (v0x13) raw output. The native binding (the `argon2` package,
 * prebuilt, the C reference implementation) runs as fast as the `argon2`
 * command and on libuv's thread pool, so it neither blocks the event loop nor
 * outlives a timeout's interruption silently; its working memory is wiped by
 * the C library when freed. hash-wasm, about twice as slow and synchronous,
 * is the fallback where no prebuilt binding loads. Both give the same bytes.
 */
import type { Argon2Costs } from "./argon2Costs.js"

type Implementation = (secretUtf8: Uint8Array, salt: Uint8Array, costs: Argon2Costs) => Promise<Uint8Array>

/** Buffers over the caller's bytes, not copies: the caller wipes the only copy of the secret. */
const view = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

export const nativeArgon2id: Implementation = async (secretUtf8, salt, costs) => {
  const argon2 = await import("argon2")
  const hash = await argon2.hash(view(secretUtf8), {
    type: argon2.argon2id,
    version: 0x13,
    raw: true,
    salt: view(salt),
    memoryCost: costs.memoryKiB,
    timeCost: costs.iterations,
    parallelism: costs.parallelism,
    hashLength: 32
  })
  return new Uint8Array(hash.buffer, hash.byteOffset, hash.byteLength)
}

export const portableArgon2id: Implementation = async (secretUtf8, salt, costs) => {
  const { argon2id } = await import("hash-wasm")
  return argon2id({
    password: secretUtf8,
    salt,
    memorySize: costs.memoryKiB,
    iterations: costs.iterations,
    parallelism: costs.parallelism,
    hashLength: 32,
    outputType: "binary"
  })
}

let chosen: Promise<Implementation> | undefined

/** The native binding when it loads on this platform, hash-wasm otherwise; decided once per process. */
export const argon2id: Implementation = async (secretUtf8, salt, costs) => {
  chosen ??= import("argon2").then(() => nativeArgon2id, () => portableArgon2id)
  return (await chosen)(secretUtf8, salt, costs)
}
