/**
 * The package as another Effect program sees it: `import ... from "cclink"`
 * resolves to the built library (dist/lib, built by `npm test`), with the
 * services, their layers and the domain, enough for a whole handoff.
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { describe, expect, it } from "vitest"

const program = `
import { Duration, Effect, Layer } from "effect"
import { DhtConfig, DhtMainline, Handoffs, Keypair, publishMode, Testnet } from "cclink"

const keypair = Keypair.generate()
const handoff = Effect.gen(function*() {
  const handoffs = yield* Handoffs
  const mode = yield* publishMode({ burn: false, pin: false, share: undefined })
  const payload = { hostname: "a", project: "/p", sessionId: "3f2a9c1e-1111-4222-8333-444455556666" }
  yield* handoffs.publish({ keypair, payload, ttl: 3600, mode })
  const verified = yield* handoffs.resolveActive(keypair.publicKey)
  const opened = yield* handoffs.open(verified, { _tag: "Keypair", keypair })
  return opened.sessionId
})
// A local Mainline network of real nodes on 127.0.0.1, and the Mainline layer over UDP.
const run = Effect.scoped(Effect.gen(function*() {
  const network = yield* Testnet.make(20)
  const config = { bootstrap: network.bootstrap, relays: [], useDht: true, timeout: Duration.seconds(20), stateDir: undefined }
  const layer = Handoffs.layer.pipe(Layer.provide(DhtMainline.layer), Layer.provide(Layer.succeed(DhtConfig, config)))
  return yield* Effect.provide(handoff, layer)
}))
console.log(await Effect.runPromise(run))
`

const carried = `
import { Duration, Effect, Layer } from "effect"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Carry, CarryArchive, CarryConfig, CarryLive, CarryTestnet, DhtConfig, DhtMainline, Handoffs, Keypair,
  publishMode, Testnet, X25519 } from "cclink"

const keypair = Keypair.generate()
const sessionId = "3f2a9c1e-1111-4222-8333-444455556666"
const dir = mkdtempSync(join(tmpdir(), "cclink-library-"))
mkdirSync(join(dir, "a"))
mkdirSync(join(dir, "b"))
writeFileSync(join(dir, "a", sessionId + ".jsonl"), "{}\\n")
const handoff = Effect.gen(function*() {
  const handoffs = yield* Handoffs
  const carry = yield* Carry
  const packed = yield* CarryArchive.pack({ folder: join(dir, "a"), sessionId, recipient: X25519.recipientOf(keypair.publicKey), into: join(dir, "a.age") })
  const serving = yield* carry.serve(packed)
  const ticket = { ...packed, serverKey: serving.serverKey, clientSecret: serving.clientSecret }
  const mode = yield* publishMode({ burn: false, pin: false, share: undefined })
  yield* handoffs.publish({ keypair, payload: { hostname: "a", project: "/p", sessionId, carry: ticket }, ttl: 3600, mode })
  const opened = yield* handoffs.open(yield* handoffs.resolveActive(keypair.publicKey), { _tag: "Keypair", keypair })
  yield* carry.fetch(opened.carry, join(dir, "b.age"), { patience: Duration.seconds(10) })
  const files = yield* CarryArchive.unpack({ file: join(dir, "b.age"), identity: X25519.identityOf(keypair), sessionId,
    unpackedSize: opened.carry.unpackedSize, into: join(dir, "b") })
  return files.map((file) => file.name + " " + readFileSync(join(dir, "b", file.name), "utf8").trim()).join()
})
const run = Effect.scoped(Effect.gen(function*() {
  const network = yield* Testnet.make(20)
  const carryNetwork = yield* CarryTestnet.make(5)
  const config = { bootstrap: network.bootstrap, relays: [], useDht: true, timeout: Duration.seconds(20), stateDir: undefined }
  const layer = Layer.mergeAll(
    Handoffs.layer.pipe(Layer.provide(DhtMainline.layer), Layer.provide(Layer.succeed(DhtConfig, config))),
    CarryLive.layer.pipe(Layer.provide(Layer.succeed(CarryConfig, { bootstrap: carryNetwork.bootstrap })))
  )
  return yield* Effect.provide(handoff, layer)
}))
console.log(await Effect.runPromise(run).finally(() => rmSync(dir, { recursive: true, force: true })))
`

describe("the library", () => {
  it("is importable as `cclink` and runs a handoff through its layers on a local DHT", () => {
    expect(existsSync("dist/lib/index.js"), "run `npm run build` first").toBe(true)
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8" })
    expect(out.trim()).toBe("3f2a9c1e-1111-4222-8333-444455556666")
  })

  it("carries a conversation through its layers: packed, served on a local carry network, fetched, unpacked", () => {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", carried], { encoding: "utf8" })
    expect(out.trim()).toBe("3f2a9c1e-1111-4222-8333-444455556666.jsonl {}")
  })

  it("ships type declarations for its entry", () => {
    expect(existsSync("dist/lib/index.d.ts")).toBe(true)
  })
})
