/**
 * Child process for the crash tests: the live KeyStore saves a plaintext key
 * over the one at CCLINK_KEY_FILE, with every file-system call the save makes
 * counted (by patching node:fs, which `syncBuiltinESMExports` carries into the
 * ES module bindings the store imported).
 *
 *   count <seed>          save, then print the calls made, one per line
 *   pause <n> <seed>      print "PAUSED <call>" just before call n and hang, to be killed there
 *   fail <n> <seed>       make call n throw EIO
 *   loop <seed> <seed>    save the two seeds in turn until killed
 *   race <seed> <other>   save without overwrite while <other> appears at the destination
 *                         just after the store checked that there was no key
 *
 * A finished save prints "SAVED" or "FAILED <tag> <code>".
 */
import { Effect, Either, Layer } from "effect"
import fs from "node:fs"
import { syncBuiltinESMExports } from "node:module"
import { Keypair } from "../../src/domain/keys.js"
import { KeyStore } from "../../src/services/KeyStore.js"
import { Passphrase } from "../../src/services/Passphrase.js"

const SAVE_CALLS = [
  "mkdirSync",
  "chmodSync",
  "openSync",
  "fchmodSync",
  "writeSync",
  "fsyncSync",
  "closeSync",
  "renameSync",
  "linkSync",
  "unlinkSync",
  "rmSync"
] as const

const [mode = "", ...args] = process.argv.slice(2)
const print = fs.writeSync.bind(fs, 1)
const calls: Array<string> = []
let armed = false

const target = mode === "pause" || mode === "fail" ? Number(args[0]) : mode === "race" ? 1 : 0
for (const name of SAVE_CALLS) {
  const original = fs[name] as (...a: Array<unknown>) => unknown
  ;(fs as unknown as Record<string, unknown>)[name] = (...a: Array<unknown>) => {
    if (armed) {
      calls.push(name)
      if (calls.length === target && mode === "pause") {
        print(`PAUSED ${name}\n`)
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000)
        process.exit(3)
      }
      if (calls.length === target && mode === "fail") {
        throw Object.assign(new Error(`injected failure in ${name}`), { code: "EIO" })
      }
      if (calls.length === target && mode === "race") {
        armed = false
        fs.writeFileSync(process.env["CCLINK_KEY_FILE"]!, args[1]!, { mode: 0o600 })
        armed = true
      }
    }
    return original(...a)
  }
}
syncBuiltinESMExports()

const keypairOf = (hex: string) => Either.getOrThrow(Keypair.fromSeed(Buffer.from(hex, "hex")))

const save = (keypair: Keypair) =>
  Effect.gen(function*() {
    const store = yield* KeyStore
    armed = true
    const result = yield* Effect.either(store.save(keypair, { overwrite: mode !== "race" }))
    armed = false
    return result
  })

const layer = KeyStore.layer.pipe(Layer.provide(Passphrase.layerTest({})))

if (mode === "loop") {
  const keypairs = args.map(keypairOf)
  print("READY\n")
  for (let i = 0;; i++) {
    await Effect.runPromise(save(keypairs[i % keypairs.length]!).pipe(Effect.provide(layer)))
  }
} else {
  const seed = mode === "count" || mode === "race" ? args[0] : args[1]
  const result = await Effect.runPromise(save(keypairOf(seed!)).pipe(Effect.provide(layer)))
  print(
    Either.isRight(result)
      ? "SAVED\n"
      : `FAILED ${result.left._tag} ${"code" in result.left ? result.left.code : ""}\n`
  )
  if (mode === "count") print(calls.map((call) => `${call}\n`).join(""))
}
