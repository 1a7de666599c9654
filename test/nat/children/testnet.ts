/**
 * The public side's bootstrap: a HyperDHT testnet of `size` nodes bound to
 * `host` (the public host's address). Prints `{"bootstrap":["host:port"]}`
 * once every node has bootstrapped, then serves until stopped.
 *
 * Usage: testnet.ts <host> <size>
 */
import { createTestnet } from "../support/hyperdht.js"
import { emit, onStop } from "./lines.js"

const [host, size] = process.argv.slice(2)
const testnet = await createTestnet(Number(size), { host: host! })
onStop(() => testnet.destroy())
emit({ bootstrap: testnet.bootstrap.map((node) => `${node.host}:${node.port}`) })
