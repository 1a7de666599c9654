/**
 * Argon2id: one PIN derivation in cclink (through `@node-rs/argon2`, or
 * hash-wasm where it cannot load) against the C reference `argon2` binary
 * with the same parameters, side by side, each in a fresh process.
 *
 * cclink's figure is the derivation alone, timed inside its process
 * (bench/derive.ts): Node's start-up and module loading are the start-up
 * benchmark's subject, paid once per command whatever the command does. The
 * binary's figure is its whole process, whose exec costs about a millisecond
 * next to the derivation's hundreds. Both allocate and touch their 64 MiB
 * afresh; deriving repeatedly in this process would reuse WebAssembly memory
 * already grown and flatter cclink.
 *
 * Before measuring, cclink's key is checked to be HKDF of the binary's
 * Argon2id output: the same work, not merely the same flags.
 */
import { hkdf } from "@noble/hashes/hkdf.js"
import { sha256 } from "@noble/hashes/sha2.js"
import { Effect } from "effect"
import { fileURLToPath } from "node:url"
import { defaultCosts } from "../src/crypto/argon2Costs.js"
import { run } from "./child.js"
import { environment, node } from "./cli.js"
import { PIN } from "./homes.js"
import { type Comparison, sideBySide } from "./sideBySide.js"

export type Argon2Result = Comparison

const SALT = "cclink-bench-salt"
const PIN_INFO = new TextEncoder().encode("cclink-pin-v1")
const ROOT = fileURLToPath(new URL("..", import.meta.url))
const DERIVE = fileURLToPath(new URL("derive.ts", import.meta.url))

/** `argon2 SALT -id -t 3 -m 16 -p 1 -l 32 -r`: the costs of `defaultCosts`, memory as a power of two KiB. */
const referenceArgs = [
  SALT,
  "-id",
  "-t",
  String(defaultCosts.iterations),
  "-m",
  String(Math.log2(defaultCosts.memoryKiB)),
  "-p",
  String(defaultCosts.parallelism),
  "-l",
  "32",
  "-r"
]

export const measure = (runs: number): Effect.Effect<Argon2Result> => {
  const env = environment({})
  const ours = node(["--import", "tsx", DERIVE, PIN, SALT], { env, cwd: ROOT }).pipe(
    Effect.filterOrDieMessage((finished) => Number(finished.fd3) > 0, "bench/derive.ts reported no time")
  )
  const reference = Effect.filterOrDieMessage(
    run("argon2", referenceArgs, { env, stdin: PIN }),
    (finished) => /^[0-9a-f]{64}$/.test(finished.stdout.trim()),
    "argon2 printed no 32-byte hash"
  )
  const sameKey = Effect.zip(ours, reference).pipe(
    Effect.filterOrDieMessage(
      ([cclink, argon2]) =>
        cclink.stdout.trim() ===
          Buffer.from(hkdf(sha256, Buffer.from(argon2.stdout.trim(), "hex"), undefined, PIN_INFO, 32)).toString("hex"),
      "cclink's PIN key is not HKDF of the argon2 binary's output: the parameters differ"
    )
  )
  return Effect.zipRight(
    sameKey,
    sideBySide(
      runs,
      Effect.map(ours, (finished) => Number(finished.fd3)),
      Effect.map(reference, (finished) => finished.ms)
    )
  )
}
