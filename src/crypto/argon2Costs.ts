/**
 * Argon2id cost parameters: the spec's defaults and the bounds within which
 * costs read from an untrusted key-file header are accepted. Kept apart from
 * the KDF itself so reading a key file's header loads no hashing code.
 */
export interface Argon2Costs {
  readonly memoryKiB: number
  readonly iterations: number
  readonly parallelism: number
}

/** What cclink writes, and the fixed costs of PIN mode (spec sections 2 and 5). */
export const defaultCosts: Argon2Costs = { memoryKiB: 65536, iterations: 3, parallelism: 1 }

/**
 * Costs that Argon2 accepts and that cannot exhaust the machine. Costs read
 * from a key file are untrusted: hash-wasm cannot allocate 2 GiB at all, and
 * 1 GiB (16 times the default) with at most 64 passes bounds the work a
 * damaged header can cause.
 */
export const withinBounds = ({ iterations, memoryKiB, parallelism }: Argon2Costs): boolean =>
  Number.isInteger(memoryKiB) &&
  Number.isInteger(iterations) &&
  Number.isInteger(parallelism) &&
  parallelism >= 1 &&
  parallelism <= 64 &&
  iterations >= 1 &&
  iterations <= 64 &&
  memoryKiB >= 8 * parallelism &&
  memoryKiB <= 1024 * 1024
