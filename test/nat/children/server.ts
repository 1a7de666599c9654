/**
 * A HyperDHT server on a machine of the NAT tests: listens on a fresh key
 * pair and sends every connection `bytes` random bytes, then ends it.
 * Prints `{"event":"listening",publicKey,sha256,...}`, then one
 * `{"event":"connection",kind,remote}` and one `{"event":"sent",...}` per
 * connection; serves until stopped.
 *
 * Usage: server.ts --bootstrap <host:port,...> --bytes <n> [--relay <public key, hex>] [--reachable]
 * (--reachable: the node is told it is publicly reachable instead of finding out, as a server operator would).
 */
import { createHash, randomBytes } from "node:crypto"
import { parseArgs } from "node:util"
import { connectionKind } from "../../../src/carry/connectionKind.js"
import { HyperDHT, type SecretStream } from "../support/hyperdht.js"
import { emit, onStop } from "./lines.js"

/** Below HyperDHT's 16 MiB atomic-write limit, and small enough to interleave with acknowledgements. */
const CHUNK = 64 * 1024

const { values } = parseArgs({
  options: {
    bootstrap: { type: "string" },
    bytes: { type: "string" },
    relay: { type: "string" },
    reachable: { type: "boolean", default: false }
  }
})
const payload = randomBytes(Number(values.bytes))
const node = new HyperDHT({
  bootstrap: values.bootstrap!.split(","),
  ...(values.reachable ? { firewalled: false } : {})
})

const serve = (connection: SecretStream) => {
  const raw = connection.rawStream
  emit({ event: "connection", kind: connectionKind(node, connection), remote: `${raw?.remoteHost}:${raw?.remotePort}` })
  connection.on(
    "error",
    (error: Error & { code?: string }) => emit({ event: "error", code: error.code ?? error.message })
  )
  for (let offset = 0; offset < payload.length; offset += CHUNK) {
    connection.write(payload.subarray(offset, offset + CHUNK))
  }
  connection.end()
  connection.once(
    "finish",
    () => emit({ event: "sent", bytes: payload.length, kind: connectionKind(node, connection) })
  )
}

const server = node.createServer(
  values.relay === undefined ? {} : { relayThrough: Buffer.from(values.relay, "hex") },
  serve
)
const keyPair = HyperDHT.keyPair()
await server.listen(keyPair)
onStop(() => node.destroy())
emit({
  event: "listening",
  publicKey: keyPair.publicKey.toString("hex"),
  sha256: createHash("sha256").update(payload).digest("hex"),
  firewalled: node.firewalled,
  remoteAddress: node.remoteAddress()
})
