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

describe("the library", () => {
  it("is importable as `cclink` and runs a handoff through its layers on a local DHT", () => {
    expect(existsSync("dist/lib/index.js"), "run `npm run build` first").toBe(true)
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8" })
    expect(out.trim()).toBe("3f2a9c1e-1111-4222-8333-444455556666")
  })

  it("ships type declarations for its entry", () => {
    expect(existsSync("dist/lib/index.d.ts")).toBe(true)
  })
})
