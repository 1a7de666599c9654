/**
 * The relay that pkarr 1.3.0 ships (`pkarr/lib/relay.js`), run on 127.0.0.1
 * in front of a testnet: each PUT is a BEP 44 put and each GET a lookup on
 * the DHT behind it, through pkarr's own DHT wrapper. It logs every request
 * to stdout, and its `listen` takes no host, so the server it wraps is bound
 * to 127.0.0.1 directly.
 */
import { Effect } from "effect"
import { DHT } from "pkarr/lib/dht.js"
import Server from "pkarr/lib/relay.js"

/** pkarr's DHT keeps a routing table under ~/.config/pkarr unless given a storage: keep none. */
const noStorage = { _location: "", _loaded: [], loadRoutingTable: () => {}, saveRoutingTable: () => {} }

export const startPkarrRelay = (bootstrap: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const dht = new DHT({
        bootstrap: bootstrap.map((address) => ({ host: address.split(":")[0]!, port: Number(address.split(":")[1]) })),
        storage: noStorage
      })
      await new Promise((resolve) => (dht._dht.ready ? resolve(undefined) : dht._dht.once("ready", resolve)))
      const server = new Server({ dht })
      await new Promise((resolve) => server._server.listen(0, "127.0.0.1", () => resolve(undefined)))
      return server
    }),
    (server) =>
      Effect.promise(async () => {
        server._server.closeAllConnections()
        await server.close()
      })
  ).pipe(Effect.map((server) => `http://127.0.0.1:${server.port}`))
