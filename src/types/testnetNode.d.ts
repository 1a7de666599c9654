// A testnet's node is a bittorrent-dht node. The library's published types
// show the few members callers use (TestnetNode in src/dht/testnet.ts), as
// bittorrent-dht is bundled and its types are not the caller's to resolve;
// here, inside the repository, the tests and the benchmark see all of it.
import type DHT from "bittorrent-dht"

declare module "../dht/testnet.js" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merged into the published interface, it adds the whole node
  interface TestnetNode extends DHT {}
}
