/**
 * Argon2id (v0x13) raw output. The native binding (`@node-rs/argon2`, the
 * RustCrypto implementation, prebuilt: npm installs the one package built
 * for the platform, no install script, no compiler) runs about as fast as
 * the C reference `argon2` command and on libuv's thread pool, so it neither
 * blocks the event loop nor outlives a timeout's interruption silently.
 * hash-wasm, about twice as slow and synchronous, is the fallback where no
 * prebuilt binding loads. Both give the same bytes.
 *
 * Neither wipes its working memory when it frees it (the C library did):
 * the 64 MiB of blocks and the binding's copy of the secret are released
 * to the allocator as they are. Wiping that memory would need either
 * library to do it; this process's own copies are wiped by the callers.
 */
import type { Argon2Costs } from "./argon2Costs.js"

type Implementation = (secretUtf8: Uint8Array, salt: Uint8Array, costs: Argon2Costs) => Promise<Uint8Array>

/** `Algorithm.Argon2id` and `Version.V0x13` of the binding (const enums, which isolated modules cannot import). */
const ARGON2ID = 2
const V0X13 = 1

export const nativeArgon2id: Implementation = async (secretUtf8, salt, costs) => {
  const { hashRaw } = await import("@node-rs/argon2")
  const hash = await hashRaw(secretUtf8, {
    algorithm: ARGON2ID,
    version: V0X13,
    salt,
    memoryCost: costs.memoryKiB,
    timeCost: costs.iterations,
    parallelism: costs.parallelism,
    outputLen: 32
  })
  return new Uint8Array(hash.buffer, hash.byteOffset, hash.byteLength)
}

export const portableArgon2id: Implementation = async (secretUtf8, salt, costs) => {
  const { argon2id } = await import("hash-wasm/dist/argon2.umd.min.js")
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
  chosen ??= import("@node-rs/argon2").then(() => nativeArgon2id, () => portableArgon2id)
  return (await chosen)(secretUtf8, salt, costs)
}
