/**
 * A blind relay on the public host (the `blind-relay` package HyperDHT uses
 * for `relayThrough`): a HyperDHT server whose connections may ask it to
 * pair two UDX streams and pass their (end-to-end encrypted) packets along.
 * Prints `{"publicKey"}` once listening, then serves until stopped.
 *
 * Usage: relay.ts <bootstrap,...>
 */
import { createRequire } from "node:module"
import { HyperDHT, type SecretStream } from "../support/hyperdht.js"
import { emit, onStop } from "./lines.js"

interface RelayServer {
  accept(connection: SecretStream, options: { readonly id: Buffer }): NodeJS.EventEmitter
  close(): Promise<void>
}

const { Server } = createRequire(import.meta.url)("blind-relay") as {
  Server: new(options: { createStream: (options: object) => unknown }) => RelayServer
}

const [bootstrap] = process.argv.slice(2)
// Public, and known to be: clients connect to it directly rather than punch to it.
const node = new HyperDHT({ bootstrap: bootstrap!.split(","), ephemeral: false, firewalled: false })
const relay = new Server({ createStream: (options) => node.createRawStream({ ...options, framed: true }) })
const server = node.createServer({}, (connection) => {
  connection.on("error", () => {})
  relay.accept(connection, { id: connection.remotePublicKey }).on("error", () => {})
})
const keyPair = HyperDHT.keyPair()
await server.listen(keyPair)
onStop(async () => {
  await relay.close()
  await node.destroy()
})
emit({ publicKey: keyPair.publicKey.toString("hex") })
