import DHT from "bittorrent-dht"
import bencode from "bencode"
import { Duration, Effect, Layer } from "effect"
import * as Testnet from "../src/dht/testnet.js"
import * as Mainline from "../src/dht/mainline.js"
import { targetOf } from "../src/dht/bep44.js"
import { Keypair, verify } from "../src/domain/keys.js"
import { Dht, DhtConfig } from "../src/services/Dht.js"

process.on("uncaughtException", (e) => { console.log("UNCAUGHT", e.message); process.exit(9) })
const client = (bootstrap: ReadonlyArray<string>) =>
  Mainline.layer.pipe(Layer.provide(Layer.succeed(DhtConfig, { bootstrap, relays: [], useDht: true, timeout: Duration.seconds(10), stateDir: undefined })))
const mode = process.argv[2] ?? "intid"
await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
  const net = yield* Testnet.make(20)
  const k = Keypair.generate()
  const target = targetOf(k.publicKey)
  const nodeId = Buffer.from(target); nodeId[19] ^= 1
  const h = new DHT({ bootstrap: net.bootstrap, verify, nodeId })
  yield* Effect.async<void>((r) => { h.once("ready", () => r(Effect.void)); h.listen(0, "127.0.0.1") })
  let hits = 0
  h._rpc.socket.removeAllListeners("query")
  h._rpc.socket.on("query", (q: any, peer: any) => {
    hits++
    const r: any = mode === "intid" ? { id: 5 } : mode === "listid" ? { id: [1,2] } : mode === "strid" ? { id: "abc" } : { id: h._rpc.id, nodes: 7 }
    const buf = bencode.encode({ t: q.t, y: "r", r })
    h._rpc.socket.socket.send(buf, peer.port, peer.address)
  })
  const t = performance.now()
  const res = yield* Effect.either(Effect.flatMap(Dht, (d) => d.resolve(k.publicKey)).pipe(Effect.provide(client(net.bootstrap))))
  console.log(mode, "hits", hits, "result", res._tag, res._tag === "Left" ? (res.left as any)._tag : "", performance.now() - t)
  h.destroy()
})))
