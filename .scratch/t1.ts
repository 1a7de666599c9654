import { Duration, Effect, Layer } from "effect"
import * as Testnet from "../src/dht/testnet.js"
import * as Mainline from "../src/dht/mainline.js"
import { Keypair, verify } from "../src/domain/keys.js"
import { Dht, DhtConfig } from "../src/services/Dht.js"

const t0 = performance.now()
const kp = Keypair.generate()
const msg = new Uint8Array(600)
let t = performance.now()
let sig: Uint8Array = new Uint8Array()
for (let i = 0; i < 1000; i++) sig = kp.sign(msg)
console.log("sign ms", (performance.now() - t) / 1000)
t = performance.now()
for (let i = 0; i < 1000; i++) verify(sig, msg, kp.publicKey)
console.log("verify ms", (performance.now() - t) / 1000)
t = performance.now()
for (let i = 0; i < 200; i++) Keypair.generate()
console.log("keygen ms", (performance.now() - t) / 200)

const client = (bootstrap: ReadonlyArray<string>) =>
  Mainline.layer.pipe(Layer.provide(Layer.succeed(DhtConfig, { bootstrap, relays: [], useDht: true, timeout: Duration.seconds(30), stateDir: undefined })))

await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
  for (const n of [40, 120]) {
    let t = performance.now()
    const net = yield* Testnet.make(n)
    console.log("testnet", n, performance.now() - t)
    for (let i = 0; i < 3; i++) {
      const k = Keypair.generate()
      t = performance.now()
      yield* Effect.flatMap(Dht, (d) => d.publish(k, "x".repeat(600))).pipe(Effect.provide(client(net.bootstrap)))
      const p = performance.now() - t
      t = performance.now()
      yield* Effect.flatMap(Dht, (d) => d.resolve(k.publicKey)).pipe(Effect.provide(client(net.bootstrap)))
      console.log("pub", p, "res", performance.now() - t)
    }
  }
})))
console.log("total", performance.now() - t0)
